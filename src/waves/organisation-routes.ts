// Organisations and their contacts: the list, and the CSV import that refuses a file with any
// bad row (listing every one) rather than importing part of it. Also the audit log.
import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../accounts/audit.js'
import { renderTeamPage } from '../web/render.js'
import { importOrganisations, REQUIRED_COLUMNS } from './organisation-import.js'

export async function organisationRoutes(app: FastifyInstance) {

  async function listPage(request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown>, status = 200) {
    const organisations = await app.db.selectFrom('organisations').selectAll().orderBy('type').orderBy('name').execute()
    const contacts = await app.db.selectFrom('contacts').select(['organisation_id', 'name', 'email']).execute()
    return renderTeamPage(
      request,
      reply,
      'admin/organisations',
      {
        organisations: organisations.map((o) => ({
          ...o,
          attributes: Object.entries(JSON.parse(o.attributes_json) as Record<string, string>).map(([k, v]) => `${k}: ${v}`).join('; '),
          contacts: contacts.filter((c) => c.organisation_id === o.id).map((c) => `${c.name} <${c.email}>`).join(', '),
        })),
        columns: REQUIRED_COLUMNS.join(', '),
        problems: [],
        imported: undefined,
        ...data,
      },
      status,
    )
  }

  app.get<{ Querystring: { imported?: string } }>('/admin/organisations', { schema: { querystring: { type: 'object', properties: { imported: { type: 'string', pattern: '^[0-9]{1,6}$' } } } }, onRequest: app.requireUser }, async (request, reply) =>
    listPage(request, reply, { imported: request.query.imported === undefined ? undefined : Number(request.query.imported) }),
  )

  app.post<{ Body: { _csrf?: string; csv?: Buffer | string } }>(
    '/admin/organisations/import',
    { onRequest: app.requireAdmin, preHandler: app.csrfProtection },
    async (request, reply) => {
      const upload = request.body?.csv
      const text = Buffer.isBuffer(upload) ? upload.toString('utf8') : typeof upload === 'string' ? upload : ''
      if (!text.trim()) return listPage(request, reply, { problems: [{ line: 0, message: 'Choose a CSV file to import' }] }, 400)
      const result = await importOrganisations(app.db, text)
      if (result.problems.length) {
        await audit(app.db, request.user!, 'organisations_import_refused', { problems: result.problems.length })
        return listPage(request, reply, { problems: result.problems }, 400)
      }
      await audit(app.db, request.user!, 'organisations_imported', { organisations: result.imported, contacts: result.contacts })
      return reply.redirect(`/admin/organisations?imported=${result.imported}`, 303)
    },
  )

  app.get('/admin/audit', { onRequest: app.requireAdmin }, async (request, reply) => {
    const entries = await app.db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').limit(500).execute()
    return renderTeamPage(request, reply, 'admin/audit', { entries })
  })

  app.get('/admin/organisations/example.csv', { onRequest: app.requireUser }, async (_request, reply) =>
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="organisations-local-authorities.csv"')
      .send(readFileSync(new URL('../../examples/organisations-local-authorities.csv', import.meta.url))),
  )
}
