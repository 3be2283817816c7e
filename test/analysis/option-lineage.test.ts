// Answers added, removed and grid rows added between versions: an answer a wave never offered is
// "not asked" there ([x], no percentage, no change, no test), a single choice whose answers
// changed is not tested, and the page and the files say so. Every figure worked out by hand.
import t from 'tap'
import { parse } from 'csv-parse/sync'
import { compareWaves, testsIn } from '../../src/analysis/comparison.js'
import { numberValues, waveStatistics } from '../../src/analysis/statistics.js'
import type { Answers } from '../../src/questionnaire/answers.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { submittedWave } from '../helpers/responses.js'

const W1: Answers[] = [
  { q_tasks: { codes: [1, 3] }, q_route: { code: 1 }, q_help: { rows: { a: 1 } }, q_category: { code: 1 }, q_support: { codes: [1] }, q_beds: { value: 2 } },
  { q_tasks: { codes: [1] }, q_route: { code: 1 }, q_help: { rows: { a: 1 } }, q_category: { code: 7 }, q_support: { codes: [2] }, q_beds: { value: 4 } },
  { q_tasks: { codes: [2, 3] }, q_route: { code: 2 }, q_help: { rows: { a: 2 } }, q_category: { code: 7 }, q_support: { codes: [1, 2] }, q_beds: { value: 4 } },
  { q_tasks: { codes: [3] }, q_route: { code: 2 }, q_help: { rows: { a: 2 } }, q_category: { code: 8 }, q_support: { codes: [2] }, q_beds: { value: 5 } },
  { q_tasks: { codes: [1, 2] }, q_route: { code: 9 }, q_help: { rows: { a: 1 } }, q_category: { code: 7 }, q_support: { codes: [1] }, q_beds: { value: 10 } },
]
const W2: Answers[] = [
  { q_tasks: { codes: [1, 4] }, q_route: { code: 1 }, q_help: { rows: { a: 1, c: 1 } }, q_category: { code: 7 }, q_support: { codes: [1, 2] }, q_beds: { value: 1 } },
  { q_tasks: { codes: [4] }, q_route: { code: 3 }, q_help: { rows: { a: 2, c: 1 } }, q_category: { code: 9 }, q_support: { codes: [3] }, q_beds: { value: 3 } },
  { q_tasks: { codes: [1, 2, 4] }, q_route: { code: 3 }, q_help: { rows: { a: 2, c: 1 } }, q_category: { code: 9 }, q_support: { codes: [1] }, q_beds: { value: 3 } },
  { q_tasks: { codes: [2, 4] }, q_route: { code: 2 }, q_help: { rows: { a: 2, c: 2 } }, q_category: { code: 1 }, q_support: { codes: [2, 3] }, q_beds: { value: 3 } },
  { q_tasks: { codes: [1] }, q_route: { code: 1 }, q_help: { rows: { a: 2, c: 2 } }, q_category: { code: 8 }, q_support: { codes: [1] }, q_beds: { value: 7 } },
]

