// Sends what the outbox holds. A message is claimed with a compare-and-set before sending, so of
// several workers (several app processes on one PostgreSQL database) only one sends it; a failure
// is retried with growing pauses and, after the last try, marked failed for the team to see;
// every failed attempt is logged as a warning at once.
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { DEFAULT_MAIL_CLAIM_LEASE_MS } from '../config.js'
import { nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { describeDeliveryError } from './delivery-error.js'
import { hasLinkToken, withLinkToken, withPublicUrl } from './outbox.js'
import type { MailTransport } from './transport.js'

export const MAX_ATTEMPTS = 6

/** Why a message with a personal link was not sent: its link was withdrawn (erased) after it was queued. */
const LINK_WITHDRAWN = 'not sent: the organisation no longer has a link in this wave'

/** 1, 4, 16, 64, 256 minutes: long enough for a mail server to come back. */
export function retryDelayMs(attempts: number): number {
  return 60_000 * 4 ** (attempts - 1)
}

export interface WorkerOptions {
  transport: MailTransport
  from: string
  /** This sender's PUBLIC_URL: links in the messages point there, whoever queued them. */
  publicUrl: string
  /**
   * Makes a new personal link to the organisation's response in the wave and returns its token, for
   * a message with the link mark; undefined when the organisation no longer has a link there.
   */
  linkTokenFor: (message: { waveId: string; organisationId: string }) => Promise<string | undefined>
  workerId?: string
  batchSize?: number
  /** At most this many messages leave in any minute, counted across every worker in the database. */
  ratePerMinute?: number
  /** Checked before each message: a stopping process finishes the message in hand and no more. */
  shouldStop?: () => boolean
  claimLeaseMs?: number
  now?: () => Date
  /** Every failed attempt is reported here as a warning. */
  log?: DeliveryLog
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

/** Where a failed delivery is reported: the app's logger (pino), or any object with warn(). */
export interface DeliveryLog {
  warn(details: Record<string, unknown>, message: string): void
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
  const result: BatchResult = { sent: 0, failed: 0, retrying: 0 }
  // One message at a time, the most urgent first: a confirmation queued while a batch of
  // invitations is going out is the very next message, not the one after the batch.
  let lostClaims = 0
  for (let handled = 0; handled < limit && lostClaims < limit; ) {
    if (options.shouldStop?.()) break
    const message = await db
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', nowIso(now()))
      .orderBy('priority')
      .orderBy('next_attempt_at')
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst()
    if (!message) break
    const claim = await db
      .updateTable('outbox')
      .set({ status: 'sending', claimed_by: workerId, claimed_at: nowIso(now()), attempts: message.attempts + 1 })
      .where('id', '=', message.id)
      .where('status', '=', 'queued')
      .where('attempts', '=', message.attempts)
      .executeTakeFirst()
    // Another worker took it: look again for the next one.
    if (Number(claim.numUpdatedRows) !== 1) {
      lostClaims++
      continue
    }
    handled++
    const messageId = `<${message.id}@survey-waves>`
    try {
      const fromName = message.from_name ? `"${message.from_name.replace(/["\\]/g, '')}" ` : ''
      const address = /<([^>]+)>/.exec(options.from)?.[1] ?? options.from
      let content = { subject: message.subject, text: message.text_body, html: message.html_body }
      if (hasLinkToken(content)) {
        // Made (and its hash committed) before sending: a link that arrives always works.
        const token = message.wave_id && message.organisation_id ? await options.linkTokenFor({ waveId: message.wave_id, organisationId: message.organisation_id }) : undefined
        if (!token) {
          await db.updateTable('outbox').set({ status: 'failed', last_error: LINK_WITHDRAWN, claimed_by: null }).where('id', '=', message.id).execute()
          result.failed++
          continue
        }
        content = withLinkToken(content, token)
      }
      content = withPublicUrl(content, options.publicUrl)
      await options.transport.send({
        from: fromName ? `${fromName}<${address}>` : options.from,
        to: message.to_address,
        replyTo: message.reply_to ?? undefined,
        ...content,
        messageId,
      })
      await db.updateTable('outbox').set({ status: 'sent', sent_at: nowIso(now()), message_id: messageId, last_error: null, sent_via: options.transport.kind }).where('id', '=', message.id).execute()
      result.sent++
    } catch (err) {
      const attempts = message.attempts + 1
      const finalFailure = attempts >= MAX_ATTEMPTS
      const error = describeDeliveryError(err, options.transport.kind)
      const nextAttemptAt = nowIso(new Date(now().getTime() + retryDelayMs(attempts)))
      await db
        .updateTable('outbox')
        .set({ status: finalFailure ? 'failed' : 'queued', last_error: error.text, next_attempt_at: nextAttemptAt, claimed_by: null })
        .where('id', '=', message.id)
        .execute()
      // Who it was for, the link and the body stay out of the log: the outbox id leads to them.
      options.log?.warn(
        {
          outboxId: message.id,
          kind: message.kind,
          waveId: message.wave_id,
          attempt: attempts,
          maxAttempts: MAX_ATTEMPTS,
          willRetry: !finalFailure,
          nextAttemptAt: finalFailure ? null : nextAttemptAt,
          smtpCode: error.smtpCode,
          code: error.code,
          error: error.text,
        },
        finalFailure ? `E-mail delivery failed for good after ${attempts} attempts` : `E-mail delivery failed (attempt ${attempts} of ${MAX_ATTEMPTS}), will retry`,
      )
      if (finalFailure) result.failed++
      else result.retrying++
    }
  }
  return result
}
