// Quotations for a report: a whole answer and a passage chosen on the coding page, listed and
// downloaded pseudonymised with the organisation's type (never its name), with the agreed codes;
// an answer that looks like a formula stays text in the workbook.
import ExcelJS from 'exceljs'
import { parse } from 'csv-parse/sync'
import t from 'tap'
import { createCode } from '../../src/coding/codebook.js'
import { codeWholeAnswer, finishCoding, joinCoding } from '../../src/coding/codings.js'
import { pseudonym } from '../../src/analysis/raw-data.js'
import type { Answers } from '../../src/questionnaire/answers.js'
import { buildTestApp, FIXTURES, form, formSession, signIn } from '../helpers/app.js'
import { submittedWave } from '../helpers/responses.js'

const TEXTS = ['=HYPERLINK("http://example.com","click") is what they sent us', 'Housing was found too late. Nobody knew the date.']
const answers: Answers[] = TEXTS.map((views) => ({ q_role: { code: 1 }, q_scheme: { code: 1 }, q_tasks: { codes: [1] }, q_staff: { value: 2 }, q_rate: { rows: { a: 1 } }, q_views: { value: views } }))

t.test('quotations chosen, listed and downloaded pseudonymised', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const { waveId, organisations } = await submittedWave(app, { surveyId: 'demo-analysis', version: '1', label: 'W1', answers })
  const cookie = await signIn(app, 'analyst')
  const grid = `/admin/coding/waves/${waveId}`
  const choose = async (i: number, passage = '') => {
    const session = await formSession(app, grid, cookie)
    return app.inject({ method: 'POST', url: `${grid}/quotations`, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: session.token, organisation: organisations[i], question: 'q_views', passage, back: '', anchor: 'answer-1' }) })
  }
  t.equal((await choose(0)).statusCode, 303)
  t.equal((await choose(1, 'Housing was found too late.')).statusCode, 303)
  t.equal((await choose(1, 'not in the answer')).statusCode, 400)

  // The second answer carries Housing in a finished coding: the quotation shows it.
  const user = await app.db.selectFrom('users').select(['id', 'email']).executeTakeFirstOrThrow()
  const housing = await createCode(app.db, user, 'demo-analysis', { name: 'Housing', description: '', inclusion: '', exclusion: '', example: '', parentId: null })
  await joinCoding(app.db, waveId, user.id)
  await codeWholeAnswer(app.db, waveId, user.id, { organisationId: organisations[1], questionKey: 'q_views' }, [housing])
  await finishCoding(app.db, waveId, user.id, true)

  const page = (await app.inject({ url: '/admin/coding/surveys/demo-analysis/quotations', headers: { cookie } })).body
  t.match(page, new RegExp(`A prison \\(${pseudonym(organisations[1])}\\), W1, q_views · Codes: Housing`))
  t.notMatch(page, /Organisation P1|Organisation P2/, 'no organisation names')
  const csv = await app.inject({ url: '/admin/coding/surveys/demo-analysis/quotations.csv', headers: { cookie } })
  const rows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  t.same(rows.map((r) => [r.respondent_id, r.organisation_type, r.quotation, r.codes]), [
    [pseudonym(organisations[0]), 'prison', `'${TEXTS[0]}`, ''],
    [pseudonym(organisations[1]), 'prison', 'Housing was found too late.', 'Housing'],
  ], 'the CSV for spreadsheets neutralises the formula-like answer')
  const xlsx = await app.inject({ url: '/admin/coding/surveys/demo-analysis/quotations.xlsx', headers: { cookie } })
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const cell = book.getWorksheet('Quotations')!.getRow(2).getCell(6)
  t.equal(cell.type, ExcelJS.ValueType.String, 'a text cell, not a formula')
  t.equal(cell.value, TEXTS[0])

  const id = (await app.db.selectFrom('quotations').select('id').orderBy('chosen_at').executeTakeFirstOrThrow()).id
  const session = await formSession(app, '/admin/coding/surveys/demo-analysis/quotations', cookie)
  const removed = await app.inject({ method: 'POST', url: `/admin/coding/quotations/${id}/remove`, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: session.token }) })
  t.equal(removed.statusCode, 303)
  t.equal((await app.db.selectFrom('quotations').select('id').execute()).length, 1)
})
