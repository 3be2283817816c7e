// The 2015/16 national survey brought in from a spreadsheet, as a research team would: a file of
// 150 authorities saved by Excel in Windows-1252, with a code out of range, a number out of range,
// an unknown organisation, answers to questions the skip logic hides and a question left blank,
// reports every problem with its row and column and imports nothing; the corrected file imports;
// and the comparison with a 2020 wave collected through the respondent's pages gives figures
// worked out by hand. On SQLite and PostgreSQL.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import ExcelJS from 'exceljs'
import { parse } from 'csv-parse/sync'
import { answerToFields } from '../../src/questionnaire/answers.js'
import type { Answer } from '../../src/questionnaire/answers.js'
import { isAnswerable } from '../../src/questionnaire/model.js'
import type { AnswerableQuestion } from '../../src/questionnaire/schema.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations } from '../../src/waves/waves.js'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { excelCsv, multipartFile } from '../helpers/excel-files.js'
import { typicalAnswer } from '../helpers/branches.js'
import { authorityCells, authorityCode, authorityName, HEADER_2015_16, pastWaveRows, TEAM_TEXT } from '../helpers/past-wave-file.js'
import { issueLinks } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const { databases, skipped } = testDatabases()
if (skipped) t.comment(skipped)

const unescape = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
const summaryItems = (html: string) => [...html.matchAll(/<li><a href="#file">([\s\S]*?)<\/a><\/li>/g)].map((m) => unescape(m[1]))

async function authorities(app: FastifyInstance, count: number): Promise<Map<string, string>> {
  const ids = new Map<string, string>()
  for (let i = 1; i <= count; i++) {
    ids.set(authorityCode(i), await createOrganisation(app.db, { code: authorityCode(i), name: authorityName(i), type: 'local authority', attributes: { region: i % 2 ? 'Wales' : 'England' }, contacts: [{ name: 'C', email: `c${i}@example.org` }] }))
  }
  return ids
}

/** Uploads a file on the team's page; returns the response (a redirect, or the page with problems). */
async function upload(app: FastifyInstance, cookie: string, bytes: Buffer, name: string, label = '2015-16') {
  const session = await formSession(app, '/admin/imports', cookie)
  const body = multipartFile({ _csrf: session.token, version: 'la-release-social-care/2015-16', label }, { field: 'file', name, type: 'text/csv', bytes })
  return app.inject({ method: 'POST', url: '/admin/imports', headers: { cookie: session.cookie, 'content-type': body.contentType }, payload: body.payload })
}

/** A respondent answering the 2020 questionnaire through its pages: `answers` where given, an ordinary answer elsewhere. */
async function respondThroughPages(app: FastifyInstance, base: string, answers: Record<string, Answer>) {
  const definition = app.catalogue.find('la-release-social-care', '2020')!.definition
  const pages = new Map(definition.sections.flatMap((s) => s.pages.map((p) => [p.id, p] as const)))
  let cookie = ''
  for (let round = 0; round < 40; round++) {
    const start = await app.inject({ url: base, headers: { cookie } })
    if (start.body.includes(`href="${base}/check"`)) break
    const items = start.body.split('<li class="govuk-task-list__item').slice(1).filter((item) => item.includes('govuk-tag'))
    let url: string | undefined = /href="([^"]+)"/.exec(items[0])![1]
    while (url && url.startsWith(`${base}/pages/`)) {
      const session = await formSession(app, url, cookie)
      cookie = session.cookie
      const fields: Record<string, string | string[]> = { _csrf: session.token, _page_version: /name="_page_version" value="(\d+)"/.exec(session.html)?.[1] ?? '0', _action: 'continue' }
      for (const q of pages.get(url.slice(`${base}/pages/`.length))!.questions.filter(isAnswerable)) {
        if (!session.html.includes(`name="${q.id}`)) continue
        for (const [name, value] of Object.entries(answerToFields(q, answers[q.id] ?? typicalAnswer(q as AnswerableQuestion)))) if (value !== undefined) fields[name] = value
      }
      const saved = await app.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: form(fields) })
      if (saved.statusCode !== 303) throw new Error(`saving ${url} answered ${saved.statusCode}`)
      url = saved.headers.location as string
    }
  }
  const check = await formSession(app, `${base}/check`, cookie)
  const submitted = await app.inject({ method: 'POST', url: `${base}/submit`, headers: { ...FORM, cookie: check.cookie }, payload: form({ _csrf: check.token }) })
  if (submitted.statusCode !== 303) throw new Error(`submit answered ${submitted.statusCode}`)
}

