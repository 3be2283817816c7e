// How a wave is going: each organisation's state (invited, opened, started, submitted, e-mail
// failed), the response rate overall and by organisation type and attribute, and who to chase.
// A partial response (kept when the wave closed) counts as started, never as submitted.
import type { Kysely } from 'kysely'
import type { Database, ResponseStatus } from '../db/schema.js'
import { nameOrCodeMatches } from './organisations.js'

export interface OrganisationProgress {
  organisationId: string
  code: string
  name: string
  type: string
  attributes: Record<string, string>
  language: string
  contacts: string
  status: ResponseStatus
  reference: string
  openedAt: string | null
  submittedAt: string | null
  lastContact: { kind: string; at: string } | null
  deliveryProblem: string | null
}

export interface RateRow {
  group: string
  invited: number
  submitted: number
  rate: number
}

export interface WaveProgress {
  organisations: OrganisationProgress[]
  counts: { invited: number; opened: number; started: number; submitted: number; failed: number; inProgress: number; partial: number }
  rate: number
  byType: RateRow[]
  byAttribute: Record<string, RateRow[]>
}

/** Rows counted by group: an organisation each, or the grouped rows of a summary with their count. */
function rates<R extends { status: string; n?: number }>(rows: R[], groupOf: (row: R) => string | undefined): RateRow[] {
  const groups = new Map<string, { invited: number; submitted: number }>()
  for (const row of rows) {
    const group = groupOf(row)
    if (group === undefined) continue
    const g = groups.get(group) ?? { invited: 0, submitted: 0 }
    g.invited += row.n ?? 1
    if (row.status === 'submitted') g.submitted += row.n ?? 1
    groups.set(group, g)
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, g]) => ({ group, ...g, rate: g.invited ? g.submitted / g.invited : 0 }))
}

