// GET /health, for load balancers and monitoring: 200 when this process can serve (its database
// answers, the schema is the one this code was written for, its outbox worker is turning), 503
// with what is wrong otherwise. It names no host, file or error text: anyone may call it.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { knownMigrations } from '../db/migrate.js'
import type { MailWorkerBeat } from '../mail/plugin.js'

/** A database that takes longer than this to answer "select 1" is as good as down for a probe. */
const DATABASE_PROBE_MS = 3000

export type HealthStatus = 'ok' | 'off' | 'unreachable' | 'pending' | 'newer' | 'stalled'

/**
 * The outbox worker is alive while its loop keeps moving. A pass may be slow (an SMTP server
 * taking its time), so it counts as stalled only after the claim lease, the time after which
 * other workers presume its message's sender dead, or three polls if those are longer.
 */
export function mailWorkerStatus(beat: MailWorkerBeat, now: Date, options: { pollMs: number; claimLeaseMs: number }): HealthStatus {
  if (!beat.enabled) return 'off'
  return now.getTime() - beat.lastMovedAt.getTime() <= Math.max(options.claimLeaseMs, 3 * options.pollMs) ? 'ok' : 'stalled'
}

/**
 * "pending": migrations this code has that the database has not run (an older backup restored
 * under a running process); "newer": the database ran migrations this code does not know (a
 * newer release upgraded it: this process should be replaced, not sent requests).
 */
export function migrationStatus(known: string[], applied: string[]): HealthStatus {
  if (applied.some((name) => !known.includes(name))) return 'newer'
  if (known.some((name) => !applied.includes(name))) return 'pending'
  return 'ok'
}

async function withinProbeTime<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_PROBE_MS} ms`)), DATABASE_PROBE_MS)
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

export async function healthRoutes(app: FastifyInstance) {
  const known = await knownMigrations()
  const health = async () => {
    let database: HealthStatus = 'ok'
    let migrations: HealthStatus = 'ok'
    try {
      const applied = await withinProbeTime(sql<{ name: string }>`select name from kysely_migration`.execute(app.db))
      migrations = migrationStatus(known, applied.rows.map((row) => row.name))
    } catch (err) {
      app.log.warn({ err }, 'health check: the database did not answer')
      database = 'unreachable'
      migrations = 'unreachable'
    }
    const mailWorker = mailWorkerStatus(app.mailWorkerBeat(), new Date(), { pollMs: app.config.mailPollMs, claimLeaseMs: app.config.mailClaimLeaseMs })
    const healthy = database === 'ok' && migrations === 'ok' && mailWorker !== 'stalled'
    return { healthy, body: { status: healthy ? 'ok' : 'unavailable', database, migrations, mail_worker: mailWorker } }
  }
  // Probes come every few seconds from every load balancer: only a failing one is worth a log line.
  const options = { logLevel: 'warn' as const }
  // /healthz is the address earlier versions answered at, kept for probes already set up.
  for (const url of ['/health', '/healthz']) {
    app.get(url, options, async (request, reply) => {
      const { healthy, body } = await health()
      if (!healthy) request.log.warn(body, 'health check failed')
      return reply.code(healthy ? 200 : 503).header('cache-control', 'no-store').send(body)
    })
  }
}