const csvRows = (text: string): string[][] => parse(text, { bom: true })

for (const database of databases) {
  t.test(`${database.kind}: a 2015-16 wave of 150 authorities is refused with every problem, then imported and compared with 2020`, async (t) => {
    const app = await buildTestApp(t, { mailWorker: false, scheduleWorker: false }, database)
    const cookie = await signIn(app, 'admin')
    await authorities(app, 150)

    // The template lists every authority and the raw data's variables.
    const template = await app.inject({ url: '/admin/imports/la-release-social-care/2015-16/template.csv', headers: { cookie } })
    t.equal(template.statusCode, 200)
    const templateRows = csvRows(template.body)
    t.same(templateRows[0], HEADER_2015_16, 'one column per variable, named as in the raw data')
    t.equal(templateRows.length, 151, 'one row per authority')
    t.same(templateRows[1].slice(0, 2), [authorityCode(1), authorityName(1)])
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await app.inject({ url: '/admin/imports/la-release-social-care/2015-16/template.xlsx', headers: { cookie } })).rawPayload as unknown as ArrayBuffer)
    t.same(workbook.worksheets.map((s) => s.name), ['Responses', 'Codes'])
    const codes = workbook.getWorksheet('Codes')!
    const codeText: string[] = []
    codes.eachRow((row) => codeText.push((row.values as unknown[]).slice(1).join(' | ')))
    t.ok(codeText.some((line) => line.startsWith('-9: not answered (asked, left unanswered). -8: don\'t know. -7: not applicable.')), 'the missing-value codes explained')
    t.ok(codeText.includes('dedicated_team | dedicated_team | Does your authority have a dedicated worker or team for social care in prisons? | code | 1 = Yes; 2 = No; -8 = Don’t know | blank = not asked; -9 = not answered; -8 = don\'t know | prisons_in_area is at least 1'), 'each variable with its codes and when it is asked')

    // The file with its mistakes, as Excel's "CSV (Comma delimited)" writes it.
    const wrong = excelCsv(
      pastWaveRows(150, (i, cells) => {
        if (i === 7) cells.respondent_role = '7' // not a code of the question
        if (i === 10) cells.prisons_in_area = '25' // out of 0 to 20 (and it decides a section: nothing else is checked on that row)
        if (i === 20) cells.organisation_code = 'E99999999' // no such authority
        if (i === 4) cells.dedicated_team = '1' // no prison in the area: the prison section was not asked
        if (i === 11) cells.disputes_count = '3' // no disagreements: the follow-up was not asked
        if (i === 5) cells.accommodation_problems = '' // asked, and left blank
        if (i === 30) cells.referral_routes_dk = '1' // "Don't know" with another option
      }),
    )
    const refused = await upload(app, cookie, wrong, 'la-2015-16.csv')
    t.equal(refused.statusCode, 303, 'the file is read, then checked on its own page')
    const checked = await app.inject({ url: refused.headers.location as string, headers: { cookie } })
    t.equal(checked.statusCode, 400)
    t.match(unescape(checked.body), 'The file was not imported: 7 problems')
    t.same(summaryItems(checked.body), [
      'Row 5, column dedicated_team: answers a question that was not asked: it is asked only when prisons_in_area is at least 1, which this row’s answers do not meet, so leave it blank',
      'Row 6, column accommodation_problems: is blank, but the question “Have people with social care needs been released into your area without suitable accommodation?” was asked: give the answer, or -9 if it was not answered',
      'Row 8, column respondent_role: “7” is not a code of this question: use 1, 2, 3, 4, 5, 6, or -9 if it was not answered',
      'Row 11, column prisons_in_area: 25 is out of range: give a number between 0 and 20, or -9 if it was not answered',
      'Row 12, column disputes_count: answers a question that was not asked: it is asked only when residence_disputes is Yes (1), which this row’s answers do not meet, so leave it blank',
      'Row 21, column organisation_code: no organisation has the code E99999999: import it with the organisations first, or correct the code',
      'Row 31, column referral_routes_1: “Don\'t know” cannot be chosen with other options',
    ], 'every problem, with its row and column, in the order of the file')
    t.equal((await app.db.selectFrom('waves').select('id').execute()).length, 0, 'no wave was made')
    t.equal((await app.db.selectFrom('responses').select('id').execute()).length, 0, 'no response was written')
    t.equal((await app.db.selectFrom('answer_values').select('response_id').execute()).length, 0, 'no fact was recorded')

    // Corrected, the same file imports: first the check with its counts and a sample.
    const right = await upload(app, cookie, excelCsv(pastWaveRows(150)), 'la-2015-16.csv')
    t.equal(right.statusCode, 303)
    const confirm = await app.inject({ url: right.headers.location as string, headers: { cookie } })
    t.equal(confirm.statusCode, 200)
    const page = unescape(confirm.body.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ')
    t.match(page, 'Organisations 150 organisations', '150 authorities')
    t.match(page, 'Answers 2,265 answers', '150 × 11 + 15 + 50 × 12 answers')
    t.match(page, `${authorityName(1)} (${authorityCode(1)})`, 'a sample of the authorities')
    t.match(page, `Which team or service do you work in? ${TEAM_TEXT}`, 'Windows-1252 text read as written')
    t.equal((await app.db.selectFrom('waves').select('id').execute()).length, 0, 'nothing written before confirming')
    const session = await formSession(app, right.headers.location as string, cookie)
    const done = await app.inject({ method: 'POST', url: right.headers.location as string, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token }) })
    t.equal(done.statusCode, 303)
    const wavePage = await app.inject({ url: done.headers.location as string, headers: { cookie } })
    const waveText = unescape(wavePage.body.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ')
    t.match(waveText, 'Past wave imported: 150 organisations with 2,265 answers')
    t.match(waveText, /Source Imported Imported from la-2015-16\.csv by admin-\w+@example\.org at \d\d:\d\d on \d+ \w+ \d{4}/, 'the wave says where it came from')
    const imported = await app.db.selectFrom('waves').selectAll().executeTakeFirstOrThrow()
    t.equal(imported.status, 'closed')
    const stored = await app.db.selectFrom('responses').select(['status']).where('wave_id', '=', imported.id).execute()
    t.equal(stored.length, 150)
    t.ok(stored.every((r) => r.status === 'submitted'), 'each authority a submitted response')

    // An imported organisation's page offers nothing that needs a link or an e-mail, and refuses it if posted.
    const someone = await app.db.selectFrom('responses').select('organisation_id').where('wave_id', '=', imported.id).executeTakeFirstOrThrow()
    const orgPage = `/admin/waves/${imported.id}/organisations/${someone.organisation_id}`
    const shown = await formSession(app, orgPage, cookie)
    t.match(unescape(shown.html), 'This wave was collected elsewhere and imported from la-2015-16.csv')
    t.notMatch(shown.html, /\/(reissue|link|reopen)"/, 'no reissue, link or reopen action')
    t.notMatch(shown.html, 'Invited on', 'no invitation date of its own')
    for (const action of ['reissue', 'link']) {
      const refusedAction = await app.inject({ method: 'POST', url: `${orgPage}/${action}`, headers: { ...FORM, cookie: shown.cookie }, payload: form({ _csrf: shown.token }) })
      t.equal(refusedAction.statusCode, 409, `${action} refused`)
      t.match(unescape(refusedAction.body), 'This wave was imported from a file: it has no links or e-mails, so nothing was sent or changed.')
    }
    t.equal((await app.db.selectFrom('outbox').select('id').where('wave_id', '=', imported.id).execute()).length, 0, 'no e-mail queued')

    // The same file again, as a team unsure the first went in would: refused by its label, nothing written.
    const again = await upload(app, cookie, excelCsv(pastWaveRows(150)), 'la-2015-16.csv')
    t.equal(again.statusCode, 400)
    t.match(unescape(again.body), 'This survey already has a wave called “2015-16”: give this one another label')
    // And a name taken between the upload and the confirmation (another import, a wave created meanwhile).
    const pendingCopy = await upload(app, cookie, excelCsv(pastWaveRows(150)), 'la-2015-16.csv', '2015-16 copy')
    t.equal(pendingCopy.statusCode, 303)
    await createWave(app.db, { surveyId: 'la-release-social-care', version: '2015-16', label: '2015-16 copy', teamName: 'Team', teamEmail: 'team@example.org', status: 'draft' })
    const late = await app.inject({ url: pendingCopy.headers.location as string, headers: { cookie } })
    t.equal(late.statusCode, 409, 'the check page says so, and offers the upload form again')
    t.notMatch(late.body, 'Import the wave', 'no import button')
    const lateConfirm = await app.inject({ method: 'POST', url: pendingCopy.headers.location as string, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token }) })
    t.equal(lateConfirm.statusCode, 409)
    t.match(unescape(lateConfirm.body), 'This survey already has a wave called “2015-16 copy”')
    t.equal((await app.db.selectFrom('waves').select('id').where('label', 'like', '2015-16%').execute()).length, 2, 'the imported wave and the draft: no second import')
    t.equal((await app.db.selectFrom('audit_log').select('action').where('action', '=', 'wave_imported').execute()).length, 1, 'the import is in the audit log')

    // Its statistics, by hand: 25 of the 50 authorities with a prison have a dedicated team.
    const stats = await app.inject({ url: `/admin/analysis/waves/${imported.id}/statistics.csv`, headers: { cookie } })
    const dedicatedYes = csvRows(stats.body).find((r) => r[0] === 'dedicated_team' && r[8] === '1')!
    t.same([dedicatedYes[4], dedicatedYes[5], dedicatedYes[11], dedicatedYes[12], dedicatedYes[13]], ['50', '50', '25', '50', '50.0'], 'asked 50, answered 50, 25 yes of 50: 50.0%')
    const codebook = await app.inject({ url: `/admin/analysis/waves/${imported.id}/codebook.csv`, headers: { cookie } })
    t.match(codebook.body, 'Imported wave: collected elsewhere and imported from la-2015-16.csv by admin-', 'the codebook says the wave was imported')
    const raw = await app.inject({ url: `/admin/analysis/waves/${imported.id}/raw.csv`, headers: { cookie } })
    t.match(raw.body, TEAM_TEXT, 'the text comes out as it went in')

    // 2020, collected through the pages from four of the same authorities.
    const ids = [1, 2, 3, 4].map((i) => authorityCode(i))
    const organisations = await app.db.selectFrom('organisations').select(['id', 'code']).where('code', 'in', ids).execute()
    const byCode = new Map(organisations.map((o) => [o.code, o.id]))
    const wave2020 = await createWave(app.db, { surveyId: 'la-release-social-care', version: '2020', label: '2020', teamName: 'Team', teamEmail: 'team@example.org' })
    await inviteOrganisations(app.db, wave2020, ids.map((c) => byCode.get(c)!))
    const links = await issueLinks(app, wave2020, ids.map((c) => byCode.get(c)!))
    const answers2020: Record<string, Answer>[] = [
      { prisons_in_area: { value: 0 }, released_with_needs: { value: 10 }, accommodation_problems: { code: 1 } },
      { prisons_in_area: { value: 0 }, released_with_needs: { value: 20 }, accommodation_problems: { code: 1 } },
      { prisons_in_area: { value: 0 }, released_with_needs: { value: 30 }, accommodation_problems: { code: 1 } },
      { prisons_in_area: { value: 0 }, released_with_needs: { value: 40 }, accommodation_problems: { code: 2 } },
    ]
    for (const [i, code] of ids.entries()) await respondThroughPages(app, `/r/${links.get(byCode.get(code)!)}`, answers2020[i])

    const compare = await app.inject({ url: `/admin/analysis/compare.csv?waves=${imported.id}&waves=${wave2020}`, headers: { cookie } })
    t.equal(compare.statusCode, 200)
    const rows = csvRows(compare.body)
    const header = rows[0]
    const col = (name: string) => header.indexOf(name)
    const line = (question: string, option: string, population = 'all') => rows.find((r) => r[0] === population && r[1] === question && r[6] === option)!
    // Accommodation problems, yes: 37 of 150 in 2015-16 (24.7%), 3 of 4 in 2020 (75.0%): up 50.3 points.
    const yes = line('accommodation_problems', 'Yes')
    t.same([yes[col('2015-16_count')], yes[col('2015-16_base')], yes[col('2015-16_percent')]], ['37', '150', '24.7'])
    t.same([yes[col('2020_count')], yes[col('2020_base')], yes[col('2020_percent')]], ['3', '4', '75.0'])
    t.equal(yes[col('change_pp')], '50.3')
    // People released with needs: a mean of 75.5 (1 to 150) then 25 (10, 20, 30, 40): down 50.5.
    const mean = line('released_with_needs', 'mean')
    t.same([mean[col('2015-16_value')], mean[col('2020_value')], mean[col('change_value')]], ['75.5000', '25.0000', '-50.5000'])
    t.equal(yes[col('panel_organisations')], '4', 'the four authorities answered both waves: the panel')
    const panelYes = line('accommodation_problems', 'Yes', 'panel')
    // Of the four in 2015-16 only authority 4 said yes (1 of 4, 25.0%); in 2020 three did (75.0%).
    t.same([panelYes[col('2015-16_count')], panelYes[col('2015-16_percent')], panelYes[col('2020_count')], panelYes[col('2020_percent')], panelYes[col('change_pp')]], ['1', '25.0', '3', '75.0', '50.0'])
    const comparePage = await app.inject({ url: `/admin/analysis/compare?waves=${imported.id}&waves=${wave2020}`, headers: { cookie } })
    t.match(unescape(comparePage.body), 'Imported wave: collected elsewhere and imported from la-2015-16.csv', 'the comparison says which wave was imported')
  })
}

