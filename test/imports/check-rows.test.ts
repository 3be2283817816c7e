// One authority's row of a past wave read against the 2015-16 questionnaire, cell by cell: the
// shapes the raw data writes read back as the answers they came from, and each way a cell can be
// wrong named in words, with its column.
import t from 'tap'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { rowChecker } from '../../src/imports/check-rows.js'
import { proposeMatches } from '../../src/imports/columns.js'
import { authorityCells, HEADER_2015_16 } from '../helpers/past-wave-file.js'

const definition = loadCatalogue('surveys').catalogue!.find('la-release-social-care', '2015-16')!.definition
const checker = rowChecker(definition)

/** Authority `i`'s row with some cells changed, checked. */
function check(i: number, changes: Record<string, string> = {}) {
  const cells = { ...authorityCells(i), ...changes }
  return checker.check(i + 1, cells.organisation_code, (variable) => ({ text: cells[variable] ?? '', column: variable }))
}

t.test('a row as the raw data writes it reads back as its answers', async (t) => {
  const { row, problems } = check(6)
  t.same(problems, [])
  t.same(row!.answers.prisons_in_area, { value: 1 })
  t.same(row!.answers.dedicated_team, { code: 1 }, 'yes is 1')
  t.same(row!.answers.referral_routes, { codes: [1] }, 'one flag of 1 among 0s')
  t.same(row!.answers.effectiveness, { rows: { identifying: 2, assessing: 2, providing: 2, equipment: 2 } })
  t.same(row!.answers.annual_spend, { dont_know: true }, '-8 is "Don\'t know"')
  t.equal(row!.answers.days_to_assessment, undefined, '-9: asked, not answered')
  t.equal(row!.answers.personal_care_provider, undefined, 'blank where the skip logic hid it')
})

t.test('"Don\'t know" alone, with -8 in every option (as the raw data writes it), and special codes', async (t) => {
  const dk = { referral_routes_1: '-8', referral_routes_2: '-8', referral_routes_3: '-8', referral_routes_4: '-8', referral_routes_5: '-8', referral_routes_dk: '1' }
  t.same(check(6, dk).row!.answers.referral_routes, { codes: [9] }, 'the questionnaire\'s own code for "Don\'t know"')
  t.same(check(6, { assessment_provider: '-8' }).row!.answers.assessment_provider, { code: 9 })
  t.same(check(6, { effectiveness_assessing: '-9' }).row!.answers.effectiveness, { rows: { identifying: 2, providing: 2, equipment: 2 } }, 'a grid row left unanswered')
  t.same(check(10).row!.answers.training_date, { value: '2016-03-27' }, 'a UK date')
  t.same(check(10, { training_date: '2016-3-27' }).row!.answers.training_date, { value: '2016-03-27' }, 'an ISO date')
})

t.test('each wrong cell is named with its column', async (t) => {
  const messages = (i: number, changes: Record<string, string>) => check(i, changes).problems.map((p) => `${p.column}: ${p.message}`)
  t.same(messages(6, { assessment_provider: '5' }), ['assessment_provider_other: give the text of “Someone else”, as the answer includes it'])
  t.same(messages(6, { assessment_provider_other: 'A charity' }), ['assessment_provider_other: must be blank: the answer does not include “Someone else”'])
  t.same(messages(6, { referral_routes_2: '2' }), ['referral_routes_2: “2” is not 1 (chosen) or 0 (not chosen)'])
  t.same(messages(6, { referral_routes_2: '-9' }), ['referral_routes_2: “-9” is not 1 (chosen) or 0 (not chosen): -9 goes in every column of the question or in none'])
  t.same(messages(6, { referral_routes_1: '0' }), ['referral_routes_1: no option is chosen: give 1 for at least one option, or -9 in every column if it was not answered'])
  t.same(messages(6, { referral_routes_3: '' }), ['referral_routes_3: is blank, but other columns of this question have values: give 1 (chosen) or 0 (not chosen), or -9 in every column if it was not answered'])
  t.same(messages(6, { effectiveness_assessing: '' }), ['effectiveness_assessing: is blank, but other rows of this question have values: give the answer, or -9 if it was not answered'])
  t.same(messages(6, { effectiveness_assessing: '9' }), ['effectiveness_assessing: “9” is not a code of this question: use 1, 2, 3, 4, -8, or -9 if it was not answered'])
  t.same(messages(6, { dedicated_team: '-7' }), ['dedicated_team: “-7” is not a code of this question: use 1, 2, -8, or -9 if it was not answered'], 'no "not applicable" on this question')
  t.same(messages(6, { referrals_received: 'ten' }), ['referrals_received: “ten” is not a whole number'])
  t.same(messages(10, { training_date: '31/02/2016' }), ['training_date: “31/02/2016” is not a date: give it as 2016-03-27 or 27/03/2016'])
  t.same(messages(6, { respondent_team: 'x'.repeat(201) }), ['respondent_team: is longer than 200 characters'])
  t.same(messages(6, { support_types_2: '1', support_types_7: '1' }), ['support_types_1: “None of these” cannot be chosen with other options'])
  t.same(messages(6, { training_date: '27/03/2016' }), ['training_date: answers a question that was not asked: it is asked only when prison_staff_training is Yes (1), which this row’s answers do not meet, so leave it blank'])
  t.same(messages(6, { support_types_1: '1' }), ['personal_care_provider: is blank, but the question “Who mainly provides personal care to people in prison?” was asked (prisons_in_area is at least 1 and support_types is Personal care (such as washing and dressing) (1)): give the answer, or -9 if it was not answered'])
})

t.test('another tool\'s headings are proposed a variable by name, by an earlier choice, or by wording', async (t) => {
  const header = ['Org Code', 'Respondent Role', 'Which team or service do you work in', 'Timestamp', ...HEADER_2015_16.slice(5)]
  const proposals = proposeMatches(definition, header, new Map([['org code', 'organisation_code'], ['timestamp', '']]))
  t.same(proposals.slice(0, 4).map((p) => [p.match, p.reason]), [
    ['organisation_code', 'remembered'],
    ['respondent_role', 'name'],
    ['respondent_team', 'wording'],
    ['', 'remembered'],
  ])
})
