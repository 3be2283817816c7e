// Partial responses in analysis: left out of every figure unless the analyst includes them, and
// marked wherever they appear. The wave is test/analysis/partial-fixture.ts (three submitted, two
// kept as partial when the wave closed); every expected figure below was worked out by hand from
// that table, and the 95% Wilson intervals checked in R with prop.test(x, n, correct = FALSE).
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import { parse } from 'csv-parse/sync'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { rawLayout, rawRows } from '../../src/analysis/raw-data.js'
import { waveStatistics, type WaveStatistics } from '../../src/analysis/statistics.js'
import { closeWave } from '../../src/waves/waves.js'
import { buildTestApp, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { PARTIAL_SURVEYS, partlyAnsweredWave } from './partial-fixture.js'

const r4 = (x: number | null | undefined) => (x === null || x === undefined ? x : Math.round(x * 10000) / 10000)
const rowsOf = (body: string) => parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]

async function closedWithPartial(app: FastifyInstance, label?: string) {
  const wave = await partlyAnsweredWave(app, label)
  await closeWave(app.db, wave.waveId, { inProgress: 'keep_partial', catalogue: app.catalogue })
  return wave
}

const question = (stats: WaveStatistics, id: string) => stats.questions.find((q) => q.id === id)!
const choices = (stats: WaveStatistics, id: string) => question(stats, id).choice!.options.map((o) => [o.code, o.count, r4(o.percent)])

