// The audit log as a person reads it: newest first, a page at a time, filtered by person, kind of
// action, wave, organisation and dates, each entry a sentence ("Ana Lewis launched the wave
// Prisons 2024 (3 invitations)") from the catalogue's audit.action.<action>, its placeholders
// filled from the entry's details and the names of the people, waves and organisations looked up.
//
// The log grows to tens of thousands of rows: every query reads one index in order (see migration
// 0011) and stops after a page; pages are found by the last entry seen (a keyset), not an offset.
import type { Kysely } from 'kysely'
import type { AuditLogTable, Database } from '../db/schema.js'
import { messages, type Translate } from '../i18n/catalogue.js'
import { formatUkDate, ukParts } from '../i18n/uk-dates.js'

export interface AuditFilter {
  userId?: string
  action?: string
  waveId?: string
  organisationId?: string
  /** ISO instants: from inclusive, to exclusive. */
  from?: string
  to?: string
}

/** An entry's place in the order (newest first), for the links to the next and previous pages. */
export interface Cursor {
  at: string
  id: string
}

export const encodeCursor = (c: Cursor) => `${c.at}_${c.id}`
export function decodeCursor(raw: string | undefined): Cursor | undefined {
  const match = raw ? /^(\d{4}-\d\d-\d\dT[\d:.]+Z)_([0-9a-f-]{36})$/.exec(raw) : null
  return match ? { at: match[1], id: match[2] } : undefined
}

export interface AuditPage {
  entries: AuditLogTable[]
  /** The cursor for older entries, when there are any. */
  older?: string
  /** The cursor for newer entries, when this is not the newest page. */
  newer?: string
}

export async function auditPage(db: Kysely<Database>, filter: AuditFilter, position: { before?: Cursor; after?: Cursor }, size: number): Promise<AuditPage> {
  let query = db.selectFrom('audit_log').selectAll()
  if (filter.userId) query = query.where('user_id', '=', filter.userId)
  if (filter.action) query = query.where('action', '=', filter.action)
  if (filter.waveId) query = query.where('wave_id', '=', filter.waveId)
  if (filter.organisationId) query = query.where('organisation_id', '=', filter.organisationId)
  if (filter.from) query = query.where('at', '>=', filter.from)
  if (filter.to) query = query.where('at', '<', filter.to)
  const { before, after } = position
  // "at <= x" first, so the database walks the index from x rather than testing every row.
  if (after) {
    const rows = await query.where('at', '>=', after.at).where((eb) => eb.or([eb('at', '>', after.at), eb('id', '>', after.id)])).orderBy('at', 'asc').orderBy('id', 'asc').limit(size + 1).execute()
    const entries = rows.slice(0, size).reverse()
    return { entries, older: entries.length ? encodeCursor(entries[entries.length - 1]) : undefined, newer: rows.length > size ? encodeCursor(entries[0]) : undefined }
  }
  if (before) query = query.where('at', '<=', before.at).where((eb) => eb.or([eb('at', '<', before.at), eb('id', '<', before.id)]))
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(size + 1).execute()
  const entries = rows.slice(0, size)
  return { entries, older: rows.length > size ? encodeCursor(entries[entries.length - 1]) : undefined, newer: before && entries.length ? encodeCursor(entries[0]) : undefined }
}

/** The names an entry's sentence needs, looked up for one page of entries at a time. */
export interface Names {
  people: Map<string, string>
  waves: Map<string, string>
  organisations: Map<string, string>
}

export async function namesFor(db: Kysely<Database>, entries: AuditLogTable[]): Promise<Names> {
  const details = entries.map(parseDetails)
  const userIds = [...new Set([...entries.map((e) => e.user_id), ...details.map((d) => d.userId)].filter((id): id is string => typeof id === 'string' && id.length === 36))]
  const waveIds = [...new Set([...entries.map((e) => e.wave_id), ...details.flatMap((d) => (Array.isArray(d.waves) ? d.waves : []))].filter((id): id is string => typeof id === 'string'))]
  const organisationIds = [...new Set(entries.map((e) => e.organisation_id).filter((id): id is string => id !== null))]
  const [people, waves, organisations] = await Promise.all([
    userIds.length ? db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute() : [],
    waveIds.length ? db.selectFrom('waves').select(['id', 'label as name']).where('id', 'in', waveIds).execute() : [],
    organisationIds.length ? db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', organisationIds).execute() : [],
  ])
  const toMap = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]))
  return { people: toMap(people), waves: toMap(waves), organisations: toMap(organisations) }
}

