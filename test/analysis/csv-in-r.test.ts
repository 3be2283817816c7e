// Answers of several lines, and formulas hidden behind a line break, as R and a spreadsheet read
// them: R's read.csv must count one row per organisation (it read two-line answers as two rows
// when a lone LF was left unquoted) and read the raw data exactly as typed, while in the free
// text, which is for spreadsheets, no cell may start a formula, even after leading blanks.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { toolAvailable } from '../helpers/tools.js'
import { submittedWave } from '../helpers/responses.js'

const VIEWS = ['First line\nsecond line', 'Windows line\r\nends here', '\n=1+1', '  @SUM(A1:A2)', 'Plain, with a comma and "quotes"']

/** Rows and the q_views column as R reads the file (read.csv with its defaults, UTF-8 with BOM). */
function readInR(csv: string): { rows: number; views: string[]; names: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'csv-in-r-'))
  try {
    const file = join(dir, 'data.csv')
    writeFileSync(file, csv)
    // Line breaks inside an answer are printed escaped, so that each answer stays on one output line.
    const script = `d <- read.csv(${JSON.stringify(file)}, fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE); cat(nrow(d), "\\n"); cat(paste(gsub("\\n", "\\\\\\\\n", gsub("\\r", "\\\\\\\\r", d$q_views)), collapse = "\\t"), "\\n"); cat(names(d), sep = ",")`
    const out = execFileSync('Rscript', ['-e', script], { encoding: 'utf8' })
    const [rows, views, names] = out.split('\n')
    return { rows: Number(rows.trim()), views: views.replace(/ $/, '').split('\t'), names: names.split(',') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

t.test('raw data and free text with answers of several lines: one row per organisation in R', { skip: toolAvailable('Rscript', 'read the exports in R') ? false : 'R not found (apt-get install -y r-base-core)' }, async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const { waveId: wave } = await submittedWave(app, {
    surveyId: 'demo-analysis',
    version: '1',
    label: 'W1',
    attributes: { '=attr': 'x', 'Prison category': 'Categori B' },
    answers: VIEWS.map((value) => ({ q_role: { code: 1 }, q_scheme: { code: 2 }, q_tasks: { codes: [1] }, q_staff: { value: 1 }, q_rate: { rows: { a: 1 } }, q_views: { value } })),
  })
  const cookie = await signIn(app, 'analyst')
  const raw = (await app.inject({ url: `/admin/analysis/waves/${wave}/raw.csv`, headers: { cookie } })).body
  const free = (await app.inject({ url: `/admin/analysis/waves/${wave}/free-text.csv`, headers: { cookie } })).body

  const r = readInR(raw)
  t.equal(r.rows, 5, 'R reads five rows for five organisations')
  t.same(r.names, parse(raw.replace(/^\uFEFF/, ''), { to_line: 1 })[0], 'R keeps every column name as it is (it renames names that are not valid in R)')
  t.ok(r.names.includes('attr') && r.names.includes('prison_category'), 'attributes "=attr" and "Prison category" are attr and prison_category')
  // Exactly as typed (R reads a quoted CRLF as one line break, as the form itself stores it).
  t.same(r.views.sort(), ['\\n=1+1', '  @SUM(A1:A2)', 'First line\\nsecond line', 'Plain, with a comma and "quotes"', 'Windows line\\nends here'].sort())
  const freeInR = execFileSync('Rscript', ['-e', `cat(nrow(read.csv(file("stdin"), stringsAsFactors = FALSE)))`], { input: free.replace(/^\uFEFF/, ''), encoding: 'utf8' })
  t.equal(Number(freeInR), 5, 'R reads five answers in the free text')

  const freeCells = (parse(free.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]).flat()
  t.notOk(freeCells.some((c) => /^\s*[=+@]/.test(c)), 'in the free text, no cell starts a formula, even after blanks or a line break')
  t.ok(freeCells.includes("'\n=1+1"), 'it starts with an apostrophe instead')
  for (const body of [raw, free]) {
    t.notOk(/[^\r]\n/.test(body.replace(/"(?:[^"]|"")*"/g, '')), 'outside quotes, every line ends CRLF')
  }
})