const { databases, skipped } = testDatabases()
if (skipped) t.test('partial responses in statistics on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`statistics leave partial responses out unless included, on ${database.kind}`, async (t) => {
    const app = await buildTestApp(t, { surveysDir: PARTIAL_SURVEYS, mailWorker: false }, database)
    const wave = await closedWithPartial(app)
    const definition = app.catalogue.find('partial-demo', '1')!.definition

    // By default: S1, S2 and S3 only.
    const submitted = await waveStatistics(app.db, wave.waveId, definition)
    t.same([submitted.invited, submitted.submitted, submitted.partial, submitted.includePartial], [7, 3, 2, false])
    const scheme = question(submitted, 'has_scheme')
    t.same([scheme.asked, scheme.answered, scheme.missing, scheme.choice!.base], [3, 3, 0, 3])
    t.same(choices(submitted, 'has_scheme'), [[1, 2, 0.6667], [2, 1, 0.3333], [8, 0, null]], 'yes 2 of 3, no 1 of 3')
    t.same([r4(scheme.choice!.options[0].ci!.low), r4(scheme.choice!.options[0].ci!.high)], [0.2077, 0.9385], 'Wilson for 2 of 3')
    // Buddies 4 and 6: mean 5, sd √2, quartiles (type 7) 4.5 and 5.5.
    t.same(question(submitted, 'buddies').number, { n: 2, dontKnow: 0, mean: 5, sd: Math.SQRT2, median: 5, q1: 4.5, q3: 5.5, min: 4, max: 6 })
    t.same(choices(submitted, 'tasks'), [[1, 2, 1], [2, 1, 0.5], [3, 0, 0]], 'Cleaning 2 of 2, Meals 1 of 2')
    t.same([question(submitted, 'role').asked, question(submitted, 'role').answered], [3, 3])
    t.same(choices(submitted, 'role'), [[1, 1, 0.3333], [2, 2, 0.6667], [9, 0, null]])
    t.same([question(submitted, 'comments').asked, question(submitted, 'comments').answered, question(submitted, 'comments').texts], [3, 1, 1])

    // Included: P1 (yes, buddies 2, nothing else) and P2 (no, Don't know, a comment) join in.
    const all = await waveStatistics(app.db, wave.waveId, definition, { includePartial: true })
    t.same([all.invited, all.submitted, all.partial, all.includePartial], [7, 3, 2, true], 'still 3 submitted: partial ones are never counted as submitted')
    t.same(choices(all, 'has_scheme'), [[1, 3, 0.6], [2, 2, 0.4], [8, 0, null]], 'yes 3 of 5, no 2 of 5')
    t.same([r4(question(all, 'has_scheme').choice!.options[0].ci!.low), r4(question(all, 'has_scheme').choice!.options[0].ci!.high)], [0.2307, 0.8824], 'Wilson for 3 of 5')
    // Buddies 4, 6, 2 (P2's hidden 10 never counts): mean 4, sd √((0+4+4)/2) = 2, quartiles 3 and 5.
    t.same(question(all, 'buddies').number, { n: 3, dontKnow: 0, mean: 4, sd: 2, median: 4, q1: 3, q3: 5, min: 2, max: 6 })
    const tasks = question(all, 'tasks')
    t.same([tasks.asked, tasks.answered, tasks.missing], [3, 2, 1], 'P1 was asked the tasks but had not answered')
    t.same(choices(all, 'tasks'), [[1, 2, 1], [2, 1, 0.5], [3, 0, 0]], "P2's hidden Cleaning does not count")
    const role = question(all, 'role')
    t.same([role.asked, role.answered, role.missing, role.choice!.base], [5, 4, 1, 3], "P1 did not reach it; P2's Don't know is left out of the base")
    t.same(choices(all, 'role'), [[1, 1, 0.3333], [2, 2, 0.6667], [9, 1, null]])
    t.same([question(all, 'comments').asked, question(all, 'comments').answered, question(all, 'comments').texts], [5, 2, 2])

    // The raw data, one status at a time: the same three rows by default, then the two partial ones.
    const attributes = ['region']
    const header = rawLayout(definition, attributes, true).header
    const collect = async (includePartial: boolean) => {
      const rows: Record<string, string | number>[] = []
      for await (const cells of rawRows(app.db, wave.waveId, definition, attributes, true, { includePartial, batchSize: 2 })) rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i]])))
      return rows
    }
    const only = await collect(false)
    t.same(only.map((r) => [r.organisation_code, r.response_status, r.partial_responses, r.partial_included]).sort(), [['S1', 1, 2, 0], ['S2', 1, 2, 0], ['S3', 1, 2, 0]], 'each row says the wave has 2 partial responses, not in this file')
    const both = await collect(true)
    t.same(both.map((r) => r.response_status), [1, 1, 1, 2, 2], 'submitted first, then partial, in batches of two')
    t.ok(both.every((r) => r.partial_responses === 2 && r.partial_included === 1))
    const p1 = both.find((r) => r.organisation_code === 'P1')!
    t.same([p1.has_scheme, p1.buddies, p1.tasks_1, p1.tasks_2, p1.tasks_3, p1.role, p1.comments], [1, 2, -9, -9, -9, -9, -9], 'not reached: -9 (asked, not answered), text too')
    const p2 = both.find((r) => r.organisation_code === 'P2')!
    t.same([p2.has_scheme, p2.buddies, p2.tasks_1, p2.role, p2.comments], [2, '', '', -8, 'Not finished'], 'hidden questions are blank: not asked; "Don\'t know" (code 9) is -8')
  })
}