function parseDetails(entry: AuditLogTable): Record<string, unknown> {
  try {
    const details = JSON.parse(entry.details_json) as unknown
    return details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d/

export interface DescribedEntry {
  id: string
  when: string
  sentence: string
  /** For an action without a sentence: its details as "what: value" lines, never raw JSON. */
  details: { name: string; value: string }[]
  waveId: string | null
  organisationId: string | null
  userId: string | null
}

/** One entry in words. Every value is plain text: the page escapes it. */
export function describeEntry(entry: AuditLogTable, names: Names, t: Translate): DescribedEntry {
  const details = parseDetails(entry)
  const has = (key: string) => messages.en[key] !== undefined
  const value = (key: string, v: unknown): string => {
    if (typeof v === 'number') {
      const n = v.toLocaleString('en-GB')
      return has(`audit.count.${key}`) ? t(`audit.count.${key}`, { count: v, n }) : n
    }
    if (typeof v === 'string') {
      if (ISO_INSTANT.test(v)) return formatUkDate(v, t)
      return has(`audit.value.${key}.${v}`) ? t(`audit.value.${key}.${v}`) : v
    }
    if (typeof v === 'boolean') return t(v ? 'audit.yes' : 'audit.no')
    if (Array.isArray(v)) return v.map((item) => value(key, item)).join(', ')
    if (v && typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, inner]) => `${humanise(k)}: ${value(k, inner)}`).join('; ')
    return ''
  }
  const params: Record<string, string | number> = {}
  for (const [key, v] of Object.entries(details)) params[key] = value(key, v)
  params.who = entry.user_id === 'cli' ? t('audit.who.cli') : (entry.user_id && names.people.get(entry.user_id)) || entry.user_email || t('audit.who.service')
  const waveIds = Array.isArray(details.waves) ? (details.waves as unknown[]).filter((w): w is string => typeof w === 'string') : []
  if (entry.wave_id) params.wave = names.waves.get(entry.wave_id) ?? (typeof details.label === 'string' ? details.label : t('audit.unknown_wave'))
  else if (waveIds.length) params.wave = waveIds.map((id) => names.waves.get(id) ?? t('audit.unknown_wave')).join(', ')
  if (entry.organisation_id) params.organisation = names.organisations.get(entry.organisation_id) ?? t('audit.unknown_organisation')
  if (typeof details.userId === 'string') params.person = names.people.get(details.userId) ?? (typeof details.email === 'string' ? details.email : t('audit.unknown_person'))
  if (typeof details.count === 'number') params.count = details.count

  const key = `audit.action.${entry.action}`
  const message = messages.en[key]
  let sentence: string | undefined
  if (message !== undefined && (typeof message === 'string' || typeof params.count === 'number')) {
    const filled = t(key, params)
    // A sentence whose details are missing (an entry written before a detail was recorded) is not shown half-filled.
    if (!/\{\w+\}/.test(filled)) sentence = filled
  }
  return {
    id: entry.id,
    when: when(entry.at, t),
    sentence: sentence ?? t('audit.fallback', { who: String(params.who), action: humanise(entry.action) }),
    details: sentence ? [] : Object.entries(details).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([name, v]) => ({ name: humanise(name), value: value(name, v) })),
    waveId: entry.wave_id,
    organisationId: entry.organisation_id,
    userId: entry.user_id,
  }
}

/** "14:05 on 31 March 2027", on UK clocks. */
function when(iso: string, t: Translate): string {
  const { hour, minute } = ukParts(new Date(iso))
  return t('audit.when', { time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`, date: formatUkDate(iso, t) })
}

/** "wave_organisations_added" → "Wave organisations added"; "organisationId" → "Organisation id". */
export function humanise(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}
