// Answers carried forward from the 2015/16 wave into the 2020 wave, over HTTP, on SQLite and
// PostgreSQL: the team's settings page (errors, the questions that cannot be carried and why,
// audited), the respondent's pages (last time's answer shown and filled in, mapped through the
// recode of respondent_role; "don't know" carried as "don't know"; nothing for an organisation
// that did not answer last time), the status each save records (confirmed, changed, new), the
// statistics split by it with figures worked by hand, the raw data's flags and the previous
// response, readable only through the organisation's own link.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { submitAnswers } from '../helpers/responses.js'
import { earlierWave } from './earlier-wave.js'
import { openTestWave } from '../helpers/waves.js'
import { importPastWave } from '../../src/imports/import-wave.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const { databases, skipped } = testDatabases()
if (skipped) t.test('carrying answers forward on postgres', { skip: skipped }, async () => {})

async function post(app: FastifyInstance, url: string, fields: Record<string, string | string[]>, cookie = '') {
  const s = await formSession(app, url, cookie)
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, ...fields }) })
}

async function statuses(app: FastifyInstance, waveId: string, organisationId: string) {
  const response = await app.db.selectFrom('responses').select('id').where('wave_id', '=', waveId).where('organisation_id', '=', organisationId).executeTakeFirstOrThrow()
  const rows = await app.db.selectFrom('carried_answers').select(['question_id', 'status']).where('response_id', '=', response.id).orderBy('question_id').execute()
  return Object.fromEntries(rows.map((r) => [r.question_id, r.status]))
}