t.test('another tool’s export: its columns matched once, remembered for the survey, and the same from the command line', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false, scheduleWorker: false })
  const cookie = await signIn(app, 'admin')
  await authorities(app, 3)
  // The other tool called the code "LA code", asked the prisons question in its own words, and added a timestamp.
  const header = HEADER_2015_16.map((h) => (h === 'organisation_code' ? 'LA code' : h === 'prisons_in_area' ? 'How many prisons are in your local authority area?' : h === 'organisation_name' ? 'Submitted at' : h))
  const bytes = excelCsv(pastWaveRows(3, () => {}, header))
  const first = await upload(app, cookie, bytes, 'other-tool.csv')
  t.equal(first.statusCode, 303)
  t.match(first.headers.location, /\/columns$/, 'the columns are matched first')
  const columns = await formSession(app, first.headers.location as string, cookie)
  const selected = (html: string, heading: string) => {
    const index = header.indexOf(heading)
    const select = new RegExp(`<select[^>]*name="column_${index}"[\\s\\S]*?</select>`).exec(html)![0]
    return /<option value="([^"]*)" selected>/.exec(select)?.[1] ?? ''
  }
  t.equal(selected(columns.html, 'How many prisons are in your local authority area?'), 'prisons_in_area', 'proposed from the wording of the question')
  t.equal(selected(columns.html, 'respondent_role'), 'respondent_role', 'proposed by name')
  t.equal(selected(columns.html, 'LA code'), '', 'nothing proposed where nothing is alike')
  const choices: Record<string, string> = { _csrf: columns.token }
  header.forEach((h, i) => (choices[`column_${i}`] = h === 'LA code' ? 'organisation_code' : h === 'Submitted at' ? '' : selected(columns.html, h)))
  const twice = await app.inject({ method: 'POST', url: first.headers.location as string, headers: { ...FORM, cookie: columns.cookie }, payload: form({ ...choices, column_3: 'respondent_role' }) })
  t.equal(twice.statusCode, 400, 'one variable in two columns is refused')
  t.match(unescape(twice.body), 'Column “respondent_role_other”: respondent_role is also matched to the column “respondent_role”')
  const matched = await app.inject({ method: 'POST', url: first.headers.location as string, headers: { ...FORM, cookie: columns.cookie }, payload: form(choices) })
  t.equal(matched.statusCode, 303)
  const confirm = await app.inject({ url: matched.headers.location as string, headers: { cookie } })
  t.match(unescape(confirm.body.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' '), 'Organisations 3 organisations')

  // The next file from that tool: the choices come back as they were made.
  const again = await upload(app, cookie, bytes, 'other-tool-2.csv', '2016-17')
  const second = await app.inject({ url: again.headers.location as string, headers: { cookie } })
  t.equal(selected(second.body, 'LA code'), 'organisation_code', 'remembered for the survey')
  t.match(second.body, 'Proposed: chosen for this heading before.')

  // The command line uses the choices made on the pages, and imports.
  const { mkdtempSync, writeFileSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { runImportWave } = await import('../../src/imports/cli.js')
  const dir = mkdtempSync(join(tmpdir(), 'import-wave-'))
  const path = join(dir, 'other-tool.csv')
  writeFileSync(path, bytes)
  const out: string[] = []
  const err: string[] = []
  const config = { ...app.config }
  const checkOnly = await runImportWave(['--survey', 'la-release-social-care', '--version', '2015-16', '--label', '2015-16', '--check', path], config, (l) => out.push(l), (l) => err.push(l))
  t.equal(checkOnly, 0, err.join('\n'))
  t.match(out.join('\n'), 'The file is right: 3 organisations and 45 answers would be imported')
  t.equal((await app.db.selectFrom('waves').select('id').execute()).length, 0)
  const wrongPath = join(dir, 'wrong.csv')
  writeFileSync(wrongPath, excelCsv(pastWaveRows(3, (i, cells) => { if (i === 2) cells.released_with_needs = '10001' }, header)))
  t.equal(await runImportWave(['--survey', 'la-release-social-care', '--version', '2015-16', '--label', '2015-16', wrongPath], config, (l) => out.push(l), (l) => err.push(l)), 1)
  t.match(err.join('\n'), 'Row 3, column released_with_needs: 10001 is out of range: give a number between 0 and 10000, -8 for don’t know, or -9 if it was not answered')
  t.equal(await runImportWave(['--survey', 'la-release-social-care', '--version', '2015-16', '--label', '2015-16', path], config, (l) => out.push(l), (l) => err.push(l)), 0)
  t.match(out.join('\n'), /Imported the wave 2015-16 \([0-9a-f-]{36}\): 3 organisations, 45 answers, from other-tool\.csv\./)
  const mark = await app.db.selectFrom('wave_imports').selectAll().executeTakeFirstOrThrow()
  t.same([mark.source_file, mark.imported_by, mark.organisations, mark.answers], ['other-tool.csv', 'command line', 3, 45])
  err.length = 0
  t.equal(await runImportWave(['--survey', 'la-release-social-care', '--version', '2015-16', '--label', '2015-16', path], config, (l) => out.push(l), (l) => err.push(l)), 1, 'run twice: refused')
  t.match(err.join('\n'), 'This survey already has a wave called “2015-16”')
  t.equal((await app.db.selectFrom('waves').select('id').execute()).length, 1)
})

