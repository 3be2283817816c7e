// Signing in and out, the one-time setup of the first admin, changing your own password, and
// choosing a new one with a reset link an admin sent.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { SECRET_TOKEN_PATTERN } from '../db/ids.js'
import type { Role } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { redirectDone } from '../web/done-notice.js'
import { renderPage, renderTeamPage } from '../web/render.js'
import { audit } from './audit.js'
import { decodeCarried, keepFormDraft } from './form-drafts.js'
import { DUMMY_HASH, hashPassword, newPasswordProblem, verifyPassword } from './passwords.js'
import { resetAccount, useReset } from './password-resets.js'
import { endSession, endSessionsOf, SESSION_COOKIE, startSession } from './sessions.js'
import { renderSignIn, safeNext } from './sign-in-page.js'
import { SignInLimits } from './sign-in-limits.js'
import { checkNewUser, normaliseEmail, setupTokenValid, useSetupToken } from './users.js'

const loginBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string' },
    email: { type: 'string', maxLength: 320 },
    password: { type: 'string', maxLength: 1000 },
    next: { type: 'string', maxLength: 500 },
    // What a form held when its session ended; as large as a form post may be.
    _carried: { type: 'string', maxLength: 2_000_000 },
  },
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

const newPasswordBody = {
  type: 'object',
  properties: { _csrf: { type: 'string' }, current_password: { type: 'string', maxLength: 1000 }, new_password: { type: 'string', maxLength: 1000 }, new_password_again: { type: 'string', maxLength: 1000 } },
} as const

type UserForm = { email?: string; name?: string; role?: string; password?: string; password_again?: string }
type PasswordForm = { current_password?: string; new_password?: string; new_password_again?: string }

const t = translator('en')
const translated = (keys: Record<string, string>) => Object.fromEntries(Object.entries(keys).map(([field, key]) => [field, t(key)]))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Problems with a new password and its repetition, as messages by field, in field order. */
function newPasswordErrors(password: string, again: string): Record<string, string> {
  const errors: Record<string, string> = {}
  const problem = newPasswordProblem(password)
  if (problem) errors.new_password = t(problem)
  else if (password !== again) errors.new_password_again = t('admin.password.error.again')
  return errors
}

export async function accountRoutes(app: FastifyInstance) {
  const limits = new SignInLimits(app.failureLimiters, app.config.loginGuessDelayMs)
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const }

  app.get<{ Querystring: { next?: string } }>('/login', { schema: { querystring: { type: 'object', properties: { next: { type: 'string', maxLength: 500 }, done: { type: 'string', maxLength: 60 } } } } }, async (request, reply) =>
    renderSignIn(request, reply, { next: request.query.next }),
  )

  app.post<{ Body: { email?: string; password?: string; next?: string; _carried?: string } }>('/login', { schema: { body: loginBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const typed = request.body.email ?? ''
    const email = normaliseEmail(typed)
    const password = request.body.password ?? ''
    const next = safeNext(request.body.next)
    const carried = decodeCarried(request.body._carried)
    const again = { email: typed, next, carried, sessionEnded: carried !== undefined }
    const errors = { ...(email ? {} : { email: 'admin.login.error.email_missing' }), ...(password ? {} : { password: 'admin.login.error.password_missing' }) }
    if (Object.keys(errors).length) return renderSignIn(request, reply, { ...again, errors }, 400)
    if (limits.blocked(request.ip, email)) return renderSignIn(request, reply, { ...again, errors: { email: 'admin.login.too_many' } }, 429)
    const user = await app.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH)
    if (!user || !ok || user.disabled) {
      const wait = await limits.failed(request.ip, email)
      await audit(app.db, null, 'login_failed', { email })
      await sleep(wait)
      return renderSignIn(request, reply, { ...again, errors: { email: 'admin.login.error' } }, 401)
    }
    const secret = await startSession(app.db, user.id)
    await audit(app.db, user, 'login')
    reply.setCookie(SESSION_COOKIE, secret, cookieOptions)
    // Kept for the form's page, which shows it filled: nothing is submitted on the person's behalf.
    if (carried && next !== '/admin') await keepFormDraft(app.db, secret, next.split('?')[0], carried)
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

  // Your own password: the current one is asked for, so a session left open on a shared computer
  // cannot be turned into a lasting account. Wrong answers count as failed sign-ins.
  const passwordPage = (request: FastifyRequest, reply: FastifyReply, errors: Record<string, string>, status = 200) =>
    renderTeamPage(request, reply, 'accounts/password', { errors }, status)

  app.get('/account/password', { onRequest: app.requireUser }, async (request, reply) => passwordPage(request, reply, {}))

  app.post<{ Body: PasswordForm }>('/account/password', { schema: { body: newPasswordBody }, onRequest: app.requireUser, preHandler: app.csrfProtection }, async (request, reply) => {
    const user = request.user!
    const current = request.body.current_password ?? ''
    const errors: Record<string, string> = {}
    if (limits.blocked(request.ip, user.email)) errors.current_password = t('admin.password.error.too_many')
    else if (!current) errors.current_password = t('admin.password.error.current_missing')
    else {
      const row = await app.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()
      if (!(await verifyPassword(current, row.password_hash))) {
        errors.current_password = t('admin.password.error.current_wrong')
        await sleep(await limits.failed(request.ip, user.email))
      }
    }
    Object.assign(errors, newPasswordErrors(request.body.new_password ?? '', request.body.new_password_again ?? ''))
    if (Object.keys(errors).length) return passwordPage(request, reply, errors, 400)
    await app.db.updateTable('users').set({ password_hash: await hashPassword(request.body.new_password!) }).where('id', '=', user.id).execute()
    const ended = await endSessionsOf(app.db, user.id, request.cookies[SESSION_COOKIE])
    await audit(app.db, user, 'password_changed', { userId: user.id, otherSessionsEnded: ended })
    return redirectDone(reply, '/admin', 'password_changed')
  })

  // A reset link an admin sent (see password-resets.ts): good once, for a day.
  const resetParams = setupParams
  const resetForm = (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply, account: { name: string; email: string }, errors: Record<string, string>, status = 200) =>
    renderPage(request, reply, 'accounts/reset', { token: request.params.token, account, errors }, { language: 'en', status })
  const resetRefused = (request: FastifyRequest, reply: FastifyReply) => renderPage(request, reply, 'accounts/reset-refused', {}, { language: 'en', status: 410 })

  app.get<{ Params: { token: string } }>('/password-reset/:token', { schema: { params: resetParams } }, async (request, reply) => {
    const account = await resetAccount(app.db, request.params.token)
    return account ? resetForm(request, reply, account, {}) : resetRefused(request, reply)
  })

  app.post<{ Params: { token: string }; Body: PasswordForm }>('/password-reset/:token', { schema: { params: resetParams, body: newPasswordBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const account = await resetAccount(app.db, request.params.token)
    if (!account) return resetRefused(request, reply)
    const errors = newPasswordErrors(request.body.new_password ?? '', request.body.new_password_again ?? '')
    if (Object.keys(errors).length) return resetForm(request, reply, account, errors, 400)
    const used = await useReset(app.db, request.params.token, request.body.new_password!)
    if (!used) return resetRefused(request, reply)
    await audit(app.db, { id: used.userId, email: used.email }, 'password_reset_used', { userId: used.userId })
    // Whoever used the link signs in with the new password, like everyone else: the link is no session.
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return redirectDone(reply, '/login', 'password_reset_used')
  })
}
