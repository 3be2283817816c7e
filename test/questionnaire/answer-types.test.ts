// The new answer types, read as people really type them: "£1,234.50", "12.5%", " sw1a 1aa ",
// "+44 7700 900982", month "2" year "2020"; each mistake gets the GOV.UK-style message in English
// and Welsh, with what was typed kept; and each answer reads back as the respondent would say it.
import t from 'tap'
import { translator } from '../../src/i18n/catalogue.js'
import { ukToday } from '../../src/i18n/uk-dates.js'
import { answerToFields, describeAnswer, parsePage, sanitizeAnswers, type FormFields } from '../../src/questionnaire/answers.js'
import { parseEmail, parsePhone, parsePostcode } from '../../src/questionnaire/answer-types.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import type { AnswerableQuestion, Language, Question } from '../../src/questionnaire/schema.js'
import { questionIndex } from '../../src/questionnaire/skip-logic.js'
import { FIXTURES } from '../helpers/app.js'

const definition = loadCatalogue(`${FIXTURES}/surveys-types`).catalogue!.find('service-types', '1')!.definition
const questions = definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions))
const q = (id: string) => questions.find((x) => x.id === id)! as AnswerableQuestion

function parseOne(question: Question, fields: FormFields, language: Language = 'en') {
  return parsePage([question], fields, translator(language), language)
}

t.test('money as people type it: pound sign, thousands commas, pence, spaces', async (t) => {
  const spend = q('spend')
  const cases: [string, number][] = [
    ['£1,234.50', 1234.5],
    ['1234.5', 1234.5],
    [' £ 600 ', 600],
    ['0.99', 0.99],
    ['£0', 0],
  ]
  for (const [typed, value] of cases) t.same(parseOne(spend, { spend: typed }).answers.spend, { value }, typed)
  const errors = (typed: string, language: Language = 'en') => parseOne(spend, { spend: typed }, language).errors.map((e) => e.message)
  t.same(errors(''), ['Enter an amount'])
  t.same(errors('', 'cy'), ['Rhowch swm'])
  t.same(errors('about £40'), ['Enter an amount in pounds, like £1,234.50'])
  t.same(errors('£12.345'), ['Enter pence as 2 numbers after the decimal point, like £1,234.50'])
  t.same(errors('-£5'), ['Enter an amount that is £0.00 or more'])
  t.same(errors('-£5', 'cy'), ['Rhowch swm sy’n £0.00 neu fwy'])
  t.equal(parseOne(spend, { spend: 'about £40' }).values.spend, 'about £40', 'what was typed is kept')
  t.same(describeAnswer(spend, { value: 1234.5 }, translator('en'), 'en'), ['£1,234.50'], 'pence always shown')
  t.same(describeAnswer(spend, { value: 600 }, translator('cy'), 'cy'), ['£600.00'])
})

t.test('percentages: 0 to 100, a per cent sign, one decimal place here', async (t) => {
  const share = q('share_assessed')
  t.same(parseOne(share, { share_assessed: '12.5%' }).answers.share_assessed, { value: 12.5 })
  t.same(parseOne(share, { share_assessed: '100' }).answers.share_assessed, { value: 100 })
  t.same(parseOne(share, { share_assessed: ' 0 % ' }).answers.share_assessed, { value: 0 })
  const errors = (typed: string, language: Language = 'en') => parseOne(share, { share_assessed: typed }, language).errors.map((e) => e.message)
  t.same(errors('100.5'), ['Enter a percentage between 0% and 100%'])
  t.same(errors('-1'), ['Enter a percentage between 0% and 100%'])
  t.same(errors('12.55'), ['Enter a number with no more than 1 decimal place'])
  t.same(errors('12.55', 'cy'), ['Rhowch rif gyda dim mwy na 1 lle degol'])
  t.same(errors('half'), ['Enter a percentage as a number, like 12.5'])
  t.same(errors(''), ['Enter a percentage'])
  t.same(describeAnswer(share, { value: 12.5 }, translator('en'), 'en'), ['12.5%'])
})

