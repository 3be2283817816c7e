import type { FastifyInstance } from 'fastify'
import { localize } from '../questionnaire/model.js'
import { renderPage } from './render.js'

export async function homeRoutes(app: FastifyInstance) {
  app.get('/', async (request, reply) => {
    const surveys = app.catalogue.surveys.map((s) => ({ id: s.id, title: localize(s.versions[s.versions.length - 1].definition.title, 'en') }))
    return renderPage(request, reply, 'home', { surveys }, { language: 'en' })
  })
  app.get('/healthz', async () => ({ status: 'ok', database: app.databaseKind }))
}
