// Who is signed in, and the role checks every research-team route uses: `requireUser` for pages
// analysts may see, `requireAdmin` for anything that changes data.
//
// A page asked for without a session goes to sign-in and comes back (?next=). A form posted after
// the session ended is answered with the sign-in page instead, carrying what was typed when the
// post came from this service's own form (its CSRF token is good) and the form says where it lives
// (_return): after signing in, the person sees the form filled and submits it themselves.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { renderPage } from '../web/render.js'
import { carriedFields } from './form-drafts.js'
import { SESSION_COOKIE, sessionUser, type SessionUser } from './sessions.js'
import { renderSignIn, safeNext } from './sign-in-page.js'

declare module 'fastify' {
  interface FastifyRequest {
    user?: SessionUser
    /** A form post whose session had ended: answered with the sign-in page once the body is read. */
    signInAgain?: boolean
  }
  interface FastifyInstance {
    requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
}

export const accounts = fp(async (app: FastifyInstance) => {
  app.decorateRequest('user', undefined)
  app.decorateRequest('signInAgain', false)
  app.addHook('onRequest', async (request) => {
    const secret = request.cookies[SESSION_COOKIE]
    if (secret) request.user = await sessionUser(app.db, secret)
  })

  /** The CSRF check of @fastify/csrf-protection, asked as a question rather than run as a guard. */
  function csrfTokenGood(request: FastifyRequest): boolean {
    let good = false
    const asker = { send: () => undefined } as unknown as FastifyReply
    app.csrfProtection.call(app, request, asker, () => (good = true))
    return good
  }

  app.addHook('preValidation', async (request, reply) => {
    if (!request.signInAgain) return
    const body = (request.body ?? {}) as Record<string, unknown>
    const formPage = typeof body._return === 'string' ? body._return : undefined
    const canCarry = formPage !== undefined && safeNext(formPage) === formPage && csrfTokenGood(request)
    const { fields, droppedFile } = carriedFields(body)
    delete fields._return
    request.log.info({ url: request.url, carried: canCarry }, 'form posted after the session ended')
    return renderSignIn(request, reply, { next: canCarry ? formPage : undefined, carried: canCarry ? fields : undefined, droppedFile, sessionEnded: true }, 401)
  })

  app.decorate('requireUser', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.user) return
    if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303)
    // The body is not read yet: the preValidation hook above answers once it is.
    request.signInAgain = true
  })

  app.decorate('requireAdmin', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.user) return app.requireUser(request, reply)
    if (request.user.role !== 'admin') {
      request.log.info({ user: request.user.email, url: request.url }, 'admin action refused')
      return renderPage(request, reply, 'errors/error', { titleKey: 'error_page.forbidden.title', bodyKey: 'error_page.forbidden.body' }, { language: 'en', status: 403 })
    }
  })
})
