// Sends what the outbox holds. A message is claimed with a compare-and-set before sending, so of
// several workers (several app processes on one PostgreSQL database) only one sends it; a failure
// is retried with growing pauses and, after the last try, marked failed for the team to see.
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { DEFAULT_MAIL_CLAIM_LEASE_MS } from '../config.js'
import { nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { withPublicUrl } from './outbox.js'
import type { MailTransport } from './transport.js'

export const MAX_ATTEMPTS = 6

/** 1, 4, 16, 64, 256 minutes: long enough for a mail server to come back. */
export function retryDelayMs(attempts: number): number {
  return 60_000 * 4 ** (attempts - 1)
}

export interface WorkerOptions {
  transport: MailTransport
  from: string
  /** This sender's PUBLIC_URL: links in the messages point there, whoever queued them. */
  publicUrl: string
  workerId?: string
  batchSize?: number
  /** At most this many messages leave in any minute, counted across every worker in the database. */
  ratePerMinute?: number
  /** Checked before each message: a stopping process finishes the message in hand and no more. */
  shouldStop?: () => boolean
  claimLeaseMs?: number
  now?: () => Date
}

/**
 * A message left "sending" by a process that died mid-send is queued again after the lease.
 * The SMTP conversation is the only moment a message can be delivered without being recorded,
 * so this is the one case where a recipient might get it twice; the stable Message-ID lets mail
 * systems recognise the repeat. A process that stops normally finishes its message first.
 */
export async function recoverStaleClaims(db: Kysely<Database>, now = new Date(), leaseMs = DEFAULT_MAIL_CLAIM_LEASE_MS): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'queued', claimed_by: null, last_error: 'sending was interrupted (the process stopped); trying again' })
    .where('status', '=', 'sending')
    .where('claimed_at', '<', nowIso(new Date(now.getTime() - leaseMs)))
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

export interface BatchResult {
  sent: number
  failed: number
  retrying: number
}

export async function sendDueMessages(db: Kysely<Database>, options: WorkerOptions): Promise<BatchResult> {
  const now = options.now ?? (() => new Date())
  const workerId = options.workerId ?? randomUUID()
  await recoverStaleClaims(db, now(), options.claimLeaseMs)
  let limit = options.batchSize ?? 20
  if (options.ratePerMinute) {
    const recent = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('sent_at', '>', nowIso(new Date(now().getTime() - 60_000)))
      .executeTakeFirstOrThrow()
    limit = Math.min(limit, Math.max(0, options.ratePerMinute - Number(recent.n)))
    if (limit === 0) return { sent: 0, failed: 0, retrying: 0 }
  }
  const due = await db
    .selectFrom('outbox')
    .selectAll()
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', nowIso(now()))
    .orderBy('created_at')
    .limit(limit)
    .execute()
  const result: BatchResult = { sent: 0, failed: 0, retrying: 0 }
  for (const message of due) {
    if (options.shouldStop?.()) break
    const claim = await db
      .updateTable('outbox')
      .set({ status: 'sending', claimed_by: workerId, claimed_at: nowIso(now()), attempts: message.attempts + 1 })
      .where('id', '=', message.id)
      .where('status', '=', 'queued')
      .where('attempts', '=', message.attempts)
      .executeTakeFirst()
    if (Number(claim.numUpdatedRows) !== 1) continue
    const messageId = `<${message.id}@survey-waves>`
    try {
      const fromName = message.from_name ? `"${message.from_name.replace(/["\\]/g, '')}" ` : ''
      const address = /<([^>]+)>/.exec(options.from)?.[1] ?? options.from
      const content = withPublicUrl({ subject: message.subject, text: message.text_body, html: message.html_body }, options.publicUrl)
      await options.transport.send({
        from: fromName ? `${fromName}<${address}>` : options.from,
        to: message.to_address,
        replyTo: message.reply_to ?? undefined,
        ...content,
        messageId,
      })
      await db.updateTable('outbox').set({ status: 'sent', sent_at: nowIso(now()), message_id: messageId, last_error: null }).where('id', '=', message.id).execute()
      result.sent++
    } catch (err) {
      const attempts = message.attempts + 1
      const finalFailure = attempts >= MAX_ATTEMPTS
      await db
        .updateTable('outbox')
        .set({
          status: finalFailure ? 'failed' : 'queued',
          last_error: String((err as Error).message ?? err).slice(0, 1000),
          next_attempt_at: nowIso(new Date(now().getTime() + retryDelayMs(attempts))),
          claimed_by: null,
        })
        .where('id', '=', message.id)
        .execute()
      if (finalFailure) result.failed++
      else result.retrying++
    }
  }
  return result
}