t.test('the workbook template, filled in as a team does in Excel, imports', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false, scheduleWorker: false })
  const cookie = await signIn(app, 'admin')
  await authorities(app, 3)
  const downloaded = await app.inject({ url: '/admin/imports/la-release-social-care/2015-16/template.xlsx', headers: { cookie } })
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(downloaded.rawPayload as unknown as ArrayBuffer)
  const sheet = book.getWorksheet('Responses')!
  const header = (sheet.getRow(1).values as string[]).slice(1)
  t.same(header, HEADER_2015_16)
  for (let r = 2; r <= 4; r++) {
    const code = String(sheet.getCell(r, 1).value)
    const i = [1, 2, 3].find((n) => authorityCode(n) === code)!
    const cells = authorityCells(i)
    header.forEach((h, c) => {
      if (c < 2) return
      const value = cells[h]
      // Excel keeps what is typed as a number as a number.
      sheet.getCell(r, c + 1).value = /^-?\d+$/.test(value) ? Number(value) : value === '' ? null : value
    })
  }
  const bytes = Buffer.from(await book.xlsx.writeBuffer())
  const session = await formSession(app, '/admin/imports', cookie)
  const body = multipartFile({ _csrf: session.token, version: 'la-release-social-care/2015-16', label: '2015-16' }, { field: 'file', name: 'la-2015-16.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes })
  const uploaded = await app.inject({ method: 'POST', url: '/admin/imports', headers: { cookie: session.cookie, 'content-type': body.contentType }, payload: body.payload })
  t.equal(uploaded.statusCode, 303)
  t.notMatch(uploaded.headers.location, /columns/, 'the template needs no matching')
  const confirm = await app.inject({ url: uploaded.headers.location as string, headers: { cookie } })
  t.equal(confirm.statusCode, 200, summaryItems(confirm.body).join('\n'))
  t.match(unescape(confirm.body.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' '), 'Organisations 3 organisations Answers 45 answers', '11 + 11 + 23 answers')
})
