// Sends what the outbox holds. A message is claimed with a compare-and-set before sending, so of
// several workers (several app processes on one PostgreSQL database) only one sends it; a failure
// is retried with growing pauses and, after the last try, marked failed for the team to see.
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import type { MailTransport } from './transport.js'

export const MAX_ATTEMPTS = 6

/** 1, 4, 16, 64, 256 minutes: long enough for a mail server to come back. */
export function retryDelayMs(attempts: number): number {
  return 60_000 * 4 ** (attempts - 1)
}

export interface WorkerOptions {
  transport: MailTransport
  from: string
  workerId?: string
  batchSize?: number
  now?: () => Date
}

export interface BatchResult {
  sent: number
  failed: number
  retrying: number
}

export async function sendDueMessages(db: Kysely<Database>, options: WorkerOptions): Promise<BatchResult> {
  const now = options.now ?? (() => new Date())
  const workerId = options.workerId ?? randomUUID()
  const due = await db
    .selectFrom('outbox')
    .selectAll()
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', nowIso(now()))
    .orderBy('created_at')
    .limit(options.batchSize ?? 20)
    .execute()
  const result: BatchResult = { sent: 0, failed: 0, retrying: 0 }
  for (const message of due) {
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
      await options.transport.send({
        from: fromName ? `${fromName}<${address}>` : options.from,
        to: message.to_address,
        replyTo: message.reply_to ?? undefined,
        subject: message.subject,
        text: message.text_body,
        html: message.html_body,
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
