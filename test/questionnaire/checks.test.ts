// Checks across answers and follow-ups at work on a respondent's answers: a hard check refuses
// and names both answers, a soft one asks once for the answers it was confirmed for, and a
// follow-up is required only beneath its chosen option and ignored otherwise.
import t from 'tap'
import { translator } from '../../src/i18n/catalogue.js'
import type { Answers } from '../../src/questionnaire/answers.js'
import { parsePage } from '../../src/questionnaire/answers.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { checkPage, runPageChecks, withConfirmations } from '../../src/questionnaire/checks.js'
import type { Definition, Language, Page, Question } from '../../src/questionnaire/schema.js'
import { questionIndex, questionsOnForm, walkVisible } from '../../src/questionnaire/skip-logic.js'
import { FIXTURES } from '../helpers/app.js'

const definition: Definition = loadCatalogue(`${FIXTURES}/surveys-checks`).catalogue!.find('care-checks', '1')!.definition
const pageOf = (id: string) => definition.sections.flatMap((s) => s.pages).find((p) => p.id === id)!

function run(pageId: string, answers: Answers, options: { ticked?: Record<string, string>; language?: Language } = {}) {
  const language = options.language ?? 'en'
  return runPageChecks({ page: pageOf(pageId), answers, questions: questionIndex(definition), ticked: options.ticked ?? {}, t: translator(language), language })
}

t.test('"of which": more assessments than referrals is refused at the assessments, naming both answers', async (t) => {
  const refused = run('caseload', { referrals: { value: 10 }, assessments: { value: 12 } })
  t.same(refused.errors, [{ questionId: 'assessments', fieldId: 'assessments', message: 'Assessments (12) cannot be more than referrals (10)' }])
  t.same(refused.warnings, [])
  const welsh = run('caseload', { referrals: { value: 1000 }, assessments: { value: 1200 } }, { language: 'cy' })
  t.same(welsh.errors.map((e) => e.message), ['Ni all asesiadau (1,200) fod yn fwy nag atgyfeiriadau (1,000)'])
  t.same(run('caseload', { referrals: { value: 10 }, assessments: { value: 10 } }).errors, [], 'as many as: allowed')
  t.same(run('caseload', { referrals: { value: 10 }, assessments: { dont_know: true } }).errors, [], '"don\'t know" is not a number to compare')
  t.same(run('caseload', { assessments: { value: 3 } }).errors, [], 'a figure not given is not compared')
})

t.test('parts that must add up to a total, and a limit taken from another answer', async (t) => {
  const apart = run('staffing', { staff_full_time: { value: 2 }, staff_part_time: { value: 3 }, staff_total: { value: 6 }, posts_funded: { value: 9 } })
  t.same(apart.errors, [{ questionId: 'staff_total', fieldId: 'staff_total', message: 'Full-time and part-time staff add up to 5, but you said 6 in total' }])
  t.same(run('staffing', { staff_full_time: { value: 2 }, staff_part_time: { value: 3 }, staff_total: { value: 5 }, posts_funded: { value: 2 } }).errors, [], '2 + 3 = 5, and 2 posts for 2 full-time staff')
  const fewer = run('staffing', { staff_full_time: { value: 3 }, staff_part_time: { value: 0 }, staff_total: { value: 3 }, posts_funded: { value: 2 } })
  t.same(fewer.errors.map((e) => [e.questionId, e.message]), [['posts_funded', 'Funded posts (2) cannot be fewer than full-time staff (3)']])
  t.same(run('staffing', { staff_full_time: { value: 2 }, staff_total: { value: 9 } }).errors, [], 'a part not given: the sum is not known')
})

t.test('parts that may not add up to more than a total', async (t) => {
  const page: Page = {
    id: 'beds',
    questions: [
      { id: 'beds_adapted', type: 'number', text: 'Adapted' },
      { id: 'beds_step_down', type: 'number', text: 'Step-down', required: false },
      { id: 'beds', type: 'number', text: 'All beds' },
    ],
    checks: [{ id: 'beds_within', kind: 'sum_at_most', parts: ['beds_adapted', 'beds_step_down'], total: 'beds', message: 'Adapted and step-down beds ({sum}) cannot be more than all beds ({beds})' }],
  }
  const questions = new Map<string, Question>(page.questions.map((q) => [q.id, q]))
  const check = (answers: Answers) => runPageChecks({ page, answers, questions, ticked: {}, t: translator('en'), language: 'en' }).errors.map((e) => `${e.questionId}: ${e.message}`)
  t.same(check({ beds_adapted: { value: 4 }, beds_step_down: { value: 3 }, beds: { value: 6 } }), ['beds: Adapted and step-down beds (7) cannot be more than all beds (6)'])
  t.same(check({ beds_adapted: { value: 4 }, beds_step_down: { value: 3 }, beds: { value: 7 } }), [])
  t.same(check({ beds_adapted: { value: 8 }, beds: { value: 7 } }), ['beds: Adapted and step-down beds (8) cannot be more than all beds (7)'], 'one part given already exceeds')
})

