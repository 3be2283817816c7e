// Descriptive statistics and the wave comparison, against figures worked out by hand (see the
// comments: every count, percentage, interval and p-value below was computed on paper).
import t from 'tap'
import { compareWaves, testsIn } from '../../src/analysis/comparison.js'
import { waveStatistics } from '../../src/analysis/statistics.js'
import { chiSquare, fisherExact, wilson } from '../../src/analysis/tests-of-difference.js'
import { buildTestApp, FIXTURES } from '../helpers/app.js'
import { twoWaves } from './fixture.js'

const r4 = (x: number | null | undefined) => (x === null || x === undefined ? x : Math.round(x * 10000) / 10000)

t.test('the tests of difference match hand calculations', async (t) => {
  // Wilson, 2 of 4: centre 0.5, half-width (z/(1+z²/4))·sqrt(1/16 + z²/64) = 0.3500.
  t.same([r4(wilson(2, 4)!.low), r4(wilson(2, 4)!.high)], [0.15, 0.85])
  // Fisher [[2,2],[1,4]]: hypergeometric over 84 tables: 10, 40, 30, 4; p = (10+30+4)/84.
  t.equal(r4(fisherExact(2, 2, 1, 4)), r4(44 / 84))
  // Fisher [[3,1],[2,4]]: over 252: 6, 60, 120, 60, 6; p = 132/252.
  t.equal(r4(fisherExact(3, 1, 2, 4)), r4(132 / 252))
  // Chi-square [[2,1,2],[3,2,1]]: 9/275+16/165+49/165+9/330+16/198+49/198 = 0.7822; df 2, p = e^(-x/2).
  const chi = chiSquare([[2, 1, 2], [3, 2, 1]])!
  t.equal(r4(chi.statistic), 0.7822)
  t.equal(chi.df, 2)
  t.equal(r4(chi.p), 0.6763)
  t.ok(chi.smallExpected)
})

t.test('statistics of one wave', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const { wave1 } = await twoWaves(app)
  const stats = await waveStatistics(app.db, wave1, app.catalogue.find('demo-analysis', '1')!.definition)
  const q = (id: string) => stats.questions.find((s) => s.id === id)!
  t.same([stats.submitted, stats.invited], [5, 6], 'response rate 5 of 6')

  const role = q('q_role')
  t.same([role.asked, role.answered, role.missing, role.choice!.base], [5, 5, 0, 4], "don't know is left out of the base")
  t.same(role.choice!.options.map((o) => [o.code, o.count, r4(o.percent)]), [[1, 2, 0.5], [2, 1, 0.25], [3, 1, 0.25], [9, 1, null]])
  t.same([r4(role.choice!.options[0].ci!.low), r4(role.choice!.options[0].ci!.high)], [0.15, 0.85])

  const tasks = q('q_tasks')
  t.same(tasks.choice!.options.map((o) => [o.code, o.count, r4(o.percent)]), [[1, 3, 0.6], [2, 2, 0.4], [3, 2, 0.4]], 'percent of respondents choosing each option')

  // Staff: 2, 4, 4, 5, 10: mean 5; deviations² 9+1+1+0+25 = 36, variance 36/4 = 9, sd 3.
  t.same(q('q_staff').number, { n: 5, dontKnow: 0, mean: 5, sd: 3, median: 4, q1: 4, q3: 5, min: 2, max: 10 })
  t.same([q('q_budget').asked, q('q_budget').answered, q('q_budget').missing], [5, 1, 4])
  t.same(q('q_rate').rows![0].choice.options.map((o) => [o.count, r4(o.percent)]), [[2, 0.4], [1, 0.2], [2, 0.4]])
  t.equal(q('q_views').texts, 2)

  const included = await waveStatistics(app.db, wave1, app.catalogue.find('demo-analysis', '1')!.definition, { includeSpecial: true })
  t.same(included.questions.find((s) => s.id === 'q_role')!.choice!.options.map((o) => r4(o.percent)), [0.4, 0.2, 0.2, 0.2], "switched: don't know counts in the base")
})

