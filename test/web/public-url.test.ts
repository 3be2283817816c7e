// Every link the server shows points where the server is (PUBLIC_URL), never where the request's
// Host header says: a forged header must not put someone else's address beside a personal link.
import t from 'tap'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const PUBLIC_URL = 'https://survey.example.org'
const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' }

// inject() comes from 127.0.0.1: trusting it makes the forged headers those of a trusted proxy.
for (const trustProxy of [false as const, ['127.0.0.1']]) {
  t.test(`the "saved" page shows the link at PUBLIC_URL whatever Host says${trustProxy ? ' (behind a trusted proxy)' : ''}`, async (t) => {
    const app = await buildTestApp(t, { publicUrl: PUBLIC_URL, trustProxy })
    const wave = await openTestWave(app)
    const token = wave.tokens.E06000001
    const res = await app.inject({ url: `/r/${token}/saved?page=about_respondent`, headers: FORGED })
    t.equal(res.statusCode, 200)
    t.match(res.body, `<code>${PUBLIC_URL}/r/${token}</code>`)
    t.notMatch(res.body, 'evil.example')
  })
}

t.test('the team’s pages show links and previews at PUBLIC_URL whatever Host says', async (t) => {
  const app = await buildTestApp(t, { publicUrl: PUBLIC_URL, trustProxy: ['127.0.0.1'] })
  const wave = await openTestWave(app)
  const cookie = await signIn(app)
  const page = `/admin/waves/${wave.waveId}/organisations/${wave.organisationIds.E06000001}`
  const s = await formSession(app, page, cookie)
  const organisation = await app.inject({ method: 'POST', url: `${page}/link`, headers: { ...FORGED, cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token }) })
  t.equal(organisation.statusCode, 200)
  t.match(organisation.body, new RegExp(`<code id="issued-link">${PUBLIC_URL.replace(/\./g, '\\.')}/r/[A-Za-z0-9_-]{43}</code>`), 'a link made for the team')
  t.notMatch(organisation.body, 'evil.example')
  const messages = await app.inject({ url: `/admin/waves/${wave.waveId}/messages`, headers: { ...FORGED, cookie } })
  t.equal(messages.statusCode, 200)
  t.match(messages.body, `${PUBLIC_URL}/r/`)
  t.notMatch(messages.body, 'evil.example')
})
