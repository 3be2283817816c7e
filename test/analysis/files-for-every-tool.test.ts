// The files as each tool needs them: number statistics a spreadsheet can compute with, formula-like
// answers kept as typed but inert in Excel, characters a workbook cannot hold replaced visibly and
// counted (never dropped), and file names that say when names are included or counts suppressed.
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import t, { type Test } from 'tap'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { submittedWave } from '../helpers/responses.js'
import { twoWaves } from './fixture.js'

async function analyst(t: Test) {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const cookie = await signIn(app, 'analyst')
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: { cookie } })
    t.equal(res.statusCode, 200, url)
    return res
  }
  return { app, get }
}

async function sheetRows(buffer: Buffer, name: string) {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(buffer as unknown as ArrayBuffer)
  const sheet = book.getWorksheet(name)
  const rows: ExcelJS.Row[] = []
  sheet?.eachRow((row) => rows.push(row))
  return { book, rows, values: rows.map((r) => (r.values as unknown[]).slice(1)) }
}

const fileName = (res: { headers: Record<string, unknown> }) => /filename="([^"]+)"/.exec(String(res.headers['content-disposition']))![1]

t.test('statistics.xlsx: each figure of a number question in its own cell', async (t) => {
  const { app, get } = await analyst(t)
  const { wave1, wave2 } = await twoWaves(app)
  const header = (await sheetRows((await get(`/admin/analysis/waves/${wave1}/statistics.xlsx`)).rawPayload, 'Main')).values[0]
  t.same(header.slice(13), ['n', 'Mean', 'Standard deviation', 'Median', 'Lower quartile', 'Upper quartile', 'Minimum', 'Maximum', "Don't know"])
  // Wave 1's staff: 2, 4, 4, 5, 10. Mean 25/5 = 5; squared deviations 9+1+1+0+25 = 36, /4 = 9, sd 3;
  // median 4; quartiles (type 7) at positions 2 and 4: 4 and 5.
  const w1 = (await sheetRows((await get(`/admin/analysis/waves/${wave1}/statistics.xlsx`)).rawPayload, 'Main')).values.find((r) => r[0] === 'q_staff')!
  t.same(w1.slice(13), [5, 5, 3, 4, 4, 5, 2, 10, 0])
  // Wave 2's staff: 1, 3, 3, 3, 3 and one "don't know". Mean 13/5 = 2.6; squared deviations
  // 2.56 + 4 × 0.16 = 3.2, /4 = 0.8, sd √0.8 = 0.894427…
  const w2 = (await sheetRows((await get(`/admin/analysis/waves/${wave2}/statistics.xlsx`)).rawPayload, 'Main')).values.find((r) => r[0] === 'q_staff')!
  t.same([w2[13], w2[14], w2[16], w2[17], w2[18], w2[19], w2[20], w2[21]], [5, 2.6, 3, 3, 3, 1, 3, 1])
  t.equal(Math.round((w2[15] as number) * 1e6) / 1e6, 0.894427)
  const role = (await sheetRows((await get(`/admin/analysis/waves/${wave2}/statistics.xlsx`)).rawPayload, 'Main')).values.find((r) => r[0] === 'q_role' && r[7] === "Don't know")!
  t.equal(role[6], -8, "don't know has the code it has in the raw data")
})