t.test('a soft check asks once: confirmed, it is recorded with the answer and does not come back for the same answers', async (t) => {
  const answers: Answers = { referrals: { value: 3 }, assessments: { value: 3 }, care_plans: { value: 5 } }
  const asked = run('caseload', answers)
  t.same(asked.errors, [])
  t.equal(asked.warnings.length, 1)
  const warning = asked.warnings[0]
  t.equal(warning.questionId, 'care_plans')
  t.equal(warning.message, 'You said 5 people had a care plan but only 3 assessments were completed. Is that right?')
  t.equal(warning.field.name, '_confirm__plans_within_assessments')
  const ticked = run('caseload', answers, { ticked: { plans_within_assessments: warning.field.value } })
  t.same(ticked.warnings, [], 'ticked: accepted')
  t.same(ticked.confirmed, { care_plans: { plans_within_assessments: warning.field.value } })
  const recorded = withConfirmations(answers, ticked.confirmed)
  t.same(recorded.care_plans, { value: 5, confirmed: { plans_within_assessments: warning.field.value } }, 'recorded with the answer it confirms')
  t.same(run('caseload', recorded).warnings, [], 'the same answers: not asked again')
  // Saved again from the page, the answer comes back without its record: the stored one carries it.
  const again = checkPage(definition, pageOf('caseload'), { ...answers }, recorded, recorded, {}, translator('en'), 'en')
  t.same(again.warnings, [])
  t.same(again.confirmed, ticked.confirmed)
  const changed = run('caseload', { ...recorded, assessments: { value: 2 } })
  t.equal(changed.warnings.length, 1, 'another answer: asked again')
  t.equal(changed.warnings[0].message, 'You said 5 people had a care plan but only 2 assessments were completed. Is that right?')
  t.not(changed.warnings[0].field.value, warning.field.value)
  t.same(run('caseload', answers, { ticked: { plans_within_assessments: 'not-the-fingerprint' } }).warnings.length, 1, 'a tick for other answers confirms nothing')
})

t.test('"You said 0 assessments: is that right?" in English and Welsh', async (t) => {
  const none = run('caseload', { referrals: { value: 4 }, assessments: { value: 0 } })
  t.same(none.warnings.map((w) => [w.checkId, w.questionId, w.message]), [['no_assessments', 'assessments', 'You said 0 assessments in 12 months. Is that right?']])
  t.same(run('caseload', { referrals: { value: 4 }, assessments: { value: 0 } }, { language: 'cy' }).warnings.map((w) => w.message), ['Dywedoch 0 asesiad mewn 12 mis. Ydy hynny’n gywir?'])
  t.same(run('caseload', { referrals: { value: 4 }, assessments: { value: 1 } }).warnings, [])
})

t.test('a follow-up is required only beneath its chosen option, and ignored (what was typed kept) otherwise', async (t) => {
  const page = pageOf('contact_page')
  const t_en = translator('en')
  const chosen = parsePage(page.questions, { may_contact: '1', contact_email: '', support_types: '1' }, t_en, 'en')
  t.same(chosen.errors.map((e) => [e.questionId, e.message]), [['contact_email', 'Enter your answer']], 'the e-mail is needed once "Yes" is chosen; the optional phone is not')
  const notChosen = parsePage(page.questions, { may_contact: '2', contact_email: 'ann@example.org', support_types: '1', peer_hours: '12' }, t_en, 'en')
  t.same(notChosen.errors, [])
  t.same(notChosen.answers, { may_contact: { code: 2 }, support_types: { codes: [1] } }, 'no e-mail and no hours: their options were not chosen')
  t.ok(notChosen.cleared.includes('contact_email') && notChosen.cleared.includes('peer_hours'), 'a saved answer to them is cleared')
  t.equal(notChosen.values.contact_email, 'ann@example.org', 'what was typed is kept to show again')
  const ticked = parsePage(page.questions, { may_contact: '2', support_types: ['1', '2'], peer_hours: 'many' }, t_en, 'en')
  t.same(ticked.errors.map((e) => e.questionId), ['peer_hours'], 'beneath a ticked checkbox, the hours are asked and checked')
})

t.test('a follow-up counts as asked only when its option is chosen, and is always on the form beneath it', async (t) => {
  const contact = (answers: Answers) => walkVisible(definition, answers).pages.find((p) => p.page.id === 'contact_page')!
  const no = contact({ may_contact: { code: 2 }, contact_email: { value: 'left@example.org' }, support_types: { codes: [1] } })
  t.same(no.questions.map((q) => q.id), ['may_contact', 'support_types'])
  t.same(questionsOnForm(no).map((q) => q.id), ['may_contact', 'contact_email', 'contact_phone', 'support_types', 'peer_hours'])
  const walked = walkVisible(definition, { may_contact: { code: 2 }, contact_email: { value: 'left@example.org' } })
  t.equal(walked.answers.contact_email, undefined, 'an answer left beneath an option no longer chosen does not count')
  t.notOk(walked.pages.some((p) => p.page.id === 'contact_time'), 'nor opens the page that depends on it')
  const yes = contact({ may_contact: { code: 1 }, contact_email: { value: 'ann@example.org' }, support_types: { codes: [1, 2] }, peer_hours: { value: 4 } })
  t.same(yes.questions.map((q) => q.id), ['may_contact', 'contact_email', 'contact_phone', 'support_types', 'peer_hours'])
  t.ok(walkVisible(definition, { may_contact: { code: 1 }, contact_email: { value: 'ann@example.org' } }).pages.some((p) => p.page.id === 'contact_time'))
})
