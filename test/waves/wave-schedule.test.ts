// Scheduled reminders and closing at the deadline, with the clock set by the test: a reminder is
// queued at its time (09:00 UK time on its day, GMT or BST) and not a millisecond before, never to
// an organisation that has submitted or whose link was revoked, once however many app processes
// tick; the wave closes itself when its deadline has passed, not a minute before.
import { spawn } from 'node:child_process'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { reminderTimes } from '../../src/waves/reminder-schedule.js'
import { eraseOrganisationContacts } from '../../src/waves/erasure.js'
import { form, formSession, REAL_SURVEYS, signIn, testConfig } from '../helpers/app.js'
import { testDatabases, type TestDatabase } from '../helpers/databases.js'
import { openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const CODES = ['ORG1', 'ORG2', 'ORG3', 'ORG4', 'ORG5']
/** 31 July 2030 is on BST (UTC+1): the end of that UK day is 22:59:59.999 UTC. */
const DEADLINE = '2030-07-31T22:59:59.999Z'

/**
 * A running wave of five organisations: ORG1 and ORG5 not started, ORG2 submitted, ORG3 in
 * progress, ORG4's contacts erased (its link revoked). The clock is the test's.
 */
async function waveOnTheClock(t: Test, database: TestDatabase) {
  const clock = { now: new Date('2030-06-01T10:00:00.000Z') }
  const config = await testConfig(t, { mailWorker: false, scheduleWorker: false }, database)
  const app = await buildApp(config, { logger: false, now: () => clock.now })
  t.teardown(() => app.close())
  const wave = await openTestWave(app, { organisations: CODES, closesAt: DEADLINE })
  const ids = wave.organisationIds
  const setStatus = (code: string, status: 'submitted' | 'in_progress') =>
    app.db.updateTable('responses').set({ status, submitted_at: status === 'submitted' ? '2030-06-02T10:00:00.000Z' : null }).where('wave_id', '=', wave.waveId).where('organisation_id', '=', ids[code]).execute()
  await setStatus('ORG2', 'submitted')
  await setStatus('ORG3', 'in_progress')
  await eraseOrganisationContacts(app.db, ids.ORG4, null)
  return { app, clock, config, wave, ids, setStatus }
}

async function saveSchedule(app: FastifyInstance, cookie: string, waveId: string, fields: Record<string, string>) {
  const page = await formSession(app, `/admin/waves/${waveId}/reminders`, cookie)
  return app.inject({ method: 'POST', url: `/admin/waves/${waveId}/reminders`, headers: { ...FORM, cookie: page.cookie }, payload: form({ _csrf: page.token, ...fields }) })
}

/** Which organisations have been sent a reminder, by code, in order of code. */
async function reminded(app: FastifyInstance, ids: Record<string, string>) {
  const rows = await app.db.selectFrom('outbox').select('organisation_id').where('kind', '=', 'reminder').execute()
  const codeOf = new Map(Object.entries(ids).map(([code, id]) => [id, code]))
  return rows.map((r) => codeOf.get(r.organisation_id!)!).sort()
}

const waveStatus = async (app: FastifyInstance, waveId: string) => (await app.db.selectFrom('waves').select('status').where('id', '=', waveId).executeTakeFirstOrThrow()).status

t.test('a rule counts its days from the launch and means 09:00 on UK clocks, across the change to BST', async (t) => {
  // Launched on Sunday 10 March 2030; BST starts on Sunday 31 March 2030 at 01:00 UTC.
  const rule = { kind: 'every' as const, everyDays: 7, maxTimes: 3, target: 'not_submitted' as const }
  t.same(reminderTimes(rule, { launched_at: '2030-03-10T15:00:00.000Z', closes_at: null }), ['2030-03-17T09:00:00.000Z', '2030-03-24T09:00:00.000Z', '2030-03-31T08:00:00.000Z'])
  t.same(reminderTimes(rule, { launched_at: '2030-03-10T15:00:00.000Z', closes_at: '2030-03-28T23:59:59.999Z' }), ['2030-03-17T09:00:00.000Z', '2030-03-24T09:00:00.000Z'], 'none after the deadline')
  t.same(reminderTimes(rule, { launched_at: null, closes_at: null }), [], 'a draft has no times yet')
  const dates = { kind: 'dates' as const, dates: ['2030-07-15', '2030-01-15', '2030-07-15'], target: 'not_started' as const }
  t.same(reminderTimes(dates, { launched_at: null, closes_at: null }), ['2030-01-15T09:00:00.000Z', '2030-07-15T08:00:00.000Z'], 'GMT in January, BST in July; a date given twice is one time')
})

const { databases, skipped } = testDatabases()
if (skipped) t.test('the wave schedule on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`scheduled reminders are queued at their time, never before and never to those who submitted, on ${database.kind}`, async (t) => {
    const { app, clock, wave, ids, setStatus } = await waveOnTheClock(t, database)
    const cookie = await signIn(app)

    const saved = await saveSchedule(app, cookie, wave.waveId, { kind: 'dates', dates: '1/7/2030\n15/07/2030', target: 'not_submitted' })
    t.equal(saved.statusCode, 303)
    t.equal(saved.headers.location, `/admin/waves/${wave.waveId}?done=reminder_schedule_saved`)
    const dashboard = await app.inject({ url: saved.headers.location!, headers: { cookie } })
    t.match(dashboard.body, /id="done-notice"[\s\S]*Scheduled reminders saved/)
    t.match(dashboard.body, '2 reminders on chosen days, to organisations that have not submitted.')
    t.match(dashboard.body, /<li>09:00 on 1 July 2030 \(UK time\)<\/li>\s*<li>09:00 on 15 July 2030 \(UK time\)<\/li>/, 'the next dates, in UK time')

    clock.now = new Date('2030-07-01T07:59:59.999Z')
    t.same((await app.runWaveSchedule()).reminders, [], 'at 08:59:59.999 BST nothing is due')
    t.same(await reminded(app, ids), [])

    clock.now = new Date('2030-07-01T08:00:00.000Z')
    const first = await app.runWaveSchedule()
    t.same(first.reminders, [{ waveId: wave.waveId, dueAt: '2030-07-01T08:00:00.000Z', queued: 3, missed: 0 }], 'at 09:00 BST: ORG1, ORG3 and ORG5')
    t.same(await reminded(app, ids), ['ORG1', 'ORG3', 'ORG5'], 'not ORG2, which submitted, nor ORG4, whose link was revoked')
    t.same((await app.runWaveSchedule()).reminders, [], 'the next tick finds nothing more to do')
    t.same(await reminded(app, ids), ['ORG1', 'ORG3', 'ORG5'])

    await setStatus('ORG5', 'submitted')
    clock.now = new Date('2030-07-15T08:00:00.000Z')
    await app.runWaveSchedule()
    t.same(await reminded(app, ids), ['ORG1', 'ORG1', 'ORG3', 'ORG3', 'ORG5'], 'ORG5 submitted in between and is not reminded again')

    const after = await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie } })
    t.match(after.body, /09:00 on 1 July 2030<\/td><td class="govuk-table__cell">09:00 on 1 July 2030<\/td><td class="govuk-table__cell govuk-table__cell--numeric">3 reminders</, 'what was sent, per time')
    t.match(after.body, /09:00 on 15 July 2030<\/td><td class="govuk-table__cell">09:00 on 15 July 2030<\/td><td class="govuk-table__cell govuk-table__cell--numeric">2 reminders</)
    t.match(after.body, 'No more reminders are scheduled before the deadline.')
    const audits = await app.db.selectFrom('audit_log').select(['user_email', 'details_json']).where('action', '=', 'scheduled_reminders_queued').execute()
    t.same(audits.map((a) => [a.user_email, JSON.parse(a.details_json).queued]), [['the system', 3], ['the system', 2]])
  })

  t.test(`the wave closes itself at its deadline, not a minute before, on ${database.kind}`, async (t) => {
    const { app, clock, wave } = await waveOnTheClock(t, database)
    clock.now = new Date('2030-07-31T22:58:59.999Z')
    t.same((await app.runWaveSchedule()).closed, [])
    clock.now = new Date(DEADLINE)
    t.same((await app.runWaveSchedule()).closed, [], 'still open at the last millisecond of 31 July, UK time')
    t.equal(await waveStatus(app, wave.waveId), 'open')
    clock.now = new Date('2030-07-31T23:00:00.000Z')
    t.same((await app.runWaveSchedule()).closed, [wave.waveId], 'closed at midnight UK time')
    t.equal(await waveStatus(app, wave.waveId), 'closed')
    const [entry] = await app.db.selectFrom('audit_log').select(['user_email', 'details_json']).where('action', '=', 'wave_closed').execute()
    t.equal(entry.user_email, 'the system', 'the audit log says the system closed it')
    t.same(JSON.parse(entry.details_json), { waveId: wave.waveId, inProgressChoice: 'ignore', inProgress: 1, kept: 0, withoutAnswers: 0, atDeadline: '2030-07-31T23:00:00.000Z' }, 'as closing always did: the response in progress left as it was')
    t.equal((await app.inject(`/r/${wave.tokens.ORG1}`)).statusCode, 410, 'the links say the survey has closed')
    t.same((await app.runWaveSchedule()).closed, [], 'closed once')
  })

  t.test(`two app processes ticking on one database send each reminder once, on ${database.kind}`, async (t) => {
    const { app, config, wave, ids } = await waveOnTheClock(t, database)
    const cookie = await signIn(app)
    t.equal((await saveSchedule(app, cookie, wave.waveId, { kind: 'dates', dates: '1/7/2030\n15/7/2030', target: 'not_started' })).statusCode, 303)
    await app.close()

    // Both processes wake on 16 July: 15 July is sent, 1 July (passed while they were stopped) is not.
    const tick = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/waves/schedule-process.ts'], {
          env: { ...process.env, DATABASE_URL: config.databaseUrl, SURVEYS_DIR: REAL_SURVEYS, NOW: '2030-07-16T12:00:00.000Z', CI: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let out = ''
        let err = ''
        child.stdout.on('data', (d) => (out += d))
        child.stderr.on('data', (d) => (err += d))
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))))
      })
    const runs = (await Promise.all([tick(), tick()])).map((out) => JSON.parse(out) as { reminders: unknown[] })
    t.equal(runs.filter((r) => r.reminders.length === 1).length + runs.filter((r) => r.reminders.length === 0).length, 2, 'each process ran')

    const check = await buildApp(config, { logger: false })
    t.teardown(() => check.close())
    t.same(await reminded(check, ids), ['ORG1', 'ORG5'], 'ORG1 and ORG5 (not started) each reminded once')
    const slots = await check.db.selectFrom('reminder_slots').select(['due_at', 'status', 'queued']).orderBy('due_at').execute()
    t.same(slots, [
      { due_at: '2030-07-01T08:00:00.000Z', status: 'missed', queued: 0 },
      { due_at: '2030-07-15T08:00:00.000Z', status: 'queued', queued: 2 },
    ])
    t.equal((await check.db.selectFrom('audit_log').select('id').where('action', '=', 'scheduled_reminders_queued').execute()).length, 1)
  })
}

