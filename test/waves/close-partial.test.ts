// Closing a wave with responses in progress: the team says whether they are kept as partial
// responses or not used. Kept ones get the facts a submission would (visible questions only),
// in the same transaction as the close and its audit entry; a partial response is never taken
// for a submitted one on the dashboard, the tracking list or the respondent's link.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { runCli } from '../../src/cli.js'
import { configFromEnv } from '../../src/config.js'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { PARTIAL_SURVEYS, partlyAnsweredWave } from '../analysis/partial-fixture.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** Closes from the confirmation page; once the wave is closed that page is gone, and a stale one (the wave's page in another tab) is used. */
async function closeAs(app: FastifyInstance, cookie: string, waveId: string, fields: Record<string, string>) {
  const page = await formSession(app, `/admin/waves/${waveId}/close`, cookie).catch(() => formSession(app, `/admin/waves/${waveId}`, cookie))
  return app.inject({ method: 'POST', url: `/admin/waves/${waveId}/close`, headers: { ...FORM, cookie: page.cookie }, payload: form({ _csrf: page.token, ...fields }) })
}

const statusOf = async (app: FastifyInstance, responseId: string) => (await app.db.selectFrom('responses').select('status').where('id', '=', responseId).executeTakeFirstOrThrow()).status
const waveStatus = async (app: FastifyInstance, waveId: string) => (await app.db.selectFrom('waves').select('status').where('id', '=', waveId).executeTakeFirstOrThrow()).status
const factsOf = async (app: FastifyInstance, responseId: string) => ({
  asked: (await app.db.selectFrom('asked_questions').select(['question_id', 'answered', 'partial']).where('response_id', '=', responseId).orderBy('question_id').execute()).map((r) => [r.question_id, r.answered, r.partial]),
  values: (await app.db.selectFrom('answer_values').select(['question_id', 'code', 'number_value', 'text_value', 'partial']).where('response_id', '=', responseId).orderBy('question_id').execute()).map((r) => [r.question_id, r.code, r.number_value, r.text_value, r.partial]),
})
const closeAudit = async (app: FastifyInstance) => (await app.db.selectFrom('audit_log').select(['details_json', 'user_email']).where('action', '=', 'wave_closed').execute())

