// Guessing limits hold across every app process on one database: failures counted by one
// process block the client's unknown links on another (never its working ones), a restart does
// not forget them, and the rows naming addresses disappear once their window has passed.
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { FailureLimiter } from '../../src/web/failure-limiter.js'
import { form, formSession, testConfig } from '../helpers/app.js'
import { testDatabases, type TestDatabase } from '../helpers/databases.js'
import { openTestWave } from '../helpers/waves.js'

const { databases, skipped } = testDatabases()
if (skipped) t.test('failure limits on postgres', { skip: skipped }, async () => {})

/** Two instances of the app on one database, as two server processes behind a load balancer. */
async function twoProcesses(t: Test, database: TestDatabase) {
  // No pause before answering unknown links: these tests count failures, not time.
  const config = await testConfig(t, { mailWorker: false, linkGuessDelayMs: 0, loginGuessDelayMs: 0 }, database)
  const first = await buildApp(config, { logger: false })
  const second = await buildApp(config, { logger: false })
  // The test decides when each process looks at the shared counts, not a timer.
  for (const app of [first, second]) for (const limiter of Object.values(app.failureLimiters)) limiter.stop()
  t.teardown(async () => {
    await first.close()
    await second.close()
  })
  return { config, first, second }
}

const UNKNOWN = (i: number) => `/r/${'A'.repeat(40)}${String(i).padStart(3, '0')}`

for (const database of databases) {
  t.test(`failure limits on ${database.kind}`, async (t) => {
    t.test('link guesses counted by one process block the client on another, and survive a restart', async (t) => {
      const { config, first, second } = await twoProcesses(t, database)
      const guess = (app: typeof first, i: number, ip = '203.0.113.7') => app.inject({ method: 'GET', url: UNKNOWN(i), remoteAddress: ip })
      const wave = await openTestWave(first)
      const working = (app: typeof first) => app.inject({ method: 'GET', url: `/r/${wave.tokens.E06000001}`, remoteAddress: '203.0.113.7' })
      for (let i = 0; i < 10; i++) t.equal((await guess(first, i)).statusCode, 404)
      for (let i = 10; i < 20; i++) t.equal((await guess(second, i)).statusCode, 404)
      t.equal((await guess(second, 20)).statusCode, 429, 'the process that counted the twentieth failure blocks at once')
      t.equal((await guess(first, 21)).statusCode, 404, 'the other process has not looked yet')
      await first.failureLimiters.links.sync()
      t.equal((await guess(first, 22)).statusCode, 429, 'after its next look at the shared counts, it blocks too')
      t.equal((await guess(first, 23, '198.51.100.1')).statusCode, 404, 'other clients are unaffected')
      t.equal((await working(first)).statusCode, 200, 'a working link from the blocked client opens on one process')
      t.equal((await working(second)).statusCode, 200, 'and on the other')

      await first.close()
      const restarted = await buildApp(config, { logger: false })
      t.teardown(() => restarted.close())
      t.equal((await guess(restarted, 24)).statusCode, 429, 'a restarted process still refuses the guessing client')
      t.equal((await working(restarted)).statusCode, 200, 'its working link too opens')
    })

    t.test('sign-in failures on one process block the guessing address, for that account, on another', async (t) => {
      const { first, second } = await twoProcesses(t, database)
      const attempt = async (app: typeof first, ip: string) => {
        const session = await formSession(app, '/login')
        return app.inject({ method: 'POST', url: '/login', remoteAddress: ip, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: session.token, email: 'someone@example.org', password: 'wrong guess' }) })
      }
      for (let i = 0; i < 5; i++) t.equal((await attempt(i % 2 ? first : second, '192.0.2.1')).statusCode, 401)
      await first.failureLimiters.logins.sync()
      await second.failureLimiters.logins.sync()
      t.equal((await attempt(first, '192.0.2.1')).statusCode, 429, 'five failures spread over two processes block the address for the account')
      t.equal((await attempt(second, '192.0.2.1')).statusCode, 429, 'on both')
      t.equal((await attempt(first, '192.0.2.200')).statusCode, 401, 'another address is still asked for the password, not refused')
    })

    t.test('counts restart after the window and expired rows are removed', async (t) => {
      const config = await testConfig(t, { mailWorker: false }, database)
      const app = await buildApp(config, { logger: false })
      t.teardown(() => app.close())
      let now = Date.parse('2026-11-25T10:00:00Z')
      const limiter = new FailureLimiter(app.db, 'test', { maxFailures: 3, windowMs: 60_000, now: () => now })
      await limiter.recordFailure('ip:192.0.2.1')
      await limiter.recordFailure('ip:192.0.2.1')
      t.notOk(limiter.blocked('ip:192.0.2.1'), 'two failures of three allowed')
      await limiter.recordFailure('ip:192.0.2.1')
      t.ok(limiter.blocked('ip:192.0.2.1'), 'the third blocks')
      now += 61_000
      t.notOk(limiter.blocked('ip:192.0.2.1'), 'the block ends with its window')
      await limiter.recordFailure('ip:192.0.2.2')
      const rows = await app.db.selectFrom('failure_counts').select(['subject', 'failures']).where('scope', '=', 'test').execute()
      t.same(rows, [{ subject: 'ip:192.0.2.2', failures: 1 }], 'the expired row naming the first address is gone')
      await limiter.recordFailure('ip:192.0.2.2')
      now += 61_000
      await limiter.recordFailure('ip:192.0.2.2')
      const [row] = await app.db.selectFrom('failure_counts').select(['failures']).where('subject', '=', 'ip:192.0.2.2').execute()
      t.equal(row.failures, 1, 'a failure after the window starts a new count')
    })
  })
}
