import type { FastifyInstance } from 'fastify'
import { renderPage } from './render.js'

export async function homeRoutes(app: FastifyInstance) {
  app.get('/', async (request, reply) => renderPage(request, reply, 'home', { surveys: app.catalogue.surveys }, { language: 'en' }))
  app.get('/healthz', async () => ({ status: 'ok', database: app.databaseKind }))
}