t.test('decimal numbers: up to the places allowed, within the range', async (t) => {
  const hours = q('hours_per_week')
  t.same(parseOne(hours, { hours_per_week: '7.25' }).answers.hours_per_week, { value: 7.25 })
  t.same(parseOne(hours, { hours_per_week: '.5' }).answers.hours_per_week, { value: 0.5 })
  t.same(parseOne(hours, { hours_per_week: '' }).errors, [], 'optional: left blank is fine')
  const errors = (typed: string) => parseOne(hours, { hours_per_week: typed }).errors.map((e) => e.message)
  t.same(errors('7.255'), ['Enter a number with no more than 2 decimal places'])
  t.same(errors('169'), ['Enter a number between 0 and 168'])
  t.same(errors('seven'), ['Enter a number, like 12.5'])
  t.same(describeAnswer(hours, { value: 1234.5 }, translator('en'), 'en'), ['1,234.5'])
  // Whole numbers keep their old message and units.
  const referrals = q('referrals')
  t.same(parseOne(referrals, { referrals: '2.5' }).errors.map((e) => e.message), ['Enter a whole number, like 12'])
  t.same(describeAnswer(referrals, { value: 2 }, translator('cy'), 'cy'), ['2 atgyfeiriad'])
})

t.test('a month and year: "2" and "2020" is February 2020; a month after this one is refused', async (t) => {
  const start = q('service_start')
  const fields = (month: string, year: string): FormFields => ({ service_start__month: month, service_start__year: year })
  t.same(parseOne(start, fields('2', '2020')).answers.service_start, { value: '2020-02' })
  t.same(parseOne(start, fields('12', '1999')).answers.service_start, { value: '1999-12' })
  const today = ukToday()
  const thisMonth = fields(String(today.month), String(today.year))
  t.same(parseOne(start, thisMonth).errors, [], 'this month is not in the future')
  const next = today.month === 12 ? fields('1', String(today.year + 1)) : fields(String(today.month + 1), String(today.year))
  const errors = (f: FormFields, language: Language = 'en') => parseOne(start, f, language).errors.map((e) => `${e.fieldId}: ${e.message}`)
  t.same(errors(next), ['service_start__month: The month must be this month or in the past'])
  t.same(errors(next, 'cy'), ['service_start__month: Rhaid i’r mis fod y mis hwn neu yn y gorffennol'])
  t.same(errors(fields('', '')), ['service_start__month: Enter a month and year'])
  t.same(errors(fields('2', '')), ['service_start__year: The date must include a year'])
  t.same(errors(fields('', '2020')), ['service_start__month: The date must include a month'])
  t.same(errors(fields('13', '2020')), ['service_start__month: Enter a real month and year, like 3 2020'])
  t.same(errors(fields('2', '20')), ['service_start__month: Enter a real month and year, like 3 2020'])
  t.same(describeAnswer(start, { value: '2020-02' }, translator('en'), 'en'), ['February 2020'])
  t.same(describeAnswer(start, { value: '2020-02' }, translator('cy'), 'cy'), ['Chwefror 2020'])
  t.same(answerToFields(start, { value: '2020-02' }), { service_start__month: '2', service_start__year: '2020' }, 'shown again as typed')
  const page = parseOne(start, { ...fields('2', '2020'), service_start__day: '14' })
  t.same(page.answers.service_start, { value: '2020-02' }, 'a day sent anyway is ignored')
})

t.test('a date that may not be in the future: today is fine, tomorrow is not (UK date)', async (t) => {
  const review = q('last_review')
  const today = ukToday()
  const fields = (d: Date): FormFields => ({ last_review__day: String(d.getUTCDate()), last_review__month: String(d.getUTCMonth() + 1), last_review__year: String(d.getUTCFullYear()) })
  const todayUtc = new Date(Date.UTC(today.year, today.month - 1, today.day))
  t.same(parseOne(review, fields(todayUtc)).errors, [])
  const tomorrow = new Date(todayUtc.getTime() + 86_400_000)
  t.same(parseOne(review, fields(tomorrow)).errors.map((e) => e.message), ['The date must be today or in the past'])
  t.same(parseOne(review, fields(tomorrow), 'cy').errors.map((e) => e.message), ['Rhaid i’r dyddiad fod heddiw neu yn y gorffennol'])
})

