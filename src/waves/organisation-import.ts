// Imports organisations and their contacts from a file (see organisation-file.ts for the formats).
// Every row is checked first and every problem reported with its line number; only a file
// without problems is imported. A file naming codes that already exist is a re-import: what it
// would change is worked out (the plan) and shown before anything is written, and applied all or
// nothing, and only if those organisations are still as they were when the plan was shown.
import { createHash } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { batches } from '../db/batches.js'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { isEmailAddress } from '../mail/address.js'
import { readOrganisationFile, type FileRecord } from './organisation-file.js'

export const REQUIRED_COLUMNS = ['code', 'name', 'type', 'contact_name', 'contact_email'] as const
const KNOWN_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, 'language', 'contact_role'])
export const LANGUAGES = ['en', 'cy', 'both'] as const
export type OrganisationLanguage = (typeof LANGUAGES)[number]
// The team's page is in English; counts come from the catalogue for their plural forms.
const t = translator('en')

type Db = Kysely<Database> | Transaction<Database>

export interface ImportProblem {
  line: number
  message: string
}

export interface ImportedContact {
  name: string
  email: string
  role?: string
  line: number
}

export interface ParsedOrganisation {
  line: number
  code: string
  name: string
  type: string
  language: OrganisationLanguage
  attributes: Record<string, string>
  contacts: ImportedContact[]
}

/** Limits of the columns (migrations/0002): PostgreSQL refuses longer values, so they are problems of the row. */
const MAX = { code: 50, name: 300, type: 100, contact_name: 300, contact_email: 320, contact_role: 200 }

/** Reads and checks a file: the organisations in it, or every problem with its line. */
export async function readOrganisations(bytes: Buffer): Promise<{ organisations: ParsedOrganisation[]; problems: ImportProblem[] }> {
  const reading = await readOrganisationFile(bytes)
  if ('problem' in reading) return { organisations: [], problems: [{ line: reading.line ?? 0, message: reading.problem }] }
  return parseOrganisationRecords(reading.records, { padShortRows: reading.format === 'xlsx' })
}

/** Checks text as a CSV file (the tests and examples). */
export function parseOrganisationsCsv(text: string) {
  return readOrganisations(Buffer.from(text, 'utf8'))
}

export function parseOrganisationRecords(records: FileRecord[], options: { padShortRows?: boolean } = {}): { organisations: ParsedOrganisation[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = []
  if (records.length === 0) return { organisations: [], problems: [{ line: 1, message: t('admin.import.file.empty') }] }
  const [first, ...rows] = records
  const header = first.cells.map((h) => h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, '_'))
  const headerLine = first.line
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c))
  if (missing.length) return { organisations: [], problems: [{ line: headerLine, message: `the header row lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (needed: ${REQUIRED_COLUMNS.join(', ')})` }] }
  const duplicates = header.filter((h, i) => h && header.indexOf(h) !== i)
  if (duplicates.length) problems.push({ line: headerLine, message: `the column ${duplicates[0]} appears twice` })
  const attributeColumns = header.filter((h) => h && !KNOWN_COLUMNS.has(h))
  const index = new Map(header.map((h, i) => [h, i]))

  const byCode = new Map<string, ParsedOrganisation>()
  for (const { line, cells } of rows) {
    // A worksheet leaves out empty cells at the end of a row; a CSV file writes every separator.
    const record = options.padShortRows && cells.length < header.length ? [...cells, ...Array<string>(header.length - cells.length).fill('')] : cells
    if (record.length !== header.length) {
      problems.push({ line, message: `has ${t('admin.count.values', { count: record.length })} but the header has ${t('admin.count.columns', { count: header.length })}` })
      continue
    }
    const value = (column: string) => (record[index.get(column) ?? -1] ?? '').trim()
    const code = value('code')
    const name = value('name')
    const type = value('type')
    const email = value('contact_email')
    const contactName = value('contact_name')
    const role = value('contact_role')
    const language = (value('language') || 'en').toLowerCase()
    const rowProblems: string[] = []
    if (!code) rowProblems.push('the code is missing')
    else if (code.length > MAX.code) rowProblems.push(`the code is longer than ${MAX.code} characters`)
    if (!name) rowProblems.push('the name is missing')
    else if (name.length > MAX.name) rowProblems.push(`the name is longer than ${MAX.name} characters`)
    if (!type) rowProblems.push('the type is missing')
    else if (type.length > MAX.type) rowProblems.push(`the type is longer than ${MAX.type} characters`)
    if (!contactName) rowProblems.push('the contact name is missing')
    else if (contactName.length > MAX.contact_name) rowProblems.push(`the contact name is longer than ${MAX.contact_name} characters`)
    if (!isEmailAddress(email) || email.length > MAX.contact_email) rowProblems.push(email ? `"${email}" is not a valid e-mail address` : 'the contact e-mail is missing')
    if (role.length > MAX.contact_role) rowProblems.push(`the contact role is longer than ${MAX.contact_role} characters`)
    if (!(LANGUAGES as readonly string[]).includes(language)) rowProblems.push(`the language "${language}" must be en, cy or both`)
    for (const message of rowProblems) problems.push({ line, message })
    if (rowProblems.length) continue
    const attributes = Object.fromEntries(attributeColumns.map((c) => [c, value(c)]).filter(([, v]) => v !== ''))
    const contact: ImportedContact = { name: contactName, email: email.toLowerCase(), ...(role ? { role } : {}), line }
    const existing = byCode.get(code)
    if (!existing) {
      byCode.set(code, { line, code, name, type, language: language as OrganisationLanguage, attributes, contacts: [contact] })
      continue
    }
    // A second row for the same code adds a contact; it must describe the same organisation.
    if (existing.name !== name || existing.type !== type || JSON.stringify(existing.attributes) !== JSON.stringify(attributes)) {
      problems.push({ line, message: `the code ${code} is already used on line ${existing.line} for a different organisation (rows with the same code add contacts and must repeat the same name, type and attributes)` })
      continue
    }
    const twin = existing.contacts.find((c) => c.email === contact.email)
    if (twin) {
      problems.push({ line, message: `the contact ${contact.email} is listed twice for ${code} (also line ${twin.line})` })
      continue
    }
    existing.contacts.push(contact)
  }
  if (byCode.size === 0 && problems.length === 0) problems.push({ line: headerLine + 1, message: 'the file has no organisations' })
  return { organisations: [...byCode.values()], problems: problems.sort((a, b) => a.line - b.line) }
}

