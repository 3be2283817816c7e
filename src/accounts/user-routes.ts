// The admins' pages for the team's accounts: the list, adding an account, and one account's page
// where an admin sends a password reset link, changes the role, signs the person out of every
// session, or disables and re-enables the account (account-rules.ts keeps one active admin).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ID_PATTERN } from '../db/ids.js'
import type { Role } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { formatUkDate, formatUkTime } from '../i18n/uk-dates.js'
import { redirectDone } from '../web/done-notice.js'
import { renderTeamPage } from '../web/render.js'
import { changeAccount, findAccount, type Account, type AccountChange } from './account-rules.js'
import { audit } from './audit.js'
import { sendPasswordReset } from './password-resets.js'
import { endSessionsOf, SESSION_COOKIE } from './sessions.js'
import { checkNewUser, createUser, normaliseEmail, ROLES } from './users.js'

const t = translator('en')
const userParams = { type: 'object', properties: { userId: { type: 'string', pattern: ID_PATTERN } }, required: ['userId'] } as const
type UserParams = { userId: string }
const csrfOnly = { type: 'object', properties: { _csrf: { type: 'string' } } } as const

const newUserBody = {
  type: 'object',
  properties: { _csrf: { type: 'string' }, email: { type: 'string', maxLength: 320 }, name: { type: 'string', maxLength: 200 }, role: { type: 'string', maxLength: 20 }, password: { type: 'string', maxLength: 1000 } },
} as const
type NewUserForm = { email?: string; name?: string; role?: string; password?: string }

export async function userRoutes(app: FastifyInstance) {
  async function listPage(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string>, status = 200) {
    const users = await app.db.selectFrom('users').select(['id', 'email', 'name', 'role', 'disabled']).orderBy('name').orderBy('email').execute()
    return renderTeamPage(request, reply, 'accounts/users', { users, values, errors, roles: ROLES }, status)
  }

  app.get('/admin/users', { onRequest: app.requireAdmin }, async (request, reply) => listPage(request, reply, { role: 'analyst' }, {}))

  app.post<{ Body: NewUserForm }>('/admin/users', { schema: { body: newUserBody }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
    const input = { email: request.body.email ?? '', name: request.body.name ?? '', role: (request.body.role ?? '') as Role, password: request.body.password ?? '' }
    const problems = await checkNewUser(app.db, input)
    // In the order of the fields on the page.
    const errors = Object.fromEntries(['name', 'email', 'role', 'password'].filter((f) => problems[f]).map((f) => [f, t(problems[f])]))
    if (Object.keys(errors).length) return listPage(request, reply, { email: input.email, name: input.name, role: input.role }, errors, 400)
    const id = await createUser(app.db, input)
    await audit(app.db, request.user!, 'user_created', { userId: id, email: normaliseEmail(input.email), role: input.role })
    return redirectDone(reply, '/admin/users', 'user_created')
  })

  async function accountPage(request: FastifyRequest, reply: FastifyReply, account: Account, errors: Record<string, string>, status = 200) {
    const now = new Date().toISOString()
    const sessions = await app.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string | number>().as('n')).where('user_id', '=', account.id).where('expires_at', '>', now).executeTakeFirstOrThrow()
    const created = await app.db.selectFrom('users').select('created_at').where('id', '=', account.id).executeTakeFirstOrThrow()
    const lastReset = await app.db.selectFrom('password_resets').select(['created_at', 'expires_at', 'used_at']).where('user_id', '=', account.id).orderBy('created_at', 'desc').executeTakeFirst()
    const pendingReset = lastReset && !lastReset.used_at && lastReset.expires_at > now ? formatUkTime(lastReset.expires_at, t) : null
    return renderTeamPage(
      request,
      reply,
      'accounts/account',
      { account, sessions: Number(sessions.n), created: formatUkDate(created.created_at, t), pendingReset, roles: ROLES, errors, isSelf: account.id === request.user!.id },
      status,
    )
  }

  async function loadAccount(request: FastifyRequest<{ Params: UserParams }>, reply: FastifyReply): Promise<Account | undefined> {
    const account = await findAccount(app.db, request.params.userId)
    if (!account) await reply.callNotFound()
    return account
  }

  app.get<{ Params: UserParams }>('/admin/users/:userId', { schema: { params: userParams }, onRequest: app.requireAdmin }, async (request, reply) => {
    const account = await loadAccount(request, reply)
    return account ? accountPage(request, reply, account, {}) : reply
  })

  app.post<{ Params: UserParams }>('/admin/users/:userId/reset', { schema: { params: userParams, body: csrfOnly }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
    const account = await loadAccount(request, reply)
    if (!account) return reply
    if (account.disabled) return accountPage(request, reply, account, { reset: t('admin.account.error.reset_disabled') }, 409)
    const expires = await sendPasswordReset(app.db, account, request.user!.id, t)
    await audit(app.db, request.user!, 'password_reset_sent', { userId: account.id, email: account.email, expires })
    return redirectDone(reply, `/admin/users/${account.id}`, 'password_reset_sent')
  })

  const change = (path: string, body: object, toChange: (body: Record<string, string | undefined>) => AccountChange | string, done: string) =>
    app.post<{ Params: UserParams; Body: Record<string, string | undefined> }>(`/admin/users/:userId/${path}`, { schema: { params: userParams, body }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
      const account = await loadAccount(request, reply)
      if (!account) return reply
      const wanted = toChange(request.body)
      if (typeof wanted === 'string') return accountPage(request, reply, account, { role: t(wanted) }, 400)
      const refused = await changeAccount(app.db, app.databaseKind, account, wanted)
      if (refused) return accountPage(request, reply, account, { [wanted.kind === 'role' ? 'role' : 'disable']: t(refused) }, 409)
      const action = wanted.kind === 'role' ? 'user_role_changed' : wanted.kind === 'disable' ? 'user_disabled' : 'user_enabled'
      await audit(app.db, request.user!, action, { userId: account.id, email: account.email, ...(wanted.kind === 'role' ? { from: account.role, to: wanted.role } : {}) })
      // Disabling yourself ends your own session too: the next page is the sign-in page.
      return redirectDone(reply, `/admin/users/${account.id}`, done)
    })

  change('disable', csrfOnly, () => ({ kind: 'disable' }), 'user_disabled')
  change('enable', csrfOnly, () => ({ kind: 'enable' }), 'user_enabled')
  change(
    'role',
    { type: 'object', properties: { _csrf: { type: 'string' }, role: { type: 'string', maxLength: 20 } } },
    (body) => (ROLES.includes(body.role as Role) ? { kind: 'role', role: body.role as Role } : 'admin.user.error.role'),
    'user_role_changed',
  )

  app.post<{ Params: UserParams }>('/admin/users/:userId/sign-out', { schema: { params: userParams, body: csrfOnly }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
    const account = await loadAccount(request, reply)
    if (!account) return reply
    const ended = await endSessionsOf(app.db, account.id)
    await audit(app.db, request.user!, 'user_signed_out', { userId: account.id, email: account.email, sessions: ended })
    if (account.id === request.user!.id) reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return redirectDone(reply, `/admin/users/${account.id}`, 'user_signed_out', ended)
  })
}
