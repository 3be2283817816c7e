// Organisations: the list (a page at a time, searchable, however many there are) and the import
// of a file, which refuses a file with any bad row (listing every one) rather than importing part
// of it, and shows what a re-import would change before applying it.
import { readFileSync } from 'node:fs'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../accounts/audit.js'
import { ID_PATTERN, newId, nowIso } from '../db/ids.js'
import { translator } from '../i18n/catalogue.js'
import { projectPath } from '../project-root.js'
import { attributeLabel } from '../web/attribute-label.js'
import { redirectDone } from '../web/done-notice.js'
import { pagination } from '../web/pagination.js'
import { renderTeamPage } from '../web/render.js'
import { applyImport, planImport, readOrganisations, REQUIRED_COLUMNS, type ImportPlan, type ImportProblem, type ParsedOrganisation } from './organisation-import.js'
import { listOrganisations, organisationTypes, type OrganisationStatusFilter } from './organisations.js'

const PAGE_SIZE = 50
/** A CSV of 30,000 organisations is 3 to 5 MB; a workbook is smaller. Other uploads keep the app's limit. */
export const IMPORT_FILE_LIMIT = 20 * 1024 * 1024
/** How long a re-import's file waits for the team to confirm its preview. */
const PREVIEW_LIFETIME_MS = 60 * 60 * 1000
/** The preview lists this many changes and new organisations; the counts cover them all. */
const PREVIEW_ROWS = 200

const t = translator('en')
/** @fastify/multipart's refusals of an upload cut short or malformed: the person chooses the file again. */
const UPLOAD_ERRORS = new Set(['FST_FIELDS_LIMIT', 'FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_MP_PREMATURE_CLOSE', 'FST_NO_FORM_DATA', 'FST_PROTO_VIOLATION', 'FST_INVALID_MULTIPART_CONTENT_TYPE'])

interface ListQuery {
  q?: string
  type?: string
  status?: OrganisationStatusFilter
  page?: string
}

const listQuerySchema = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 100 },
    type: { type: 'string', maxLength: 100 },
    status: { type: 'string', enum: ['', 'active', 'inactive', 'demo'] },
    page: { type: 'string', pattern: '^[0-9]{1,6}$' },
  },
} as const

