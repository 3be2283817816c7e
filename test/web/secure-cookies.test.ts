// Under HTTPS every cookie (session, CSRF, language) is Secure and HSTS is sent; on plain HTTP on
// one's own machine, neither. Behind a proxy named in TRUST_PROXY its X-Forwarded-Proto counts; a
// client's own does not. And a CSRF token is bound to the session: taken from one, refused in another.
import t from 'tap'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const PASSWORD = 'correct horse battery staple'

/** Each cookie a response set, by name, with its attributes. */
const setCookies = (headers: Record<string, unknown>) =>
  new Map(([] as string[]).concat((headers['set-cookie'] as string[] | string | undefined) ?? []).map((c) => [c.split('=')[0], c] as const))

/** A sign-in, a respondent page in Welsh (the language cookie) and a team page: every cookie the service sets. */
async function everyCookie(app: Awaited<ReturnType<typeof buildTestApp>>, headers: Record<string, string> = {}) {
  const { createUser } = await import('../../src/accounts/users.js')
  await createUser(app.db, { email: 'ada@example.org', name: 'Ada', role: 'admin', password: PASSWORD })
  const page = await app.inject({ url: '/login', headers })
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
  const cookie = [...setCookies(page.headers).values()].map((c) => c.split(';')[0]).join('; ')
  const signedIn = await app.inject({ method: 'POST', url: '/login', headers: { ...headers, ...FORM, cookie }, payload: form({ _csrf: csrf, email: 'ada@example.org', password: PASSWORD }) })
  if (signedIn.statusCode !== 303) throw new Error(`not signed in: ${signedIn.statusCode}`)
  const wave = await openTestWave(app)
  const welsh = await app.inject({ url: `/r/${wave.tokens.E06000001}?lang=cy`, headers })
  return { cookies: new Map([...setCookies(page.headers), ...setCookies(signedIn.headers), ...setCookies(welsh.headers)]), responses: [page, signedIn, welsh] }
}

t.test('with an https PUBLIC_URL, every cookie is Secure and HSTS is sent', async (t) => {
  const app = await buildTestApp(t, { publicUrl: 'https://survey.example.org' })
  const { cookies, responses } = await everyCookie(app)
  t.same([...cookies.keys()].sort(), ['_csrf', 'lang', 'sid'], 'the three cookies of the cookies page')
  for (const [name, cookie] of cookies) t.match(cookie, /; Secure/, `${name} is Secure`)
  for (const res of responses) t.equal(res.headers['strict-transport-security'], 'max-age=31536000')
})

t.test('on plain HTTP on one’s own machine, no cookie is Secure and no HSTS (the cookies must come back)', async (t) => {
  const app = await buildTestApp(t, { publicUrl: 'http://localhost:3000' })
  const { cookies, responses } = await everyCookie(app)
  t.equal(cookies.size, 3)
  for (const [name, cookie] of cookies) t.notMatch(cookie, /Secure/, `${name} is not Secure`)
  for (const res of responses) t.equal(res.headers['strict-transport-security'], undefined)
})

t.test('behind a named proxy that says HTTPS, cookies are Secure; a client’s own X-Forwarded-Proto is not believed', async (t) => {
  const proxied = await buildTestApp(t, { publicUrl: 'http://localhost:3000', trustProxy: ['127.0.0.1'] })
  const behind = await everyCookie(proxied, { 'x-forwarded-proto': 'https' })
  for (const [name, cookie] of behind.cookies) t.match(cookie, /; Secure/, `${name} is Secure behind the proxy`)
  t.equal(behind.responses[0].headers['strict-transport-security'], 'max-age=31536000')

  const direct = await buildTestApp(t, { publicUrl: 'http://localhost:3000', trustProxy: false })
  const forged = await everyCookie(direct, { 'x-forwarded-proto': 'https' })
  for (const [name, cookie] of forged.cookies) t.notMatch(cookie, /Secure/, `${name}: the forged header changes nothing`)
  t.equal(forged.responses[0].headers['strict-transport-security'], undefined)
})

t.test('a CSRF token from one session is refused in another, and works in its own', async (t) => {
  const app = await buildTestApp(t)
  const mine = await signIn(app)
  const theirs = await signIn(app)
  const a = await formSession(app, '/admin', mine)
  const b = await formSession(app, '/admin', theirs)
  const signOut = (cookie: string, token: string) => app.inject({ method: 'POST', url: '/logout', headers: { ...FORM, cookie }, payload: form({ _csrf: token }) })
  const signedIn = async (cookie: string) => (await app.inject({ url: '/admin', headers: { cookie } })).statusCode === 200

  // This session's token sent with the other session's cookies, then with this CSRF cookie tossed in beside them.
  const tossed = b.cookie.replace(/_csrf=[^;]+/, a.cookie.match(/_csrf=[^;]+/)![0])
  for (const [what, cookie] of [['the other session', b.cookie], ['the other session with this CSRF cookie', tossed]] as const) {
    const refused = await signOut(cookie, a.token)
    t.equal(refused.statusCode, 403, `refused in ${what}`)
    t.match(refused.body, 'This form has expired')
  }
  t.ok(await signedIn(theirs), 'the other person is still signed in')
  t.equal((await signOut(a.cookie, a.token)).statusCode, 303, 'accepted in its own session')
  t.notOk(await signedIn(mine), 'which is signed out')
})