for (const database of databases) {
  t.test(`answers carried forward from 2015/16 into 2020, through the pages (${database.kind})`, async (t) => {
    const app = await buildTestApp(t, { mailWorker: false }, database)
    // Four authorities asked in 2020; three of them answered in 2015/16, the fourth did not.
    const wave = await openTestWave(app, { organisations: ['E06000001', 'E06000002', 'E06000003', 'E06000004'] })
    const [a, b, c, d] = ['E06000001', 'E06000002', 'E06000003', 'E06000004'].map((code) => wave.organisationIds[code])
    const earlier = await earlierWave(app, {
      surveyId: 'la-release-social-care',
      version: '2015-16',
      label: '2015/16',
      organisations: [a, b, c],
      answers: [
        // 2015-16 code 2 "Head of service" is 1 in 2020; "don't know" twice.
        { respondent_role: { code: 2 }, prisons_in_area: { value: 1 }, dedicated_team: { code: 8 }, referrals_received: { dont_know: true }, eligible_needs: { value: 5 } },
        // 4 "Social worker or care manager" is 3 in 2020.
        { respondent_role: { code: 4 }, prisons_in_area: { value: 0 } },
        // 6 "Other" is 5 in 2020, with its text.
        { respondent_role: { code: 6, other: 'Policy officer' }, prisons_in_area: { value: 2 }, dedicated_team: { code: 1 } },
      ],
    })
    const admin = await signIn(app)
    const analyst = await signIn(app, 'analyst')
    const settings = `/admin/waves/${wave.waveId}/carry-forward`

    t.equal((await app.inject({ url: settings, headers: { cookie: analyst } })).statusCode, 403, 'analysts cannot change what is carried forward')
    const forged = await app.inject({ method: 'POST', url: settings, headers: { ...FORM, cookie: admin }, payload: form({ source: earlier, sections: 'about' }) })
    t.equal(forged.statusCode, 403, 'a post without the CSRF token is refused')
    t.equal(await app.db.selectFrom('wave_carry_forward').select('wave_id').executeTakeFirst(), undefined, 'and saves nothing')

    const empty = await post(app, settings, {}, admin)
    t.equal(empty.statusCode, 400)
    t.match(empty.body, /govuk-error-summary[\s\S]*href="#source">Choose the earlier wave the answers come from[\s\S]*href="#questions">Choose the questions or whole sections/, 'both errors, in the order of the fields')
    t.match(empty.body, 'id="questions" name="sections"', 'the second error links to the first checkbox')
    const unknown = await post(app, settings, { source: wave.waveId, questions: 'respondent_role' }, admin)
    t.equal(unknown.statusCode, 400, 'the wave itself is not an earlier wave')
    t.match(unknown.body, 'Choose one of the earlier waves listed')
    t.match(unknown.body, /id="question-respondent_role" name="questions" type="checkbox" value="respondent_role" checked/, 'what was ticked is kept')

    const saved = await post(app, settings, { source: earlier, sections: 'about', questions: ['dedicated_team', 'referrals_received', 'eligible_needs', 'multidisciplinary'] }, admin)
    t.equal(saved.statusCode, 303)
    t.equal(saved.headers.location, `${settings}?done=carry_forward_saved&n=5`, 'five of the seven chosen questions can be carried')
    const page = await app.inject({ url: String(saved.headers.location), headers: { cookie: admin } })
    t.match(page.body, '5 questions now start from the earlier wave’s answers')
    t.match(page.body, '2 chosen questions cannot be carried forward')
    t.match(page.body, /<code>eligible_needs<\/code>: it was reworded and is no longer comparable with eligible_needs in version 2015-16/)
    t.match(page.body, /<code>multidisciplinary<\/code>: it is new since version 2015-16, so there is no earlier answer/)
    t.match(page.body, /value="[^"]+" checked>\s*<label class="govuk-label govuk-radios__label" for="source">2015\/16 \(version 2015-16\)/, 'the earlier wave is chosen')
    t.match(page.body, /id="question-self_referral-hint" class="govuk-hint govuk-checkboxes__hint">Cannot be carried from 2015\/16: it is new since version 2015-16/, 'each question says beside it when it cannot be carried from the chosen wave, chosen or not')
    t.notMatch(page.body, 'id="question-respondent_role-hint"')
    const audited = await app.db.selectFrom('audit_log').selectAll().where('action', '=', 'carry_forward_saved').executeTakeFirstOrThrow()
    t.match(JSON.parse(audited.details_json), { waveId: wave.waveId, sourceWaveId: earlier, source: '2015/16', count: 7 })
    const log = await app.inject({ url: '/admin/audit', headers: { cookie: admin } })
    t.match(log.body, 'chose 7 questions of 2020 to start from the answers given in 2015/16', 'the audit log says it in words')
    const wavePage = await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie: analyst } })
    t.match(wavePage.body, /id="carry-forward"[\s\S]*From 2015\/16: 5 questions/, 'the wave’s page says what is carried, to analysts too')

    // A: last time's answers shown and filled in, the recode applied.
    const baseA = `/r/${wave.tokens.E06000001}`
    const aRole = await app.inject({ url: `${baseA}/pages/about_respondent` })
    t.match(aRole.body, /Last time \(2015\/16\) your authority said:[\s\S]*Director, assistant director or head of service/)
    t.match(aRole.body, /name="respondent_role" type="radio" value="1" checked/, '2015-16 code 2 is filled in as 2020 code 1')
    t.notMatch(aRole.body, 'id="respondent_team-carried"', 'nothing to show for a question not answered last time')
    t.equal((await post(app, `${baseA}/pages/about_respondent`, { _page_version: '0', respondent_role: '1', respondent_team: 'Adult social care' })).statusCode, 303)
    const aArea = await app.inject({ url: `${baseA}/pages/about_area` })
    t.match(aArea.body, /name="prisons_in_area" type="text" inputmode="numeric" spellcheck="false" value="1"/, 'a number filled in')
    await post(app, `${baseA}/pages/about_area`, { _page_version: '0', prisons_in_area: '2' })
    const aAreaAgain = await app.inject({ url: `${baseA}/pages/about_area` })
    t.match(aAreaAgain.body, /name="prisons_in_area" type="text" inputmode="numeric" spellcheck="false" value="2"/, 'once saved, the page shows what was saved, not last time’s answer')
    t.match(aAreaAgain.body, /Last time \(2015\/16\) your authority said:[\s\S]*1 prison/, 'and still says what was said last time')
    const aArrangements = await app.inject({ url: `${baseA}/pages/arrangements` })
    t.match(aArrangements.body, /name="dedicated_team" type="radio" value="8" checked/, '"don\'t know" last time is "don\'t know" again')
    await post(app, `${baseA}/pages/arrangements`, { _page_version: '0', _action: 'later', dedicated_team: '8' })
    const aNumbers = await app.inject({ url: `${baseA}/pages/referral_numbers` })
    t.match(aNumbers.body, /name="referrals_received__dont_know" type="checkbox" value="yes" checked/, 'a number answered "don\'t know" is filled in as such')
    t.notMatch(aNumbers.body, 'id="eligible_needs-carried"', 'the question no longer comparable is not carried')
    t.notMatch(aNumbers.body, /name="eligible_needs" type="text" inputmode="numeric" spellcheck="false" value="5"/)
    await post(app, `${baseA}/pages/referral_numbers`, { _page_version: '0', _action: 'later', referrals_received: '12' })
    t.same(await statuses(app, wave.waveId, a), { dedicated_team: 'confirmed', prisons_in_area: 'changed', referrals_received: 'changed', respondent_role: 'confirmed', respondent_team: 'new' })

    // B changes its role; C confirms "Other" with its text; D answered nothing last time.
    const baseB = `/r/${wave.tokens.E06000002}`
    t.match((await app.inject({ url: `${baseB}/pages/about_respondent` })).body, /name="respondent_role" type="radio" value="3" checked/, '2015-16 code 4 is 2020 code 3')
    await post(app, `${baseB}/pages/about_respondent`, { _page_version: '0', respondent_role: '4' })
    const baseC = `/r/${wave.tokens.E06000003}`
    const cRole = await app.inject({ url: `${baseC}/pages/about_respondent` })
    t.match(cRole.body, /name="respondent_role" type="radio" value="5" checked/)
    t.match(cRole.body, /name="respondent_role__other" type="text" value="Policy officer"/, 'with the text given for "other"')
    t.match(cRole.body, 'Other: Policy officer')
    await post(app, `${baseC}/pages/about_respondent`, { _page_version: '0', respondent_role: '5', respondent_role__other: 'Policy officer' })
    const baseD = `/r/${wave.tokens.E06000004}`
    const dRole = await app.inject({ url: `${baseD}/pages/about_respondent` })
    t.notMatch(dRole.body, 'Last time', 'nothing carried for an organisation that did not answer in 2015/16')
    t.notMatch(dRole.body, /name="respondent_role" type="radio" value="\d" checked/)
    t.notMatch((await app.inject({ url: baseD })).body, 'id="previous-response"', 'nor a previous response to read')
    await post(app, `${baseD}/pages/about_respondent`, { _page_version: '0', respondent_role: '2' })
    t.same(await statuses(app, wave.waveId, b), { respondent_role: 'changed', respondent_team: 'new' })
    t.same(await statuses(app, wave.waveId, c), { respondent_role: 'confirmed', respondent_team: 'new' })
    t.same(await statuses(app, wave.waveId, d), { respondent_role: 'new', respondent_team: 'new' })

    // The previous response: the organisation's own, through its own link only.
    const start = await app.inject({ url: baseB })
    t.match(start.body, /id="previous-response"><a class="govuk-link" href="\/r\/[^"]+\/previous">See what your organisation said in 2015\/16/)
    const previousB = await app.inject({ url: `${baseB}/previous` })
    t.equal(previousB.statusCode, 200)
    t.match(previousB.body, 'What your organisation said in 2015/16, as it was submitted')
    t.match(previousB.body, 'Social worker or care manager', 'B’s own answer in the 2015-16 wording')
    t.notMatch(previousB.body, 'Head of service', 'never another organisation’s')
    t.notMatch(previousB.body, 'name="_page_version"', 'read-only: no form to save')
    t.equal((await app.inject({ url: `${baseD}/previous` })).statusCode, 404, 'none for D')
    t.equal((await app.inject({ url: `/r/${'x'.repeat(43)}/previous` })).statusCode, 404, 'an unknown link opens nothing')

    // Submitted as saved; the statistics split by what happened to each carried answer.
    const answersOf: Record<string, Parameters<typeof submitAnswers>[3]> = {
      [a]: { respondent_role: { code: 1 }, prisons_in_area: { value: 2 }, dedicated_team: { code: 8 }, referrals_received: { value: 12 } },
      [b]: { respondent_role: { code: 4 }, prisons_in_area: { value: 0 } },
      [c]: { respondent_role: { code: 5, other: 'Policy officer' }, prisons_in_area: { value: 0 } },
      [d]: { respondent_role: { code: 2 }, prisons_in_area: { value: 0 } },
    }
    for (const [organisation, answers] of Object.entries(answersOf)) await submitAnswers(app, wave.waveId, organisation, answers)
    const report = await app.inject({ url: `/admin/analysis/waves/${wave.waveId}`, headers: { cookie: analyst } })
    t.equal(report.statusCode, 200)
    // respondent_role, 4 answered: confirmed A and C (2, 50.0%), changed B (1, 25.0%), new D (1, 25.0%).
    const roleTable = /id="carried-respondent_role">([\s\S]*?)<\/table>/.exec(report.body)![1]
    const cells = (status: string) => [...new RegExp(`data-status="${status}">([\\s\\S]*?)</tr>`).exec(roleTable)![1].matchAll(/numeric">([^<]*)</g)].map((m) => m[1])
    // Columns: organisations, % of answered, base, then the five options' percentages.
    t.same(cells('confirmed'), ['2', '50.0', '2', '50.0', '0.0', '0.0', '0.0', '50.0'], 'confirmed: A (1) and C (5)')
    t.same(cells('changed'), ['1', '25.0', '1', '0.0', '0.0', '0.0', '100.0', '0.0'], 'changed: B (4)')
    t.same(cells('new'), ['1', '25.0', '1', '0.0', '100.0', '0.0', '0.0', '0.0'], 'new: D (2)')
    const csv = await app.inject({ url: `/admin/analysis/waves/${wave.waveId}/carried-forward.csv`, headers: { cookie: analyst } })
    t.equal(csv.statusCode, 200)
    const csvRows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    const roleRows = csvRows.filter((r) => r.question_id === 'respondent_role' && r.code === '1')
    t.same(roleRows.map((r) => [r.carried_forward, r.organisations, r.answered, r.percent_of_answered, r.count, r.base, r.percent]), [
      ['confirmed', '2', '4', '50.0', '1', '2', '50.0'],
      ['changed', '1', '4', '25.0', '0', '1', '0.0'],
      ['new', '1', '4', '25.0', '0', '1', '0.0'],
    ])
    const xlsx = await app.inject({ url: `/admin/analysis/waves/${wave.waveId}/statistics.xlsx`, headers: { cookie: analyst } })
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    const sheet = book.getWorksheet('Carried forward')!
    const sheetRows = (sheet.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1))
    t.same(sheetRows.filter((r) => r[0] === 'respondent_role' && r[8] === 1).map((r) => [r[4], r[5], r[7]]), [['confirmed', 2, '50.0'], ['changed', 1, '25.0'], ['new', 1, '25.0']], 'the statistics workbook has the split on a sheet of its own')
    // prisons_in_area, a number: A changed (2), B, C and D answered 0 but had no status for it.
    const area = csvRows.filter((r) => r.question_id === 'prisons_in_area')
    t.same(area.map((r) => [r.carried_forward, r.organisations, r.mean]), [['confirmed', '0', ''], ['changed', '1', '2.0000'], ['new', '0', ''], ['unknown', '3', '0.0000']], 'answers saved without a status are counted apart')

    // The raw data: a flag per carried question, 1 confirmed, 2 changed, 3 new, blank when not asked.
    const raw = await app.inject({ url: `/admin/analysis/waves/${wave.waveId}/raw.csv?names=1`, headers: { cookie: analyst } })
    const rawRows = (parse(raw.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]).sort((x, y) => x.organisation_code.localeCompare(y.organisation_code))
    t.same(rawRows.map((r) => r.respondent_role_carried), ['1', '2', '1', '3'])
    t.same(rawRows.map((r) => r.respondent_team_carried), ['3', '3', '3', '3'])
    t.same(rawRows.map((r) => r.dedicated_team_carried), ['1', '', '', ''], 'blank where the question was not asked (no prison in the area)')
    t.same(rawRows.map((r) => r.referrals_received_carried), ['2', '', '', ''])
    t.notOk('eligible_needs_carried' in rawRows[0], 'no flag for a question that cannot be carried')
    const header = Object.keys(rawRows[0])
    const flags = header.filter((h) => h.endsWith('_carried'))
    t.same(flags, ['respondent_role_carried', 'respondent_team_carried', 'prisons_in_area_carried', 'dedicated_team_carried', 'referrals_received_carried'], 'in the questionnaire’s order')
    t.same(header.slice(header.indexOf('partial_responses') - flags.length, header.indexOf('partial_responses')), flags, 'after every question, before the wave-level columns')
    const codebook = await app.inject({ url: `/admin/analysis/waves/${wave.waveId}/codebook.csv`, headers: { cookie: analyst } })
    t.match(codebook.body, /respondent_role_carried,respondent_role,Which of these best describes your job\?: carried forward from 2015\/16,code,1=Confirmed unchanged; 2=Changed; 3=New \(no earlier answer\)/)
    const sps = await app.inject({ url: `/admin/analysis/waves/${wave.waveId}/labels.sps`, headers: { cookie: analyst } })
    t.match(sps.body, '/respondent_role_carried 1 "Confirmed unchanged" 2 "Changed" 3 "New (no earlier answer)" -9 "Not answered"')

    // Check your answers and the print copy say what happened to each carried answer.
    const print = await app.inject({ url: `${baseB}/print` })
    t.match(print.body, /Commissioning or contracts<br><span class="govuk-hint govuk-!-margin-bottom-0 app-carried-status">Changed since 2015\/16/)
  })
}

