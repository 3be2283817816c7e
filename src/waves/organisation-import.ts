// Imports organisations and their contacts from CSV. Every row is checked first and every
// problem reported with its line number; only a file without problems is imported, in one
// transaction, so nothing is ever half-imported.
import { parse } from 'csv-parse/sync'
import type { Kysely } from 'kysely'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { isEmailAddress } from '../mail/address.js'

export const REQUIRED_COLUMNS = ['code', 'name', 'type', 'contact_name', 'contact_email'] as const
const KNOWN_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, 'language', 'contact_role'])
// The team's page is in English; counts come from the catalogue for their plural forms.
const t = translator('en')

export interface ImportProblem {
  line: number
  message: string
}

export interface ParsedOrganisation {
  line: number
  code: string
  name: string
  type: string
  language: 'en' | 'cy' | 'both'
  attributes: Record<string, string>
  contacts: { name: string; email: string; role?: string; line: number }[]
}

export function parseOrganisationsCsv(text: string): { organisations: ParsedOrganisation[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = []
  let records: string[][]
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][]
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1
    return { organisations: [], problems: [{ line, message: `the file is not valid CSV: ${(err as Error).message.replace(/^Invalid Record Length: |^CSV_[A-Z_]+: /, '')}` }] }
  }
  if (records.length === 0) return { organisations: [], problems: [{ line: 1, message: 'the file is empty' }] }
  const header = records[0].map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'))
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c))
  if (missing.length) return { organisations: [], problems: [{ line: 1, message: `the header row lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (needed: ${REQUIRED_COLUMNS.join(', ')})` }] }
  const duplicates = header.filter((h, i) => header.indexOf(h) !== i)
  if (duplicates.length) problems.push({ line: 1, message: `the column ${duplicates[0]} appears twice` })
  const attributeColumns = header.filter((h) => h && !KNOWN_COLUMNS.has(h))

  const byCode = new Map<string, ParsedOrganisation>()
  records.slice(1).forEach((record, index) => {
    const line = index + 2
    if (record.length !== header.length) {
      problems.push({ line, message: `has ${t('admin.count.values', { count: record.length })} but the header has ${t('admin.count.columns', { count: header.length })}` })
      return
    }
    const value = (column: string) => (record[header.indexOf(column)] ?? '').trim()
    const code = value('code')
    const name = value('name')
    const type = value('type')
    const email = value('contact_email')
    const contactName = value('contact_name')
    const language = (value('language') || 'en').toLowerCase()
    const rowProblems: string[] = []
    if (!code) rowProblems.push('the code is missing')
    else if (code.length > 50) rowProblems.push('the code is longer than 50 characters')
    if (!name) rowProblems.push('the name is missing')
    if (!type) rowProblems.push('the type is missing')
    if (!contactName) rowProblems.push('the contact name is missing')
    if (!isEmailAddress(email)) rowProblems.push(email ? `"${email}" is not a valid e-mail address` : 'the contact e-mail is missing')
    if (!['en', 'cy', 'both'].includes(language)) rowProblems.push(`the language "${language}" must be en, cy or both`)
    for (const message of rowProblems) problems.push({ line, message })
    if (rowProblems.length) return
    const attributes = Object.fromEntries(attributeColumns.map((c) => [c, value(c)]).filter(([, v]) => v !== ''))
    const contact = { name: contactName, email: email.toLowerCase(), role: value('contact_role') || undefined, line }
    const existing = byCode.get(code)
    if (!existing) {
      byCode.set(code, { line, code, name, type, language: language as ParsedOrganisation['language'], attributes, contacts: [contact] })
      return
    }
    // A second row for the same code adds a contact; it must describe the same organisation.
    if (existing.name !== name || existing.type !== type || JSON.stringify(existing.attributes) !== JSON.stringify(attributes)) {
      problems.push({ line, message: `the code ${code} is already used on line ${existing.line} for a different organisation (rows with the same code add contacts and must repeat the same name, type and attributes)` })
      return
    }
    if (existing.contacts.some((c) => c.email === contact.email)) {
      problems.push({ line, message: `the contact ${contact.email} is listed twice for ${code} (also line ${existing.contacts.find((c) => c.email === contact.email)!.line})` })
      return
    }
    existing.contacts.push(contact)
  })
  return { organisations: [...byCode.values()], problems }
}

export async function importOrganisations(db: Kysely<Database>, text: string): Promise<{ imported: number; contacts: number; problems: ImportProblem[] }> {
  const { organisations, problems } = parseOrganisationsCsv(text)
  if (organisations.length) {
    const codes = organisations.map((o) => o.code)
    const taken = await db.selectFrom('organisations').select('code').where('code', 'in', codes).execute()
    for (const { code } of taken) {
      const organisation = organisations.find((o) => o.code === code)!
      problems.push({ line: organisation.line, message: `an organisation with the code ${code} already exists` })
    }
  }
  if (organisations.length === 0 && problems.length === 0) problems.push({ line: 2, message: 'the file has no organisations' })
  if (problems.length) return { imported: 0, contacts: 0, problems: problems.sort((a, b) => a.line - b.line) }
  const created = nowIso()
  await db.transaction().execute(async (trx) => {
    for (const o of organisations) {
      const id = newId()
      await trx.insertInto('organisations').values({ id, code: o.code, name: o.name, type: o.type, attributes_json: JSON.stringify(o.attributes), language: o.language, created_at: created }).execute()
      for (const c of o.contacts) await trx.insertInto('contacts').values({ id: newId(), organisation_id: id, name: c.name, email: c.email, role: c.role ?? null, created_at: created }).execute()
    }
  })
  return { imported: organisations.length, contacts: organisations.reduce((n, o) => n + o.contacts.length, 0), problems: [] }
}
