// Research team accounts: the first admin by a one-time link, signing in and out, slow guessing,
// sessions shared by every app process, and roles held on every admin route.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { hashPassword, verifyPassword } from '../../src/accounts/passwords.js'
import { createUser, issueSetupToken } from '../../src/accounts/users.js'
import { buildTestApp, form, formSession, signIn, testConfig } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function login(app: FastifyInstance, email: string, password: string, ip = '127.0.0.1') {
  const s = await formSession(app, '/login')
  return app.inject({ method: 'POST', url: '/login', remoteAddress: ip, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, email, password, next: '/admin' }) })
}

const sessionCookie = (res: { headers: Record<string, unknown> }) => /sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1]

t.test('passwords are stored as salted scrypt hashes', async (t) => {
  const a = await hashPassword('correct horse battery staple')
  const b = await hashPassword('correct horse battery staple')
  t.match(a, /^scrypt\$32768\$8\$1\$/)
  t.not(a, b, 'each hash has its own salt')
  t.ok(await verifyPassword('correct horse battery staple', a))
  t.notOk(await verifyPassword('correct horse battery stapler', a))
})

t.test('with no accounts, a one-time setup link creates the first admin; there is no default password', async (t) => {
  const app = await buildTestApp(t)
  const token = (await issueSetupToken(app.db))!
  t.ok(token)
  const page = await formSession(app, `/setup/${token}`)
  const mismatch = await app.inject({ method: 'POST', url: `/setup/${token}`, headers: { ...FORM, cookie: page.cookie }, payload: form({ _csrf: page.token, name: 'Dr Ada Admin', email: 'ada@example.org', password: 'a long enough password', password_again: 'a different one' }) })
  t.equal(mismatch.statusCode, 400)
  t.match(mismatch.body, 'The passwords do not match')
  t.match(mismatch.body, 'value="ada@example.org"', 'what was typed is kept')
  const created = await app.inject({ method: 'POST', url: `/setup/${token}`, headers: { ...FORM, cookie: page.cookie }, payload: form({ _csrf: page.token, name: 'Dr Ada Admin', email: 'Ada@Example.org', password: 'a long enough password', password_again: 'a long enough password' }) })
  t.equal(created.statusCode, 303)
  t.equal(created.headers.location, '/admin')
  t.equal((await app.inject(`/setup/${token}`)).statusCode, 404, 'the link works once')
  t.equal(await issueSetupToken(app.db), undefined, 'no more setup links once an admin exists')
  const user = await app.db.selectFrom('users').selectAll().executeTakeFirstOrThrow()
  t.same([user.email, user.role], ['ada@example.org', 'admin'])
  t.notMatch(user.password_hash, 'a long enough password')
})

t.test('signing in and out; wrong passwords are refused and then slowed down', async (t) => {
  const app = await buildTestApp(t, { loginGuessDelayMs: 0 })
  await createUser(app.db, { email: 'ana@example.org', name: 'Ana Analyst', role: 'analyst', password: 'correct horse battery staple' })
  t.equal((await app.inject('/admin')).headers.location, '/login?next=%2Fadmin', 'the team pages need an account')
  const wrong = await login(app, 'ana@example.org', 'wrong password')
  t.equal(wrong.statusCode, 401)
  t.match(wrong.body, 'The e-mail address or password is not right.')
  const unknown = await login(app, 'nobody@example.org', 'wrong password')
  t.equal(unknown.statusCode, 401, 'an unknown address gets the same answer')
  const ok = await login(app, 'ANA@example.org', 'correct horse battery staple')
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, '/admin')
  t.match(String(ok.headers['set-cookie']), /sid=[^;]+;.*HttpOnly/i)
  t.match(String(ok.headers['set-cookie']), /SameSite=Lax/i)
  const cookie = `sid=${sessionCookie(ok)}`
  t.equal((await app.inject({ url: '/admin', headers: { cookie } })).statusCode, 200)
  const s = await formSession(app, '/admin', cookie)
  await app.inject({ method: 'POST', url: '/logout', headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token }) })
  t.equal((await app.inject({ url: '/admin', headers: { cookie } })).statusCode, 303, 'the session ends at sign-out')

  // Guessing blocks the guesser's address for that account, not the account (see sign-in.test.ts).
  for (let i = 0; i < 5; i++) await login(app, 'ana@example.org', `guess ${i}`, '10.1.1.1')
  const blocked = await login(app, 'ana@example.org', 'correct horse battery staple', '10.1.1.1')
  t.equal(blocked.statusCode, 429, 'after 5 failures the guessing address is refused that account for a while')
  t.equal((await login(app, 'ana@example.org', 'correct horse battery staple', '10.1.1.2')).statusCode, 303, 'its owner, elsewhere, still signs in')
  const audit = await app.db.selectFrom('audit_log').select('action').execute()
  t.ok(audit.filter((e) => e.action === 'login_failed').length >= 7)
  t.ok(audit.some((e) => e.action === 'login'))
})

