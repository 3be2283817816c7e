// Every e-mail goes through the outbox table: queued in the same transaction as the action that
// causes it (so it is never lost, and never queued for an action that did not happen), then sent
// by a worker. The dedupe key makes queuing the same message twice a no-op.
import type { Kysely, Transaction } from 'kysely'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'

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
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute()
}
