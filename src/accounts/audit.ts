// Who did what, when: every admin action and every export is recorded. The wave or organisation
// an entry is about (details.waveId, details.organisationId) is also kept in columns of its own,
// so the log can be filtered by them with an index (see audit-log.ts for the readable page).
import type { Kysely, Transaction } from 'kysely'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'

export interface Actor {
  id: string
  email: string
}

const idOrNull = (value: unknown) => (typeof value === 'string' && value.length <= 36 ? value : null)

export async function audit(db: Kysely<Database> | Transaction<Database>, actor: Actor | null, action: string, details: Record<string, unknown> = {}): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: nowIso(),
      user_id: actor?.id ?? null,
      user_email: actor?.email ?? null,
      action,
      details_json: JSON.stringify(details),
      wave_id: idOrNull(details.waveId),
      organisation_id: idOrNull(details.organisationId),
    })
    .execute()
}