t.test('the report and every download say how many partial responses there are and whether they are in', async (t) => {
  const app = await buildTestApp(t, { surveysDir: PARTIAL_SURVEYS, mailWorker: false })
  const wave = await closedWithPartial(app)
  const cookie = await signIn(app, 'analyst')
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: { cookie } })
    t.equal(res.statusCode, 200, url)
    return res
  }
  const base = `/admin/analysis/waves/${wave.waveId}`

  const report = (await get(base)).body
  t.match(report, 'This wave has 2 partial responses')
  t.match(report, 'They are not included in these figures or in the downloads below.')
  t.match(report, /<input class="govuk-checkboxes__input" id="partial" name="partial" type="checkbox" value="include">/, 'an unticked option to include them')
  t.match(report, `${base}/raw.csv"`, 'downloads leave them out too')
  const included = (await get(`${base}?partial=include&special=include`)).body
  t.match(included, 'They are included in these figures and in the downloads below')
  t.match(included, /id="partial" name="partial" type="checkbox" value="include" checked/)
  for (const file of ['raw.csv', 'codebook.csv', 'labels.sps', 'free-text.csv', 'free-text.xlsx', 'nvivo.xlsx', 'project.qdpx']) t.match(included, `${base}/${file}?partial=include"`, `${file} carries the choice`)
  t.match(included, `${base}/statistics.csv?special=include&amp;partial=include"`)
  t.match(included, `${base}/statistics.csv?publication=1&amp;special=include&amp;partial=include"`)
  t.match(included, 'Percentages of 5 organisations', 'the figures include them: 5 answered whether there is a scheme')
  t.match(report, 'Percentages of 3 organisations')

  // Breakdown by region: only P1 and P2 (partial) are in the South. Of them only P2 answered the
  // role, with "Don't know": a South base of 1 when "don't know" counts, of 0 when it does not.
  // Both answered whether there is a scheme (a yes/no question, in the breakdown too): base 2.
  const southRow = (base: number) => new RegExp(`<th scope="row" class="govuk-table__header">South</th><td class="govuk-table__cell govuk-table__cell--numeric">${base}</td>`)
  const tableOf = (html: string, id: string) => new RegExp(`<code>${id}</code>[\\s\\S]*?</table>`).exec(html)?.[0] ?? ''
  const withSpecial = (await get(`${base}?by=region&partial=include&special=include`)).body
  t.match(tableOf(withSpecial, 'role'), southRow(1))
  t.notMatch(tableOf(withSpecial, 'role'), southRow(2))
  t.match(tableOf(withSpecial, 'has_scheme'), southRow(2))
  t.match(tableOf((await get(`${base}?by=region&partial=include`)).body, 'role'), southRow(0))
  t.notMatch((await get(`${base}?by=region&special=include`)).body, />South<\/th>/, 'without partial responses, nobody in the South responded')

  const stats = rowsOf((await get(`${base}/statistics.csv`)).body)
  const yes = stats.find((r) => r.question_id === 'has_scheme' && r.code === '1')!
  t.same([yes.count, yes.base, yes.percent, yes.partial_responses, yes.partial_included], ['2', '3', '66.7', '2', 'no'])
  const yesAll = rowsOf((await get(`${base}/statistics.csv?partial=include`)).body).find((r) => r.question_id === 'has_scheme' && r.code === '1')!
  t.same([yesAll.count, yesAll.base, yesAll.percent, yesAll.ci95_low, yesAll.ci95_high, yesAll.partial_included], ['3', '5', '60.0', '23.1', '88.2', 'yes'])

  const raw = rowsOf((await get(`${base}/raw.csv`)).body)
  t.same(raw.map((r) => r.response_status), ['1', '1', '1'], 'raw data: submitted only by default')
  const rawAll = rowsOf((await get(`${base}/raw.csv?partial=include`)).body)
  t.same(rawAll.map((r) => r.response_status).sort(), ['1', '1', '1', '2', '2'])
  t.equal(Object.keys(rawAll[0])[1], 'response_status', 'right after the respondent id')
  t.same(Object.keys(rawAll[0]).slice(-2), ['partial_responses', 'partial_included'], 'and the wave-level columns last')

  const codebook = rowsOf((await get(`${base}/codebook.csv`)).body)
  const status = codebook.find((r) => r.variable === 'response_status')!
  t.equal(status.values, '1=Submitted; 2=Partial: started but not submitted when the wave closed')
  t.match(status.derivation, '2 in this wave, not included in the raw data downloaded with this file')
  t.match(rowsOf((await get(`${base}/codebook.csv?partial=include`)).body).find((r) => r.variable === 'response_status')!.derivation, '2 in this wave, included in the raw data')
  const spss = (await get(`${base}/labels.sps?partial=include`)).body
  t.match(spss, /^\* Partial responses .*: 2 in this wave, included in the raw data downloaded with this file as response_status 2\.$/m)
  t.match(spss, /response_status "Response status"/)
  t.match(spss, '/response_status 1 "Submitted" 2 "Partial: started but not submitted when the wave closed"\n', 'value labels, with no "not answered": the status is always known')
  t.notMatch(spss, /MISSING VALUES .*response_status/)
  t.match(spss, '/partial_included 0 "No" 1 "Yes".\n', 'the last value labels: whether the CSV has the partial responses')
  t.match(spss, /partial_responses F18\.0\n\s+partial_included F8\.0\n\s+end__ A1\./, 'read as numbers, the last columns of the CSV (then the end of the joined row)')

  const freeText = rowsOf((await get(`${base}/free-text.csv`)).body)
  t.same(freeText.map((r) => [r.response_status, r.answer, r.partial_responses, r.partial_included]), [['submitted', 'Works well', '2', 'no']])
  const freeTextAll = rowsOf((await get(`${base}/free-text.csv?partial=include`)).body)
  t.same(freeTextAll.map((r) => [r.response_status, r.answer, r.partial_included]).sort(), [['partial', 'Not finished', 'yes'], ['submitted', 'Works well', 'yes']])

  const book = new ExcelJS.Workbook()
  await book.xlsx.load((await get(`${base}/free-text.xlsx?partial=include`)).rawPayload as unknown as ArrayBuffer)
  t.same(book.worksheets.map((s) => s.name), ['Free text', 'Notes'])
  t.match(String(book.getWorksheet('Notes')!.getCell('A1').value), '2 in this wave, included in this file and marked as partial')
  const stats2 = new ExcelJS.Workbook()
  await stats2.xlsx.load((await get(`${base}/statistics.xlsx`)).rawPayload as unknown as ArrayBuffer)
  const summary: unknown[][] = []
  stats2.getWorksheet('Summary')!.eachRow((row) => summary.push((row.values as unknown[]).slice(1)))
  t.same(summary[1].slice(5), ['Partial responses (not submitted)', 'Partial responses included'])
  t.same(summary[2], ['2027', 7, 3, 42.9, 'no', 2, 'no'])

  const zip = await JSZip.loadAsync((await get(`${base}/project.qdpx?partial=include`)).rawPayload)
  const xml = await zip.file('project.qde')!.async('string')
  t.match(xml, /name="response_status" typeOfVariable="Text"/)
  t.match(xml, '<TextValue>partial</TextValue>')
  t.match(xml, '2 in this wave, included in this file and marked as partial')
})

