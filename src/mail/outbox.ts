// Every e-mail goes through the outbox table: queued in the same transaction as the action that
// causes it (so it is never lost, and never queued for an action that did not happen), then sent
// by a worker. The dedupe key makes queuing the same message twice a no-op.
import type { Kysely, Transaction } from 'kysely'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { escapeHtml } from './html.js'
import { priorityOf } from './priority.js'

/**
 * Stands for the server's public address in a queued message. Whoever queues a message may be a
 * command run from another shell, with another PORT and no PUBLIC_URL, so links are stored as
 * `{{public_url}}/r/<token>` and the worker that sends the message puts its own PUBLIC_URL there.
 * It passes through HTML escaping unchanged and cannot be written in a wave's texts (it would be
 * an unknown placeholder there).
 */
export const PUBLIC_URL_MARK = '{{public_url}}'

/**
 * Stands for the token of an organisation's personal link in a queued message: the database keeps
 * only a hash of each token (src/respond/link-tokens.ts), so the worker that sends the message
 * makes a new link to the organisation's response and puts it there. The stored message, sent or
 * not, never holds a working link.
 */
export const LINK_TOKEN_MARK = '{{link_token}}'

/** An organisation's personal link in a queued message: filled in by the worker that sends it. */
export const PERSONAL_LINK = `${PUBLIC_URL_MARK}/r/${LINK_TOKEN_MARK}`

export function hasLinkToken(message: { subject: string; text: string; html: string }): boolean {
  return [message.subject, message.text, message.html].some((part) => part.includes(LINK_TOKEN_MARK))
}

/** A queued message with a link's token in place of its mark (a token is URL-safe: nothing to escape). */
export function withLinkToken<M extends { subject: string; text: string; html: string }>(message: M, token: string): M {
  const fill = (part: string) => part.split(LINK_TOKEN_MARK).join(token)
  return { ...message, subject: fill(message.subject), text: fill(message.text), html: fill(message.html) }
}

/** Plain text (a subject, a text body) with the server's address in place of the mark. */
export function fillPublicUrl(text: string, publicUrl: string): string {
  return text.split(PUBLIC_URL_MARK).join(publicUrl)
}

/** A queued message as it leaves: the sending server's address in place of the mark, escaped in HTML. */
export function withPublicUrl<M extends { subject: string; text: string; html: string }>(message: M, publicUrl: string): M {
  return { ...message, subject: fillPublicUrl(message.subject, publicUrl), text: fillPublicUrl(message.text, publicUrl), html: message.html.split(PUBLIC_URL_MARK).join(escapeHtml(publicUrl)) }
}

export interface OutgoingMessage {
  dedupeKey: string
  kind: string
  waveId?: string
  organisationId?: string
  to: string[]
  fromName?: string
  replyTo?: string
  subject: string
  text: string
  html: string
  /** Lower goes first; by default from the kind (src/mail/priority.ts). */
  priority?: number
}

export async function queueMessage(db: Kysely<Database> | Transaction<Database>, message: OutgoingMessage): Promise<void> {
  const now = nowIso()
  await db
    .insertInto('outbox')
    .values({
      id: newId(),
      dedupe_key: message.dedupeKey,
      kind: message.kind,
      wave_id: message.waveId ?? null,
      organisation_id: message.organisationId ?? null,
      to_address: message.to.join(', '),
      from_name: message.fromName ?? null,
      reply_to: message.replyTo ?? null,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html,
      status: 'queued',
      attempts: 0,
      next_attempt_at: now,
      claimed_by: null,
      claimed_at: null,
      sent_at: null,
      message_id: null,
      last_error: null,
      created_at: now,
      priority: message.priority ?? priorityOf(message.kind),
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute()
}
