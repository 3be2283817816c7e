// How a wave is going: each organisation's state (invited, opened, started, submitted, e-mail
// failed), the response rate overall and by organisation type and attribute, and who to chase.
// A partial response (kept when the wave closed) counts as started, never as submitted.
import type { Kysely } from 'kysely'
import type { Database, ResponseStatus } from '../db/schema.js'

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
  token: string | null
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

function rates(rows: OrganisationProgress[], groupOf: (o: OrganisationProgress) => string | undefined): RateRow[] {
  const groups = new Map<string, { invited: number; submitted: number }>()
  for (const o of rows) {
    const group = groupOf(o)
    if (group === undefined) continue
    const g = groups.get(group) ?? { invited: 0, submitted: 0 }
    g.invited++
    if (o.status === 'submitted') g.submitted++
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
      'invitations.token',
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
    const mine = mailBy.get(r.organisation_id) ?? []
    const sent = mine.filter((m) => m.status === 'sent' && m.kind !== 'confirmation')
    const last = sent[sent.length - 1]
    const problem = [...mine].reverse().find((m) => m.status === 'failed' || (m.status === 'queued' && m.last_error))
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
      lastContact: last ? { kind: last.kind, at: last.sent_at! } : null,
      deliveryProblem: problem ? `${problem.status === 'failed' ? 'failed' : 'retrying'}: ${problem.last_error ?? ''}` : null,
      token: r.token ?? null,
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