t.test('answers carried from an imported wave of the same survey', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const wave = await openTestWave(app, { organisations: ['E06000010'] })
  const definition = app.catalogue.find('la-release-social-care', '2015-16')!.definition
  const imported = await importPastWave(
    app.db,
    { surveyId: 'la-release-social-care', version: '2015-16', label: '2015/16', sourceFile: 'la-2015-16.xlsx', definition, rows: [{ line: 2, code: 'E06000010', answers: { respondent_role: { code: 5 }, prisons_in_area: { value: 0 } } }], organisations: new Map([['E06000010', wave.organisationIds.E06000010]]) },
    { id: 'cli', email: 'command line' },
  )
  const admin = await signIn(app)
  const settings = `/admin/waves/${wave.waveId}/carry-forward`
  const choices = await app.inject({ url: settings, headers: { cookie: admin } })
  t.match(choices.body, '2015/16 (version 2015-16, imported)')
  t.equal((await post(app, settings, { source: imported.waveId, questions: 'respondent_role' }, admin)).statusCode, 303)
  const base = `/r/${wave.tokens.E06000010}`
  const page = await app.inject({ url: `${base}/pages/about_respondent` })
  t.match(page.body, /Last time \(2015\/16\) your authority said:[\s\S]*Commissioning or contracts/)
  t.match(page.body, /name="respondent_role" type="radio" value="4" checked/, '2015-16 code 5 is 2020 code 4')
  t.match((await app.inject({ url: base })).body, 'See what your organisation said in 2015/16', 'an imported response is a previous response too')
  const previous = await app.inject({ url: `${base}/previous` })
  t.match(previous.body, 'These answers were collected in 2015/16 by another tool and brought in later: they have no date of submission or reference here.')
  t.notMatch(previous.body, /Submitted on|Reference:/, 'no made-up submission date or reference')
  const stopped = await post(app, settings, { source: 'none' }, admin)
  t.equal(stopped.headers.location, `${settings}?done=carry_forward_removed`)
  t.notMatch((await app.inject({ url: `${base}/pages/about_respondent` })).body, 'Last time', 'nothing is carried once the team stops it')
  await app.db.updateTable('waves').set({ status: 'closed' }).where('id', '=', wave.waveId).execute()
  const closed = await app.inject({ url: settings, headers: { cookie: admin } })
  t.match(closed.body, 'id="closed"', 'a closed wave’s choice can no longer change')
  t.notMatch(closed.body, 'id="save-carry-forward"')
  const refused = await post(app, settings, { source: imported.waveId, questions: 'respondent_role' }, admin)
  t.equal(refused.statusCode, 409, 'a post to a closed wave is refused')
  t.equal(await app.db.selectFrom('wave_carry_forward').select('wave_id').executeTakeFirst(), undefined, 'and saves nothing')
})
