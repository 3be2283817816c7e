// A respondent can always reach the research team: every page of the journey, and every page
// that says a link cannot be used while the wave is known, names the team and its e-mail
// address in the same "Get help" block, in the respondent's language, escaped like any text.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { closeWave, createWave, inviteOrganisations, reissueLink } from '../../src/waves/waves.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { buildTestApp, FIXTURES, form, formSession, signIn } from '../helpers/app.js'
import { issueLinks } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const TEAM = 'Care & <Study> "Team"'
const TEAM_ESCAPED = 'Care &amp; &lt;Study&gt; &quot;Team&quot;'

async function bilingualWave(app: FastifyInstance, options: { prefix?: string; status?: 'draft' | 'open' } = {}) {
  const { prefix = 'W', status } = options
  const organisations = []
  for (const code of [`${prefix}1`, `${prefix}2`, `${prefix}3`]) {
    organisations.push(await createOrganisation(app.db, { code, name: `HMP ${code}`, type: 'prison', contacts: [{ name: 'Rhys', email: `rhys-${code.toLowerCase()}@example.org` }] }))
  }
  const waveId = await createWave(app.db, { surveyId: 'welsh-prisons', version: '1', label: '2026', teamName: TEAM, teamEmail: 'study@example.org', status })
  await inviteOrganisations(app.db, waveId, organisations)
  const tokens = await issueLinks(app, waveId, organisations)
  return { waveId, organisations, tokens: organisations.map((o) => tokens.get(o)!) }
}

/** The "Get help" blocks on a page, as HTML. */
function helpBlocks(html: string): string[] {
  return [...html.matchAll(/<div class="govuk-grid-row app-get-help">([\s\S]*?)<\/div>\s*<\/div>/g)].map((m) => m[1])
}

function hasTeamHelp(t: Test, html: string, what: string) {
  const blocks = helpBlocks(html)
  t.equal(blocks.length, 1, `${what}: one help block`)
  t.match(blocks[0] ?? '', `If you have a question about this survey, contact ${TEAM_ESCAPED} at <a class="govuk-link" href="mailto:study@example.org">study@example.org</a>.`, `${what}: names the team and links its address`)
  t.notMatch(html, '<Study>', `${what}: the team's name is escaped`)
}

async function post(app: FastifyInstance, url: string, fields: Record<string, string>, formUrl = url, session?: { token: string; cookie: string }) {
  const s = session ?? (await formSession(app, formUrl))
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, ...fields }) })
}

t.test('every page of the journey names the team and its e-mail address', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const { tokens } = await bilingualWave(app)
  const base = `/r/${tokens[0]}`

  hasTeamHelp(t, (await app.inject(base)).body, 'task list')
  hasTeamHelp(t, (await app.inject(`${base}/pages/scheme_page`)).body, 'question page')
  const invalid = await post(app, `${base}/pages/scheme_page`, { _page_version: '0', has_scheme: '1', buddies: 'lots' })
  t.equal(invalid.statusCode, 400)
  hasTeamHelp(t, invalid.body, 'question page with errors')
  t.ok(invalid.body.indexOf('govuk-error-summary') < invalid.body.indexOf('app-get-help'), 'the error summary comes first, the help block after the form')
  hasTeamHelp(t, (await app.inject(`${base}/saved?page=scheme_page`)).body, 'saved page')
  t.equal((await post(app, `${base}/pages/scheme_page`, { _page_version: '0', has_scheme: '2', buddies: '0' })).statusCode, 303)
  t.equal((await post(app, `${base}/pages/views_page`, { _page_version: '0', comments: '' })).statusCode, 303)
  hasTeamHelp(t, (await app.inject(`${base}/check`)).body, 'check answers')
  hasTeamHelp(t, (await app.inject(`${base}/print`)).body, 'print copy before submission')
  hasTeamHelp(t, (await app.inject(`${base}/privacy`)).body, 'privacy notice')

  // Kept for a save tried after submission, when no page of the response has a form any more.
  const session = await formSession(app, `${base}/check`)
  const submitted = await post(app, `${base}/submit`, {}, `${base}/check`, session)
  t.equal(submitted.statusCode, 303)
  hasTeamHelp(t, (await app.inject(submitted.headers.location!)).body, 'confirmation')
  hasTeamHelp(t, (await app.inject(base)).body, 'submitted')
  hasTeamHelp(t, (await app.inject(`${base}/print`)).body, 'print copy after submission')
  const refused = await post(app, `${base}/pages/views_page`, { _page_version: '1', comments: 'late' }, base, session)
  t.equal(refused.statusCode, 409)
  hasTeamHelp(t, refused.body, 'a save refused after submission')

  const welsh = await app.inject({ url: `${base}/print`, headers: { cookie: 'lang=cy' } })
  t.match(helpBlocks(welsh.body)[0], `Os oes gennych gwestiwn am yr arolwg hwn, cysylltwch â ${TEAM_ESCAPED} ar <a class="govuk-link" href="mailto:study@example.org">study@example.org</a>.`, 'in Welsh for a Welsh reader')
  t.match(helpBlocks(welsh.body)[0], 'Cael help')
})

t.test('pages saying a link cannot be used name the team when the wave is known', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const open = await bilingualWave(app)
  await reissueLink(app.db, open.waveId, open.organisations[0], { catalogue: app.catalogue })
  const revoked = await app.inject(`/r/${open.tokens[0]}`)
  t.equal(revoked.statusCode, 410)
  t.match(revoked.body, 'This link has been replaced')
  hasTeamHelp(t, revoked.body, 'replaced link')
  const openPage = `/r/${open.tokens[2]}/pages/scheme_page`
  const beforeClosing = await formSession(app, openPage)
  await closeWave(app.db, open.waveId)
  const closed = await app.inject(`/r/${open.tokens[1]}/pages/scheme_page`)
  t.equal(closed.statusCode, 410)
  hasTeamHelp(t, closed.body, 'closed wave')
  const late = await post(app, openPage, { _page_version: '0', has_scheme: '1', buddies: '4' }, openPage, beforeClosing)
  t.equal(late.statusCode, 410)
  t.match(late.body, 'Your answers were not saved')
  hasTeamHelp(t, late.body, 'a save after the wave closed')
  t.equal(late.body.split('href="mailto:study@example.org"').length - 1, 1, 'the address is given once, in the help block')

  const draft = await bilingualWave(app, { prefix: 'D', status: 'draft' })
  const notOpen = await app.inject(`/r/${draft.tokens[0]}`)
  t.equal(notOpen.statusCode, 403)
  hasTeamHelp(t, notOpen.body, 'wave not open yet')

  const unknown = await app.inject(`/r/${'B'.repeat(43)}`)
  t.equal(unknown.statusCode, 404)
  t.same(helpBlocks(unknown.body), [], 'an unknown link names no team')
  t.match(unknown.body, 'contact the research team who sent you the link')
})

t.test('the preview has no wave, so no team to name', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual` })
  const cookie = await signIn(app)
  const page = await app.inject({ url: '/preview/welsh-prisons/1/pages/scheme_page', headers: { cookie } })
  t.equal(page.statusCode, 200)
  t.same(helpBlocks(page.body), [])
})
