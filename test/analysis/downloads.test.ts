// The analysts' pages and downloads: what opens in Excel, R, SPSS and Stata (answers exactly as
// typed in the raw data, neutralised in the files for spreadsheets), every export in the audit
// log, and analysts allowed, strangers not.
import t from 'tap'
import { parse } from 'csv-parse/sync'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { twoWaves } from './fixture.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const waves = await twoWaves(app)
  const cookie = await signIn(app, 'analyst')
  const get = (url: string) => app.inject({ url, headers: { cookie } })
  return { app, ...waves, get }
}

const rowsOf = (body: string) => parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]

t.test('the raw data: one row per organisation, one column per question, option and row', async (t) => {
  const { wave1, get } = await setup(t)
  const res = await get(`/admin/analysis/waves/${wave1}/raw.csv`)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'text/csv')
  t.ok(res.body.startsWith('\uFEFFrespondent_id,response_status,organisation_type,region,q_role,q_scheme'), 'UTF-8 BOM, then the header')
  const rows = rowsOf(res.body)
  t.equal(rows.length, 5, 'only submitted responses')
  t.ok(rows.every((r) => r.response_status === '1'), 'each marked submitted (1)')
  t.notOk(Object.keys(rows[0]).includes('organisation_name'), 'no names unless asked for')
  const laundry = rows.find((r) => r.q_tasks_other === 'Laundry')!
  t.same([laundry.q_role, laundry.q_scheme, laundry.q_tasks_1, laundry.q_tasks_2, laundry.q_tasks_3, laundry.q_staff, laundry.q_budget, laundry.q_rate_a], ['2', '2', '0', '1', '1', '4', '-9', '2'])
  t.notOk('q_staff_dk' in laundry, 'a number answered "don\'t know" is -8 in its own column: no separate flag')
  t.equal(laundry.q_views, '=HYPERLINK("http://example.com","click")', 'for R, SPSS and Stata the answer is exactly as typed')
  // Organisation 5 answered "Don't know" (code 9) to the role and to the scheme (code 8): both are -8.
  const post = rows.find((r) => r.q_tasks_other === 'Post')!
  t.same([post.q_role, post.q_scheme, post.q_views], ['-8', '-8', '-9'])
  const manager = rows.find((r) => r.q_staff === '2')!
  t.same([manager.q_tasks_other, manager.q_views], ['', 'Good <b>work</b>'], '"please specify" is blank where "Other" was not chosen: that follow-up was not asked')
  t.match(laundry.respondent_id, /^R[0-9a-f]{10}$/)
  const named = rowsOf((await get(`/admin/analysis/waves/${wave1}/raw.csv?names=1`)).body)
  t.ok(named.every((r) => /^Organisation \d$/.test(r.organisation_name)), 'names when asked for')
})

t.test('the codebook and the SPSS syntax describe every variable', async (t) => {
  const { wave2, get } = await setup(t)
  const codebook = rowsOf((await get(`/admin/analysis/waves/${wave2}/codebook.csv`)).body)
  const role = codebook.find((r) => r.variable === 'q_role')!
  t.equal(role.values, "1=Manager; 2=Staff; -8=Don't know", "don't know has the fixed code -8")
  t.equal(role.derivation, "option code; Don't know (code 9 in the questionnaire) is -8")
  t.equal(role.missing, "blank = not asked; -9 = not answered; -8 = don't know")
  t.equal(codebook.find((r) => r.variable === 'q_staff')!.missing, "blank = not asked; -9 = not answered; -8 = don't know")
  t.equal(codebook.find((r) => r.variable === 'q_views')!.missing, 'blank = not asked; -9 = not answered')
  t.match(role.lineage, 'reworded; recoded from the previous version: 1->1, 2->2, 3->2, 9->9')
  t.equal(codebook.find((r) => r.variable === 'q_staff')!.lineage, 'reworded; not comparable with the previous version')
  t.equal(codebook.find((r) => r.variable === 'q_new')!.lineage, 'added in this version')
  t.ok(codebook.some((r) => r.variable === 'q_tasks_3' && r.values === '0=Not chosen; 1=Chosen'))
  const spss = (await get(`/admin/analysis/waves/${wave2}/labels.sps`)).body
  t.match(spss, /DATA LIST FILE="raw-demo-analysis-W2\.csv"/)
  t.match(spss, /q_role "Which best describes your role\?"/)
  t.match(spss, /\/q_role 1 "Manager" 2 "Staff" -9 "Not answered" -8 "Don't know"/)
  t.match(spss, /MISSING VALUES .*q_role.* \(-9, -8, -7\)\./)
  t.match(spss, /\/q_views "-9" "Not answered"/)
  t.match(spss, /q_views A32767/, 'room for 20,000 characters of any script')
  t.match(spss, /VARIABLE LEVEL .*q_role.* \(NOMINAL\)\n\s+\/.*q_staff.* \(SCALE\)\./)
  const named = (await get(`/admin/analysis/waves/${wave2}/labels.sps?names=1`)).body
  t.match(named, /DATA LIST FILE="raw-demo-analysis-W2-with-names\.csv"/, 'with names, the syntax reads the file with names')
  t.match(named, /organisation_code A200\n\s+organisation_name A1000/)
})

