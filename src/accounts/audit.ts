// Who did what, when: every admin action and every export is recorded.
import type { Kysely, Transaction } from 'kysely'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'

export interface Actor {
  id: string
  email: string
}

export async function audit(db: Kysely<Database> | Transaction<Database>, actor: Actor | null, action: string, details: Record<string, unknown> = {}): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ id: newId(), at: nowIso(), user_id: actor?.id ?? null, user_email: actor?.email ?? null, action, details_json: JSON.stringify(details) })
    .execute()
}
