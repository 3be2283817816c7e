// Tables for publication: small counts suppressed as [c], with a second cell where the hidden
// one could otherwise be worked out from the total.
import t from 'tap'
import { parse } from 'csv-parse/sync'
import { suppressedCells } from '../../src/analysis/suppression.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { twoWaves } from './fixture.js'

t.test('primary and secondary suppression', async (t) => {
  t.same(suppressedCells([12, 3, 20], 5, true), [true, true, false], 'one small cell in an additive table takes the next smallest with it')
  t.same(suppressedCells([12, 3, 2, 20], 5, true), [false, true, true, false], 'two small cells protect each other')
  t.same(suppressedCells([12, 3, 20], 5, false), [false, true, false], 'multiple choice: primary only')
  t.same(suppressedCells([12, 0, 20], 5, true), [false, false, false], 'zero is not disclosive')
  t.same(suppressedCells([3, 0], 5, true), [true, true], 'with only a zero left, the zero is hidden too')
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
  // W1 mapped: Manager 2, Staff 2, don't know 1: the 1 is hidden and, with it, Manager (the first smallest).
  // W2: Manager 1, Staff 4, don't know 1: both ones are hidden.
  t.same([manager.W1_count, manager.W2_count, manager.W2_percent, manager.change_pp], ['[c]', '[c]', '[c]', '[c]'])
  const staffRow = comparison.find((r) => r.question_id === 'q_role' && r.code === '2')!
  t.same([staffRow.W1_count, staffRow.W2_count], ['2', '4'])
  const unpublished = rows((await app.inject({ url: `/admin/analysis/compare.csv?waves=${wave1}&waves=${wave2}`, headers: { cookie } })).body)
  t.equal(unpublished.find((r) => r.question_id === 'q_role' && r.code === '1')!.W2_count, '1', 'the team’s own table is complete')
  const audit = await app.db.selectFrom('audit_log').select('details_json').where('action', '=', 'export').execute()
  t.ok(audit.some((a) => a.details_json.includes('statistics_csv_published')))
})
