// The same organisations across waves: answers paired organisation by organisation, tested with
// McNemar's exact test (two answers) and Stuart–Maxwell (three or more), adjusted as a family of
// their own, on the page, in compare.csv and in compare.xlsx. Expected values from R 4.x (the call
// beside each) or by hand, never from the code under test. On SQLite and PostgreSQL.
import t from 'tap'
import ExcelJS from 'exceljs'
import { parse } from 'csv-parse/sync'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { panelWaves } from './panel-fixture.js'

const rowsOf = (body: string) => parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
const round = (v: unknown, digits = 4) => (typeof v === 'number' ? Math.round(v * 10 ** digits) / 10 ** digits : v)

// p.adjust(c(0.25, 0.0390625, 0.0625, 1, 0.071964743941723), "holm") and "BH": role, scheme,
// cleaning, meals, rate (the panel's five tests; Other was never chosen, so it has none).
const HOLM = { role: 0.5, scheme: 0.1953125, cleaning: 0.25, meals: 1, rate: 0.25 }
const BH = { role: 0.3125, scheme: 0.119941239902872, cleaning: 0.119941239902872, meals: 1, rate: 0.119941239902872 }

const { databases, skipped } = testDatabases()
if (skipped) t.test('the panel on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`the same organisations in both waves, paired and tested, on ${database.kind}`, async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false }, database)
    const { wave1, wave2, panel } = await panelWaves(app)
    const cookie = await signIn(app, 'analyst')
    const get = (url: string) => app.inject({ url, headers: { cookie } })
    const query = `waves=${wave1}&waves=${wave2}`

    const csv = rowsOf((await get(`/admin/analysis/compare.csv?${query}`)).body)
    const line = (id: string, code: string, population = 'panel') => csv.find((r) => r.population === population && r.question_id === id && r.code === code)!
    t.ok(csv.every((r) => r.panel_organisations === '20'), 'every line says how many organisations the panel holds')

    // All respondents still count the organisations outside the panel: 22 in W1, 21 in W2.
    t.same([line('q_role', '1', 'all').W1_count, line('q_role', '1', 'all').W1_base], ['7', '22'])

    // Scheme: 19 pairs (the don't know is left out). Yes 14 then 7 of 19: 73.7%, 36.8%, −36.8 points.
    // Discordant 8 (yes→no) and 1: binom.test(1, 9) p = 0.0390625.
    const scheme = line('q_scheme', '1')
    t.same([scheme.W1_count, scheme.W1_base, scheme.W1_percent, scheme.W2_count, scheme.W2_base, scheme.W2_percent, scheme.change_pp], ['14', '19', '73.7', '7', '19', '36.8', '-36.8'])
    t.same([scheme.test, scheme.p_value, scheme.p_holm, scheme.p_bh], ['mcnemar', '0.0391', HOLM.scheme.toFixed(4), BH.scheme.toFixed(4)])
    t.same([line('q_scheme', '2').test, line('q_scheme', '2').p_value], ['mcnemar', '0.0391'], 'no shares the question’s one test')
    t.notOk(csv.some((r) => r.population === 'panel' && r.question_id === 'q_scheme' && r.code === '8'), 'no panel line for don’t know')

    // Grid row a, three answers: Good 10, Fair 6, Poor 4 then 5, 9, 6 of 20. Stuart–Maxwell by hand:
    // d = (10 − 5, 6 − 9) = (5, −3); V = [[5, −4], [−4, 7]], det 19; d'V⁻¹d = (7·25 − 2·4·15 + 5·9)/19 = 100/19;
    // pchisq(100/19, 2, lower.tail = FALSE) = 0.071964743941723.
    const good = line('q_rate', '1')
    t.same([good.row, good.W1_count, good.W1_base, good.W1_percent, good.W2_count, good.W2_percent, good.change_pp], ['a', '10', '20', '50.0', '5', '25.0', '-25.0'])
    t.same([good.test, good.p_value, good.p_holm, good.p_bh], ['stuart_maxwell', '0.0720', HOLM.rate.toFixed(4), BH.rate.toFixed(4)])
    t.same([line('q_rate', '3').W1_count, line('q_rate', '3').W2_count], ['4', '6'])

    // Tasks, per option. Cleaning 10 then 5 of 20, discordant 5 and 0: binom.test(0, 5) p = 0.0625.
    // Meals 16 and 16, discordant 1 and 1: binom.test(1, 2) p = 1. Other: nobody in the panel (the
    // two who ticked it answered one wave only), nobody changed: no test.
    t.same([line('q_tasks', '1').W1_count, line('q_tasks', '1').W2_count, line('q_tasks', '1').p_value, line('q_tasks', '1').p_holm], ['10', '5', '0.0625', HOLM.cleaning.toFixed(4)])
    t.same([line('q_tasks', '2').W1_percent, line('q_tasks', '2').W2_percent, line('q_tasks', '2').p_value, line('q_tasks', '2').p_bh], ['80.0', '80.0', '1.0000', '1.0000'])
    t.same([line('q_tasks', '3').W1_count, line('q_tasks', '3').W2_count, line('q_tasks', '3').test, line('q_tasks', '3').p_value], ['0', '0', '', ''])
    t.same([line('q_tasks', '3', 'all').W1_count, line('q_tasks', '3', 'all').W2_count], ['2', '1'], 'all respondents: the three outside the panel')

    // Role, Worker and Volunteer recoded to Staff: Manager 5 then 8 of 20; discordant 0 and 3: binom.test(0, 3) p = 0.25.
    const manager = line('q_role', '1')
    t.same([manager.W1_count, manager.W2_count, manager.change_pp, manager.test, manager.p_value, manager.p_holm, manager.p_bh], ['5', '8', '15.0', 'mcnemar', '0.2500', HOLM.role.toFixed(4), BH.role.toFixed(4)])

    // Not comparable (staff), new (q_new) and text have no panel lines.
    t.same([...new Set(csv.filter((r) => r.population === 'panel').map((r) => r.question_id))].sort(), ['q_rate', 'q_role', 'q_scheme', 'q_tasks'])

    // The page: all respondents by default, the panel on request, with its size, its tests and its organisations.
    const all = (await get(`/admin/analysis/compare?${query}`)).body
    t.match(all, '20 organisations responded to every wave compared.')
    t.notMatch(all, 'McNemar')
    const page = (await get(`/admin/analysis/compare?${query}&population=panel`)).body
    t.match(page, 'The same 20 organisations in every wave')
    t.match(page, 'The panel holds 5 tests, adjusted as a family of their own')
    t.match(page, 'McNemar’s exact test: p = 0.0391. Adjusted for the number of tests in the panel: Holm 0.1953, Benjamini–Hochberg 0.1199.')
    t.match(page, 'Stuart–Maxwell test: p = 0.0720.')
    t.match(page, 'Percentages of the 19 organisations that answered in every wave')
    t.match(page, 'No paired comparison: the question is not comparable across these waves')
    const links = [...page.matchAll(/href="\/admin\/analysis\/organisations\/([^"?]+)\?survey=demo-analysis"/g)].map((m) => m[1])
    t.same(links.sort(), [...panel].sort(), 'each organisation of the panel is linked to its answers wave by wave')

    // The workbook: a sheet of its own, the panel's size on its first line.
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await get(`/admin/analysis/compare.xlsx?${query}`)).rawPayload as unknown as ArrayBuffer)
    const sheet = book.getWorksheet('Same organisations')!
    t.equal(sheet.getCell(1, 1).value, 'The same 20 organisations in every wave')
    const rows: unknown[][] = []
    sheet.eachRow((row, n) => n > 3 && rows.push((row.values as unknown[]).slice(1)))
    const schemeRow = rows.find((r) => r[0] === 'q_scheme' && r[4] === 1)!
    t.same(schemeRow.slice(6, 12).map((v) => round(v)), [19, 14, 73.7, 7, 36.8, -36.8])
    t.same(schemeRow.slice(12, 16).map((v) => round(v, 9)), ['mcnemar', 0.0390625, 0.1953125, round(BH.scheme, 9)])
  })
}
