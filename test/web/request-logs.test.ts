// The request log at the production level (info) never holds a secret: through a whole journey (the
// first admin's setup link, signing in, a password reset, a respondent opening a link, saving,
// submitting, a mistyped link) no link token, session id or CSRF cookie is written, and the
// requests are still there, with the secret part of their address replaced.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { issueSetupToken } from '../../src/accounts/users.js'
import { redactUrl } from '../../src/web/log-redaction.js'
import { FIXTURES, form, formSession, testConfig } from '../helpers/app.js'
import { submitWelshPrisonsThroughForms } from '../helpers/responses.js'
import { openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const PASSWORD = 'correct horse battery staple'

/** Every cookie value a response set: the session id, the CSRF secret. */
const cookieValues = (headers: Record<string, unknown>) => ([] as string[]).concat((headers['set-cookie'] as string[] | string | undefined) ?? []).map((c) => c.split(';')[0].split('=').slice(1).join('=')).filter(Boolean)

t.test('no token, session id or cookie reaches the request log through a whole journey', async (t) => {
  const lines: string[] = []
  const config = await testConfig(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false, logLevel: 'info' })
  const app = await buildApp(config, { logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } } })
  t.teardown(() => app.close())
  const secrets: string[] = []

  // The first admin, through the one-time setup link.
  const setupToken = (await issueSetupToken(app.db))!
  secrets.push(setupToken)
  const setup = await formSession(app, `/setup/${setupToken}`)
  const created = await app.inject({ method: 'POST', url: `/setup/${setupToken}`, headers: { ...FORM, cookie: setup.cookie }, payload: form({ _csrf: setup.token, email: 'ada@example.org', name: 'Ada', password: PASSWORD, password_again: PASSWORD }) })
  t.equal(created.statusCode, 303, 'the first admin is created')
  secrets.push(...cookieValues(created.headers), ...setup.cookie.split('; ').map((c) => c.split('=')[1]))

  // Signing in, with a ?next= that carries a personal link.
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1', organisations: ['W1', 'W2'] })
  secrets.push(...Object.values(wave.tokens))
  const login = await formSession(app, `/login?next=${encodeURIComponent(`/r/${wave.tokens.W2}`)}`)
  const signedIn = await app.inject({ method: 'POST', url: '/login', headers: { ...FORM, cookie: login.cookie }, payload: form({ _csrf: login.token, email: 'ada@example.org', password: PASSWORD }) })
  t.equal(signedIn.statusCode, 303, 'signed in')
  const sid = /sid=([^;]+)/.exec(([] as string[]).concat(signedIn.headers['set-cookie'] ?? []).join('; '))![1]
  secrets.push(sid)
  t.equal((await app.inject({ url: '/admin', headers: { cookie: `sid=${sid}` } })).statusCode, 200, 'the team’s pages open')

  // A password reset sent by the admin, and used.
  const user = await app.db.selectFrom('users').select('id').executeTakeFirstOrThrow()
  const usersPage = await formSession(app, `/admin/users/${user.id}`, `sid=${sid}`)
  t.equal((await app.inject({ method: 'POST', url: `/admin/users/${user.id}/reset`, headers: { ...FORM, cookie: usersPage.cookie }, payload: form({ _csrf: usersPage.token }) })).statusCode, 303, 'a reset link is sent')
  const mail = await app.db.selectFrom('outbox').select('text_body').where('kind', '=', 'password_reset').executeTakeFirstOrThrow()
  const resetToken = /\/password-reset\/([A-Za-z0-9_-]{43})/.exec(mail.text_body)![1]
  secrets.push(resetToken)
  const reset = await formSession(app, `/password-reset/${resetToken}`)
  const used = await app.inject({ method: 'POST', url: `/password-reset/${resetToken}`, headers: { ...FORM, cookie: reset.cookie }, payload: form({ _csrf: reset.token, new_password: `${PASSWORD} again`, new_password_again: `${PASSWORD} again` }) })
  t.ok(used.statusCode < 400, 'the reset link sets a new password')

  // A respondent: the link opened, pages saved, "save and come back later", submitted; a mistyped link.
  t.equal((await app.inject(`/r/${wave.tokens.W1}`)).statusCode, 200, 'the link opens')
  t.equal((await app.inject(`/r/${wave.tokens.W1}/saved?page=scheme_page`)).statusCode, 200, 'the saved page shows')
  t.equal((await submitWelshPrisonsThroughForms(app, wave.tokens.W1)).statusCode, 303, 'the response is submitted')
  const typo = `${wave.tokens.W2.slice(0, 42)}x`
  secrets.push(typo)
  t.equal((await app.inject(`/r/${typo}`)).statusCode, 404, 'a mistyped link is refused')
  const overlong = await app.inject(`/r/${wave.tokens.W2}${'a'.repeat(300)}`)
  t.ok(overlong.statusCode >= 400 && overlong.statusCode < 500, `so is an address too long to route (${overlong.statusCode})`)

  const log = lines.join('')
  t.ok(lines.length > 40, `the requests were logged (${lines.length} lines)`)
  t.match(log, '"url":"/r/[secret]"', 'a link appears with its token replaced')
  t.match(log, '"url":"/setup/[secret]"')
  t.match(log, '"url":"/password-reset/[secret]"')
  const leaked = [...new Set(secrets)].filter((secret) => secret.length >= 16 && log.includes(secret))
  t.same(leaked, [], 'no token, session id or cookie value is in the log')
  t.notMatch(log, /cookie|"sid"|_csrf=/i, 'no cookie header is logged')
})

t.test('what the redaction leaves of an address', async (t) => {
  const token = 'Abc_-0123456789abcdefghijklmnopqrstuvwxyzAB'
  t.equal(redactUrl(`/r/${token}/pages/scheme_page?lang=cy`), '/r/[secret]/pages/scheme_page?lang=cy', 'the page and language stay, for reading the log')
  t.equal(redactUrl('/r/short'), '/r/[secret]', 'a link of the wrong length is someone’s typo of a secret too')
  t.equal(redactUrl(`/login?next=%2Fr%2F${token}`), '/login?next=%2Fr%2F[secret]', 'an encoded link in a query')
  t.equal(redactUrl(`/anything?x=${token}`), '/anything?x=[secret]', 'a token anywhere else')
  t.equal(redactUrl('/admin/waves/0b6f7f0e-8a3c-4c55-9c55-2d4a36b2f3a1/organisations?q=leeds'), '/admin/waves/0b6f7f0e-8a3c-4c55-9c55-2d4a36b2f3a1/organisations?q=leeds', 'ids and searches are kept')
})
