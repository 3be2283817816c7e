// Turning a page's form fields into answers: what respondents type, and the messages they get.
import t from 'tap'
import { translator } from '../../src/i18n/catalogue.js'
import { describeAnswer, parsePage, answerToFields } from '../../src/questionnaire/answers.js'
import type { AnswerableQuestion, Question } from '../../src/questionnaire/schema.js'

const en = translator('en')
const q = {
  choice: { id: 'role', type: 'single_choice', text: 'Role', options: [{ code: 1, label: 'Manager' }, { code: 2, label: 'Other', other: true }] },
  many: { id: 'tasks', type: 'multiple_choice', text: 'Tasks', options: [{ code: 1, label: 'Cleaning' }, { code: 2, label: 'Meals' }, { code: 9, label: 'None of these', exclusive: true }] },
  count: { id: 'staff', type: 'number', text: 'Staff', min: 0, max: 50, dont_know: true, unit: 'people' },
  when: { id: 'started', type: 'date', text: 'Started', required: false },
  note: { id: 'note', type: 'short_text', text: 'Note', max_length: 10 },
  grid: { id: 'rate', type: 'grid', text: 'Rate', rows: [{ id: 'a', text: 'Speed' }, { id: 'b', text: 'Care' }], options: [{ code: 1, label: 'Good' }, { code: 2, label: 'Poor' }] },
} satisfies Record<string, Question>
const all = Object.values(q) as Question[]
const messagesOf = (form: Record<string, string | string[]>) => parsePage(all, form, en, 'en').errors.map((e) => `${e.fieldId}: ${e.message}`)

t.test('required answers, and every error names its field', async (t) => {
  t.same(messagesOf({}), [
    'role-0: Select an answer',
    'tasks-0: Select at least one answer',
    'staff: Enter a number, or select “Don’t know”',
    'note: Enter your answer',
    'rate__a-0: Select an answer for “Speed”',
    'rate__b-0: Select an answer for “Care”',
  ])
})

t.test('bad values are refused with a message saying how to fix them', async (t) => {
  t.same(
    messagesOf({ role: '2', role__other: ' ', tasks: ['1', '9'], staff: '51', staff__dont_know: '', started__day: '31', started__month: '2', started__year: '2020', note: 'far too long', rate__a: '7', rate__b: '1' }),
    [
      'role__other: Say what the other answer is',
      'tasks-0: Select “None of these” on its own, or choose other answers without it',
      'staff: Enter a number between 0 and 50',
      'started__day: Enter a real date, like 27 3 2020',
      'note: Your answer must be 10 characters or fewer',
      'rate__a-0: Select one of the answers shown',
    ],
  )
  t.same(messagesOf({ role: '5', tasks: '3', staff: '4', staff__dont_know: 'yes', started__day: '1', started__month: '', started__year: '2020', note: 'ok', rate__a: '1', rate__b: '1' }), [
    'role-0: Select one of the answers shown',
    'tasks-0: Select one of the answers shown',
    'staff: Enter a number or select “Don’t know”, not both',
    'started__month: The date must include a day, month and year',
  ])
})

t.test('good values become answers, and what was typed is kept for redisplay', async (t) => {
  const parsed = parsePage(all, { role: '2', role__other: ' Data lead ', tasks: ['1', '2'], staff: '1,2', started__day: '3', started__month: '11', started__year: '2019', note: 'ok\r\nfine', rate__a: '1', rate__b: '2' }, en, 'en')
  t.same(parsed.errors, [])
  t.same(parsed.answers, {
    role: { code: 2, other: 'Data lead' },
    tasks: { codes: [1, 2] },
    staff: { value: 12 },
    started: { value: '2019-11-03' },
    note: { value: 'ok\nfine' },
    rate: { rows: { a: 1, b: 2 } },
  })
  t.equal(parsed.values.staff, '1,2')
  const dontKnow = parsePage([q.count], { staff: '', staff__dont_know: 'yes' }, en, 'en')
  t.same(dontKnow.answers, { staff: { dont_know: true } })
  t.same(parsePage([q.when], {}, en, 'en').cleared, ['started'], 'an optional question left empty clears its answer')
})

t.test('answers read back in words, and fill their fields again', async (t) => {
  t.same(describeAnswer(q.choice as AnswerableQuestion, { code: 2, other: 'Data lead' }, en, 'en'), ['Other: Data lead'])
  t.same(describeAnswer(q.count as AnswerableQuestion, { value: 12 }, en, 'en'), ['12 people'])
  t.same(describeAnswer(q.count as AnswerableQuestion, { dont_know: true }, en, 'en'), ['Don’t know'])
  t.same(describeAnswer(q.when as AnswerableQuestion, { value: '2019-11-03' }, translator('cy'), 'cy'), ['3 Tachwedd 2019'])
  t.same(describeAnswer(q.grid as AnswerableQuestion, { rows: { a: 1, b: 2 } }, en, 'en'), ['Speed: Good', 'Care: Poor'])
  t.same(answerToFields(q.when as AnswerableQuestion, { value: '2019-11-03' }), { started__day: '3', started__month: '11', started__year: '2019' })
})

t.test('a number reads back with its unit in the form the number takes, in the respondent’s language', async (t) => {
  const buddies = {
    id: 'buddies',
    type: 'number',
    text: { en: 'Buddies', cy: 'Cyfeillion' },
    unit: { en: { one: 'buddy', other: 'buddies' }, cy: { zero: 'cyfeillion', one: 'cyfaill', two: 'gyfaill', few: 'chyfaill', many: 'chyfaill', other: 'cyfaill' } },
  } satisfies Question
  const read = (value: number, language: 'en' | 'cy') => describeAnswer(buddies, { value }, translator(language), language)[0]
  t.same([0, 1, 2, 12].map((n) => read(n, 'en')), ['0 buddies', '1 buddy', '2 buddies', '12 buddies'])
  t.same([0, 1, 2, 3, 4, 6, 13].map((n) => read(n, 'cy')), ['0 cyfeillion', '1 cyfaill', '2 gyfaill', '3 chyfaill', '4 cyfaill', '6 chyfaill', '13 cyfaill'])
  const englishOnly = { ...buddies, unit: { en: { one: 'buddy', other: 'buddies' } } } satisfies Question
  t.equal(describeAnswer(englishOnly, { value: 1 }, translator('cy'), 'cy')[0], '1 buddy', 'a unit with no Welsh falls back to English, chosen by English rules')
  const plain = { ...buddies, unit: { en: 'buddies', cy: 'cyfeillion' } } satisfies Question
  t.equal(describeAnswer(plain, { value: 1 }, translator('cy'), 'cy')[0], '1 cyfeillion', 'plain text is shown after every number, as before forms existed')
  t.equal(describeAnswer({ ...buddies, unit: undefined }, { value: 5 }, en, 'en')[0], '5', 'no unit, the number alone')
})
