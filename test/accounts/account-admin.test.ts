// An admin looks after the team's accounts, on SQLite and PostgreSQL: the last active admin can
// never be disabled or demoted; a disabled account cannot sign in and its sessions end at once; a
// role change holds from the next request; a reset link is e-mailed through the outbox, stored
// only as a hash, works once and for 24 hours, and ends the person's other sessions; changing
// your own password needs the current one.
import { createHash } from 'node:crypto'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { createUser } from '../../src/accounts/users.js'
import { useReset } from '../../src/accounts/password-resets.js'
import { startSession } from '../../src/accounts/sessions.js'
import { buildTestApp, form, formSession } from '../helpers/app.js'
import { testDatabases, type TestDatabase } from '../helpers/databases.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const PASSWORD = 'correct horse battery staple'
const { databases, skipped } = testDatabases()
if (skipped) t.test('account rules on postgres', { skip: skipped }, async () => {})

async function person(app: FastifyInstance, name: string, role: 'admin' | 'analyst') {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`
  const id = await createUser(app.db, { email, name, role, password: PASSWORD })
  return { id, email, cookie: `sid=${await startSession(app.db, id)}` }
}

async function post(app: FastifyInstance, cookie: string, url: string, fields: Record<string, string> = {}, page = '/admin') {
  const s = await formSession(app, page, cookie)
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, ...fields }) })
}

async function login(app: FastifyInstance, email: string, password: string, remoteAddress = '192.0.2.10', next?: string) {
  const s = await formSession(app, '/login')
  return app.inject({ method: 'POST', url: '/login', remoteAddress, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, email, password, ...(next === undefined ? {} : { next }) }) })
}

const signedIn = async (app: FastifyInstance, cookie: string) => (await app.inject({ url: '/admin', headers: { cookie } })).statusCode === 200

async function app(t: Test, database: TestDatabase) {
  return buildTestApp(t, { mailWorker: false, loginGuessDelayMs: 0 }, database)
}

for (const database of databases) {
  t.test(`account rules on ${database.kind}`, async (t) => {
    t.test('the last active admin can be neither disabled nor demoted, by anyone, themselves included', async (t) => {
      const server = await app(t, database)
      const ana = await person(server, 'Ana Lewis', 'admin')
      const bo = await person(server, 'Bo Analyst', 'analyst')
      const selfDisable = await post(server, ana.cookie, `/admin/users/${ana.id}/disable`)
      t.equal(selfDisable.statusCode, 409)
      t.match(selfDisable.body, 'This is the last active admin account: make another account an admin before disabling this one')
      t.match(selfDisable.body, 'href="#disable"', 'the error summary leads to the button')
      const selfDemote = await post(server, ana.cookie, `/admin/users/${ana.id}/role`, { role: 'analyst' })
      t.equal(selfDemote.statusCode, 409)
      t.match(selfDemote.body, 'make another account an admin before changing this one&#39;s role')

      // Promote Bo; then Ana may be demoted, and Bo (now the last) may not.
      t.equal((await post(server, ana.cookie, `/admin/users/${bo.id}/role`, { role: 'admin' })).headers.location, `/admin/users/${bo.id}?done=user_role_changed`)
      t.equal((await post(server, bo.cookie, `/admin/users/${ana.id}/role`, { role: 'analyst' })).statusCode, 303, 'with two admins, one may be demoted')
      t.equal((await post(server, bo.cookie, `/admin/users/${bo.id}/disable`)).statusCode, 409, 'Bo is now the last admin')
      // A disabled admin does not count: with Ana promoted again but disabled, Bo still cannot go.
      t.equal((await post(server, bo.cookie, `/admin/users/${ana.id}/role`, { role: 'admin' })).statusCode, 303)
      t.equal((await post(server, bo.cookie, `/admin/users/${ana.id}/disable`)).statusCode, 303)
      t.equal((await post(server, bo.cookie, `/admin/users/${bo.id}/role`, { role: 'analyst' })).statusCode, 409, 'a disabled admin is no stand-in')
      const rows = await server.db.selectFrom('users').select(['name', 'role', 'disabled']).orderBy('name').execute()
      t.same(rows, [{ name: 'Ana Lewis', role: 'admin', disabled: 1 }, { name: 'Bo Analyst', role: 'admin', disabled: 0 }])
      const bad = await post(server, bo.cookie, `/admin/users/${ana.id}/role`, { role: 'owner' })
      t.equal(bad.statusCode, 400, 'an unknown role is a clear 400')
      t.match(bad.body, 'Choose admin or analyst')
    })

    t.test('a disabled account is signed out at once and cannot sign in; re-enabled, it can', async (t) => {
      const server = await app(t, database)
      const ana = await person(server, 'Ana Lewis', 'admin')
      const cy = await person(server, 'Cy Jones', 'analyst')
      const other = `sid=${await startSession(server.db, cy.id)}`
      t.ok(await signedIn(server, cy.cookie))
      const res = await post(server, ana.cookie, `/admin/users/${cy.id}/disable`)
      t.equal(res.headers.location, `/admin/users/${cy.id}?done=user_disabled`)
      const page = await server.inject({ url: res.headers.location as string, headers: { cookie: ana.cookie } })
      t.match(page.body, 'Account disabled: its sessions have ended')
      t.match(page.body, 'Re-enable the account')
      t.notOk(await signedIn(server, cy.cookie), 'the session in use ends at once')
      t.notOk(await signedIn(server, other), 'and every other one')
      t.equal((await server.db.selectFrom('sessions').select('id').where('user_id', '=', cy.id).execute()).length, 0, 'no session rows are left')
      const refused = await login(server, cy.email, PASSWORD)
      t.equal(refused.statusCode, 401, 'the right password does not open a disabled account')
      t.match(refused.body, 'The e-mail address or password is not right')
      t.equal((await post(server, ana.cookie, `/admin/users/${cy.id}/enable`)).statusCode, 303)
      t.equal((await login(server, cy.email, PASSWORD)).statusCode, 303, 're-enabled, it signs in')
      const actions = (await server.db.selectFrom('audit_log').select('action').where('user_id', '=', ana.id).execute()).map((r) => r.action)
      t.ok(actions.includes('user_disabled') && actions.includes('user_enabled'), 'both are in the audit log')
    })

    t.test('a role change holds from the next request; signing someone out of every session', async (t) => {
      const server = await app(t, database)
      const ana = await person(server, 'Ana Lewis', 'admin')
      const dee = await person(server, 'Dee Admin', 'admin')
      t.equal((await server.inject({ url: '/admin/users', headers: { cookie: dee.cookie } })).statusCode, 200)
      await post(server, ana.cookie, `/admin/users/${dee.id}/role`, { role: 'analyst' })
      t.equal((await server.inject({ url: '/admin/users', headers: { cookie: dee.cookie } })).statusCode, 403, 'demoted, Dee no longer reaches admin pages in the same session')
      const second = `sid=${await startSession(server.db, dee.id)}`
      const out = await post(server, ana.cookie, `/admin/users/${dee.id}/sign-out`)
      t.equal(out.headers.location, `/admin/users/${dee.id}?done=user_signed_out&n=2`)
      t.match((await server.inject({ url: out.headers.location as string, headers: { cookie: ana.cookie } })).body, 'Signed out of 2 sessions')
      t.notOk(await signedIn(server, dee.cookie))
      t.notOk(await signedIn(server, second))
      t.ok(await signedIn(server, ana.cookie), 'the admin who did it stays signed in')
      t.equal((await login(server, dee.email, PASSWORD)).statusCode, 303, 'Dee can sign in again')
    })

    t.test('a reset link is e-mailed through the outbox, stored hashed, works once, ends other sessions', async (t) => {
      const server = await app(t, database)
      const ana = await person(server, 'Ana Lewis', 'admin')
      const cy = await person(server, 'Cy Jones', 'analyst')
      const sent = await post(server, ana.cookie, `/admin/users/${cy.id}/reset`)
      t.equal(sent.headers.location, `/admin/users/${cy.id}?done=password_reset_sent`)
      const [mail] = await server.db.selectFrom('outbox').selectAll().where('kind', '=', 'password_reset').execute()
      t.equal(mail.to_address, cy.email)
      t.equal(mail.status, 'queued')
      const token = /\{\{public_url\}\}\/password-reset\/([A-Za-z0-9_-]{43})/.exec(mail.text_body)?.[1]
      t.ok(token, 'the e-mail has the link, with the sending server’s address filled in when it goes')
      const stored = await server.db.selectFrom('password_resets').selectAll().execute()
      t.equal(stored.length, 1)
      t.equal(stored[0].id, createHash('sha256').update(token!).digest('hex'), 'only the hash is stored')
      t.notMatch(JSON.stringify(stored), token!)
      const hours = (Date.parse(stored[0].expires_at) - Date.parse(stored[0].created_at)) / 3600_000
      t.equal(hours, 24, 'it expires after 24 hours')

      const page = await formSession(server, `/password-reset/${token}`)
      t.match(page.html, 'For the account of Cy Jones (cy.jones@example.org)')
      const short = await server.inject({ method: 'POST', url: `/password-reset/${token}`, headers: { ...FORM, cookie: page.cookie }, payload: form({ _csrf: page.token, new_password: 'short', new_password_again: 'short' }) })
      t.equal(short.statusCode, 400)
      t.match(short.body, 'Enter a new password of at least 12 characters')
      const mismatch = await server.inject({ method: 'POST', url: `/password-reset/${token}`, headers: { ...FORM, cookie: page.cookie }, payload: form({ _csrf: page.token, new_password: 'a brand new passphrase', new_password_again: 'a brand new passphrasf' }) })
      t.match(mismatch.body, 'Enter the same new password twice')
      const done = await server.inject({ method: 'POST', url: `/password-reset/${token}`, headers: { ...FORM, cookie: page.cookie }, payload: form({ _csrf: page.token, new_password: 'a brand new passphrase', new_password_again: 'a brand new passphrase' }) })
      t.equal(done.headers.location, '/login?done=password_reset_used')
      t.match((await server.inject('/login?done=password_reset_used')).body, 'Your new password is set. Sign in with it.')
      t.notOk(await signedIn(server, cy.cookie), 'the sessions of the account end')
      const again = await server.inject(`/password-reset/${token}`)
      t.equal(again.statusCode, 410, 'the link works once')
      t.match(again.body, 'This link no longer works')
      const replay = await server.inject({ method: 'POST', url: `/password-reset/${token}`, headers: { ...FORM, cookie: page.cookie }, payload: form({ _csrf: page.token, new_password: 'an attacker passphrase', new_password_again: 'an attacker passphrase' }) })
      t.equal(replay.statusCode, 410, 'posting it again is refused too')
      t.equal((await login(server, cy.email, PASSWORD)).statusCode, 401, 'the old password no longer works')
      t.equal((await login(server, cy.email, 'a brand new passphrase')).statusCode, 303, 'the new one does')
    })

    t.test('a reset link expires after 24 hours and a newer link replaces it', async (t) => {
      const server = await app(t, database)
      const ana = await person(server, 'Ana Lewis', 'admin')
      const cy = await person(server, 'Cy Jones', 'analyst')
      const tokens: string[] = []
      for (let i = 0; i < 2; i++) {
        await post(server, ana.cookie, `/admin/users/${cy.id}/reset`)
        const mails = await server.db.selectFrom('outbox').select('text_body').where('kind', '=', 'password_reset').orderBy('created_at').execute()
        tokens.push(/password-reset\/([A-Za-z0-9_-]{43})/.exec(mails[mails.length - 1].text_body)![1])
      }
      t.not(tokens[0], tokens[1])
      t.equal((await server.inject(`/password-reset/${tokens[0]}`)).statusCode, 410, 'the first link stopped working when the second was sent')
      t.equal((await server.inject(`/password-reset/${tokens[1]}`)).statusCode, 200)
      const later = new Date(Date.now() + 24 * 3600_000 + 1000)
      t.equal(await useReset(server.db, tokens[1], 'a brand new passphrase', later), undefined, 'a day and a second later it is refused')
      t.equal((await server.inject('/password-reset/' + 'x'.repeat(43))).statusCode, 410, 'an unknown link gets the same clear page')
    })

    t.test('changing your own password needs the current one and ends your other sessions', async (t) => {
      const server = await app(t, database)
      const cy = await person(server, 'Cy Jones', 'analyst')
      const other = `sid=${await startSession(server.db, cy.id)}`
      const change = (fields: Record<string, string>) => post(server, cy.cookie, '/account/password', fields, '/account/password')
      const empty = await change({})
      t.equal(empty.statusCode, 400)
      const summary = [...empty.body.matchAll(/<li><a href="#([a-z_]+)">/g)].map((m) => m[1])
      t.same(summary, ['current_password', 'new_password'], 'the error summary follows the fields')
      t.match(empty.body, 'Enter your current password')
      t.match(empty.body, 'Enter a new password')
      const wrong = await change({ current_password: 'not my password', new_password: 'a brand new passphrase', new_password_again: 'a brand new passphrase' })
      t.match(wrong.body, 'Your current password is not right')
      const short = await change({ current_password: PASSWORD, new_password: 'elevenchars', new_password_again: 'elevenchars' })
      t.match(short.body, 'Enter a new password of at least 12 characters')
      const ok = await change({ current_password: PASSWORD, new_password: 'twelve chars', new_password_again: 'twelve chars' })
      t.equal(ok.headers.location, '/admin?done=password_changed', 'twelve characters are enough')
      t.ok(await signedIn(server, cy.cookie), 'this session stays')
      t.notOk(await signedIn(server, other), 'the other one ends')
      t.equal((await login(server, cy.email, 'twelve chars')).statusCode, 303)
    })
  })
}