export interface StoredContact {
  id: string
  name: string
  email: string
  role: string | null
}

interface StoredOrganisation {
  id: string
  code: string
  name: string
  type: string
  language: string
  attributes_json: string
  deactivated_at: string | null
  contacts: StoredContact[]
}

export interface OrganisationChange {
  id: string
  code: string
  name: string
  inactive: boolean
  fields: { field: 'name' | 'type' | 'language'; before: string; after: string }[]
  attributes: { name: string; before: string | null; after: string | null }[]
  contactsAdded: ImportedContact[]
  contactsRemoved: StoredContact[]
  contactsChanged: { before: StoredContact; after: ImportedContact }[]
}

export interface ImportPlan {
  added: ParsedOrganisation[]
  changed: OrganisationChange[]
  unchanged: number
  /** Of the organisations the file names that exist already, as they are now: the plan holds while this does. */
  fingerprint: string
}

/** The organisations of the database that the file names, with their contacts: looked up in batches, whatever the file's size. */
async function storedOrganisations(db: Db, codes: string[]): Promise<Map<string, StoredOrganisation>> {
  const found = new Map<string, StoredOrganisation>()
  const byId = new Map<string, StoredOrganisation>()
  for (const batch of batches(codes)) {
    const rows = await db.selectFrom('organisations').select(['id', 'code', 'name', 'type', 'language', 'attributes_json', 'deactivated_at']).where('code', 'in', batch).execute()
    for (const row of rows) {
      const organisation = { ...row, contacts: [] }
      found.set(row.code, organisation)
      byId.set(row.id, organisation)
    }
  }
  for (const batch of batches([...byId.keys()])) {
    const contacts = await db.selectFrom('contacts').select(['id', 'organisation_id', 'name', 'email', 'role']).where('organisation_id', 'in', batch).orderBy('created_at').orderBy('email').execute()
    for (const { organisation_id, ...contact } of contacts) byId.get(organisation_id)!.contacts.push(contact)
  }
  return found
}

function fingerprintOf(stored: Map<string, StoredOrganisation>): string {
  const state = [...stored.values()]
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((o) => [o.id, o.code, o.name, o.type, o.language, o.attributes_json, o.deactivated_at, o.contacts.map((c) => [c.email, c.name, c.role]).sort()])
  return createHash('sha256').update(JSON.stringify(state)).digest('hex')
}

