// Many tests at once, with real differences: six tests of very different raw p-values, and Holm's
// and Benjamini–Hochberg's adjusted values each landing on its own line of compare.csv, compare.xlsx
// and the page. Raw and adjusted values from R 4.x:
//   f <- function(a, n1, c, n2) fisher.test(matrix(c(a, n1 - a, c, n2 - c), 2, byrow = TRUE))$p.value
//   p <- c(role = f(20, 30, 8, 30), scheme = f(25, 30, 5, 30), cleaning = f(28, 30, 10, 30), meals = f(15, 30, 15, 30),
//          other = f(3, 30, 12, 30), rate = chisq.test(matrix(c(20, 5, 5, 5, 10, 15), 2, byrow = TRUE), correct = FALSE)$p.value)
//   p.adjust(p, "holm"); p.adjust(p, "BH")
import t from 'tap'
import ExcelJS from 'exceljs'
import { parse } from 'csv-parse/sync'
import type { Answers } from '../../src/questionnaire/answers.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { submittedWave } from '../helpers/responses.js'

const R = {
  role: { p: 4.02545550152838e-3, holm: 1.20763665045851e-2, bh: 6.03818325229257e-3 },
  scheme: { p: 3.56415547379098e-7, holm: 2.13849328427459e-6, bh: 2.13849328427459e-6 },
  cleaning: { p: 1.90820710165225e-6, holm: 9.54103550826124e-6, bh: 5.72462130495675e-6 },
  meals: { p: 1, holm: 1, bh: 1 },
  other: { p: 1.53316216973898e-2, holm: 3.06632433947797e-2, bh: 1.83979460368678e-2 },
  rate: { p: 3.96302268599906e-4, holm: 1.58520907439962e-3, bh: 7.92604537199812e-4 },
}

// 30 organisations a wave. W1: Manager 20, scheme yes 25, Cleaning 28, Meals 15, Other 3, Speed
// Good 20 / Fair 5 / Poor 5. W2: Manager 8, yes 5, Cleaning 10, Meals 15, Other 12, 5 / 10 / 15.
const tasks = (codes: [boolean, boolean, boolean]) => ({ codes: [1, 2, 3].filter((_, k) => codes[k]), ...(codes[2] ? { other: 'Post' } : {}) })
const W1: Answers[] = Array.from({ length: 30 }, (_, i) => ({
  q_role: { code: i < 20 ? 1 : 2 },
  q_scheme: { code: i < 25 ? 1 : 2 },
  q_tasks: tasks([i < 28, i < 15, i >= 27]),
  q_staff: { value: 3 },
  q_rate: { rows: { a: i < 20 ? 1 : i < 25 ? 2 : 3 } },
}))
const W2: Answers[] = Array.from({ length: 30 }, (_, i) => ({
  q_role: { code: i < 8 ? 1 : 2 },
  q_scheme: { code: i < 5 ? 1 : 2 },
  q_tasks: tasks([i < 10, i >= 10 && i < 25, i >= 18]),
  q_staff: { value: 3 },
  q_new: { code: 1 },
  q_rate: { rows: { a: i < 5 ? 1 : i < 15 ? 2 : 3 } },
}))

t.test('Holm’s and Benjamini–Hochberg’s adjusted p-values land on the right lines', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const first = await submittedWave(app, { surveyId: 'demo-analysis', version: '1', label: 'W1', answers: W1 })
  const second = await submittedWave(app, { surveyId: 'demo-analysis', version: '2', label: 'W2', answers: W2, organisations: first.organisations })
  const cookie = await signIn(app, 'analyst')
  const query = `waves=${first.waveId}&waves=${second.waveId}`
  const get = (url: string) => app.inject({ url, headers: { cookie } })

  const csv = parse((await get(`/admin/analysis/compare.csv?${query}`)).body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  const line = (id: string, code: string) => csv.find((r) => r.population === 'all' && r.question_id === id && r.code === code)!
  const lines = { role: line('q_role', '1'), scheme: line('q_scheme', '1'), cleaning: line('q_tasks', '1'), meals: line('q_tasks', '2'), other: line('q_tasks', '3'), rate: line('q_rate', '2') }
  // As printed: four decimals, and three significant figures below 0.0001 (never 0.0000).
  t.same(Object.fromEntries(Object.entries(lines).map(([k, l]) => [k, [l.p_value, l.p_holm, l.p_bh]])), {
    role: ['0.0040', '0.0121', '0.0060'],
    scheme: ['3.56e-7', '2.14e-6', '2.14e-6'],
    cleaning: ['1.91e-6', '9.54e-6', '5.72e-6'],
    meals: ['1.0000', '1.0000', '1.0000'],
    other: ['0.0153', '0.0307', '0.0184'],
    rate: ['0.0004', '0.0016', '0.0008'],
  })
  t.same([line('q_scheme', '2').p_holm, line('q_role', '2').p_bh], ['2.14e-6', '0.0060'], 'the second line of a two-answer question shares its test')
  t.same([line('q_rate', '1').p_holm, line('q_rate', '3').p_bh], ['0.0016', '0.0008'], 'a chi-square covers every answer of its row')

  // The workbook keeps full precision: each value within 1e-9 of R's, relative.
  const book = new ExcelJS.Workbook()
  await book.xlsx.load((await get(`/admin/analysis/compare.xlsx?${query}`)).rawPayload as unknown as ArrayBuffer)
  const rows: unknown[][] = []
  book.getWorksheet('Comparison')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
  const header = rows[0] as string[]
  const [p, holm, bh] = ['p', 'p (Holm)', 'p (Benjamini–Hochberg)'].map((h) => header.indexOf(h))
  const near = (a: unknown, b: number) => typeof a === 'number' && Math.abs(a - b) <= 1e-9 * b
  for (const [name, id, code] of [['role', 'q_role', 1], ['scheme', 'q_scheme', 1], ['cleaning', 'q_tasks', 1], ['meals', 'q_tasks', 2], ['other', 'q_tasks', 3], ['rate', 'q_rate', 2]] as const) {
    const row = rows.find((r) => r[0] === id && r[4] === code)!
    const expected = R[name]
    t.ok(near(row[p], expected.p) && near(row[holm], expected.holm) && near(row[bh], expected.bh), `${name}: p ${row[p]}, Holm ${row[holm]}, BH ${row[bh]} as R's`)
  }

  const page = (await get(`/admin/analysis/compare?${query}`)).body
  t.match(page, 'This comparison holds 6 tests.')
  t.match(page, 'Fisher’s exact test: p = 3.56e-7. Adjusted for the number of tests: Holm 2.14e-6, Benjamini–Hochberg 2.14e-6.')
  t.match(page, 'Chi-square test: p = 0.0004. Adjusted for the number of tests: Holm 0.0016, Benjamini–Hochberg 0.0008.')
})