t.test('the schedule form says what to fix, field by field, and keeps what was typed', async (t) => {
  const { app, wave } = await waveOnTheClock(t, testDatabases().databases[0])
  const cookie = await signIn(app)
  const wrong = await saveSchedule(app, cookie, wave.waveId, { kind: 'dates', dates: '1/7/2030\n31/2/2030\nsoon', target: '' })
  t.equal(wrong.statusCode, 400)
  t.match(wrong.body, /href="#dates">Enter each date as day\/month\/year, like 3\/3\/2027. Not a date: 31\/2\/2030, soon<\/a>[\s\S]*href="#target">Choose which organisations to remind</, 'the summary in the order of the fields')
  t.match(wrong.body, /<textarea[^>]*id="dates"[^>]*>1\/7\/2030\n31\/2\/2030\nsoon<\/textarea>/)
  const past = await saveSchedule(app, cookie, wave.waveId, { kind: 'dates', dates: '1/5/2030\n1/9/2030', target: 'not_started' })
  t.match(past.body, 'Already passed: 1 May 2030')
  const late = await saveSchedule(app, cookie, wave.waveId, { kind: 'dates', dates: '1/9/2030', target: 'not_started' })
  t.match(late.body, 'After it: 1 September 2030')
  const every = await saveSchedule(app, cookie, wave.waveId, { kind: 'every', every_days: '0', max_times: 'three', target: 'not_started' })
  t.match(every.body, /href="#every_days">Enter a whole number of days from 1 to 90, like 7<\/a>[\s\S]*href="#max_times">Enter a whole number of reminders from 1 to 20, like 3</)
  t.same(await app.db.selectFrom('reminder_schedules').selectAll().execute(), [], 'nothing saved')
  const none = await saveSchedule(app, cookie, wave.waveId, { kind: 'every', every_days: '7', max_times: '3', target: 'not_started' })
  t.equal(none.statusCode, 303)
  const rule = JSON.parse((await app.db.selectFrom('reminder_schedules').select('rule_json').executeTakeFirstOrThrow()).rule_json)
  t.same(rule, { kind: 'every', everyDays: 7, maxTimes: 3, target: 'not_started' })
  t.equal((await saveSchedule(app, cookie, wave.waveId, { kind: 'none', target: 'not_started' })).headers.location, `/admin/waves/${wave.waveId}?done=reminder_schedule_removed`)
  t.same(await app.db.selectFrom('reminder_schedules').selectAll().execute(), [], 'removed')
})
