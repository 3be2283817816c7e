// GET /health, as a load balancer calls it: 200 while the process can serve, 503 saying which
// part is wrong (database, migrations, mail worker), never a secret, and never limited.
import t from 'tap'
import pg from 'pg'
import { mailWorkerStatus, migrationStatus } from '../../src/operations/health.js'
import { buildTestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const { databases, skipped } = testDatabases()
if (skipped) t.comment(`PostgreSQL half skipped: ${skipped}`)

for (const database of databases) {
  t.test(`${database.kind}: healthy, then the schema out of step with the code is a 503 naming the migrations`, async (t) => {
    const app = await buildTestApp(t, { mailPollMs: 60_000 }, database)
    const healthy = await app.inject('/health')
    t.equal(healthy.statusCode, 200)
    t.same(healthy.json(), { status: 'ok', database: 'ok', migrations: 'ok', mail_worker: 'ok' })
    t.equal(healthy.headers['cache-control'], 'no-store', 'a proxy never answers for it from a cache')
    t.notMatch(healthy.body, /postgres|sqlite|\/tmp|password|@/, 'names no database, file or account')

    // Probes come every few seconds from several load balancers: 300 in a row are all answered.
    const statuses = new Set<number>()
    for (let i = 0; i < 300; i++) statuses.add((await app.inject('/health')).statusCode)
    t.same([...statuses], [200], 'never rate-limited')

    // A newer release migrated the database under this process: it should be replaced.
    await app.db.insertInto('kysely_migration' as never).values({ name: '9999_from_a_newer_release', timestamp: '2027-01-01T00:00:00.000Z' } as never).execute()
    const newer = await app.inject('/health')
    t.equal(newer.statusCode, 503)
    t.same(newer.json(), { status: 'unavailable', database: 'ok', migrations: 'newer', mail_worker: 'ok' })

    // An older backup restored under a running process: migrations this code has are missing.
    await app.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '9999_from_a_newer_release' as never).execute()
    await app.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '0014_outbox_priority' as never).execute()
    const pending = await app.inject('/health')
    t.equal(pending.statusCode, 503)
    t.same(pending.json(), { status: 'unavailable', database: 'ok', migrations: 'pending', mail_worker: 'ok' })
    t.same((await app.inject('/healthz')).json(), pending.json(), '/healthz, the older address, answers the same')
  })
}

t.test('a process with its mail worker switched off is healthy, and says the worker is off', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok', database: 'ok', migrations: 'ok', mail_worker: 'off' })
})

t.test('postgres: a database that has gone is a 503 "unreachable" within seconds', { skip: !databases.some((d) => d.kind === 'postgres') && skipped }, async (t) => {
  const database = databases.find((d) => d.kind === 'postgres')!
  const app = await buildTestApp(t, { mailPollMs: 60_000 }, database)
  t.equal((await app.inject('/health')).statusCode, 200)
  const url = new URL(app.config.databaseUrl)
  const name = url.pathname.slice(1)
  url.pathname = '/postgres'
  const admin = new pg.Client({ connectionString: url.toString() })
  await admin.connect()
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
  await admin.end()
  const started = Date.now()
  const gone = await app.inject('/health')
  t.ok(Date.now() - started < 4000, 'answered within the probe time')
  t.equal(gone.statusCode, 503)
  t.same(gone.json(), { status: 'unavailable', database: 'unreachable', migrations: 'unreachable', mail_worker: 'ok' })
  t.notMatch(gone.body, name, 'the error is logged, not shown')
})

t.test('the mail worker is stalled only when its loop has not moved for the claim lease (or three polls, if longer)', async (t) => {
  const options = { pollMs: 2000, claimLeaseMs: 300_000 }
  const beat = (secondsAgo: number) => ({ enabled: true, lastMovedAt: new Date(Date.parse('2026-11-27T12:00:00Z') - secondsAgo * 1000) })
  const now = new Date('2026-11-27T12:00:00Z')
  t.equal(mailWorkerStatus(beat(2), now, options), 'ok')
  t.equal(mailWorkerStatus(beat(300), now, options), 'ok', 'a slow SMTP server for five minutes is still alive')
  t.equal(mailWorkerStatus(beat(301), now, options), 'stalled')
  t.equal(mailWorkerStatus(beat(301), now, { pollMs: 120_000, claimLeaseMs: 60_000 }), 'ok', 'three polls of two minutes are six minutes')
  t.equal(mailWorkerStatus(beat(361), now, { pollMs: 120_000, claimLeaseMs: 60_000 }), 'stalled')
  t.equal(mailWorkerStatus({ enabled: false, lastMovedAt: new Date(0) }, now, options), 'off')
})

t.test('migrations: the same set is ok, one missing is pending, one unknown is newer', async (t) => {
  t.equal(migrationStatus(['0001_a', '0002_b'], ['0002_b', '0001_a']), 'ok')
  t.equal(migrationStatus(['0001_a', '0002_b'], ['0001_a']), 'pending')
  t.equal(migrationStatus(['0001_a'], ['0001_a', '0002_b']), 'newer')
  t.equal(migrationStatus(['0001_a', '0003_c'], ['0001_a', '0002_b']), 'newer', 'a database from another line of releases is not this code\'s')
})