t.test('statistics and comparison CSVs, with the statistical shorthand across breaks', async (t) => {
  const { wave1, wave2, get } = await setup(t)
  const stats = rowsOf((await get(`/admin/analysis/waves/${wave1}/statistics.csv`)).body)
  const manager = stats.find((r) => r.question_id === 'q_role' && r.code === '1')!
  t.same([manager.count, manager.base, manager.percent, manager.ci95_low, manager.ci95_high], ['2', '4', '50.0', '15.0', '85.0'])
  const staff = stats.find((r) => r.question_id === 'q_staff')!
  t.same([staff.base, staff.mean, staff.sd, staff.median, staff.q1, staff.q3], ['5', '5.0000', '3.0000', '4', '4', '5'])

  const comparison = rowsOf((await get(`/admin/analysis/compare.csv?waves=${wave1}&waves=${wave2}`)).body)
  const manager2 = comparison.find((r) => r.question_id === 'q_role' && r.code === '1')!
  t.same([manager2.W1_percent, manager2.W2_percent, manager2.change_pp, manager2.test, manager2.p_value], ['50.0', '20.0', '-30.0', 'fisher', '0.5238'])
  t.equal(manager2.W1_wording, 'Your role')
  const staffRow = comparison.find((r) => r.question_id === 'q_staff' && r.option === 'mean')!
  t.same([staffRow.W1_count, staffRow.W1_value, staffRow.change_value], ['[b]', '[b]', '[b]'], 'a break in series is marked [b]')
  // W2's staff: 1, 3, 3, 3, 3 (and one don't know): n 5, mean 2.6, median 3.
  t.same([staffRow.W2_count, staffRow.W2_value, staffRow.test, staffRow.p_value], ['5', '2.6000', '', ''], 'the mean, and no test across a break')
  t.equal(comparison.find((r) => r.question_id === 'q_staff' && r.option === 'median')!.W2_value, '3')
  t.same(comparison.filter((r) => r.question_id === 'q_views').map((r) => [r.option, r.W2_count, r.W2_base]), [['answered', '0', '6']], 'text: answered of asked')
  t.equal(comparison.find((r) => r.question_id === 'q_new' && r.code === '1')!.W1_percent, '[x]', 'not asked: [x]')
  t.equal(comparison.find((r) => r.question_id === 'q_role' && r.code === '-8')!.W1_percent, '[z]', "don't know is outside the base: [z]")
  t.equal(comparison.find((r) => r.question_id === 'q_rate')!.p_value, '0.6763')
  t.same([manager2.p_value, manager2.p_holm, manager2.p_bh], ['0.5238', '1.0000', '1.0000'], 'p = 44/84, adjusted for six tests')
  const roleDontKnow = comparison.find((r) => r.question_id === 'q_role' && r.code === '-8')!
  t.equal(roleDontKnow.option, "Don't know", "don't know (code 9 in the questionnaire) is -8 in the files, as in the raw data")
  t.same([roleDontKnow.test, roleDontKnow.p_value, roleDontKnow.p_holm], ['', '', ''], "no test on the don't know line (it repeated the yes/no test's p)")
})

