// The audit log page for admins: filters in a GET form (so a filtered view can be bookmarked or
// shared), fifty entries a page, newest first (see audit-log.ts).
import type { FastifyInstance } from 'fastify'
import { ID_PATTERN } from '../db/ids.js'
import { translator } from '../i18n/catalogue.js'
import { endOfUkDay } from '../i18n/uk-dates.js'
import { renderTeamPage } from '../web/render.js'
import { auditPage, decodeCursor, describeEntry, humanise, namesFor, type AuditFilter } from './audit-log.js'

const PAGE_SIZE = 50
const t = translator('en')
const datePart = (max: number) => ({ type: 'string', maxLength: max })
const auditQuery = {
  type: 'object',
  properties: {
    person: { type: 'string', anyOf: [{ pattern: ID_PATTERN }, { enum: ['', 'cli'] }] },
    action: { type: 'string', pattern: '^[a-z0-9_]{0,100}$' },
    wave: { type: 'string', anyOf: [{ pattern: ID_PATTERN }, { enum: [''] }] },
    organisation: { type: 'string', maxLength: 100 },
    from__day: datePart(2), from__month: datePart(2), from__year: datePart(4),
    to__day: datePart(2), to__month: datePart(2), to__year: datePart(4),
    before: { type: 'string', maxLength: 80 },
    after: { type: 'string', maxLength: 80 },
  },
} as const
type AuditQuery = Partial<Record<'person' | 'action' | 'wave' | 'organisation' | 'from__day' | 'from__month' | 'from__year' | 'to__day' | 'to__month' | 'to__year' | 'before' | 'after', string>>

/** A UK date typed into three boxes: the start of that day, or of the next (for "to", inclusive), as an instant. */
function ukDayStart(day: string, month: string, year: string, nextDay: boolean): string | undefined | null {
  if (!day && !month && !year) return null
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return undefined
  const end = endOfUkDay(Number(year), Number(month), Number(day))
  if (!end) return undefined
  if (nextDay) return new Date(Date.parse(end) + 1).toISOString()
  const before = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day) - 1))
  return new Date(Date.parse(endOfUkDay(before.getUTCFullYear(), before.getUTCMonth() + 1, before.getUTCDate())!) + 1).toISOString()
}

export async function auditRoutes(app: FastifyInstance) {
  app.get<{ Querystring: AuditQuery }>('/admin/audit', { schema: { querystring: auditQuery }, onRequest: app.requireAdmin }, async (request, reply) => {
    const q = Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, (v ?? '').trim()])) as AuditQuery
    const errors: Record<string, string> = {}
    const filter: AuditFilter = { userId: q.person || undefined, action: q.action || undefined, waveId: q.wave || undefined }
    if (q.organisation) {
      const organisation = await app.db.selectFrom('organisations').select('id').where('code', '=', q.organisation).executeTakeFirst()
      if (organisation) filter.organisationId = organisation.id
      else errors.organisation = t('admin.audit.error.organisation', { code: q.organisation })
    }
    const from = ukDayStart(q.from__day ?? '', q.from__month ?? '', q.from__year ?? '', false)
    const to = ukDayStart(q.to__day ?? '', q.to__month ?? '', q.to__year ?? '', true)
    if (from === undefined) errors.from__day = t('admin.audit.error.from')
    else if (from) filter.from = from
    if (to === undefined) errors.to__day = t('admin.audit.error.to')
    else if (to) filter.to = to
    if (from && to && from >= to) errors.to__day = t('admin.audit.error.to_before_from')

    const [people, waves, actions] = await Promise.all([
      app.db.selectFrom('users').select(['id', 'name']).orderBy('name').execute(),
      app.db.selectFrom('waves').select(['id', 'label']).orderBy('created_at', 'desc').execute(),
      app.db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute(),
    ])
    const page = Object.keys(errors).length ? { entries: [] } : await auditPage(app.db, filter, { before: decodeCursor(q.before), after: decodeCursor(q.after) }, PAGE_SIZE)
    const names = await namesFor(app.db, page.entries)
    const filters = Object.fromEntries(Object.entries(q).filter(([k, v]) => v && k !== 'before' && k !== 'after'))
    const link = (cursor: Record<string, string>) => `/admin/audit?${new URLSearchParams({ ...filters, ...cursor }).toString()}`
    return renderTeamPage(
      request,
      reply,
      'admin/audit',
      {
        entries: page.entries.map((e) => describeEntry(e, names, t)),
        olderHref: 'older' in page && page.older ? link({ before: page.older }) : null,
        newerHref: 'newer' in page && page.newer ? link({ after: page.newer }) : null,
        filtered: Object.keys(filters).length > 0,
        values: q,
        errors,
        people,
        waves,
        actions: actions.map((a) => ({ value: a.action, label: humanise(a.action) })),
      },
      Object.keys(errors).length ? 400 : 200,
    )
  })
}
