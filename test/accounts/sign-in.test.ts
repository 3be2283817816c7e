// Signing in, on SQLite and PostgreSQL: failed attempts slow down and block the guesser (per
// address, and per address and account) but never keep a named person out of their account from
// elsewhere; signing in lands on /admin or the local page the person was going to, never another
// site; a form posted after the session ended comes back filled after signing in, and nothing is
// done until the person sends it again.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { createUser } from '../../src/accounts/users.js'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases, type TestDatabase } from '../helpers/databases.js'
import { openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const PASSWORD = 'correct horse battery staple'
const { databases, skipped } = testDatabases()
if (skipped) t.test('sign-in on postgres', { skip: skipped }, async () => {})

async function login(app: FastifyInstance, email: string, password: string, remoteAddress: string, extra: Record<string, string> = {}) {
  const s = await formSession(app, '/login')
  return app.inject({ method: 'POST', url: '/login', remoteAddress, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, email, password, ...extra }) })
}

const build = (t: Test, database: TestDatabase, delay = 0) => buildTestApp(t, { mailWorker: false, loginGuessDelayMs: delay }, database)

for (const database of databases) {
  t.test(`sign-in on ${database.kind}`, async (t) => {
    // Every attempt checks a password with scrypt, which is slow on purpose: the counts beyond the
    // last few attempts are written straight into the shared table, as other processes would.
    async function failuresSoFar(app: FastifyInstance, scope: string, subject: string, failures: number) {
      await app.db
        .insertInto('failure_counts')
        .values({ scope, subject, failures, reset_at: new Date(Date.now() + 15 * 60_000).toISOString() })
        .onConflict((oc) => oc.columns(['scope', 'subject']).doUpdateSet({ failures }))
        .execute()
      for (const limiter of Object.values(app.failureLimiters)) await limiter.sync()
    }

    t.test('a guesser is blocked on the account they guess at; its owner signs in from elsewhere', async (t) => {
      const app = await build(t, database)
      await createUser(app.db, { email: 'ana@example.org', name: 'Ana Lewis', role: 'admin', password: PASSWORD })
      const guesser = '203.0.113.66'
      for (let i = 0; i < 5; i++) t.equal((await login(app, 'ana@example.org', `guess ${i}`, guesser)).statusCode, 401, `wrong guess ${i + 1} is refused`)
      const blocked = await login(app, 'ana@example.org', PASSWORD, guesser)
      t.equal(blocked.statusCode, 429, 'after five, the guesser is refused even the right password')
      t.match(blocked.body, 'Too many wrong passwords for this account from this device')
      // Far more than the ten failures that used to lock the account for everyone.
      await failuresSoFar(app, 'login-account', 'account:ana@example.org', 500)
      t.equal((await login(app, 'ana@example.org', 'one more guess', '198.51.100.1')).statusCode, 401, 'yet another address fails, and is not blocked')
      const owner = await login(app, 'ana@example.org', PASSWORD, '192.0.2.44')
      t.equal(owner.statusCode, 303, 'Ana signs in from her own address')
      t.equal(owner.headers.location, '/admin')
      t.equal((await login(app, 'ANA@example.org', PASSWORD, '198.51.100.1')).statusCode, 303, 'an address with one failure on the account may still sign in')
    })

    t.test('an address trying many accounts is blocked for every account; other addresses are not', async (t) => {
      const app = await build(t, database)
      await createUser(app.db, { email: 'bo@example.org', name: 'Bo', role: 'analyst', password: PASSWORD })
      const sprayer = '203.0.113.99'
      await failuresSoFar(app, 'login-address', `ip:${sprayer}`, 29)
      t.equal((await login(app, 'person29@example.org', 'Summer2026!', sprayer)).statusCode, 401, 'the thirtieth failure')
      t.equal((await login(app, 'bo@example.org', PASSWORD, sprayer)).statusCode, 429, 'thirty failures block the address, whatever account it names next')
      t.equal((await login(app, 'bo@example.org', PASSWORD, '192.0.2.7')).statusCode, 303, 'Bo, elsewhere, is not affected')
    })

    t.test('each failure from an address is answered more slowly; the right password is not slowed', async (t) => {
      const app = await build(t, database, 250)
      await createUser(app.db, { email: 'cy@example.org', name: 'Cy', role: 'analyst', password: PASSWORD })
      const timed = async (password: string) => {
        const s = await formSession(app, '/login')
        const started = Date.now()
        const res = await app.inject({ method: 'POST', url: '/login', remoteAddress: '203.0.113.5', headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, email: 'cy@example.org', password }) })
        return { status: res.statusCode, ms: Date.now() - started }
      }
      const first = await timed('wrong one')
      t.ok(first.ms >= 250, `the first failure waits 1 × 250 ms (${first.ms} ms)`)
      await timed('wrong two')
      const third = await timed('wrong three')
      t.ok(third.ms >= 750, `the third waits 3 × 250 ms (${third.ms} ms)`)
      // Checking a password takes its own (machine-dependent) time: the wait comes on top of it.
      const right = await timed(PASSWORD)
      t.equal(right.status, 303)
      t.ok(right.ms < third.ms, `the right password is answered without the wait (${right.ms} ms)`)
    })

    t.test('signing in lands on /admin, or on the local page the person was going to, never elsewhere', async (t) => {
      const app = await build(t, database)
      await createUser(app.db, { email: 'dee@example.org', name: 'Dee', role: 'admin', password: PASSWORD })
      const wave = await openTestWave(app)
      const asked = await app.inject(`/admin/waves/${wave.waveId}`)
      t.equal(asked.headers.location, `/login?next=%2Fadmin%2Fwaves%2F${wave.waveId}`)
      const loginPage = await app.inject(asked.headers.location as string)
      t.match(loginPage.body, `name="next" value="/admin/waves/${wave.waveId}"`)
      t.equal((await login(app, 'dee@example.org', PASSWORD, '192.0.2.1')).headers.location, '/admin', 'with nowhere to go back to: /admin')
      const local = `/admin/waves/${wave.waveId}?tab=1`
      t.equal((await login(app, 'dee@example.org', PASSWORD, '192.0.2.1', { next: local })).headers.location, local, 'back to the page asked for')
      t.equal((await login(app, 'dee@example.org', PASSWORD, '192.0.2.1', { next: '//evil.example/path' })).headers.location, '/admin', 'never to another site')
      // The same check on the way in (the sign-in page's hidden field) as on the way out.
      const cases = ['//evil.example/path', 'https://evil.example/', 'http:/evil.example', '/\\evil.example', '\\\\evil.example', '/%0d%0aLocation: https://evil.example', '/ /evil', 'javascript:alert(1)', '/admin\r\nSet-Cookie: x=1', '']
      for (const next of cases) {
        const page = await app.inject(`/login?next=${encodeURIComponent(next)}`)
        t.match(page.body, 'name="next" value="/admin"', `next=${JSON.stringify(next)} is replaced by /admin`)
      }
      t.match((await app.inject(`/login?next=${encodeURIComponent('/surveys/la-release-social-care/2020#q')}`)).body, 'name="next" value="/surveys/la-release-social-care/2020#q"')
      const viaQuery = await app.inject('/login?next=%2F%2Fevil.example')
      t.match(viaQuery.body, 'name="next" value="/admin"', 'a crafted link to the sign-in page is refused too')
    })

    t.test('a form posted after the session ended comes back filled after signing in, and nothing is saved until it is sent again', async (t) => {
      const app = await build(t, database)
      const wave = await openTestWave(app)
      await createUser(app.db, { email: 'eve@example.org', name: 'Eve', role: 'admin', password: PASSWORD })
      const cookie = await signIn(app)
      const page = await formSession(app, `/admin/waves/${wave.waveId}/privacy`, cookie)
      t.match(page.html, `name="_return" value="/admin/waves/${wave.waveId}/privacy"`)
      const typed = 'Our own notice: we keep answers for 5 years.\n\n## Who we are\n\nThe <b>study</b> team & friends.'
      // The session ends (expired or signed out elsewhere), keeping the CSRF cookie as a browser does.
      await app.db.deleteFrom('sessions').execute()
      const expired = await app.inject({ method: 'POST', url: `/admin/waves/${wave.waveId}/privacy`, headers: { ...FORM, cookie: page.cookie }, payload: form({ _csrf: page.token, _return: `/admin/waves/${wave.waveId}/privacy`, notice_en: typed }) })
      t.equal(expired.statusCode, 401, 'the sign-in page answers, not an error')
      t.match(expired.body, 'Sign in again')
      t.match(expired.body, 'nothing was saved or changed')
      t.match(expired.body, `name="next" value="/admin/waves/${wave.waveId}/privacy"`)
      const carried = /name="_carried" value="([^"]+)"/.exec(expired.body)?.[1]
      t.ok(carried, 'what was typed travels with the sign-in form')
      t.equal((await app.db.selectFrom('wave_privacy_notices').selectAll().execute()).length, 0, 'nothing was saved')

      const wrong = await login(app, 'eve@example.org', 'wrong password', '192.0.2.2', { next: `/admin/waves/${wave.waveId}/privacy`, _carried: carried! })
      t.match(wrong.body, `name="_carried" value="${carried}"`, 'a wrong password keeps it')
      const s = await formSession(app, '/login')
      const ok = await app.inject({ method: 'POST', url: '/login', remoteAddress: '192.0.2.2', headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, email: 'eve@example.org', password: PASSWORD, next: `/admin/waves/${wave.waveId}/privacy`, _carried: carried! }) })
      t.equal(ok.headers.location, `/admin/waves/${wave.waveId}/privacy`)
      const session = /sid=[^;]+/.exec(String(ok.headers['set-cookie']))![0]
      t.equal((await app.db.selectFrom('wave_privacy_notices').selectAll().execute()).length, 0, 'signing in did not save the form')
      const back = await app.inject({ url: ok.headers.location as string, headers: { cookie: session } })
      t.match(back.body, 'Not sent yet')
      t.match(back.body, 'Our own notice: we keep answers for 5 years.', 'the form shows what was typed')
      t.match(back.body, 'The &lt;b&gt;study&lt;/b&gt; team &amp; friends.', 'escaped')
      const reload = await app.inject({ url: ok.headers.location as string, headers: { cookie: session } })
      t.notMatch(reload.body, 'Our own notice', 'taken once: a reload shows the saved text')
    })

    t.test('a post without this service’s CSRF token is not carried; a file is named as not carried', async (t) => {
      const app = await build(t, database)
      const wave = await openTestWave(app)
      const forged = await app.inject({ method: 'POST', url: `/admin/waves/${wave.waveId}/messages`, headers: FORM, payload: form({ _csrf: 'forged', _return: `/admin/waves/${wave.waveId}/messages`, en_invitation_subject: 'Click here' }) })
      t.equal(forged.statusCode, 401)
      t.notMatch(forged.body, '_carried', 'a post from elsewhere carries nothing into the team’s forms')
      t.match(forged.body, 'name="next" value="/admin"')
      const boundary = '----x'
      const upload = await app.inject({
        method: 'POST',
        url: '/admin/organisations/import',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nx\r\n--${boundary}\r\nContent-Disposition: form-data; name="csv"; filename="orgs.csv"\r\nContent-Type: text/csv\r\n\r\ncode,name\r\n--${boundary}--\r\n`,
      })
      t.equal(upload.statusCode, 401)
      t.match(upload.body, 'A file cannot be kept while you sign in: choose the file again on the form.')
      t.equal((await app.db.selectFrom('organisations').selectAll().execute()).length, 2, 'nothing was imported')
    })
  })
}
