// The research team's pages: every survey and version, each version's questions, what changed
// between versions; bad and unknown addresses get clear 4xx pages.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { DefinitionError } from '../../src/questionnaire/problems.js'
import { buildTestApp, FIXTURES, signIn, testConfig } from '../helpers/app.js'

t.test('the surveys page lists every version with links to preview and changes', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app, 'analyst')
  const res = await app.inject({ url: '/surveys', headers: { cookie } })
  t.equal(res.statusCode, 200)
  for (const link of ['/preview/la-release-social-care/2015-16', '/preview/la-release-social-care/2020', '/preview/prison-peer-social-care/2024', '/surveys/la-release-social-care/2020/changes']) {
    t.match(res.body, `href="${link}"`, `links to ${link}`)
  }
  t.match(res.headers['content-security-policy'], /default-src 'self'/)
})

t.test('a version page lists its questions, codes and skip logic', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  const res = await app.inject({ url: '/surveys/la-release-social-care/2020', headers: { cookie } })
  t.equal(res.statusCode, 200)
  t.match(res.body, '<code>release_notice</code>')
  t.match(res.body, '3 Less than two weeks')
  t.match(res.body, 'Shown only when self_referral is Yes (1)')
})

t.test('the changes page shows rewording side by side, recodes and drops', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  const res = await app.inject({ url: '/surveys/la-release-social-care/2020/changes', headers: { cookie } })
  t.equal(res.statusCode, 200)
  t.match(res.body, 'What changed from 2015-16 to 2020')
  t.match(res.body, /<del>How many of the people assessed were found to have eligible needs\?<\/del>/)
  t.match(res.body, /<ins>How many people in prison had a care and support plan/)
  t.match(res.body, /4 Less than a week<\/td><td class="govuk-table__cell">3 Less than two weeks/)
  t.match(res.body, 'Few authorities could separate this spending')
  const first = await app.inject({ url: '/surveys/la-release-social-care/2015-16/changes', headers: { cookie } })
  t.match(first.body, 'This is the first version of the survey')
  const unknown = await app.inject({ url: '/surveys/la-release-social-care/2020/changes?from=1999', headers: { cookie } })
  t.equal(unknown.statusCode, 404)
})

t.test('bad and unknown addresses get a 4xx page, never a 500', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  const cases: [string, number][] = [
    ['/surveys/la-release-social-care/1999', 404],
    ['/surveys/Not_A_Survey/2020', 400],
    ['/preview/la-release-social-care/2020/pages/no_such_page', 404],
    ['/preview/la-release-social-care/2020/pages/Bad-Page', 400],
    [`/surveys/${'x'.repeat(300)}/1`, 414],
    ['/surveys/la-release-social-care/2020/changes?from=%3Cscript%3E', 400],
    ['/nowhere', 404],
  ]
  for (const [url, status] of cases) {
    const res = await app.inject({ url, headers: { cookie } })
    t.equal(res.statusCode, status, `${url.slice(0, 60)} -> ${status}`)
    t.match(res.headers['content-type'], /text\/html/)
    t.notMatch(res.body, /<script>/)
  }
})

t.test('unknown addresses are rate-limited so links cannot be enumerated', async (t) => {
  const app = await buildTestApp(t)
  let last = 0
  for (let i = 0; i < 35; i++) last = (await app.inject(`/guess-${i}`)).statusCode
  t.equal(last, 429)
})

t.test('the server refuses to start with an invalid definition, and says where', async (t) => {
  const config = await testConfig(t, { surveysDir: `${FIXTURES}/lineage-broken` })
  const err = await buildApp(config, { logger: false }).catch((e: unknown) => e)
  t.type(err, DefinitionError)
  t.match((err as Error).message, /5 problems in questionnaire definitions:\n {2}test\/fixtures\/lineage-broken\/demo\/2\.yaml:3:11 previous: question "budget"/)
})

t.test('the stylesheet is served without the GDS Transport font', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject('/assets/app.css')
  t.equal(res.statusCode, 200, 'run "npm run build" first')
  t.match(res.body, '.govuk-button')
  t.notMatch(res.body, /GDS Transport|@font-face/)
})