t.test('the comparison lines up questions across versions, through recodes, with markers and tests', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const { wave1, wave2 } = await twoWaves(app)
  const v1 = app.catalogue.find('demo-analysis', '1')!.definition
  const v2 = app.catalogue.find('demo-analysis', '2')!.definition
  const rows = compareWaves(app.catalogue, 'demo-analysis', [
    { label: 'W1', definition: v1, stats: await waveStatistics(app.db, wave1, v1) },
    { label: 'W2', definition: v2, stats: await waveStatistics(app.db, wave2, v2) },
  ])
  const row = (id: string) => rows.find((r) => r.id === id)!

  // Role: 2015-style codes 2 and 3 both become "Staff" (2): W1 1:2, 2:2 of 4; W2 1:1, 2:4 of 5.
  const role = row('q_role')
  t.equal(role.status, 'reworded')
  t.same(role.wordings.map((w) => w.text), ['Your role', 'Which best describes your role?'])
  t.same(role.waves.map((w) => [w.base, ...w.options.map((o) => o.count)]), [[4, 2, 2, 1], [5, 1, 4, 1]])
  t.same(role.options.map((o) => (o.changePp === null ? null : Math.round(o.changePp * 10) / 10)), [-30, 30, null])
  t.equal(r4(role.options[0].p), r4(44 / 84), 'Fisher for Manager: [[2,2],[1,4]]')
  t.equal(role.test?.kind, 'fisher')

  const scheme = row('q_scheme')
  t.equal(scheme.status, 'comparable')
  t.same(scheme.waves.map((w) => w.options.map((o) => r4(o.percent))), [[0.75, 0.25, null], [0.3333, 0.6667, null]])
  t.equal(r4(scheme.options[0].p), r4(132 / 252))

  const tasks = row('q_tasks')
  t.same(tasks.options.map((o) => (o.changePp === null ? null : Math.round(o.changePp * 10) / 10)), [6.7, 10, -40])
  t.equal(tasks.options[0].p, 1, 'Fisher for Cleaning: [[3,2],[4,2]] gives 1')

  const rate = row('q_rate')
  t.equal(rate.rowId, 'a')
  t.equal(rate.test?.kind, 'chi_square')
  t.equal(r4(rate.test?.p), 0.6763)
  t.match(rate.test?.warning, 'expected count is below 5')

  // Six tests: role and scheme (one each, yes/no), the three task options, the rate grid row.
  // Their p: 44/84, 132/252, 1, 1 ([[2,3],[3,3]]: every table of the 462 as likely or less),
  // 10/55 = 0.1818 ([[2,3],[0,6]]: 15 of the 55 more likely), 0.6763. Holm: the smallest times 6 is
  // 1.09, so every adjusted value is 1. Benjamini–Hochberg: 6/k × the k-th smallest is above 1
  // for every k (1.09, 1.57, 1.05, 1.01, 1.2, 1), so every value is 1 too.
  t.equal(testsIn(rows), 6)
  t.equal(r4(tasks.options[2].p), r4(10 / 55))
  t.same([role.test?.adjusted, role.options[0].adjusted, role.options[1].adjusted], [{ holm: 1, bh: 1 }, { holm: 1, bh: 1 }, { holm: 1, bh: 1 }], 'a yes/no question is one test, shown on both options')
  t.equal(role.options[2].adjusted, undefined, "no test on don't know")
  t.same(tasks.options.map((o) => o.adjusted), [{ holm: 1, bh: 1 }, { holm: 1, bh: 1 }, { holm: 1, bh: 1 }])
  t.same(rate.test?.adjusted, { holm: 1, bh: 1 })

  t.equal(row('q_staff').status, 'not_comparable')
  t.same(row('q_staff').waves.map((w) => w.available), [false, true], 'a break in series')
  t.equal(row('q_new').status, 'new')
  t.same(row('q_new').waves.map((w) => w.available), [false, true])
  const budget = row('q_budget')
  t.equal(budget.status, 'dropped')
  t.same(budget.waves.map((w) => w.available), [true, false])
})