const { databases, skipped } = testDatabases()
if (skipped) t.test('closing with partial responses on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`closing and keeping responses in progress as partial responses, on ${database.kind}`, async (t) => {
    const app = await buildTestApp(t, { surveysDir: PARTIAL_SURVEYS, mailWorker: false }, database)
    const wave = await partlyAnsweredWave(app)
    const admin = await signIn(app, 'admin')

    const dashboard0 = await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie: admin } })
    t.match(dashboard0.body, `href="/admin/waves/${wave.waveId}/close"`, 'the wave page leads to the close confirmation')
    t.notMatch(dashboard0.body, `action="/admin/waves/${wave.waveId}/close"`, 'and does not close at one click')
    const page = await app.inject({ url: `/admin/waves/${wave.waveId}/close`, headers: { cookie: admin } })
    t.match(page.body, 'What should happen to responses in progress?', 'the close confirmation asks')
    t.match(page.body, '3 responses have been started but not submitted.', 'P1, P2 and E1 are in progress')
    t.match(page.body, /<input class="govuk-radios__input" id="in_progress" name="in_progress" type="radio" value="keep_partial"[^>]*>/)
    t.notMatch(page.body, /value="keep_partial"[^>]* checked/, 'no choice is made for the team')

    const unanswered = await closeAs(app, admin, wave.waveId, {})
    t.equal(unanswered.statusCode, 400, 'closing without a choice is refused')
    t.match(unanswered.body, 'href="#in_progress"', 'the error summary points at the radios')
    t.match(unanswered.body, 'Choose whether to keep responses in progress as partial responses')
    t.equal(await waveStatus(app, wave.waveId), 'open', 'and the wave stays open')

    const closed = await closeAs(app, admin, wave.waveId, { in_progress: 'keep_partial' })
    t.equal(closed.statusCode, 303)
    t.equal(await waveStatus(app, wave.waveId), 'closed')
    t.same(
      [await statusOf(app, wave.responses.P1), await statusOf(app, wave.responses.P2), await statusOf(app, wave.responses.E1), await statusOf(app, wave.responses.N1), await statusOf(app, wave.responses.S1)],
      ['partial', 'partial', 'in_progress', 'not_started', 'submitted'],
      'the two with answers are partial; one with no answer and one not started are left alone',
    )

    // P1 said yes, so the buddies page is visible: buddies answered, tasks asked but not reached;
    // the second section has no condition, so role and comments were asked and not answered.
    t.same(await factsOf(app, wave.responses.P1), {
      asked: [['buddies', 1, 1], ['comments', 0, 1], ['has_scheme', 1, 1], ['role', 0, 1], ['tasks', 0, 1]],
      values: [['buddies', null, 2, null, 1], ['has_scheme', 1, null, null, 1]],
    })
    // P2 changed to no: its buddies (10) and tasks answers are hidden and not asked at all.
    t.same(await factsOf(app, wave.responses.P2), {
      asked: [['comments', 1, 1], ['has_scheme', 1, 1], ['role', 1, 1]],
      values: [['comments', null, null, 'Not finished', 1], ['has_scheme', 2, null, null, 1], ['role', 9, null, null, 1]],
    })
    t.same((await factsOf(app, wave.responses.S1)).asked.map((a) => a[2]), [0, 0, 0, 0, 0], "submitted facts are not flagged partial")
    t.same((await factsOf(app, wave.responses.E1)).asked, [], 'nothing recorded for a response with no answer')
    const stored = await app.db.selectFrom('response_answers').select('question_id').where('response_id', '=', wave.responses.P2).orderBy('question_id').execute()
    t.same(stored.map((r) => r.question_id), ['buddies', 'comments', 'has_scheme', 'role', 'tasks'], 'closing deletes no stored answer')

    const audits = await closeAudit(app)
    t.equal(audits.length, 1)
    t.same(JSON.parse(audits[0].details_json), { waveId: wave.waveId, inProgressChoice: 'keep_partial', inProgress: 3, kept: 2, withoutAnswers: 1 })
    t.match(audits[0].user_email, /^admin-/, 'in the audit log under the admin who closed it')

    const dashboard = await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie: admin } })
    t.match(dashboard.body, /id="count-submitted">3</, 'three submitted, not five')
    t.match(dashboard.body, '3 of 7 responded (43%)')
    t.match(dashboard.body, 'Responses kept as partial responses when the wave closed: 2.')
    t.equal((dashboard.body.match(/Partial: not submitted when the wave closed/g) ?? []).length, 2, 'both listed as partial among those not submitted')
    t.notMatch(dashboard.body, `href="/admin/waves/${wave.waveId}/close"`, 'a closed wave has no close button')
    t.equal((await app.inject({ url: `/admin/waves/${wave.waveId}/close`, headers: { cookie: admin } })).statusCode, 303, 'nor a close confirmation')

    const tracking = parse((await app.inject({ url: `/admin/waves/${wave.waveId}/tracking.csv`, headers: { cookie: admin } })).body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    const p1 = tracking.find((r) => r.code === 'P1')!
    t.same([p1.status, p1.submitted_at], ['partial', ''], 'the tracking list says partial, with no submission date')
    t.equal(tracking.filter((r) => r.status === 'submitted').length, 3)

    const link = await app.inject(`/r/${wave.tokens.P1}`)
    t.equal(link.statusCode, 410, "the respondent's link says the survey has closed")
    t.match(link.body, 'This survey has closed')
    t.notMatch(link.body, /submitted/i, 'and never that the response was submitted')

    const again = await closeAs(app, admin, wave.waveId, { in_progress: 'keep_partial' })
    t.equal(again.statusCode, 409, 'closing twice is refused, and records nothing more')
    t.equal((await closeAudit(app)).length, 1)
  })
}

t.test('closing without using responses in progress keeps nothing', async (t) => {
  const app = await buildTestApp(t, { surveysDir: PARTIAL_SURVEYS, mailWorker: false })
  const wave = await partlyAnsweredWave(app)
  const admin = await signIn(app, 'admin')
  const factsBefore = await app.db.selectFrom('asked_questions').select(['response_id', 'question_id', 'answered', 'partial']).orderBy('response_id').orderBy('question_id').execute()

  t.equal((await closeAs(app, admin, wave.waveId, { in_progress: 'ignore' })).statusCode, 303)
  t.equal(await waveStatus(app, wave.waveId), 'closed')
  t.same([await statusOf(app, wave.responses.P1), await statusOf(app, wave.responses.P2), await statusOf(app, wave.responses.E1)], ['in_progress', 'in_progress', 'in_progress'], 'no response becomes partial')
  const partial = await app.db.selectFrom('responses').select('id').where('status', '=', 'partial').execute()
  t.same(partial, [])
  t.same(await app.db.selectFrom('asked_questions').select(['response_id', 'question_id', 'answered', 'partial']).orderBy('response_id').orderBy('question_id').execute(), factsBefore, 'no fact is added: only the three submissions count')
  t.same(await app.db.selectFrom('answer_values').select('response_id').where('partial', '=', 1).execute(), [])
  t.same(JSON.parse((await closeAudit(app))[0].details_json), { waveId: wave.waveId, inProgressChoice: 'ignore', inProgress: 3, kept: 0, withoutAnswers: 0 })

  const analyst = await signIn(app, 'analyst')
  const report = await app.inject({ url: `/admin/analysis/waves/${wave.waveId}`, headers: { cookie: analyst } })
  t.notMatch(report.body, 'partial responses', 'the report has nothing partial to mention')
  t.notMatch(report.body, 'name="partial"', 'nor an option to include them')
})

