// Organisations (local authorities, prisons) and their contacts: created, listed a page at a
// time, corrected, deactivated. Every query here stays small however many organisations there
// are: the list reads one page, and look-ups by many ids go in batches.
import { sql, type Kysely, type Transaction } from 'kysely'
import { batches } from '../db/batches.js'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'

type Db = Kysely<Database> | Transaction<Database>

export interface NewOrganisation {
  code: string
  name: string
  type: string
  attributes?: Record<string, string>
  language?: 'en' | 'cy' | 'both'
  contacts?: { name: string; email: string; role?: string }[]
  /** Made up for the demo wave: never invited to a real wave. */
  demo?: boolean
}

export async function createOrganisation(db: Kysely<Database>, input: NewOrganisation): Promise<string> {
  const id = newId()
  const created = nowIso()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('organisations')
      .values({ id, code: input.code, name: input.name, type: input.type, attributes_json: JSON.stringify(input.attributes ?? {}), language: input.language ?? 'en', created_at: created, demo: input.demo ? 1 : 0 })
      .execute()
    for (const contact of input.contacts ?? []) {
      await trx.insertInto('contacts').values({ id: newId(), organisation_id: id, name: contact.name, email: contact.email, role: contact.role ?? null, created_at: created }).execute()
    }
  })
  return id
}

export async function contactsOf(db: Db, organisationId: string) {
  return db.selectFrom('contacts').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').orderBy('email').execute()
}

/**
 * Of these organisations, those a wave may invite: active ones, and demo ones only in a demo
 * wave. A deactivated organisation keeps its past invitations and responses but gets no new one.
 */
export async function invitableAmong(db: Db, waveId: string, organisationIds: string[]): Promise<Set<string>> {
  const wave = await db.selectFrom('waves').select('demo').where('id', '=', waveId).executeTakeFirst()
  const demoWave = (wave?.demo ?? 0) === 1
  const invitable = new Set<string>()
  for (const batch of batches(organisationIds)) {
    let query = db.selectFrom('organisations').select('id').where('id', 'in', batch).where('deactivated_at', 'is', null)
    if (!demoWave) query = query.where('demo', '=', 0)
    for (const row of await query.execute()) invitable.add(row.id)
  }
  return invitable
}

export type OrganisationStatusFilter = '' | 'active' | 'inactive' | 'demo'

export interface OrganisationListQuery {
  search?: string
  type?: string
  status?: OrganisationStatusFilter
  page: number
  pageSize: number
}

/** A LIKE pattern matching `text` literally: % and _ typed in a search are letters, not wildcards. */
function likePattern(text: string, where: 'contains' | 'starts'): string {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)
  return where === 'contains' ? `%${escaped}%` : `${escaped}%`
}

/**
 * How a team member searches for an organisation: any part of its name or the start of its code,
 * in any case. The conditions to combine with `or` (the wave's list adds its references).
 */
export function nameOrCodeMatches(search: string, name = 'name', code = 'code') {
  return [
    sql<boolean>`lower(${sql.ref(name)}) like ${likePattern(search, 'contains')} escape '\\'`,
    sql<boolean>`lower(${sql.ref(code)}) like ${likePattern(search, 'starts')} escape '\\'`,
  ]
}

/** One page of organisations, with the number that match: two small queries, whatever the total. */
export async function listOrganisations(db: Db, query: OrganisationListQuery) {
  let filtered = db.selectFrom('organisations')
  const search = query.search?.trim()
  if (search) {
    filtered = filtered.where((eb) => eb.or(nameOrCodeMatches(search)))
  }
  if (query.type) filtered = filtered.where('type', '=', query.type)
  if (query.status === 'active') filtered = filtered.where('deactivated_at', 'is', null)
  if (query.status === 'inactive') filtered = filtered.where('deactivated_at', 'is not', null)
  if (query.status === 'demo') filtered = filtered.where('demo', '=', 1)
  const counted = await filtered.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()
  const total = Number(counted.n)
  const rows = await filtered
    .select(['id', 'code', 'name', 'type', 'language', 'attributes_json', 'deactivated_at', 'demo'])
    .orderBy('name')
    .orderBy('code')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute()
  const contacts = rows.length
    ? await db.selectFrom('contacts').select(['organisation_id', 'name', 'email']).where('organisation_id', 'in', rows.map((r) => r.id)).orderBy('created_at').orderBy('email').execute()
    : []
  return {
    total,
    organisations: rows.map((row) => ({
      ...row,
      attributes: JSON.parse(row.attributes_json) as Record<string, string>,
      contacts: contacts.filter((c) => c.organisation_id === row.id),
    })),
  }
}