t.test('a comparison says which waves have partial responses and carries the choice into its downloads', async (t) => {
  const app = await buildTestApp(t, { surveysDir: PARTIAL_SURVEYS, mailWorker: false })
  const first = await closedWithPartial(app, '2027')
  const second = await partlyAnsweredWave(app, '2029')
  const cookie = await signIn(app, 'analyst')
  const query = `waves=${first.waveId}&waves=${second.waveId}`
  const page = (await app.inject({ url: `/admin/analysis/compare?${query}`, headers: { cookie } })).body
  t.match(page, 'Partial responses (started but not submitted when the wave closed): 2027: 2, 2029: 0. They are not included')
  t.match(page, `/admin/analysis/compare.csv?waves=${first.waveId}&amp;waves=${second.waveId}"`)
  const included = (await app.inject({ url: `/admin/analysis/compare?${query}&partial=include`, headers: { cookie } })).body
  t.match(included, `/admin/analysis/compare.csv?waves=${first.waveId}&amp;waves=${second.waveId}&amp;partial=include"`)
  const rows = rowsOf((await app.inject({ url: `/admin/analysis/compare.csv?${query}&partial=include`, headers: { cookie } })).body)
  const yes = rows.find((r) => r.question_id === 'has_scheme' && r.code === '1')!
  // 2027 with P1 and P2: yes 3 of 5; 2029 (still open, nothing partial): yes 2 of 3.
  t.same([yes['2027_count'], yes['2027_base'], yes['2029_count'], yes['2029_base'], yes.partial_included, yes['2027_partial_responses'], yes['2029_partial_responses']], ['3', '5', '2', '3', 'yes', '2', '0'])
})
