// Who is signed in, and the role checks every research-team route uses: `requireUser` for pages
// analysts may see, `requireAdmin` for anything that changes data.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { renderPage } from '../web/render.js'
import { SESSION_COOKIE, sessionUser, type SessionUser } from './sessions.js'

declare module 'fastify' {
  interface FastifyRequest {
    user?: SessionUser
  }
  interface FastifyInstance {
    requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
}

export const accounts = fp(async (app: FastifyInstance) => {
  app.decorateRequest('user', undefined)
  app.addHook('onRequest', async (request) => {
    const secret = request.cookies[SESSION_COOKIE]
    if (secret) request.user = await sessionUser(app.db, secret)
  })

  app.decorate('requireUser', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.user) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : ''
      return reply.redirect(`/login${next}`, 303)
    }
  })

  app.decorate('requireAdmin', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.user) return app.requireUser(request, reply)
    if (request.user.role !== 'admin') {
      request.log.info({ user: request.user.email, url: request.url }, 'admin action refused')
      return renderPage(request, reply, 'errors/error', { titleKey: 'error_page.forbidden.title', bodyKey: 'error_page.forbidden.body' }, { language: 'en', status: 403 })
    }
  })
})
