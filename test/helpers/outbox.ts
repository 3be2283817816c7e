// Outbox rows written straight into the table, for tests that need thousands of messages in given
// states at given times (a launch half sent, a round of reminders) without sending them.
import type { FastifyInstance } from 'fastify'
import { newId } from '../../src/db/ids.js'
import type { OutboxStatus } from '../../src/db/schema.js'
import { priorityOf } from '../../src/mail/priority.js'

export interface RowSpec {
  kind?: string
  waveId?: string | null
  status?: OutboxStatus
  attempts?: number
  createdAt: string
  sentAt?: string | null
  nextAttemptAt?: string
  claimedAt?: string | null
  lastError?: string | null
  sentVia?: 'smtp' | 'file' | null
  subject?: string
  to?: string
}

/** Inserts the rows in chunks (SQLite allows 32,766 parameters a statement). */
export async function insertOutboxRows(app: FastifyInstance, rows: RowSpec[]): Promise<string[]> {
  const ids: string[] = []
  const values = rows.map((r, i) => {
    const id = newId()
    ids.push(id)
    const kind = r.kind ?? 'invitation'
    return {
      id,
      dedupe_key: `test:${id}`,
      kind,
      wave_id: r.waveId ?? null,
      organisation_id: null,
      to_address: r.to ?? `contact-${i}@example.org`,
      from_name: 'Prison Social Care Study',
      reply_to: 'study@example.org',
      subject: r.subject ?? `Please respond: Social care in prison (${i})`,
      text_body: `Dear contact ${i}, {{public_url}}/r/token${i}`,
      html_body: `<p>Dear contact ${i}</p>`,
      status: r.status ?? 'queued',
      attempts: r.attempts ?? (r.status === 'sent' ? 1 : 0),
      next_attempt_at: r.nextAttemptAt ?? r.createdAt,
      claimed_by: null,
      claimed_at: r.claimedAt ?? null,
      sent_at: r.sentAt ?? null,
      message_id: null,
      last_error: r.lastError ?? null,
      created_at: r.createdAt,
      priority: priorityOf(kind),
      sent_via: r.sentVia ?? (r.status === 'sent' ? 'smtp' : null),
    }
  })
  for (let i = 0; i < values.length; i += 500) await app.db.insertInto('outbox').values(values.slice(i, i + 500)).execute()
  return ids
}

/** An ISO instant `ms` milliseconds after `iso`. */
export function plusMs(iso: string, ms: number): string {
  return new Date(new Date(iso).getTime() + ms).toISOString()
}
