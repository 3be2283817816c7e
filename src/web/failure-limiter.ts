// Slows down guessing: a subject (a client address, an account) with too many failures in a window
// is blocked until the window passes. What a block refuses is the caller's choice: a blocked
// account is refused even the right password, while a blocked address is refused only links that
// do not work, because a prison gateway or a council office puts many honest people behind it.
// Failures are counted in the database, so several app processes behind a load balancer share
// one count, and a restart does not wipe the slate of a client that was guessing. Checking stays
// off the database: each process keeps the set of blocked subjects, updated by its own failures
// at once and by everyone's every few seconds.
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export interface FailureLimiterOptions {
  maxFailures: number
  windowMs: number
  /** How often other processes' blocks are picked up. */
  syncMs?: number
  now?: () => number
}

export class FailureLimiter {
  private blockedUntil = new Map<string, number>()
  private timer?: NodeJS.Timeout
  private readonly now: () => number

  constructor(
    private readonly db: Kysely<Database>,
    private readonly scope: string,
    private readonly options: FailureLimiterOptions,
  ) {
    this.now = options.now ?? Date.now
  }

  blocked(subject: string): boolean {
    const until = this.blockedUntil.get(subject)
    if (until === undefined) return false
    if (until > this.now()) return true
    this.blockedUntil.delete(subject)
    return false
  }

  /** Counts a failure and returns the subject's failures in the current window, this one included. */
  async recordFailure(subject: string): Promise<number> {
    const now = new Date(this.now()).toISOString()
    const resetAt = new Date(this.now() + this.options.windowMs).toISOString()
    const expired = sql<boolean>`${sql.ref('failure_counts.reset_at')} <= ${now}`
    const row = await this.db
      .insertInto('failure_counts')
      .values({ scope: this.scope, subject, failures: 1, reset_at: resetAt })
      .onConflict((oc) =>
        oc.columns(['scope', 'subject']).doUpdateSet({
          failures: sql<number>`case when ${expired} then 1 else ${sql.ref('failure_counts.failures')} + 1 end`,
          reset_at: sql<string>`case when ${expired} then ${resetAt} else ${sql.ref('failure_counts.reset_at')} end`,
        }),
      )
      .returning(['failures', 'reset_at'])
      .executeTakeFirstOrThrow()
    if (row.failures >= this.options.maxFailures) this.blockedUntil.set(subject, Date.parse(row.reset_at))
    // The rows name people's addresses: none outlives its window.
    await this.db.deleteFrom('failure_counts').where('reset_at', '<=', now).execute()
    return row.failures
  }

  /** Picks up the subjects blocked through any process. */
  async sync(): Promise<void> {
    const now = new Date(this.now()).toISOString()
    const rows = await this.db
      .selectFrom('failure_counts')
      .select(['subject', 'reset_at'])
      .where('scope', '=', this.scope)
      .where('failures', '>=', this.options.maxFailures)
      .where('reset_at', '>', now)
      .execute()
    this.blockedUntil = new Map(rows.map((r) => [r.subject, Date.parse(r.reset_at)]))
  }

  /** Syncs now and then every `syncMs`; a failed sync keeps the last known set and tries again. */
  async start(onError: (err: unknown) => void): Promise<void> {
    await this.sync()
    this.timer = setInterval(() => this.sync().catch(onError), this.options.syncMs ?? 5000)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