t.test('a session made by one app process is valid on another sharing the database', async (t) => {
  const config = await testConfig(t)
  const a = await buildApp(config, { logger: false })
  const b = await buildApp(config, { logger: false })
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  await createUser(a.db, { email: 'ada@example.org', name: 'Ada', role: 'admin', password: 'correct horse battery staple' })
  const res = await login(a, 'ada@example.org', 'correct horse battery staple')
  t.equal((await b.inject({ url: '/admin', headers: { cookie: `sid=${sessionCookie(res)}` } })).statusCode, 200)
})

t.test('an analyst can look and export but cannot reach any admin action', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const wave = await openTestWave(app)
  const organisationId = wave.organisationIds.E06000001
  const analyst = await signIn(app, 'analyst')
  for (const url of ['/admin', `/admin/waves/${wave.waveId}`, `/admin/waves/${wave.waveId}/tracking.csv`, '/admin/organisations', '/admin/outbox', '/surveys', '/preview/la-release-social-care/2020']) {
    t.equal((await app.inject({ url, headers: { cookie: analyst } })).statusCode, 200, `analyst can see ${url}`)
  }
  const outboxBefore = await app.db.selectFrom('outbox').select('id').execute()
  const wavesBefore = JSON.stringify(await app.db.selectFrom('waves').selectAll().execute())
  const gets = ['/admin/users', '/admin/audit', '/admin/waves/new', `/admin/waves/${wave.waveId}/messages`, `/admin/waves/${wave.waveId}/organisations/${organisationId}`, `/admin/waves/${wave.waveId}/organisations/${organisationId}/reopen`, `/admin/waves/${wave.waveId}/launch`, `/admin/waves/${wave.waveId}/close`, `/admin/waves/${wave.waveId}/reopen`, `/admin/waves/${wave.waveId}/reminders`]
  const posts = [
    '/admin/users',
    '/admin/waves',
    '/admin/organisations/import',
    `/admin/waves/${wave.waveId}/messages`,
    `/admin/waves/${wave.waveId}/launch`,
    `/admin/waves/${wave.waveId}/organisations`,
    `/admin/waves/${wave.waveId}/remind`,
    `/admin/waves/${wave.waveId}/deadline`,
    `/admin/waves/${wave.waveId}/close`,
    `/admin/waves/${wave.waveId}/reopen`,
    `/admin/waves/${wave.waveId}/reminders`,
    `/admin/waves/${wave.waveId}/organisations/${organisationId}/contacts`,
    `/admin/waves/${wave.waveId}/organisations/${organisationId}/reissue`,
    `/admin/waves/${wave.waveId}/organisations/${organisationId}/reopen`,
  ]
  for (const url of gets) t.equal((await app.inject({ url, headers: { cookie: analyst } })).statusCode, 403, `GET ${url} is refused`)
  const s = await formSession(app, '/admin', analyst)
  for (const url of posts) {
    const res = await app.inject({ method: 'POST', url, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, label: 'x', types: 'local authority', contact_name: 'X', contact_email: 'x@example.org', deadline__day: '1', deadline__month: '1', deadline__year: '2099', target: 'not_submitted' }) })
    t.equal(res.statusCode, 403, `POST ${url} is refused`)
  }
  for (const url of gets) t.equal((await app.inject({ url })).statusCode, 303, `GET ${url} without an account goes to sign-in`)
  // A post without a session (one that ended while a form was filled) is answered with the sign-in page.
  for (const url of posts) {
    const res = await app.inject({ url, method: 'POST', headers: FORM, payload: form({ label: 'x' }) })
    t.equal(res.statusCode, 401, `POST ${url} without an account gets the sign-in page`)
    t.match(res.body, 'action="/login"')
  }
  t.same(await app.db.selectFrom('outbox').select('id').execute(), outboxBefore, 'no e-mail was queued')
  t.equal(JSON.stringify(await app.db.selectFrom('waves').selectAll().execute()), wavesBefore, 'no wave changed')
  t.equal((await app.db.selectFrom('users').select('id').execute()).length, 1, 'no account was created')
})
