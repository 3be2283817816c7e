// What changed between the 2015/16 and 2020 local authority questionnaires, as the team would
// check it before the 2020 wave went out.
import t from 'tap'
import { formatDiff } from '../../src/cli.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { diffVersions } from '../../src/questionnaire/diff.js'
import { checkLineage } from '../../src/questionnaire/check-lineage.js'
import { parseDefinition } from '../../src/questionnaire/load-definition.js'
import { readFileSync } from 'node:fs'

const { catalogue } = loadCatalogue('surveys')
const from = catalogue!.find('la-release-social-care', '2015-16')!.definition
const to = catalogue!.find('la-release-social-care', '2020')!.definition
const diff = diffVersions(from, to)
const ids = (list: { id: string }[]) => list.map((q) => q.id).sort()

t.test('added and dropped questions, with the reason for dropping', async (t) => {
  t.ok(diff.lineageApplies)
  t.same(ids(diff.added), ['accommodation_ease', 'data_recorded', 'information_timing', 'knowledge_of_population', 'multidisciplinary', 'peer_identification', 'peer_identify_effect', 'prison_comments', 'prison_name', 'prison_named_contact', 'prison_referrals_12m', 'rotl_experience', 'rotl_used', 'self_referral', 'self_referral_how', 'technology_use'], 'the questions of the repeating group "each prison in your area" are new in 2020')
  t.same(ids(diff.dropped), ['annual_spend', 'equipment_delays'])
  t.match(diff.dropped.find((d) => d.id === 'annual_spend')!.reason, /could separate this spending/)
})

t.test('rewording shows old and new wording side by side and whether it stays comparable', async (t) => {
  const eligible = diff.reworded.find((r) => r.id === 'eligible_needs')!
  t.match(eligible, { before: 'How many of the people assessed were found to have eligible needs?', declared: true, comparable: false })
  t.match(eligible.text, /care and support plan/)
  t.match(diff.reworded.find((r) => r.id === 'assessment_provider'), { declared: true, comparable: true })
  t.same(diff.warnings, [], 'every change of wording is declared')
})

t.test('recoded options map each old code to its new one', async (t) => {
  const notice = diff.recoded.find((r) => r.id === 'release_notice')!
  t.same(notice.mappings.map((m) => `${m.from} -> ${m.to}`), [
    '1 More than four weeks -> 1 More than four weeks',
    '2 Two to four weeks -> 2 Two to four weeks',
    '3 One to two weeks -> 3 Less than two weeks',
    '4 Less than a week -> 3 Less than two weeks',
    '5 No notice -> 4 No notice',
    "9 Don't know -> 9 Don't know",
  ])
})

t.test('split questions, moved questions and new options are listed', async (t) => {
  t.same(diff.split.map((s) => `${s.id}<-${s.from}`).sort(), ['release_assessment<-release_process', 'release_identification<-release_process'])
  t.ok(diff.moved.some((m) => m.id === 'peer_support_scheme'), 'the buddy scheme question moved to the start of its page')
  t.same(diff.optionsChanged.find((o) => o.id === 'referral_routes')?.added, ['6 By the person themselves (self-referral)', '7 By peer supporters (buddies)'])
})

t.test('an undeclared change of wording is flagged', async (t) => {
  const sneaky = structuredClone(to)
  const q = sneaky.sections[0].pages[0].questions.find((x) => x.id === 'respondent_team')!
  q.text = 'Which team are you in?'
  const flagged = diffVersions(from, sneaky)
  t.match(flagged.reworded.find((r) => r.id === 'respondent_team'), { declared: false })
  t.match(flagged.warnings, [/respondent_team.*does not say reworded/])
})

t.test('skip logic changes are described in words', async (t) => {
  const changed = structuredClone(to)
  const page = changed.sections.find((s) => s.id === 'release')!.pages.find((p) => p.id === 'after_release_details')!
  const disputes = page.questions.find((x) => x.id === 'disputes_count')!
  disputes.show_if = { question: 'residence_disputes', in: ['yes', 'dont_know'] }
  const rule = diffVersions(from, changed).skipLogic.find((s) => s.id === 'disputes_count')!
  t.equal(rule.before, 'shown when residence_disputes is Yes (1)')
  t.equal(rule.after, 'shown when residence_disputes is Yes (1) or Don’t know (8)')
})

t.test('the command-line summary lists every kind of change', async (t) => {
  const text = formatDiff(diff)
  t.match(text, /Added \(16\)/)
  t.match(text, /Dropped \(2\)/)
  t.match(text, /eligible_needs \(not comparable\)\n\s+was: How many of the people assessed/)
  t.match(text, /4 Less than a week -> 3 Less than two weeks/)
})

t.test('an option split in two is shown as a split, and must name real codes', async (t) => {
  const { catalogue: options } = loadCatalogue('test/fixtures/surveys-options')
  const v1 = options!.find('options-lineage', '1')!.definition
  const v2 = options!.find('options-lineage', '2')!.definition
  t.same(diffVersions(v1, v2).recoded.find((r) => r.id === 'q_category')!.mappings, [{ from: '7 Remand or local', to: '7 Local and 9 Remand (split)' }])
  const text = readFileSync('test/fixtures/surveys-options/options-lineage/2.yaml', 'utf8').replace('recode: { 7: [7, 9] }', 'recode: { 7: [7, 6] }')
  const broken = parseDefinition(text, '2.yaml').definition!
  t.same(checkLineage(broken, v1).map((f) => f.message), ['maps to 6, which is not an option code of "q_category" in this version'])
})