/** The kinds of organisation there are, for the filter: read from the (type, name) index. */
export async function organisationTypes(db: Db): Promise<string[]> {
  return (await db.selectFrom('organisations').select('type').distinct().orderBy('type').execute()).map((r) => r.type)
}

export async function getOrganisation(db: Db, id: string) {
  const row = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? { ...row, attributes: JSON.parse(row.attributes_json) as Record<string, string> } : undefined
}

/** The waves an organisation is in, newest first, with where its response stands. */
export async function wavesOf(db: Db, organisationId: string) {
  return db
    .selectFrom('responses')
    .innerJoin('waves', 'waves.id', 'responses.wave_id')
    .select(['waves.id as waveId', 'waves.label', 'waves.survey_id', 'waves.version', 'waves.status as waveStatus', 'waves.demo', 'responses.status as responseStatus', 'responses.reference'])
    .where('responses.organisation_id', '=', organisationId)
    .orderBy('waves.created_at', 'desc')
    .execute()
}

/** Open waves in which the organisation has a link and has not submitted: where a new contact could be sent the invitation. */
export async function openWavesNotSubmitted(db: Db, organisationId: string) {
  return (await wavesOf(db, organisationId)).filter((w) => w.waveStatus === 'open' && w.responseStatus !== 'submitted' && w.responseStatus !== 'partial')
}

export interface OrganisationDetails {
  name: string
  type: string
  language: string
  attributes: Record<string, string>
}

export async function updateOrganisation(db: Db, id: string, details: OrganisationDetails): Promise<void> {
  await db.updateTable('organisations').set({ name: details.name, type: details.type, language: details.language, attributes_json: JSON.stringify(details.attributes) }).where('id', '=', id).execute()
}

export interface ContactDetails {
  name: string
  email: string
  role: string | null
}

export async function addContact(db: Db, organisationId: string, contact: ContactDetails): Promise<string> {
  const id = newId()
  await db.insertInto('contacts').values({ id, organisation_id: organisationId, ...contact, created_at: nowIso() }).execute()
  return id
}

export async function updateContact(db: Db, organisationId: string, contactId: string, contact: ContactDetails): Promise<void> {
  await db.updateTable('contacts').set(contact).where('id', '=', contactId).where('organisation_id', '=', organisationId).execute()
}

/**
 * Removes a contact, unless it is the last one of an organisation that an open wave is still
 * waiting for: its reminders would reach nobody. The team adds the new contact first, or
 * changes this one.
 */
export async function removeContact(db: Kysely<Database>, organisationId: string, contactId: string): Promise<'removed' | 'last_in_open_wave'> {
  return db.transaction().execute(async (trx) => {
    const contacts = await contactsOf(trx, organisationId)
    if (contacts.length === 1 && contacts[0].id === contactId && (await openWavesNotSubmitted(trx, organisationId)).length > 0) return 'last_in_open_wave'
    await trx.deleteFrom('contacts').where('id', '=', contactId).where('organisation_id', '=', organisationId).execute()
    return 'removed'
  })
}

/**
 * Deactivates an organisation (closed, merged): it is never invited again, and it leaves the
 * waves not yet launched, which have sent it nothing. Waves it was invited to keep it, with its
 * link and answers.
 */
export async function deactivateOrganisation(db: Kysely<Database>, id: string): Promise<{ leftDrafts: number }> {
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('organisations').set({ deactivated_at: nowIso() }).where('id', '=', id).where('deactivated_at', 'is', null).execute()
    const drafts = (await trx.selectFrom('waves').select('id').where('status', '=', 'draft').execute()).map((w) => w.id)
    let leftDrafts = 0
    for (const batch of batches(drafts)) {
      const removed = await trx.deleteFrom('responses').where('organisation_id', '=', id).where('wave_id', 'in', batch).where('status', '=', 'not_started').executeTakeFirst()
      await trx.deleteFrom('invitations').where('organisation_id', '=', id).where('wave_id', 'in', batch).execute()
      leftDrafts += Number(removed.numDeletedRows)
    }
    return { leftDrafts }
  })
}

export async function reactivateOrganisation(db: Db, id: string): Promise<void> {
  await db.updateTable('organisations').set({ deactivated_at: null }).where('id', '=', id).execute()
}