export async function organisationRoutes(app: FastifyInstance) {
  async function listPage(request: FastifyRequest<{ Querystring: ListQuery }>, reply: FastifyReply, data: { problems?: ImportProblem[] } = {}, status = 200) {
    const query = request.query ?? {}
    const filters = { q: (query.q ?? '').trim(), type: query.type ?? '', status: query.status ?? '' }
    const requested = Math.max(1, Number(query.page ?? 1))
    let list = await listOrganisations(app.db, { search: filters.q, type: filters.type, status: filters.status, page: requested, pageSize: PAGE_SIZE })
    const pageCount = Math.max(1, Math.ceil(list.total / PAGE_SIZE))
    // A page beyond the end (the list got shorter, a hand-typed address) shows the last one.
    const page = Math.min(requested, pageCount)
    if (page !== requested) list = await listOrganisations(app.db, { search: filters.q, type: filters.type, status: filters.status, page, pageSize: PAGE_SIZE })
    const href = (p: number) => {
      const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v))
      if (p > 1) params.set('page', String(p))
      const search = params.toString()
      return `/admin/organisations${search ? `?${search}` : ''}`
    }
    return renderTeamPage(
      request,
      reply,
      'admin/organisations',
      {
        organisations: list.organisations.map((o) => ({ ...o, attributes: Object.entries(o.attributes).map(([name, value]) => ({ label: attributeLabel(name), value })) })),
        total: list.total,
        from: list.total ? (page - 1) * PAGE_SIZE + 1 : 0,
        to: (page - 1) * PAGE_SIZE + list.organisations.length,
        pagination: pagination(page, pageCount, href),
        filters,
        filtered: Boolean(filters.q || filters.type || filters.status),
        types: await organisationTypes(app.db),
        columns: REQUIRED_COLUMNS.join(', '),
        problems: data.problems ?? [],
      },
      status,
    )
  }

  app.get<{ Querystring: ListQuery }>('/admin/organisations', { schema: { querystring: listQuerySchema }, onRequest: app.requireUser }, async (request, reply) => listPage(request, reply))

  const refuse = (request: FastifyRequest, reply: FastifyReply, problems: ImportProblem[]) => listPage(request as FastifyRequest<{ Querystring: ListQuery }>, reply, { problems }, 400)

  app.post<{ Body: { _csrf?: string; csv?: Buffer | string } }>(
    '/admin/organisations/import',
    {
      onRequest: app.requireAdmin,
      preHandler: app.csrfProtection,
      config: { fileFields: ['csv'], multipartOptions: { limits: { fileSize: IMPORT_FILE_LIMIT } } },
      // A file over the limit is refused while it arrives, before the handler: say so in words.
      errorHandler: (error: FastifyError, request, reply) => {
        if (error.code === 'FST_REQ_FILE_TOO_LARGE') return refuse(request, reply, [{ line: 0, message: t('admin.import.file.too_large', { mb: IMPORT_FILE_LIMIT / 1024 / 1024 }) }])
        if (UPLOAD_ERRORS.has(error.code)) return refuse(request, reply, [{ line: 0, message: t('admin.import.file.upload_failed') }])
        throw error
      },
    },
    async (request, reply) => {
      const upload = request.body?.csv
      const bytes = Buffer.isBuffer(upload) ? upload : Buffer.from(typeof upload === 'string' ? upload : '', 'utf8')
      if (bytes.length === 0) return refuse(request, reply, [{ line: 0, message: t('admin.import.file.choose') }])
      const { organisations, problems } = await readOrganisations(bytes)
      if (problems.length) {
        await audit(app.db, request.user!, 'organisations_import_refused', { problems: problems.length })
        return refuse(request, reply, problems)
      }
      const plan = await planImport(app.db, organisations)
      if (plan.changed.length === 0 && plan.unchanged === 0) {
        const result = await applyImport(app.db, organisations, plan.fingerprint)
        if (result.applied) {
          await audit(app.db, request.user!, 'organisations_imported', { organisations: result.added, contacts: result.contacts })
          return redirectDone(reply, '/admin/organisations', 'organisations_added', result.added)
        }
      }
      // Codes that exist already: a re-import. The file waits, parsed, for the team to confirm.
      await app.db.deleteFrom('organisation_imports').where('expires_at', '<', nowIso()).execute()
      const id = newId()
      await app.db
        .insertInto('organisation_imports')
        .values({ id, organisations_json: JSON.stringify(organisations), created_by: request.user!.id, created_at: nowIso(), expires_at: new Date(Date.now() + PREVIEW_LIFETIME_MS).toISOString() })
        .execute()
      return reply.redirect(`/admin/organisations/imports/${id}`, 303)
    },
  )

  const importParams = { type: 'object', properties: { importId: { type: 'string', pattern: ID_PATTERN } }, required: ['importId'] } as const

  async function storedImport(importId: string): Promise<ParsedOrganisation[] | undefined> {
    const row = await app.db.selectFrom('organisation_imports').select(['organisations_json', 'expires_at']).where('id', '=', importId).executeTakeFirst()
    if (!row || row.expires_at < nowIso()) return undefined
    return JSON.parse(row.organisations_json) as ParsedOrganisation[]
  }

  function previewPage(request: FastifyRequest, reply: FastifyReply, importId: string, plan: ImportPlan, changedMeanwhile = false, status = 200) {
    return renderTeamPage(
      request,
      reply,
      'admin/organisation-import',
      {
        importId,
        plan,
        changes: plan.changed.slice(0, PREVIEW_ROWS).map((c) => ({ ...c, attributes: c.attributes.map((a) => ({ ...a, label: attributeLabel(a.name) })) })),
        added: plan.added.slice(0, PREVIEW_ROWS),
        changedMeanwhile,
        previewRows: PREVIEW_ROWS,
      },
      status,
    )
  }

  const expired = (request: FastifyRequest, reply: FastifyReply) => renderTeamPage(request, reply, 'admin/organisation-import-expired', {}, 410)

  app.get<{ Params: { importId: string } }>('/admin/organisations/imports/:importId', { schema: { params: importParams }, onRequest: app.requireAdmin }, async (request, reply) => {
    const organisations = await storedImport(request.params.importId)
    if (!organisations) return expired(request, reply)
    return previewPage(request, reply, request.params.importId, await planImport(app.db, organisations))
  })

  app.post<{ Params: { importId: string }; Body: { fingerprint?: string } }>(
    '/admin/organisations/imports/:importId',
    { schema: { params: importParams, body: { type: 'object', properties: { _csrf: { type: 'string' }, fingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$' } }, required: ['fingerprint'] } }, onRequest: app.requireAdmin, preHandler: app.csrfProtection },
    async (request, reply) => {
      const organisations = await storedImport(request.params.importId)
      if (!organisations) return expired(request, reply)
      const result = await applyImport(app.db, organisations, request.body.fingerprint!)
      // Someone changed these organisations since the preview was shown: show what the file would do now.
      if (!result.applied) return previewPage(request, reply, request.params.importId, result.plan, true, 409)
      await app.db.deleteFrom('organisation_imports').where('id', '=', request.params.importId).execute()
      await audit(app.db, request.user!, 'organisations_reimported', { added: result.added, changed: result.changed, unchanged: result.unchanged, contacts: result.contacts })
      if (result.added && result.changed) return redirectDone(reply, '/admin/organisations', 'organisations_added_and_changed', result.added, result.changed)
      if (result.changed) return redirectDone(reply, '/admin/organisations', 'organisations_changed', result.changed)
      if (result.added) return redirectDone(reply, '/admin/organisations', 'organisations_added', result.added)
      return redirectDone(reply, '/admin/organisations', 'organisations_unchanged')
    },
  )

  app.get('/admin/organisations/example.csv', { onRequest: app.requireUser }, async (_request, reply) =>
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="organisations-local-authorities.csv"')
      .send(readFileSync(projectPath('examples', 'organisations-local-authorities.csv'))),
  )
}
