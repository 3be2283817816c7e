// Tables for publication: small counts suppressed as [c], with a second cell where the hidden
// one could otherwise be worked out from the total.
import t from 'tap'
import { parse } from 'csv-parse/sync'
import { protect, recoverable } from '../../src/analysis/disclosure.js'
import { attainedBy } from '../../src/analysis/publication.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { twoWaves } from './fixture.js'

t.test('a hidden count stays hidden however the sums are combined', async (t) => {
  const sensitive = (k: string) => k.startsWith('o')
  // One small count beside a total: subtraction gives it back, so the next smallest goes too.
  const one = { values: new Map([['o1', 12], ['o2', 3], ['o3', 20], ['base', 35]]), equations: [{ total: 'base', parts: ['o1', 'o2', 'o3'] }] }
  t.same([...protect(one, sensitive, 5)].sort(), ['o1', 'o2'])
  t.same(recoverable(one, new Set(['o2'])), ['o2'], 'the attacker finds the lone hidden count')
  // Two totals: the base (without don't know) and those who answered. Hiding two options is not
  // enough: answered − base gives don't know (2), and then base − 10 − 12 gives the 3.
  const two = {
    values: new Map([['o1', 10], ['o2', 3], ['o3', 12], ['o9', 2], ['base', 25], ['answered', 27]]),
    equations: [{ total: 'base', parts: ['o1', 'o2', 'o3'] }, { total: 'answered', parts: ['o1', 'o2', 'o3', 'o9'] }],
  }
  t.same(recoverable(two, new Set(['o2', 'o9', 'o1'])).sort(), ['o9'], 'the difference of the totals')
  const hidden = protect(two, sensitive, 5)
  t.same(recoverable(two, hidden), [], 'nothing can be worked back once protected')
  t.ok(hidden.has('answered') || hidden.has('base'), 'one of the totals had to go')
  // Zeros are shown, so hidden counts are at least 1: 1 + 1 = 2 would give both back.
  const ones = { values: new Map([['o1', 1], ['o2', 1], ['o3', 9], ['total', 11]]), equations: [{ total: 'total', parts: ['o1', 'o2', 'o3'] }] }
  t.same(recoverable(ones, new Set(['o1', 'o2'])).sort(), ['o1', 'o2'])
  t.same(recoverable(ones, protect(ones, sensitive, 5)), [])
  // Linked cells go together.
  const linked = { values: new Map([['o1', 3], ['p1', 3], ['o2', 30]]), equations: [], linked: [['o1', 'p1']] as [string, string][] }
  t.same([...protect(linked, (k) => k === 'o1', 5)].sort(), ['o1', 'p1'])
})

t.test('published statistics and comparison CSVs carry [c]', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const { wave1, wave2 } = await twoWaves(app)
  const cookie = await signIn(app, 'analyst')
  const rows = (body: string) => parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  const stats = rows((await app.inject({ url: `/admin/analysis/waves/${wave1}/statistics.csv?publication=1&threshold=2`, headers: { cookie } })).body)
  // Grid row a in W1: 2, 1, 2. The 1 is hidden, and the first 2 with it (else 5 - 2 - 2 = 1).
  t.same(stats.filter((r) => r.question_id === 'q_rate').map((r) => r.count), ['[c]', '[c]', '2'])
  t.same(stats.filter((r) => r.question_id === 'q_rate').map((r) => r.percent), ['[c]', '[c]', '40.0'])
  t.same(stats.filter((r) => r.question_id === 'q_tasks').map((r) => r.count), ['3', '2', '2'], 'threshold 2: nothing under it')
  const strict = rows((await app.inject({ url: `/admin/analysis/waves/${wave1}/statistics.csv?publication=1`, headers: { cookie } })).body)
  t.ok(strict.filter((r) => r.question_id === 'q_role').every((r) => r.count === '[c]'), 'default threshold 5 hides every count below 5')
  const comparison = rows((await app.inject({ url: `/admin/analysis/compare.csv?waves=${wave1}&waves=${wave2}&publication=1&threshold=2`, headers: { cookie } })).body)
  const manager = comparison.find((r) => r.question_id === 'q_role' && r.code === '1')!
  // W1 mapped: Manager 2, Staff 2, don't know 1 (base 4, don't know outside it): the 1 is hidden, and
  // no published sum holds it (the comparison gives no "answered"), so Manager and Staff stay.
  // W2: Manager 1, Staff 4, don't know 1, base 5: Manager is 5 − 4, so Staff goes with it.
  t.same([manager.W1_count, manager.W2_count, manager.W2_percent, manager.change_pp], ['2', '[c]', '[c]', '[c]'])
  const staffRow = comparison.find((r) => r.question_id === 'q_role' && r.code === '2')!
  t.same([staffRow.W1_count, staffRow.W2_count, staffRow.W2_base], ['2', '[c]', '5'])
  t.equal(comparison.find((r) => r.question_id === 'q_role' && r.code === '-8')!.W1_count, '[c]', "don't know, -8 in the files")
  t.same([manager.p_value, manager.p_holm], ['[c]', '[c]'], 'no p-value from a hidden count')
  const unpublished = rows((await app.inject({ url: `/admin/analysis/compare.csv?waves=${wave1}&waves=${wave2}`, headers: { cookie } })).body)
  t.equal(unpublished.find((r) => r.question_id === 'q_role' && r.code === '1')!.W2_count, '1', 'the team’s own table is complete')
  const audit = await app.db.selectFrom('audit_log').select('details_json').where('action', '=', 'export').execute()
  t.ok(audit.some((a) => a.details_json.includes('statistics_csv_published')))
})

t.test('an adjusted p-value worked out from a withheld p-value is withheld too', async (t) => {
  const family = (ps: Record<string, number>) => Object.entries(ps).map(([key, p]) => ({ key, p, assign: () => {} }))
  const ps = { a: 0.02, b: 0.025, c: 0.5 }
  // p.adjust(c(.02, .025, .5), "holm") = 0.06 0.06 0.5: b's Holm value is a's 3 × 0.02.
  t.same([...attainedBy(family(ps), new Set(['a']))].sort(), ['a', 'b'], "a withheld: b's Holm value would give it away")
  // p.adjust(c(.02, .025, .5), "BH") = 0.0375 0.0375 0.5: a's value is b's 3/2 × 0.025.
  t.same([...attainedBy(family(ps), new Set(['b']))].sort(), ['a', 'b'], "b withheld: a's Benjamini–Hochberg value would give it away")
  t.same([...attainedBy(family(ps), new Set(['c']))], ['c'], "c's values are its own, and no one else's")
  // p.adjust(c(.6, .7), "holm") = 1 1; "BH" = 0.7 0.7: a value capped at 1 tells nothing of x.
  t.same([...attainedBy(family({ x: 0.6, y: 0.7 }), new Set(['x']))], ['x'], 'a value of 1 gives nothing away')
})
