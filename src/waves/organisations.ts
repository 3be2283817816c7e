// Organisations (local authorities, prisons) and their contacts.
import type { Kysely } from 'kysely'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'

export interface NewOrganisation {
  code: string
  name: string
  type: string
  attributes?: Record<string, string>
  language?: 'en' | 'cy' | 'both'
  contacts?: { name: string; email: string; role?: string }[]
}

export async function createOrganisation(db: Kysely<Database>, input: NewOrganisation): Promise<string> {
  const id = newId()
  const created = nowIso()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('organisations')
      .values({ id, code: input.code, name: input.name, type: input.type, attributes_json: JSON.stringify(input.attributes ?? {}), language: input.language ?? 'en', created_at: created })
      .execute()
    for (const contact of input.contacts ?? []) {
      await trx.insertInto('contacts').values({ id: newId(), organisation_id: id, name: contact.name, email: contact.email, role: contact.role ?? null, created_at: created }).execute()
    }
  })
  return id
}

export async function contactsOf(db: Kysely<Database>, organisationId: string) {
  return db.selectFrom('contacts').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').orderBy('email').execute()
}