/** Organisations invited and responses submitted, per wave, in one grouped query: for lists of waves. */
export async function waveCounts(db: Kysely<Database>): Promise<Map<string, { invited: number; submitted: number; rate: number }>> {
  const rows = await db.selectFrom('responses').select(['wave_id', 'status', (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy(['wave_id', 'status']).execute()
  const counts = new Map<string, { invited: number; submitted: number; rate: number }>()
  for (const row of rows) {
    const c = counts.get(row.wave_id) ?? { invited: 0, submitted: 0, rate: 0 }
    c.invited += Number(row.n)
    if (row.status === 'submitted') c.submitted += Number(row.n)
    c.rate = c.submitted / c.invited
    counts.set(row.wave_id, c)
  }
  return counts
}

/** Grouped once, so each organisation's share is a look-up rather than a scan of the whole wave. */
function byOrganisation<T extends { organisation_id: string | null }>(rows: T[]): Map<string | null, T[]> {
  const grouped = new Map<string | null, T[]>()
  for (const row of rows) {
    const mine = grouped.get(row.organisation_id)
    if (mine) mine.push(row)
    else grouped.set(row.organisation_id, [row])
  }
  return grouped
}

interface MailRow {
  kind: string
  status: string
  sent_at: string | null
  last_error: string | null
}

/** An organisation's e-mails (oldest first) as the team follows them: the last one sent, and the latest problem. */
function mailSummary(mine: MailRow[]): { lastContact: { kind: string; at: string } | null; deliveryProblem: string | null } {
  const sent = mine.filter((m) => m.status === 'sent' && m.kind !== 'confirmation')
  const last = sent[sent.length - 1]
  const problem = [...mine].reverse().find((m) => m.status === 'failed' || (m.status === 'queued' && m.last_error))
  return {
    lastContact: last ? { kind: last.kind, at: last.sent_at! } : null,
    deliveryProblem: problem ? `${problem.status === 'failed' ? 'failed' : 'retrying'}: ${problem.last_error ?? ''}` : null,
  }
}

/** The wave's progress; with `organisationId`, only that organisation's row (rates then describe it alone). */
export async function waveProgress(db: Kysely<Database>, waveId: string, options: { organisationId?: string } = {}): Promise<WaveProgress> {
  let rowsQuery = db
    .selectFrom('responses')
    .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
    .leftJoin('invitations', (join) => join.onRef('invitations.wave_id', '=', 'responses.wave_id').onRef('invitations.organisation_id', '=', 'responses.organisation_id').on('invitations.status', '=', 'active'))
    .select([
      'organisations.id as organisation_id',
      'organisations.code',
      'organisations.name',
      'organisations.type',
      'organisations.attributes_json',
      'organisations.language',
      'responses.status',
      'responses.reference',
      'responses.submitted_at',
      'invitations.first_opened_at',
    ])
    .where('responses.wave_id', '=', waveId)
    .orderBy('organisations.name')
  let mailQuery = db.selectFrom('outbox').select(['organisation_id', 'kind', 'status', 'sent_at', 'last_error', 'created_at']).where('wave_id', '=', waveId).orderBy('created_at')
  let contactsQuery = db
    .selectFrom('contacts')
    .innerJoin('responses', 'responses.organisation_id', 'contacts.organisation_id')
    .select(['contacts.organisation_id', 'contacts.name', 'contacts.email'])
    .where('responses.wave_id', '=', waveId)
    .orderBy('contacts.created_at')
  if (options.organisationId) {
    rowsQuery = rowsQuery.where('organisations.id', '=', options.organisationId)
    mailQuery = mailQuery.where('organisation_id', '=', options.organisationId)
    contactsQuery = contactsQuery.where('contacts.organisation_id', '=', options.organisationId)
  }
  const rows = await rowsQuery.execute()
  const mailBy = byOrganisation(await mailQuery.execute())
  const contactsBy = byOrganisation(await contactsQuery.execute())

  const organisations = rows.map<OrganisationProgress>((r) => {
    const { lastContact, deliveryProblem } = mailSummary(mailBy.get(r.organisation_id) ?? [])
    return {
      organisationId: r.organisation_id,
      code: r.code,
      name: r.name,
      type: r.type,
      attributes: JSON.parse(r.attributes_json) as Record<string, string>,
      language: r.language,
      contacts: (contactsBy.get(r.organisation_id) ?? []).map((c) => `${c.name} <${c.email}>`).join(', '),
      status: r.status,
      reference: r.reference,
      openedAt: r.first_opened_at ?? null,
      submittedAt: r.submitted_at,
      lastContact,
      deliveryProblem,
    }
  })
  const attributeNames = [...new Set(organisations.flatMap((o) => Object.keys(o.attributes)))].sort()
  const counts = {
    invited: organisations.length,
    opened: organisations.filter((o) => o.openedAt).length,
    started: organisations.filter((o) => o.status !== 'not_started').length,
    submitted: organisations.filter((o) => o.status === 'submitted').length,
    failed: organisations.filter((o) => o.deliveryProblem?.startsWith('failed')).length,
    inProgress: organisations.filter((o) => o.status === 'in_progress').length,
    partial: organisations.filter((o) => o.status === 'partial').length,
  }
  return {
    organisations,
    counts,
    rate: counts.invited ? counts.submitted / counts.invited : 0,
    byType: rates(organisations, (o) => o.type),
    byAttribute: Object.fromEntries(attributeNames.map((name) => [name, rates(organisations, (o) => o.attributes[name])])),
  }
}

export interface WaveSummary {
  counts: WaveProgress['counts']
  rate: number
  byType: RateRow[]
  byAttribute: Record<string, RateRow[]>
  byStatus: Record<ResponseStatus, number>
}

/**
 * The dashboard's figures from grouped queries: organisations with the same type, attributes and
 * status are one row, so a wave of 30,000 organisations is read as a few hundred rows.
 */
export async function waveSummary(db: Kysely<Database>, waveId: string): Promise<WaveSummary> {
  const grouped = (
    await db
      .selectFrom('responses')
      .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
      .select(['organisations.type', 'organisations.attributes_json', 'responses.status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('responses.wave_id', '=', waveId)
      .groupBy(['organisations.type', 'organisations.attributes_json', 'responses.status'])
      .execute()
  ).map((r) => ({ type: r.type, attributes: JSON.parse(r.attributes_json) as Record<string, string>, status: r.status, n: Number(r.n) }))
  const opened = await db
    .selectFrom('invitations')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('wave_id', '=', waveId)
    .where('status', '=', 'active')
    .where('first_opened_at', 'is not', null)
    .executeTakeFirstOrThrow()
  const failed = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.count<string | number>('organisation_id').distinct().as('n'))
    .where('wave_id', '=', waveId)
    .where('status', '=', 'failed')
    .executeTakeFirstOrThrow()
  const byStatus: Record<ResponseStatus, number> = { not_started: 0, in_progress: 0, submitted: 0, partial: 0 }
  for (const row of grouped) byStatus[row.status] += row.n
  const invited = grouped.reduce((sum, row) => sum + row.n, 0)
  const attributeNames = [...new Set(grouped.flatMap((row) => Object.keys(row.attributes)))].sort()
  return {
    counts: {
      invited,
      opened: Number(opened.n),
      started: invited - byStatus.not_started,
      submitted: byStatus.submitted,
      failed: Number(failed.n),
      inProgress: byStatus.in_progress,
      partial: byStatus.partial,
    },
    rate: invited ? byStatus.submitted / invited : 0,
    byType: rates(grouped, (row) => row.type),
    byAttribute: Object.fromEntries(attributeNames.map((name) => [name, rates(grouped, (row) => row.attributes[name])])),
    byStatus,
  }
}

/** The lists of a wave's organisations the team can look at; 'not_submitted' is the one to chase. */
export const STATUS_FILTERS = ['not_submitted', 'not_started', 'in_progress', 'submitted', 'partial', 'all'] as const
export type StatusFilter = (typeof STATUS_FILTERS)[number]

export function countFor(filter: StatusFilter, byStatus: Record<ResponseStatus, number>): number {
  if (filter === 'all') return byStatus.not_started + byStatus.in_progress + byStatus.submitted + byStatus.partial
  if (filter === 'not_submitted') return byStatus.not_started + byStatus.in_progress + byStatus.partial
  return byStatus[filter]
}

export interface ListedOrganisation {
  organisationId: string
  code: string
  name: string
  type: string
  status: ResponseStatus
  reference: string
  submittedAt: string | null
  openedAt: string | null
  contacts: string
  lastContact: { kind: string; at: string } | null
  deliveryProblem: string | null
}

/** A reference as people type it: any case, spaces or no dash ("abcd efgh" is ABCD-EFGH). */
function asReference(text: string): string {
  const compact = text.toUpperCase().replace(/[\s-]+/g, '')
  return compact.length === 8 ? `${compact.slice(0, 4)}-${compact.slice(4)}` : compact
}

/**
 * One page of a wave's organisations, by name, in one status or all, matching a search by name
 * (any part, any case), code (its start) or reference (exactly). Contacts and e-mails are read
 * for that page only, so the page costs the same for 30 organisations or 30,000.
 */
export async function listWaveOrganisations(
  db: Kysely<Database>,
  waveId: string,
  query: { status: StatusFilter; search?: string; page: number; pageSize: number },
): Promise<{ rows: ListedOrganisation[]; total: number }> {
  let base = db
    .selectFrom('responses')
    .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
    .where('responses.wave_id', '=', waveId)
  if (query.status === 'not_submitted') base = base.where('responses.status', '!=', 'submitted')
  else if (query.status !== 'all') base = base.where('responses.status', '=', query.status)
  const search = query.search?.trim().toLowerCase()
  if (search) {
    base = base.where((eb) => eb.or([...nameOrCodeMatches(search, 'organisations.name', 'organisations.code'), eb('responses.reference', '=', asReference(search))]))
  }
  const total = Number((await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n)
  const found = await base
    .leftJoin('invitations', (join) => join.onRef('invitations.wave_id', '=', 'responses.wave_id').onRef('invitations.organisation_id', '=', 'responses.organisation_id').on('invitations.status', '=', 'active'))
    .select(['organisations.id', 'organisations.code', 'organisations.name', 'organisations.type', 'responses.status', 'responses.reference', 'responses.submitted_at', 'invitations.first_opened_at'])
    .orderBy('organisations.name')
    .orderBy('organisations.code')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute()
  const ids = found.map((r) => r.id)
  const mail = ids.length
    ? byOrganisation(await db.selectFrom('outbox').select(['organisation_id', 'kind', 'status', 'sent_at', 'last_error', 'created_at']).where('wave_id', '=', waveId).where('organisation_id', 'in', ids).orderBy('created_at').execute())
    : new Map()
  const contacts = ids.length ? byOrganisation(await db.selectFrom('contacts').select(['organisation_id', 'name', 'email']).where('organisation_id', 'in', ids).orderBy('created_at').execute()) : new Map()
  const rows = found.map<ListedOrganisation>((r) => ({
    organisationId: r.id,
    code: r.code,
    name: r.name,
    type: r.type,
    status: r.status,
    reference: r.reference,
    submittedAt: r.submitted_at,
    openedAt: r.first_opened_at ?? null,
    contacts: ((contacts.get(r.id) ?? []) as { name: string; email: string }[]).map((c) => `${c.name} <${c.email}>`).join(', '),
    ...mailSummary((mail.get(r.id) ?? []) as MailRow[]),
  }))
  return { rows, total }
}