t.test('a formula-like answer is inert text in Excel, a vertical tab is replaced visibly and counted', async (t) => {
  const { app, get } = await analyst(t)
  const answers = (views: string) => ({ q_role: { code: 1 }, q_scheme: { code: 1 }, q_tasks: { codes: [1] }, q_staff: { value: 1 }, q_rate: { rows: { a: 1 } }, q_views: { value: views } })
  const { waveId } = await submittedWave(app, {
    surveyId: 'demo-analysis',
    version: '1',
    label: 'W1',
    attributes: { region: 'North\u0007East' },
    answers: [answers('=HYPERLINK("http://example.com","click")'), answers('Tab\there, vertical tab\u000Bthere, form feed\u000C too'), answers('-5')],
  })
  const free = await sheetRows((await get(`/admin/analysis/waves/${waveId}/free-text.xlsx`)).rawPayload, 'Free text')
  const cell = (text: string) => free.rows.flatMap((r) => [...Array(r.cellCount).keys()].map((i) => r.getCell(i + 1))).find((c) => c.value === text)
  const formula = cell('=HYPERLINK("http://example.com","click")')
  t.ok(formula, 'the answer is kept exactly as typed')
  t.equal(formula!.type, ExcelJS.ValueType.String, 'as a string, not a formula')
  t.equal(formula!.numFmt, '@', 'in a cell formatted as text, so editing it in Excel does not run it')
  t.equal(cell('-5')?.numFmt, undefined, 'a plain number is left alone')
  t.ok(cell('Tab\there, vertical tab\uFFFDthere, form feed\uFFFD too'), 'the vertical tab and the form feed are replaced with U+FFFD; a tab is kept')
  t.ok(free.values.some((r) => r.includes('North\uFFFDEast')), 'in attributes too')
  const notes = (await sheetRows((await get(`/admin/analysis/waves/${waveId}/free-text.xlsx`)).rawPayload, 'Notes')).values
  // Three attribute values (one per organisation) and two characters in one answer.
  t.same(notes, [['5 characters that this file format cannot hold (control characters, such as a vertical tab) were replaced with \uFFFD.']])
  const nvivoNotes = (await sheetRows((await get(`/admin/analysis/waves/${waveId}/nvivo.xlsx`)).rawPayload, 'Notes')).values
  t.same(nvivoNotes, [['5 characters that this file format cannot hold (control characters, such as a vertical tab) were replaced with \uFFFD.']])

  const zip = await JSZip.loadAsync((await get(`/admin/analysis/waves/${waveId}/project.qdpx`)).rawPayload)
  const xml = await zip.file('project.qde')!.async('string')
  t.match(xml, '<TextValue>North\uFFFDEast</TextValue>', 'the project XML cannot hold it either')
  t.match(xml, /<Description>Free-text answers exported by Survey Waves on [^<]+\. 3 characters that this file format cannot hold \(control characters, such as a vertical tab\) were replaced with \uFFFD\.<\/Description>/, 'and says how many it replaced')
  const texts = await Promise.all(Object.keys(zip.files).filter((n) => n.startsWith('Sources/') && !zip.files[n].dir).map((n) => zip.file(n)!.async('string')))
  t.ok(texts.includes('Tab\there, vertical tab\u000Bthere, form feed\u000C too'), 'a plain-text source keeps every character')

  const clean = await sheetRows((await get(`/admin/analysis/waves/${waveId}/statistics.xlsx`)).rawPayload, 'Notes')
  t.same(clean.values, [], 'nothing replaced, no note')
})

t.test('file names say when names are included or small counts suppressed', async (t) => {
  const { app, get } = await analyst(t)
  const { wave1, wave2 } = await twoWaves(app)
  const base = `/admin/analysis/waves/${wave1}`
  const names = {
    raw: fileName(await get(`${base}/raw.csv`)),
    rawNamed: fileName(await get(`${base}/raw.csv?names=1`)),
    syntaxNamed: fileName(await get(`${base}/labels.sps?names=1`)),
    free: fileName(await get(`${base}/free-text.xlsx?names=1`)),
    nvivo: fileName(await get(`${base}/nvivo.xlsx?names=1`)),
    project: fileName(await get(`${base}/project.qdpx?names=1`)),
    freeCsv: fileName(await get(`${base}/free-text.csv?names=1`)),
    statistics: fileName(await get(`${base}/statistics.csv`)),
    published: fileName(await get(`${base}/statistics.csv?publication=1`)),
    compared: fileName(await get(`/admin/analysis/compare.csv?waves=${wave1}&waves=${wave2}&publication=1`)),
  }
  t.same(names, {
    raw: 'raw-demo-analysis-W1.csv',
    rawNamed: 'raw-demo-analysis-W1-with-names.csv',
    syntaxNamed: 'labels-demo-analysis-W1-with-names.sps',
    free: 'free-text-demo-analysis-W1-with-names.xlsx',
    nvivo: 'nvivo-dataset-demo-analysis-W1-with-names.xlsx',
    project: 'free-text-demo-analysis-W1-with-names.qdpx',
    freeCsv: 'free-text-demo-analysis-W1-with-names.csv',
    statistics: 'statistics-demo-analysis-W1.csv',
    published: 'statistics-demo-analysis-W1-suppressed.csv',
    compared: 'comparison-demo-analysis-suppressed.csv',
  })
})
