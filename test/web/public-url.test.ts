// Every link the server shows points where the server is (PUBLIC_URL), never where the request's
// Host header says: a forged header must not put someone else's address beside a personal link.
import t from 'tap'
import { buildTestApp, signIn } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const PUBLIC_URL = 'https://survey.example.org'
const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' }

for (const trustProxy of [false, true]) {
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
  const app = await buildTestApp(t, { publicUrl: PUBLIC_URL, trustProxy: true })
  const wave = await openTestWave(app)
  const cookie = await signIn(app)
  const organisation = await app.inject({ url: `/admin/waves/${wave.waveId}/organisations/${wave.organisationIds.E06000001}`, headers: { ...FORGED, cookie } })
  t.equal(organisation.statusCode, 200)
  t.match(organisation.body, `${PUBLIC_URL}/r/${wave.tokens.E06000001}`)
  t.notMatch(organisation.body, 'evil.example')
  const messages = await app.inject({ url: `/admin/waves/${wave.waveId}/messages`, headers: { ...FORGED, cookie } })
  t.equal(messages.statusCode, 200)
  t.match(messages.body, `${PUBLIC_URL}/r/`)
  t.notMatch(messages.body, 'evil.example')
})