function changeOf(before: StoredOrganisation, after: ParsedOrganisation): OrganisationChange | undefined {
  const fields: OrganisationChange['fields'] = []
  for (const field of ['name', 'type', 'language'] as const) if (before[field] !== after[field]) fields.push({ field, before: before[field], after: after[field] })
  const had = JSON.parse(before.attributes_json) as Record<string, string>
  const attributes = [...new Set([...Object.keys(had), ...Object.keys(after.attributes)])]
    .filter((name) => had[name] !== after.attributes[name])
    .sort()
    .map((name) => ({ name, before: had[name] ?? null, after: after.attributes[name] ?? null }))
  const stored = new Map(before.contacts.map((c) => [c.email.toLowerCase(), c]))
  const listed = new Set(after.contacts.map((c) => c.email))
  const contactsAdded = after.contacts.filter((c) => !stored.has(c.email))
  const contactsRemoved = before.contacts.filter((c) => !listed.has(c.email.toLowerCase()))
  const contactsChanged = after.contacts
    .filter((c) => stored.has(c.email))
    .map((c) => ({ before: stored.get(c.email)!, after: c }))
    .filter(({ before, after }) => before.name !== after.name || (before.role ?? '') !== (after.role ?? ''))
  if (!fields.length && !attributes.length && !contactsAdded.length && !contactsRemoved.length && !contactsChanged.length) return undefined
  return { id: before.id, code: before.code, name: after.name, inactive: before.deactivated_at !== null, fields, attributes, contactsAdded, contactsRemoved, contactsChanged }
}

function planFrom(organisations: ParsedOrganisation[], stored: Map<string, StoredOrganisation>): ImportPlan {
  const plan: ImportPlan = { added: [], changed: [], unchanged: 0, fingerprint: fingerprintOf(stored) }
  for (const organisation of organisations) {
    const before = stored.get(organisation.code)
    if (!before) {
      plan.added.push(organisation)
      continue
    }
    const change = changeOf(before, organisation)
    if (change) plan.changed.push(change)
    else plan.unchanged++
  }
  return plan
}

/** What importing these organisations would do: nothing is written. */
export async function planImport(db: Db, organisations: ParsedOrganisation[]): Promise<ImportPlan> {
  return planFrom(organisations, await storedOrganisations(db, organisations.map((o) => o.code)))
}

export type ApplyResult = { applied: true; added: number; changed: number; unchanged: number; contacts: number } | { applied: false; plan: ImportPlan }

/**
 * Applies the file in one transaction, if the organisations it names are as they were when the
 * team saw the plan (its fingerprint); otherwise nothing, and the plan as it now stands.
 */
export async function applyImport(db: Kysely<Database>, organisations: ParsedOrganisation[], fingerprint: string): Promise<ApplyResult> {
  return db.transaction().execute(async (trx) => {
    const plan = await planImport(trx, organisations)
    if (plan.fingerprint !== fingerprint) return { applied: false, plan }
    const now = nowIso()
    const newOrganisations = plan.added.map((o) => ({ id: newId(), code: o.code, name: o.name, type: o.type, attributes_json: JSON.stringify(o.attributes), language: o.language, created_at: now }))
    const contactRow = (organisationId: string, c: ImportedContact) => ({ id: newId(), organisation_id: organisationId, name: c.name, email: c.email, role: c.role ?? null, created_at: now })
    const newContacts = plan.added.flatMap((o, i) => o.contacts.map((c) => contactRow(newOrganisations[i].id, c)))
    const byCode = new Map(organisations.map((o) => [o.code, o]))
    for (const change of plan.changed) {
      const after = byCode.get(change.code)!
      if (change.fields.length || change.attributes.length) {
        await trx.updateTable('organisations').set({ name: after.name, type: after.type, language: after.language, attributes_json: JSON.stringify(after.attributes) }).where('id', '=', change.id).execute()
      }
      newContacts.push(...change.contactsAdded.map((c) => contactRow(change.id, c)))
      for (const { before, after: contact } of change.contactsChanged) await trx.updateTable('contacts').set({ name: contact.name, role: contact.role ?? null }).where('id', '=', before.id).execute()
    }
    for (const batch of batches(newOrganisations, 7)) await trx.insertInto('organisations').values(batch).execute()
    for (const batch of batches(newContacts, 6)) await trx.insertInto('contacts').values(batch).execute()
    for (const batch of batches(plan.changed.flatMap((c) => c.contactsRemoved.map((r) => r.id)))) await trx.deleteFrom('contacts').where('id', 'in', batch).execute()
    return { applied: true, added: plan.added.length, changed: plan.changed.length, unchanged: plan.unchanged, contacts: newContacts.length }
  })
}

/** Reads a file and imports it when it only adds organisations; one that changes existing ones needs `update` (the CLI's --update). */
export async function importOrganisations(
  db: Kysely<Database>,
  file: Buffer | string,
  options: { update?: boolean } = {},
): Promise<{ problems: ImportProblem[]; plan?: ImportPlan; result?: Extract<ApplyResult, { applied: true }> }> {
  const { organisations, problems } = await readOrganisations(typeof file === 'string' ? Buffer.from(file, 'utf8') : file)
  if (problems.length) return { problems }
  const plan = await planImport(db, organisations)
  if (plan.changed.length && !options.update) return { problems: [], plan }
  const result = await applyImport(db, organisations, plan.fingerprint)
  // Someone changed those organisations between the two reads: the caller sees the plan again.
  if (!result.applied) return { problems: [], plan: result.plan }
  return { problems: [], plan, result }
}
