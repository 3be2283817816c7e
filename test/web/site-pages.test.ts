// The pages anyone can reach by typing the address: a home page that tells a respondent how
// to get a new link and the team where to sign in; an accessibility statement, a privacy notice
// and a cookies page, linked from the footer of every page, in English and Welsh.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const footerLinks = (html: string) => {
  const footer = /<footer[\s\S]*<\/footer>/.exec(html)?.[0] ?? ''
  return [...footer.matchAll(/<a class="govuk-footer__link" href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]])
}

t.test('the home page tells a respondent how to get a new link, and the team where to sign in', async (t) => {
  const app = await buildTestApp(t)
  const home = await app.inject('/')
  t.equal(home.statusCode, 200)
  t.match(home.body, 'Open your organisation’s response with the link in the invitation e-mail')
  t.match(home.body, 'Contact the research team who sent the invitation')
  t.match(home.body, 'They can send your organisation a new link')
  t.match(home.body, '<a class="govuk-link" href="/login">Sign in</a>')
  t.notMatch(home.body, 'href="/surveys', 'questionnaires are listed for the team, not for whoever types the address')
  t.notMatch(home.body, 'Social care for people in prison', 'no survey titles for anyone passing')

  const cookie = await signIn(app)
  const signedIn = await app.inject({ url: '/', headers: { cookie } })
  t.match(signedIn.body, 'You are signed in as Test admin.')
  t.match(signedIn.body, 'href="/surveys"', 'the team still reaches the questionnaires and previews from here')
  t.match(signedIn.body, 'href="/admin"')
  const surveys = await app.inject({ url: '/surveys', headers: { cookie } })
  t.match(surveys.body, 'href="/preview/la-release-social-care/2020"', 'the list of questionnaires to preview is at /surveys')

  const welsh = await app.inject('/?lang=cy')
  t.match(welsh.body, '<html lang="cy"')
  t.match(welsh.body, 'Cysylltwch â’r tîm ymchwil a anfonodd y gwahoddiad')
  t.match(welsh.body, '<a class="govuk-link" href="/login">Mewngofnodi</a>')
})

t.test('the footer links to the accessibility statement, privacy notice and cookies on every kind of page', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const wave = await openTestWave(app)
  const admin = await signIn(app)
  const respondent = `/r/${wave.tokens.E06000001}`
  const service = [['/accessibility', 'Accessibility statement'], ['/privacy', 'Privacy notice'], ['/cookies', 'Cookies']]
  for (const url of ['/', '/accessibility', '/privacy', '/cookies', '/login', '/no-such-page']) {
    t.same(footerLinks((await app.inject(url)).body), service, `${url}`)
  }
  for (const url of ['/admin', `/admin/waves/${wave.waveId}`, `/admin/waves/${wave.waveId}/privacy`, '/surveys', '/preview/la-release-social-care/2020']) {
    t.same(footerLinks((await app.inject({ url, headers: { cookie: admin } })).body), service, `${url} (team)`)
  }
  const ownNotice = [['/accessibility', 'Accessibility statement'], [`${respondent}/privacy`, 'Privacy notice'], ['/cookies', 'Cookies']]
  for (const url of [respondent, `${respondent}/pages/about_respondent`, `${respondent}/check`, `${respondent}/saved`, `${respondent}/print`, `${respondent}/privacy`]) {
    t.same(footerLinks((await app.inject(url)).body), ownNotice, `${url.replace(wave.tokens.E06000001, '<token>')} leads to the wave’s own notice`)
  }
  const welsh = footerLinks((await app.inject({ url: '/cookies', headers: { cookie: 'lang=cy' } })).body)
  t.same(welsh.map(([, text]) => text), ['Datganiad hygyrchedd', 'Hysbysiad preifatrwydd', 'Cwcis'], 'in Welsh for a Welsh reader')
})

t.test('the statement, notice and cookies pages follow the language chosen on a survey', async (t) => {
  const app = await buildTestApp(t)
  for (const [url, en, cy] of [
    ['/accessibility', 'Accessibility statement', 'Datganiad hygyrchedd'],
    ['/privacy', 'What this website records', 'Beth mae’r wefan hon yn ei gofnodi'],
    ['/cookies', 'Cookies this service sets', 'Cwcis y mae’r gwasanaeth hwn yn eu gosod'],
  ]) {
    const english = await app.inject(url)
    t.equal(english.statusCode, 200)
    t.match(english.body, en)
    const welsh = await app.inject({ url, headers: { cookie: 'lang=cy' } })
    t.match(welsh.body, '<html lang="cy"')
    t.match(welsh.body, cy)
    t.match(welsh.body, `href="${url}?lang=en"`, 'with a switch back to English')
  }
})

t.test('the accessibility statement says how to report a problem: to the team of the survey', async (t) => {
  const app = await buildTestApp(t)
  const page = (await app.inject('/accessibility')).body
  t.match(page, 'contact the research team of the survey you were invited to')
  t.match(page, 'with JavaScript turned off')
  t.match(page, 'success criterion 1.4.10 (reflow)', 'says what is known not to work')
  t.match(page, 'This statement was prepared on')
})

/** Every cookie the app sets on the way through (pages, a language choice, a sign-in), with how long it lasts. */
async function cookiesSet(app: FastifyInstance): Promise<Map<string, string>> {
  const wave = await openTestWave(app)
  const names = new Map<string, string>()
  const record = (res: { headers: Record<string, unknown> }) => {
    for (const header of ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? [])) {
      const lifetime = /Max-Age=(\d+)/.exec(header)?.[1] ?? (/Expires=/.test(header) ? 'expires' : 'browser session')
      names.set(header.split('=')[0], lifetime)
    }
  }
  for (const url of ['/', '/cookies?lang=cy', `/r/${wave.tokens.E06000001}`, `/r/${wave.tokens.E06000001}/pages/about_respondent?lang=en`, '/no-such-page']) record(await app.inject(url))
  const { createUser } = await import('../../src/accounts/users.js')
  await createUser(app.db, { email: 'cookie-test@example.org', name: 'Cookie Test', role: 'admin', password: 'correct horse battery staple' })
  const login = await formSession(app, '/login')
  const signedIn = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: login.cookie }, payload: form({ _csrf: login.token, email: 'cookie-test@example.org', password: 'correct horse battery staple', next: '/admin' }) })
  t.equal(signedIn.statusCode, 303, 'signed in')
  record(signedIn)
  return names
}

t.test('the cookies page names exactly the cookies the service sets, and asks for no consent', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const set = await cookiesSet(app)
  t.same(Object.fromEntries(set), { _csrf: 'browser session', lang: String(365 * 24 * 3600), sid: 'browser session' }, 'the cookies seen on the way through, and how long they last')
  const page = (await app.inject('/cookies')).body
  const listed = Object.fromEntries([...page.matchAll(/<th scope="row" class="govuk-table__header"><code>([^<]+)<\/code><\/th>\s*<td[^>]*>[^<]*<\/td>\s*<td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]))
  t.same(Object.keys(listed).sort(), [...set.keys()].sort(), 'every cookie set is listed, and nothing else')
  t.equal(listed._csrf, 'When you close your browser')
  t.equal(listed.lang, 'After 1 year')
  t.match(listed.sid, /close your browser.*12 hours/, 'the session cookie ends with the browser, the sign-in after 12 hours')
  t.notMatch(page, /<form|<button/, 'no consent banner or form: there is nothing optional to accept')
})