t.test('free text for thematic coding, neutralised, pseudonymous unless names are asked for', async (t) => {
  const { app, wave1, get } = await setup(t)
  const rows = rowsOf((await get(`/admin/analysis/waves/${wave1}/free-text.csv`)).body)
  t.same(rows.map((r) => [r.question_id, r.answer]).sort(), [
    ['q_tasks_other', 'Laundry'],
    ['q_tasks_other', 'Post'],
    ['q_views', '\'=HYPERLINK("http://example.com","click")'],
    ['q_views', 'Good <b>work</b>'],
  ])
  t.ok(rows.every((r) => r.wave === 'W1' && /^R[0-9a-f]{10}$/.test(r.respondent_id) && r.organisation_type && r.region))
  t.notOk('organisation_name' in rows[0])
  const audit = await app.db.selectFrom('audit_log').select(['action', 'details_json']).where('action', '=', 'export').execute()
  t.equal(audit.length, 1, 'the export is in the audit log')
  t.match(audit[0].details_json, 'free_text_csv')
})

t.test('the report and comparison pages, escaped, for analysts only', async (t) => {
  const { app, wave1, wave2, get } = await setup(t)
  const report = await get(`/admin/analysis/waves/${wave1}`)
  t.equal(report.statusCode, 200)
  t.match(report.body, '5 of 6 organisations responded (83%).')
  t.match(report.body, '<svg class="app-chart" role="img" aria-label="Percentages of 4 organisations: Manager 50.0%')
  const breakdown = await get(`/admin/analysis/waves/${wave1}?by=region`)
  t.match(breakdown.body, 'Answers by region')
  t.match(breakdown.body, /<th scope="row" class="govuk-table__header">North<\/th><td class="govuk-table__cell govuk-table__cell--numeric">[0-9]+<\/td>/)
  const compare = await get(`/admin/analysis/compare?waves=${wave2}&waves=${wave1}`)
  t.equal(compare.statusCode, 200)
  t.match(compare.body, 'Waves compared: W1 – W2', 'ordered by version whatever the order asked')
  t.match(compare.body, 'Reworded, comparable')
  t.match(compare.body, 'Not comparable')
  t.match(compare.body, 'This comparison holds 6 tests.')
  t.match(compare.body, 'Adjusted for the number of tests: Holm 1.0000, Benjamini–Hochberg 1.0000.')
  t.equal((await get(`/admin/analysis/compare?waves=${wave1}`)).statusCode, 400, 'one wave is not a comparison')
  t.equal((await app.inject(`/admin/analysis/waves/${wave1}/raw.csv`)).statusCode, 303, 'no account, no data')
})

t.test('hostile text reaches the analysis pages escaped and the exports inert', async (t) => {
  const { app, wave1, organisations, get } = await setup(t)
  await app.db.updateTable('organisations').set({ attributes_json: JSON.stringify({ region: '<script>alert(1)</script>' }) }).where('id', '=', organisations[0]).execute()
  const page = await get(`/admin/analysis/waves/${wave1}?by=region`)
  t.notMatch(page.body, '<script>alert(1)</script>')
  t.match(page.body, '&lt;script&gt;alert(1)&lt;/script&gt;')
  const raw = (await get(`/admin/analysis/waves/${wave1}/raw.csv`)).body
  t.match(raw, '<script>alert(1)</script>', 'CSV is not HTML: the text is kept as typed')
  t.match(raw, /(^|,)"=HYPERLINK\(""http:\/\/example\.com"",""click""\)"/m, 'the raw data, for R, SPSS and Stata, keeps the formula-like answer as typed')
  const free = (await get(`/admin/analysis/waves/${wave1}/free-text.csv`)).body
  t.notMatch(free, /(^|,)"?=HYPERLINK/m, 'the free text, for spreadsheets, starts no cell with a formula')
})
