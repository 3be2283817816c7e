// "Break down by" covers every closed question: choices, yes/no and each row of a grid, with
// "don't know" out of the base unless included; and the comparison's downloads carry the page's
// settings. Figures worked out by hand from fixture.ts.
import t from 'tap'
import { parse } from 'csv-parse/sync'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { twoWaves } from './fixture.js'

/** The rows of the breakdown table captioned with `id`: [group, base, ...percentages]. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<caption[^>]*><code>${id.replace('.', '\\.')}</code>[\\s\\S]*?</table>`).exec(html)?.[0] ?? ''
  return [...table.matchAll(/<tr class="govuk-table__row"><th scope="row"[^>]*>([^<]*)<\/th>(.*?)<\/tr>/g)].map((m) => [m[1], ...[...m[2].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1])])
}

t.test('breakdowns by region for yes/no and grid questions too', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const { wave1 } = await twoWaves(app)
  const cookie = await signIn(app, 'analyst')
  const page = (await app.inject({ url: `/admin/analysis/waves/${wave1}?by=region`, headers: { cookie } })).body
  // W1 North: organisations 1, 3, 5; South: 2, 4. Scheme: 1 yes, 3 no, 5 don't know; 2 and 4 yes.
  // North's base leaves the don't know out: 1 of 2 yes, 1 of 2 no.
  t.same(tableRows(page, 'q_scheme'), [['North', '2', '50.0', '50.0', ''], ['South', '2', '100.0', '0.0', '']])
  // Grid row a (Speed): 1 Good, 3 Fair, 5 Poor; 2 Good, 4 Poor.
  t.same(tableRows(page, 'q_rate.a'), [['North', '3', '33.3', '33.3', '33.3'], ['South', '2', '50.0', '0.0', '50.0']])
  t.match(page, '<code>q_rate.a</code> Rate – Speed</caption>')
  // Multiple choice as before: of those who answered, the share ticking each. North: 1 {1,2}, 3 {2,3}, 5 {3}.
  t.same(tableRows(page, 'q_tasks'), [['North', '3', '33.3', '66.7', '66.7'], ['South', '2', '100.0', '0.0', '0.0']])
  const included = (await app.inject({ url: `/admin/analysis/waves/${wave1}?by=region&special=include`, headers: { cookie } })).body
  t.same(tableRows(included, 'q_scheme'), [['North', '3', '33.3', '33.3', '33.3'], ['South', '2', '100.0', '0.0', '0.0']], 'don’t know in the base when asked for')
  const byType = (await app.inject({ url: `/admin/analysis/waves/${wave1}?by=type`, headers: { cookie } })).body
  // Local authorities 1–3: Speed Good, Good, Fair; prisons 4–5: Poor, Poor.
  t.same(tableRows(byType, 'q_rate.a'), [['local authority', '3', '66.7', '33.3', '0.0'], ['prison', '2', '0.0', '0.0', '100.0']])
})

t.test('the comparison’s download links carry the page’s settings, so the file matches the page', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const { wave1, wave2 } = await twoWaves(app)
  const cookie = await signIn(app, 'analyst')
  const page = (await app.inject({ url: `/admin/analysis/compare?waves=${wave1}&waves=${wave2}&special=include&threshold=3`, headers: { cookie } })).body
  const hrefs = [...page.matchAll(/href="(\/admin\/analysis\/compare\.(?:csv|xlsx)[^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'))
  t.same(hrefs, [
    `/admin/analysis/compare.csv?waves=${wave1}&waves=${wave2}&special=include&threshold=3`,
    `/admin/analysis/compare.xlsx?waves=${wave1}&waves=${wave2}&special=include&threshold=3`,
    `/admin/analysis/compare.csv?waves=${wave1}&waves=${wave2}&special=include&threshold=3&publication=1`,
    `/admin/analysis/compare.xlsx?waves=${wave1}&waves=${wave2}&special=include&threshold=3&publication=1`,
  ])
  // W1's role with don't know in the base: 2 of 5 managers (40.0%), as the page shows it.
  t.match(page, '40.0')
  const csv = parse((await app.inject({ url: hrefs[0], headers: { cookie } })).body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  t.equal(csv.find((r) => r.question_id === 'q_role' && r.code === '1')!.W1_percent, '40.0')
})
