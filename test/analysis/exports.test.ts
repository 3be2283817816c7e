// The Excel workbooks and the REFI-QDA project, opened and read back: the right sheets and
// cells, malicious answers inert, and a project.qde that validates against the QDA-XML schema.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import t, { type Test } from 'tap'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { twoWaves } from './fixture.js'

async function setup(t: Test) {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const waves = await twoWaves(app)
  const cookie = await signIn(app, 'analyst')
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: { cookie } })
    t.equal(res.statusCode, 200, url)
    return res.rawPayload
  }
  return { app, ...waves, get }
}

async function workbook(buffer: Buffer) {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(buffer as unknown as ArrayBuffer)
  return book
}

const cells = (sheet: ExcelJS.Worksheet) => {
  const rows: unknown[][] = []
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
  return rows
}

t.test('the comparison workbook: a summary, one sheet per section, and the comparison', async (t) => {
  const { wave1, wave2, get } = await setup(t)
  const book = await workbook(await get(`/admin/analysis/compare.xlsx?waves=${wave1}&waves=${wave2}`))
  t.same(book.worksheets.map((s) => s.name), ['Summary', 'Main', 'Comparison', 'Same organisations'])
  const summary = cells(book.getWorksheet('Summary')!)
  t.same(summary[2], ['W1', 6, 5, 83.3, 'no', 0, 'no'])
  t.same(summary[3], ['W2', 6, 6, 100, 'no', 0, 'no'])
  const comparison = cells(book.getWorksheet('Comparison')!)
  const manager = comparison.find((r) => r[0] === 'q_role' && r[4] === 1)!
  t.same(manager.slice(6, 17), [2, 4, 50, null, 1, 5, 20, null, -30, null, 'fisher'])
  t.equal(Math.round((manager[17] as number) * 10000) / 10000, 0.5238)
  // Staff is not comparable: [b] in W1; W2's 1, 3, 3, 3, 3 give n 5, mean 2.6, median 3.
  const staff = comparison.filter((r) => r[0] === 'q_staff')
  t.same(staff.map((r) => [r[5], ...r.slice(6, 14)]), [['mean', '[b]', '[b]', '[b]', '[b]', 5, 5, '[z]', 2.6], ['median', '[b]', '[b]', '[b]', '[b]', 5, 5, '[z]', 3]], 'number rows are in the workbook too')
  t.same(comparison.find((r) => r[0] === 'q_new' && r[4] === 1)!.slice(6, 9), ['[x]', '[x]', '[x]'])
})

t.test('the statistics workbook counts the organisations that answered in their own words', async (t) => {
  const { wave1, get } = await setup(t)
  const book = await workbook(await get(`/admin/analysis/waves/${wave1}/statistics.xlsx`))
  const views = cells(book.getWorksheet('Main')!).find((r) => r[0] === 'q_views')!
  // Two of the five organisations of wave 1 wrote their views (see fixture.ts).
  t.same(views.slice(7, 9), ['2 organisations answered in their own words.', 2])
})

t.test('free text in Excel and for NVivo, with a malicious answer kept as inert text', async (t) => {
  const { wave1, get } = await setup(t)
  const book = await workbook(await get(`/admin/analysis/waves/${wave1}/free-text.xlsx`))
  const sheet = book.getWorksheet('Free text')!
  const rows = cells(sheet)
  t.same(rows[0], ['respondent_id', 'response_status', 'wave', 'organisation_type', 'region', 'question_id', 'question', 'answer'])
  t.equal(rows.length, 5)
  let formulas = 0
  sheet.eachRow((row) => row.eachCell((cell) => (cell.type === ExcelJS.ValueType.Formula ? formulas++ : undefined)))
  t.equal(formulas, 0, 'no cell is a formula')
  t.ok(rows.some((r) => r[7] === '=HYPERLINK("http://example.com","click")'), 'the text is kept as typed, as a string')
  const nvivo = cells((await workbook(await get(`/admin/analysis/waves/${wave1}/nvivo.xlsx`))).getWorksheet('Dataset')!)
  t.same(nvivo[0], ['respondent_id', 'response_status', 'wave', 'organisation_type', 'region', 'q_tasks_other: Tasks (other, please specify)', 'q_views: Views'])
  t.equal(nvivo.length, 4, 'one row per organisation with free text')
  const laundry = nvivo.find((r) => r[5] === 'Laundry')!
  t.equal(laundry[6], '=HYPERLINK("http://example.com","click")')
})

t.test('the REFI-QDA project: project.qde and the sources, valid QDA-XML', async (t) => {
  const { wave1, get } = await setup(t)
  const zip = await JSZip.loadAsync(await get(`/admin/analysis/waves/${wave1}/project.qdpx`))
  const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir).sort()
  t.equal(names.length, 5, 'project.qde and 4 sources')
  t.ok(names.includes('project.qde'))
  const xml = await zip.file('project.qde')!.async('string')
  t.match(xml, /<Project xmlns="urn:QDA-XML:project:1\.0" name="Demo analysis survey – W1" origin="Survey Waves"/)
  t.equal((xml.match(/<Case /g) ?? []).length, 3, 'one case per organisation with free text')
  t.equal((xml.match(/<TextSource /g) ?? []).length, 4)
  t.match(xml, /<Variable guid="[0-9a-f-]{36}" name="region" typeOfVariable="Text"\/>/)
  t.match(xml, /<TextValue>North<\/TextValue>/)
  const sourcePath = /plainTextPath="internal:\/\/([0-9a-f-]{36})\.txt"/.exec(xml)![1]
  t.ok(await zip.file(`Sources/${sourcePath}.txt`)?.async('string'), 'each source file is in the archive')
  const texts = await Promise.all(names.filter((n) => n.startsWith('Sources/')).map((n) => zip.file(n)!.async('string')))
  t.same(texts.sort(), ['=HYPERLINK("http://example.com","click")', 'Good <b>work</b>', 'Laundry', 'Post'])
  t.notMatch(xml, 'Good <b>', 'answers are not pasted into the XML unescaped')

  if (!existsSync('/usr/bin/xmllint')) {
    if (process.env.CI) t.fail('CI must validate the project against the schema: install libxml2-utils')
    else t.comment('xmllint not found (apt-get install libxml2-utils): schema validation not run')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'qdpx-'))
  writeFileSync(join(dir, 'project.qde'), xml)
  const out = execFileSync('/usr/bin/xmllint', ['--noout', '--schema', 'test/fixtures/refi-qda/project-subset.xsd', join(dir, 'project.qde')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  t.equal(out, '', 'xmllint reports nothing')
  writeFileSync(join(dir, 'broken.qde'), xml.replace('typeOfVariable="Text"', 'typeOfVariable="Words"'))
  t.throws(() => execFileSync('/usr/bin/xmllint', ['--noout', '--schema', 'test/fixtures/refi-qda/project-subset.xsd', join(dir, 'broken.qde')], { stdio: 'pipe' }), 'the schema check does catch an invalid project')
})