t.test('only an admin, with the form’s CSRF token, can close a wave', async (t) => {
  const app = await buildTestApp(t, { surveysDir: PARTIAL_SURVEYS, mailWorker: false })
  const wave = await partlyAnsweredWave(app)
  const analyst = await signIn(app, 'analyst')
  const page = await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie: analyst } })
  t.notMatch(page.body, `/admin/waves/${wave.waveId}/close"`, 'an analyst is not offered the close button')
  t.equal((await app.inject({ url: `/admin/waves/${wave.waveId}/close`, headers: { cookie: analyst } })).statusCode, 403, 'nor its confirmation page')
  const refused = await closeAs(app, analyst, wave.waveId, { in_progress: 'keep_partial' })
  t.equal(refused.statusCode, 403, 'an analyst is refused')

  const admin = await signIn(app, 'admin')
  const session = await formSession(app, `/admin/waves/${wave.waveId}`, admin)
  const forged = await app.inject({ method: 'POST', url: `/admin/waves/${wave.waveId}/close`, headers: { ...FORM, cookie: session.cookie }, payload: form({ in_progress: 'keep_partial' }) })
  t.equal(forged.statusCode, 403, 'a post without the CSRF token is refused')
  const odd = await closeAs(app, admin, wave.waveId, { in_progress: 'keep_everything' })
  t.equal(odd.statusCode, 400, 'an unknown choice is refused')

  t.equal(await waveStatus(app, wave.waveId), 'open', 'the wave is still open')
  t.same(await app.db.selectFrom('responses').select('id').where('status', '=', 'partial').execute(), [])
  t.same(await closeAudit(app), [])
})

t.test('the command line asks for the choice when responses are in progress, and says what it did', async (t) => {
  const run = async (dir: string, args: string[]) => {
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(args, (l) => out.push(l), (l) => err.push(l), { DATA_DIR: dir, SURVEYS_DIR: resolve(PARTIAL_SURVEYS) })
    return { code, out: out.join('\n'), err: err.join('\n') }
  }
  const prepare = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-partial-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const app = await buildApp({ ...configFromEnv({}), surveysDir: resolve(PARTIAL_SURVEYS), databaseUrl: `sqlite:${join(dir, 'survey.db')}`, logLevel: 'silent', mailWorker: false }, { logger: false })
    try {
      return { dir, ...(await partlyAnsweredWave(app)) }
    } finally {
      await app.close()
    }
  }
  const statuses = async (dir: string, waveId: string) => {
    const app = await buildApp({ ...configFromEnv({}), surveysDir: resolve(PARTIAL_SURVEYS), databaseUrl: `sqlite:${join(dir, 'survey.db')}`, logLevel: 'silent', mailWorker: false }, { logger: false })
    try {
      const wave = await app.db.selectFrom('waves').select('status').where('id', '=', waveId).executeTakeFirstOrThrow()
      const rows = await app.db.selectFrom('responses').select('status').where('wave_id', '=', waveId).execute()
      const audit = await app.db.selectFrom('audit_log').select(['details_json', 'user_email']).where('action', '=', 'wave_closed').execute()
      return { wave: wave.status, partial: rows.filter((r) => r.status === 'partial').length, inProgress: rows.filter((r) => r.status === 'in_progress').length, audit }
    } finally {
      await app.close()
    }
  }

  const kept = await prepare()
  const undecided = await run(kept.dir, ['close', kept.waveId])
  t.equal(undecided.code, 1, 'no choice, no close')
  t.match(undecided.err, '3 responses in progress.')
  t.match(undecided.err, '--partial keep')
  t.equal((await statuses(kept.dir, kept.waveId)).wave, 'open')
  t.equal((await run(kept.dir, ['close', kept.waveId, '--partial', 'maybe'])).code, 1, 'an unknown choice is refused')
  const keep = await run(kept.dir, ['close', kept.waveId, '--partial', 'keep'])
  t.equal(keep.code, 0)
  t.equal(keep.out, 'Closed 2027. Kept as partial responses: 2 responses in progress. Not kept, with no answer: 1 response.')
  const afterKeep = await statuses(kept.dir, kept.waveId)
  t.same([afterKeep.wave, afterKeep.partial, afterKeep.inProgress], ['closed', 2, 1])
  t.same(afterKeep.audit.map((a) => [a.user_email, JSON.parse(a.details_json).inProgressChoice]), [['command line', 'keep_partial']])

  const ignored = await prepare()
  const ignore = await run(ignored.dir, ['close', ignored.waveId, '--partial', 'ignore'])
  t.equal(ignore.code, 0)
  t.equal(ignore.out, 'Closed 2027. Not used: 3 responses in progress.')
  const afterIgnore = await statuses(ignored.dir, ignored.waveId)
  t.same([afterIgnore.wave, afterIgnore.partial, afterIgnore.inProgress], ['closed', 0, 3])
})