t.test('answers added and removed between versions', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-options`, mailWorker: false })
  const first = await submittedWave(app, { surveyId: 'options-lineage', version: '1', label: 'W1', answers: W1 })
  const second = await submittedWave(app, { surveyId: 'options-lineage', version: '2', label: 'W2', answers: W2, organisations: first.organisations })
  const waves = [first.waveId, second.waveId]
  const v1 = app.catalogue.find('options-lineage', '1')!.definition
  const v2 = app.catalogue.find('options-lineage', '2')!.definition
  const rows = compareWaves(app.catalogue, 'options-lineage', [
    { label: 'W1', definition: v1, stats: await waveStatistics(app.db, waves[0], v1), values: await numberValues(app.db, waves[0], ['q_beds']) },
    { label: 'W2', definition: v2, stats: await waveStatistics(app.db, waves[1], v2), values: await numberValues(app.db, waves[1], ['q_beds']) },
  ])
  const row = (id: string, rowId?: string) => rows.find((r) => r.id === id && r.rowId === rowId)!

  // Tasks (multiple choice), base 5 in each wave. Cleaning 3 and 3: Fisher [[3,2],[3,2]], p = 1.
  // Meals 2 and 2: p = 1. Pushing wheelchairs: never offered in W1, 4 of 5 in W2: no test, no change.
  const tasks = row('q_tasks')
  t.same(tasks.waves.map((w) => w.base), [5, 5], 'the base of a multiple choice keeps those who ticked Laundry')
  t.same(tasks.waves.map((w) => w.options.map((o) => [o.count, o.percent, o.asked])), [
    [[3, 0.6, true], [2, 0.4, true], [0, null, false]],
    [[3, 0.6, true], [2, 0.4, true], [4, 0.8, true]],
  ])
  t.same(tasks.options.map((o) => [o.changePp, o.p === undefined ? undefined : Math.round(o.p * 10000) / 10000]), [[0, 1], [0, 1], [null, undefined]], 'no change and no test for an answer not offered before')
  t.same(tasks.notes, ['Not offered in W1: “Pushing wheelchairs” ([x]: no percentage, no test).', 'Offered in W1 but not since, with organisations choosing it: “Laundry” (3).'])

  // Route (single choice): W1 base 4 (don't know left out): 2 and 2; W2 base 5: 2, 1, 2.
  // Self-referral was not offered in W1: the answers differ, so nothing is tested.
  const route = row('q_route')
  t.same(route.waves.map((w) => w.base), [4, 5])
  t.same(route.waves[0].options.map((o) => [o.count, o.percent, o.asked]), [[2, 0.5, true], [2, 0.5, true], [0, null, false], [1, null, true]])
  t.same(route.waves[1].options.slice(0, 3).map((o) => [o.count, o.percent]), [[2, 0.4], [1, 0.2], [2, 0.4]])
  t.equal(route.test, undefined, 'no chi-square across different lists of answers')
  t.ok(route.options.every((o) => o.p === undefined))
  t.same(route.notes, ['Not offered in W1: “Self-referral” ([x]: no percentage, no test).', 'The answers offered differ between the waves, so the distributions are not tested against each other.'])

  // Grid row a in both waves: Well 3 of 5, then 1 of 5: Fisher [[3,2],[1,4]]: of the 210 tables with
  // these margins, 5, 50, 100, 50, 5; p = (5 + 50 + 50 + 5) / 210 = 0.5238. Row c is new in W2.
  t.equal(Math.round(row('q_help', 'a').test!.p * 10000) / 10000, 0.5238)
  t.same(row('q_help', 'c').waves.map((w) => w.available), [false, true], 'a grid row added since W1 is not asked there')
  // Category: "remand or local" split into "local" and "remand": compared as one answer.
  // W1 1, 3, 1 of 5; W2 Local 1 + Remand 2 = 3, and 1, 1: the same population, chi-square 0, p = 1.
  const category = row('q_category')
  t.same(category.options.map((o) => [o.code, o.label, o.combines]), [[1, 'Category B', undefined], [7, 'Local or Remand', [7, 9]], [8, 'Open', undefined]])
  t.same(category.waves.map((w) => w.options.map((o) => o.count)), [[1, 3, 1], [1, 3, 1]])
  t.equal(category.test?.kind, 'chi_square')
  t.equal(Math.round(category.test!.p * 10000) / 10000, 1, 'an unchanged population is not reported as changed')
  t.same(category.notes, ['“Local” and “Remand” are compared as one answer, as W1 offered them: “Remand or local”.'])

  // Support (multiple choice): "benefits and debt" split; ticks cannot be added back together.
  const support = row('q_support')
  t.same(support.waves[0].options.map((o) => [o.count, o.percent, o.asked]), [[3, 0.6, true], [0, null, false], [0, null, false]])
  t.same(support.waves[1].options.map((o) => [o.count, o.percent]), [[3, 0.6], [2, 0.4], [2, 0.4]])
  t.same(support.options.map((o) => o.p === undefined ? undefined : Math.round(o.p * 10000) / 10000), [1, undefined, undefined])
  t.same(support.notes, ['W1 offered “Benefits” and “Debt” as one answer, “Benefits and debt”: ticks cannot be added back together, so they are [x] in W1.'])

  // Beds: 2, 4, 4, 5, 10 then 1, 3, 3, 3, 7. Against R: t.test(x, y) gives t 0.963086824686154,
  // df 7.321799307958476, p 0.366226666005796; wilcox.test(x, y, exact = FALSE) W 18, p 0.288844366346485.
  const beds = row('q_beds')
  t.same(beds.waves.map((w) => [w.number!.n, w.number!.mean, w.number!.median]), [[5, 5, 4], [5, 3.4, 3]])
  t.same([Math.round(beds.numbers!.change.mean! * 1e9) / 1e9, beds.numbers!.change.median], [-1.6, -1])
  const close = (a: number | undefined, b: number) => t.ok(a !== undefined && Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`)
  close(beds.numbers!.welch!.statistic, 0.963086824686154)
  close(beds.numbers!.welch!.df, 7.321799307958476)
  close(beds.numbers!.welch!.p, 0.366226666005796)
  t.equal(beds.numbers!.mannWhitney!.statistic, 18)
  close(beds.numbers!.mannWhitney!.p, 0.288844366346485)

  t.equal(testsIn(rows), 7, 'Cleaning, Meals, the grid row a, category, housing, and the two tests of beds')

  // The same in the CSV and on the page.
  const cookie = await signIn(app, 'analyst')
  const csv = parse((await app.inject({ url: `/admin/analysis/compare.csv?waves=${waves[0]}&waves=${waves[1]}`, headers: { cookie } })).body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  const wheelchairs = csv.find((r) => r.question_id === 'q_tasks' && r.code === '4')!
  t.same([wheelchairs.W1_count, wheelchairs.W1_percent, wheelchairs.W2_percent, wheelchairs.change_pp, wheelchairs.p_value], ['[x]', '[x]', '80.0', '[x]', ''])
  t.match(wheelchairs.note, 'Not offered in W1: “Pushing wheelchairs”')
  const bedsMean = csv.find((r) => r.question_id === 'q_beds' && r.option === 'mean')!
  t.same([bedsMean.W1_value, bedsMean.W2_value, bedsMean.change_value, bedsMean.test, bedsMean.p_value], ['5.0000', '3.4000', '-1.6000', 'welch', '0.3662'])
  const bedsMedian = csv.find((r) => r.question_id === 'q_beds' && r.option === 'median')!
  t.same([bedsMedian.W1_value, bedsMedian.W2_value, bedsMedian.change_value, bedsMedian.test, bedsMedian.p_value], ['4', '3', '-1', 'mann_whitney', '0.2888'])
  const selfReferral = csv.find((r) => r.question_id === 'q_route' && r.code === '3')!
  t.same([selfReferral.W1_percent, selfReferral.p_value, selfReferral.test], ['[x]', '', ''])
  t.match(selfReferral.note, 'not tested against each other')
  const page = (await app.inject({ url: `/admin/analysis/compare?waves=${waves[0]}&waves=${waves[1]}`, headers: { cookie } })).body
  t.match(page, 'Not offered in W1: “Pushing wheelchairs” ([x]: no percentage, no test).')
  t.match(page, 'This comparison holds 7 tests.')
  t.match(page, 'Welch’s t-test of the means: p = 0.3662.')
  t.match(page, 'Mann–Whitney test of the distributions: p = 0.2888.')
  t.match(page, '“Local” and “Remand” are compared as one answer')
})