t.test('ticked options: at least 2 and at most 3, "None of these" on its own', async (t) => {
  const tasks = q('tasks')
  const errors = (codes: string[], language: Language = 'en') => parseOne(tasks, { tasks: codes }, language).errors.map((e) => e.message)
  t.same(errors(['1']), ['Select at least 2 answers'])
  t.same(errors(['1'], 'cy'), ['Dewiswch o leiaf 2 ateb'])
  t.same(errors(['1', '2', '3', '4']), ['Select no more than 3 answers'])
  t.same(errors(['1', '2']), [])
  t.same(errors(['1', '2', '3']), [])
  t.same(errors(['5']), [], '"None of these" alone is a whole answer')
  t.same(parseOne(tasks, { tasks: ['1'] }).values.tasks, ['1'], 'what was ticked is kept')
})

t.test('e-mail addresses, UK telephone numbers and postcodes as typed, kept in one form', async (t) => {
  t.same(parseEmail(' Ann.Jones@Example.org.uk '), { value: 'Ann.Jones@Example.org.uk' })
  for (const bad of ['ann.jones', 'ann@example', 'ann jones@example.org', 'ann@@example.org', 'ann@example..org']) t.same(parseEmail(bad), { error: 'error.email_format' }, bad)

  const phones: [string, string][] = [
    ['07700 900 982', '07700 900982'],
    ['+44 7700 900982', '07700 900982'],
    ['+44 (0)7700 900982', '07700 900982'],
    ['0044 20 7946 0000', '020 7946 0000'],
    ['(020) 7946-0000', '020 7946 0000'],
    ['01632 960001', '01632 960001'],
  ]
  for (const [typed, kept] of phones) t.same(parsePhone(typed), { value: kept }, typed)
  for (const bad of ['7700 900982', '+33 1 23 45 67 89', '077009009821', '07700 900 982 ext 4', 'phone me']) t.same(parsePhone(bad), { error: 'error.phone_format' }, bad)

  const postcodes: [string, string][] = [
    [' sw1a 1aa ', 'SW1A 1AA'],
    ['cf101aa', 'CF10 1AA'],
    ['M1 1AE', 'M1 1AE'],
    ['b33 8th', 'B33 8TH'],
    ['LL57  2DG', 'LL57 2DG'],
  ]
  for (const [typed, kept] of postcodes) t.same(parsePostcode(typed), { value: kept }, typed)
  for (const bad of ['SW1A', '12345', 'SW1A 1A', 'Cardiff']) t.same(parsePostcode(bad), { error: 'error.postcode_format' }, bad)

  const page = parsePage([q('contact_email'), q('contact_phone'), q('office_postcode')], { contact_email: 'ann@example', contact_phone: '', office_postcode: 'Cardiff' }, translator('en'), 'en')
  t.same(page.errors.map((e) => `${e.fieldId}: ${e.message}`), ['contact_email: Enter an e-mail address in the correct format, like name@example.com', 'office_postcode: Enter a real UK postcode, like SW1A 1AA'])
  t.same(page.values, { contact_email: 'ann@example', contact_phone: '', office_postcode: 'Cardiff' }, 'everything typed kept')
  const welsh = parsePage([q('contact_email'), q('contact_phone'), q('office_postcode')], { contact_email: '', contact_phone: '12', office_postcode: '' }, translator('cy'), 'cy')
  t.same(welsh.errors.map((e) => e.message), ['Rhowch gyfeiriad e-bost', 'Rhowch rif ffôn yn y DU, fel 01632 960 001, 07700 900 982 neu +44 808 157 0192', 'Rhowch god post'])
})

t.test('a stored answer of each new type survives being read back (sanitizeAnswers)', async (t) => {
  const stored = {
    spend: { value: 1234.5 },
    share_assessed: { value: 12.5 },
    hours_per_week: { value: 7.25 },
    service_start: { value: '2020-02' },
    tasks: { codes: [1, 2] },
    contact_email: { value: 'ann@example.org' },
    contact_phone: { value: '07700 900982' },
    office_postcode: { value: 'SW1A 1AA' },
  }
  t.same(sanitizeAnswers(questionIndex(definition), stored), stored)
  t.same(sanitizeAnswers(questionIndex(definition), { spend: { value: 12.345 }, office_postcode: { value: 'nowhere' }, tasks: { codes: [1] } }), {}, 'what does not fit the definition is dropped')
})
