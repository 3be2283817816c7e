// Signing in and out, the one-time setup of the first admin, and the admins' list of accounts.
import type { FastifyInstance } from 'fastify'
import { SECRET_TOKEN_PATTERN } from '../db/ids.js'
import type { Role } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { renderPage } from '../web/render.js'
import { audit } from './audit.js'
import { DUMMY_HASH, verifyPassword } from './passwords.js'
import { endSession, SESSION_COOKIE, startSession } from './sessions.js'
import { checkNewUser, createUser, normaliseEmail, ROLES, setupTokenValid, useSetupToken } from './users.js'

const loginBody = {
  type: 'object',
  properties: { _csrf: { type: 'string' }, email: { type: 'string', maxLength: 320 }, password: { type: 'string', maxLength: 1000 }, next: { type: 'string', maxLength: 500 } },
} as const

const userBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string' },
    email: { type: 'string', maxLength: 320 },
    name: { type: 'string', maxLength: 200 },
    role: { type: 'string', maxLength: 20 },
    password: { type: 'string', maxLength: 1000 },
    password_again: { type: 'string', maxLength: 1000 },
  },
} as const

type UserForm = { email?: string; name?: string; role?: string; password?: string; password_again?: string }

/** Only local paths, so a crafted link cannot send someone elsewhere after signing in. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/surveys'
}

const t = translator('en')
const translated = (keys: Record<string, string>) => Object.fromEntries(Object.entries(keys).map(([field, key]) => [field, t(key)]))

export async function accountRoutes(app: FastifyInstance) {
  const limiter = app.failureLimiters.logins
  const secureCookies = app.config.publicUrl.startsWith('https://')
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies }

  app.get<{ Querystring: { next?: string } }>('/login', { schema: { querystring: { type: 'object', properties: { next: { type: 'string', maxLength: 500 } } } } }, async (request, reply) =>
    renderPage(request, reply, 'accounts/login', { email: '', next: safeNext(request.query.next), error: null }, { language: 'en' }),
  )

  app.post<{ Body: { email?: string; password?: string; next?: string } }>('/login', { schema: { body: loginBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const email = normaliseEmail(request.body.email ?? '')
    const keys = [`ip:${request.ip}`, `account:${email}`]
    const next = safeNext(request.body.next)
    if (keys.some((k) => limiter.blocked(k))) {
      return renderPage(request, reply, 'accounts/login', { email, next, error: t('admin.login.too_many') }, { language: 'en', status: 429 })
    }
    const user = await app.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
    const ok = await verifyPassword(request.body.password ?? '', user?.password_hash ?? DUMMY_HASH)
    if (!user || !ok || user.disabled) {
      for (const k of keys) await limiter.recordFailure(k)
      await audit(app.db, null, 'login_failed', { email })
      return renderPage(request, reply, 'accounts/login', { email, next, error: t('admin.login.error') }, { language: 'en', status: 401 })
    }
    const secret = await startSession(app.db, user.id)
    await audit(app.db, user, 'login')
    reply.setCookie(SESSION_COOKIE, secret, cookieOptions)
    return reply.redirect(next, 303)
  })

  app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    await endSession(app.db, request.cookies[SESSION_COOKIE])
    if (request.user) await audit(app.db, request.user, 'logout')
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/login', 303)
  })

  const setupParams = { type: 'object', properties: { token: { type: 'string', pattern: SECRET_TOKEN_PATTERN } }, required: ['token'] } as const

  app.get<{ Params: { token: string } }>('/setup/:token', { schema: { params: setupParams } }, async (request, reply) => {
    if (!(await setupTokenValid(app.db, request.params.token))) return reply.callNotFound()
    return renderPage(request, reply, 'accounts/setup', { token: request.params.token, values: {}, errors: {} }, { language: 'en' })
  })

  app.post<{ Params: { token: string }; Body: UserForm }>('/setup/:token', { schema: { params: setupParams, body: userBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    if (!(await setupTokenValid(app.db, request.params.token))) return reply.callNotFound()
    const input = { email: request.body.email ?? '', name: request.body.name ?? '', role: 'admin' as Role, password: request.body.password ?? '' }
    const errors = translated(await checkNewUser(app.db, input))
    if (input.password !== (request.body.password_again ?? '')) errors.password_again = t('admin.user.error.password_again')
    if (Object.keys(errors).length) {
      return renderPage(request, reply, 'accounts/setup', { token: request.params.token, values: { email: input.email, name: input.name }, errors }, { language: 'en', status: 400 })
    }
    const id = await useSetupToken(app.db, request.params.token, input)
    if (!id) return reply.callNotFound()
    await audit(app.db, { id, email: normaliseEmail(input.email) }, 'first_admin_created')
    reply.setCookie(SESSION_COOKIE, await startSession(app.db, id), cookieOptions)
    return reply.redirect('/admin', 303)
  })

  app.get('/admin/users', { onRequest: app.requireAdmin }, async (request, reply) => {
    const users = await app.db.selectFrom('users').select(['email', 'name', 'role', 'disabled', 'created_at']).orderBy('email').execute()
    return renderPage(request, reply, 'accounts/users', { users, values: { role: 'analyst' }, errors: {}, roles: ROLES }, { language: 'en' })
  })

  app.post<{ Body: UserForm }>('/admin/users', { schema: { body: userBody }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
    const input = { email: request.body.email ?? '', name: request.body.name ?? '', role: (request.body.role ?? '') as Role, password: request.body.password ?? '' }
    const errors = translated(await checkNewUser(app.db, input))
    if (Object.keys(errors).length) {
      const users = await app.db.selectFrom('users').select(['email', 'name', 'role', 'disabled', 'created_at']).orderBy('email').execute()
      return renderPage(request, reply, 'accounts/users', { users, values: { email: input.email, name: input.name, role: input.role }, errors, roles: ROLES }, { language: 'en', status: 400 })
    }
    await createUser(app.db, input)
    await audit(app.db, request.user!, 'user_created', { email: normaliseEmail(input.email), role: input.role })
    return reply.redirect('/admin/users', 303)
  })
}
