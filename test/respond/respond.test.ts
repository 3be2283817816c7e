// The respondent journey at the HTTP level: saving, colleagues' conflicts, submitting once,
// links that do not work, and one organisation never reaching another's response.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { loadResponse, reopenResponse } from '../../src/respond/responses.js'
import { closeWave, reissueLink } from '../../src/waves/waves.js'
import { buildTestApp, FIXTURES, form, formSession } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function post(app: FastifyInstance, url: string, fields: Record<string, string | string[]>, session?: { token: string; cookie: string }) {
  const s = session ?? (await formSession(app, url.replace(/\/submit$/, '/check')))
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, ...fields }) })
}

async function responseOf(app: FastifyInstance, organisationId: string) {
  return app.db.selectFrom('responses').selectAll().where('organisation_id', '=', organisationId).executeTakeFirstOrThrow()
}

/** Saves every page of the bilingual fixture so the response is complete. */
async function completeFixture(app: FastifyInstance, base: string) {
  await post(app, `${base}/pages/scheme_page`, { _page_version: '0', has_scheme: '2', buddies: '0' }, await formSession(app, `${base}/pages/scheme_page`))
  await post(app, `${base}/pages/views_page`, { _page_version: '0', comments: 'All fine' }, await formSession(app, `${base}/pages/views_page`))
}

t.test('saving a page stores the answers and moves on; "come back later" keeps partial answers', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app)
  const base = `/r/${wave.tokens.E06000001}`
  const session = await formSession(app, `${base}/pages/about_respondent`)
  const saved = await post(app, `${base}/pages/about_respondent`, { _page_version: '0', respondent_role: '2', respondent_team: 'Adult social care' }, session)
  t.equal(saved.statusCode, 303)
  t.equal(saved.headers.location, `${base}/pages/about_area`)
  const later = await post(app, `${base}/pages/about_area`, { _page_version: '0', _action: 'later', prisons_in_area: '' }, await formSession(app, `${base}/pages/about_area`))
  t.equal(later.statusCode, 303, 'an empty required answer is fine when saving for later')
  t.match(later.headers.location, `${base}/saved`)
  const stored = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000001)).id)
  t.same(stored.answers, { respondent_role: { code: 2 }, respondent_team: { value: 'Adult social care' } })
  t.equal(stored.pages.get('about_area')?.completed, false)
  const start = await app.inject(base)
  t.match(start.body, 'In progress')
})

t.test('a colleague’s stale save is refused and shown, not applied', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app)
  const base = `/r/${wave.tokens.E06000001}`
  const page = `${base}/pages/about_respondent`
  // Both colleagues open the page while it has never been saved (version 0).
  const anna = await formSession(app, page)
  const ben = await formSession(app, page)
  t.match(anna.html, 'name="_page_version" value="0"')
  const first = await post(app, page, { _page_version: '0', respondent_role: '1', respondent_team: 'Anna’s team' }, anna)
  t.equal(first.statusCode, 303)
  const second = await post(app, page, { _page_version: '0', respondent_role: '3', respondent_team: 'Ben’s team' }, ben)
  t.equal(second.statusCode, 409)
  t.match(second.body, 'A colleague changed this page')
  t.match(second.body, 'Anna’s team', 'shows the colleague’s answers')
  t.match(second.body, 'value="Ben’s team"', 'keeps what Ben typed')
  t.match(second.body, 'name="_page_version" value="1"', 'Ben can now choose to save over it')
  const stored = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000001)).id)
  t.same(stored.answers.respondent_team, { value: 'Anna’s team' }, 'the stale save was not applied')

  const deliberate = await post(app, page, { _page_version: '1', respondent_role: '3', respondent_team: 'Ben’s team' }, ben)
  t.equal(deliberate.statusCode, 303, 'saving again after seeing the conflict replaces the answers')
  const after = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000001)).id)
  t.same(after.answers.respondent_team, { value: 'Ben’s team' })
  t.equal(after.pages.get('about_respondent')?.version, 2)
})

t.test('two saves racing on the same version: exactly one wins', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app)
  const page = `/r/${wave.tokens.E06000001}/pages/about_respondent`
  const a = await formSession(app, page)
  const b = await formSession(app, page)
  const results = await Promise.all([post(app, page, { _page_version: '0', respondent_role: '1' }, a), post(app, page, { _page_version: '0', respondent_role: '2' }, b)])
  t.same(results.map((r) => r.statusCode).sort(), [303, 409])
})

t.test('a double submit makes one submission and one confirmation e-mail', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const base = `/r/${wave.tokens.E06000001}`
  await completeFixture(app, base)
  const session = await formSession(app, `${base}/check`)
  t.match(session.html, 'Submit')
  const [one, two] = await Promise.all([post(app, `${base}/submit`, {}, session), post(app, `${base}/submit`, {}, session)])
  t.same([one.statusCode, two.statusCode], [303, 303])
  t.equal(one.headers.location, `${base}/confirmation`)
  const again = await post(app, `${base}/submit`, {}, session)
  t.equal(again.headers.location, `${base}/confirmation`)
  const response = await responseOf(app, wave.organisationIds.E06000001)
  t.equal(response.status, 'submitted')
  const messages = await app.db.selectFrom('outbox').selectAll().execute()
  t.equal(messages.length, 1, 'one confirmation queued')
  t.equal(messages[0].to_address, 'contact-e06000001@example.org')
  const confirmation = await app.inject(`${base}/confirmation`)
  t.match(confirmation.body, response.reference)
})

t.test('a submitted response cannot be changed through the link; the team can reopen it', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const base = `/r/${wave.tokens.E06000001}`
  await completeFixture(app, base)
  const session = await formSession(app, `${base}/pages/views_page`)
  await post(app, `${base}/submit`, {}, await formSession(app, `${base}/check`))
  const change = await post(app, `${base}/pages/views_page`, { _page_version: '1', comments: 'Changed afterwards' }, session)
  t.equal(change.statusCode, 409)
  t.match(change.body, 'already been submitted')
  const responseId = (await responseOf(app, wave.organisationIds.E06000001)).id
  t.same((await loadResponse(app.db, responseId)).answers.comments, { value: 'All fine' })
  t.equal((await app.inject(`${base}/pages/views_page`)).statusCode, 303, 'question pages redirect to the read-only view')
  t.match((await app.inject(base)).body, 'Your organisation has submitted its response')

  t.ok(await reopenResponse(app.db, responseId))
  const reopened = await post(app, `${base}/pages/views_page`, { _page_version: '1', comments: 'Changed after reopening' }, await formSession(app, `${base}/pages/views_page`))
  t.equal(reopened.statusCode, 303)
  t.same((await loadResponse(app.db, responseId)).answers.comments, { value: 'Changed after reopening' })
})

t.test('answers to questions that end up hidden are not kept in the submitted response', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const base = `/r/${wave.tokens.E06000001}`
  await post(app, `${base}/pages/scheme_page`, { _page_version: '0', has_scheme: '1', buddies: '12' }, await formSession(app, `${base}/pages/scheme_page`))
  await post(app, `${base}/pages/scheme_details`, { _page_version: '0', tasks: ['1', '3'], tasks__other: 'Letters' }, await formSession(app, `${base}/pages/scheme_details`))
  // The scheme is then said not to exist: the scheme details are hidden.
  await post(app, `${base}/pages/scheme_page`, { _page_version: '1', has_scheme: '2', buddies: '0' }, await formSession(app, `${base}/pages/scheme_page`))
  await post(app, `${base}/pages/views_page`, { _page_version: '0', comments: '' }, await formSession(app, `${base}/pages/views_page`))
  const check = await app.inject(`${base}/check`)
  t.notMatch(check.body, 'Letters')
  await post(app, `${base}/submit`, {}, await formSession(app, `${base}/check`))
  const stored = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000001)).id)
  t.same(Object.keys(stored.answers).sort(), ['buddies', 'has_scheme'])
})

t.test('the submit button only works when every needed section is complete', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const base = `/r/${wave.tokens.E06000001}`
  const check = await app.inject(`${base}/check`)
  t.notMatch(check.body, 'action="/r/', 'no submit form is offered')
  const res = await post(app, `${base}/submit`, {}, await formSession(app, `${base}/pages/scheme_page`))
  t.equal(res.statusCode, 409)
  t.match(res.body, 'Some sections are not complete yet')
  t.equal((await responseOf(app, wave.organisationIds.E06000001)).status, 'not_started')
})

t.test('forms without a valid CSRF token are refused', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app)
  const page = `/r/${wave.tokens.E06000001}/pages/about_respondent`
  const session = await formSession(app, page)
  const missing = await app.inject({ method: 'POST', url: page, headers: { ...FORM, cookie: session.cookie }, payload: form({ _page_version: '0', respondent_role: '1' }) })
  t.equal(missing.statusCode, 403)
  const forged = await app.inject({ method: 'POST', url: page, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: `${session.token}x`, _page_version: '0', respondent_role: '1' }) })
  t.equal(forged.statusCode, 403)
  const noCookie = await app.inject({ method: 'POST', url: page, headers: FORM, payload: form({ _csrf: session.token, _page_version: '0', respondent_role: '1' }) })
  t.equal(noCookie.statusCode, 403)
  const submit = await app.inject({ method: 'POST', url: `/r/${wave.tokens.E06000001}/submit`, headers: { ...FORM, cookie: session.cookie }, payload: '' })
  t.equal(submit.statusCode, 403)
  const stored = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000001)).id)
  t.same(stored.answers, {}, 'nothing was saved')
})

t.test('one organisation’s link never reads or writes another organisation’s response', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app)
  const mine = `/r/${wave.tokens.E06000001}`
  const theirs = `/r/${wave.tokens.E06000002}`
  await post(app, `${theirs}/pages/about_respondent`, { _page_version: '0', respondent_role: '1', respondent_team: 'Their secret team' }, await formSession(app, `${theirs}/pages/about_respondent`))
  for (const url of [mine, `${mine}/pages/about_respondent`, `${mine}/check`, `${mine}/print`]) {
    t.notMatch((await app.inject(url)).body, 'Their secret team', `${url} shows nothing of the other organisation`)
  }
  // A session (cookie and CSRF token) from the other organisation's page cannot be used to write to mine... and only writes to the link's own response.
  const theirSession = await formSession(app, `${theirs}/pages/about_respondent`)
  const write = await post(app, `${mine}/pages/about_respondent`, { _page_version: '0', respondent_role: '4', respondent_team: 'Written via my link' }, theirSession)
  t.equal(write.statusCode, 303)
  const mineStored = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000001)).id)
  const theirsStored = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000002)).id)
  t.same(mineStored.answers.respondent_team, { value: 'Written via my link' })
  t.same(theirsStored.answers.respondent_team, { value: 'Their secret team' }, 'the other response is untouched')
})

t.test('unknown, revoked and closed links get clear pages with the right status', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app)
  const unknown = await app.inject(`/r/${'B'.repeat(43)}`)
  t.equal(unknown.statusCode, 404)
  t.match(unknown.body, 'This link is not recognised')
  t.notMatch(unknown.body, 'Authority', 'says nothing about any organisation')
  t.equal((await app.inject('/r/short')).statusCode, 404)
  // Replacing a link revokes the old one.
  await reissueLink(app.db, wave.waveId, wave.organisationIds.E06000001, { catalogue: app.catalogue })
  const revoked = await app.inject(`/r/${wave.tokens.E06000001}`)
  t.equal(revoked.statusCode, 410)
  t.match(revoked.body, 'This link has been replaced')
  t.match(revoked.body, 'study@example.org')
  await closeWave(app.db, wave.waveId)
  const closed = await app.inject(`/r/${wave.tokens.E06000002}/pages/about_respondent`)
  t.equal(closed.statusCode, 410)
  t.match(closed.body, 'This survey has closed')
})

t.test('a wave past its deadline takes no more answers', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app, { closesAt: '2020-01-01T00:00:00.000Z' })
  const res = await app.inject(`/r/${wave.tokens.E06000001}`)
  t.equal(res.statusCode, 410)
})

t.test('an oversized form gets a clear 413 and changes nothing', async (t) => {
  const app = await buildTestApp(t, { bodyLimit: 10_000 })
  const wave = await openTestWave(app)
  const page = `/r/${wave.tokens.E06000001}/pages/about_respondent`
  const res = await post(app, page, { _page_version: '0', respondent_role: '1', respondent_team: 'x'.repeat(20_000) })
  t.equal(res.statusCode, 413)
  t.match(res.body, 'What you sent is too large')
})

t.test('in Welsh: the switch keeps the place and saved answers, and every message is Welsh', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const base = `/r/${wave.tokens.E06000001}`
  const english = await formSession(app, `${base}/pages/scheme_page`)
  await post(app, `${base}/pages/scheme_page`, { _page_version: '0', _action: 'later', has_scheme: '1', buddies: '' }, english)
  const welsh = await app.inject({ url: `${base}/pages/scheme_page?lang=cy`, headers: { cookie: english.cookie } })
  t.match(welsh.body, '<html lang="cy"')
  t.match(welsh.body, 'Oes gan eich carchar gynllun cyfeillion?')
  t.match(welsh.body, /id="has_scheme-0"[^>]*value="1" checked/, 'the saved answer is still there')
  t.match(welsh.body, 'Cadw a pharhau')
  t.match(String(welsh.headers['set-cookie']), /lang=cy/)
  const cookie = `${english.cookie}; lang=cy`
  const session = await formSession(app, `${base}/pages/scheme_page`, cookie)
  const errors = await post(app, `${base}/pages/scheme_page`, { _page_version: '1', has_scheme: '1', buddies: 'llawer' }, session)
  t.equal(errors.statusCode, 400)
  t.match(errors.body, 'Mae problem wedi codi')
  t.match(errors.body, 'Rhowch rif cyfan, fel 12')
  const start = await app.inject({ url: base, headers: { cookie } })
  t.match(start.body, 'Rydych wedi cwblhau 0 o 2 adran')
  t.match(start.body, 'Ar y gweill')
})

t.test('whatever a respondent types is escaped on every page that shows it', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const base = `/r/${wave.tokens.E06000001}`
  const payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
  await post(app, `${base}/pages/scheme_page`, { _page_version: '0', has_scheme: '2', buddies: '0' }, await formSession(app, `${base}/pages/scheme_page`))
  await post(app, `${base}/pages/views_page`, { _page_version: '0', comments: payload }, await formSession(app, `${base}/pages/views_page`))
  for (const url of [`${base}/pages/views_page`, `${base}/check`, `${base}/print`]) {
    const body = (await app.inject(url)).body
    t.notMatch(body, '<script>alert', url)
    t.notMatch(body, '<img src=x', url)
    t.match(body, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;', url)
  }
})

t.test('"continue where you left off" leads to the first section still to do, never back into a finished one', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app)
  const base = `/r/${wave.tokens.E06000001}`
  t.notMatch((await app.inject(base)).body, 'Continue where you left off', 'nothing saved yet: nothing to continue')
  await post(app, `${base}/pages/about_respondent`, { _page_version: '0', respondent_role: '2' }, await formSession(app, `${base}/pages/about_respondent`))
  let start = await app.inject(base)
  t.match(start.body, `href="${base}/pages/about_area">Continue where you left off: Prisons in your area`)
  // The last page saved finishes the first section: continue goes on to the next section.
  await post(app, `${base}/pages/about_area`, { _page_version: '0', prisons_in_area: '1' }, await formSession(app, `${base}/pages/about_area`))
  start = await app.inject(base)
  t.match(start.body, `href="${base}/pages/arrangements">Continue where you left off: How social care is organised`)
  // A colleague then saves a page of a later section: the earlier section still to do comes first.
  await post(app, `${base}/pages/training`, { _page_version: '0', _action: 'later' }, await formSession(app, `${base}/pages/training`))
  start = await app.inject(base)
  t.match(start.body, `href="${base}/pages/arrangements">Continue where you left off`)
})

t.test('a save whose CSRF cookie has gone shows the page again with what was typed, and saves on the next click', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app)
  const page = `/r/${wave.tokens.E06000001}/pages/about_respondent`
  const session = await formSession(app, page)
  // The browser was restarted: the cookie is gone, the form (and its token) is still on screen.
  const typed = { _csrf: session.token, _page_version: '0', respondent_role: '5', respondent_role__other: 'Head of <prison> partnerships', respondent_team: 'Adult social care' }
  const expired = await app.inject({ method: 'POST', url: page, headers: FORM, payload: form(typed) })
  t.equal(expired.statusCode, 403)
  t.match(expired.body, 'Your answers on this page have not been saved yet')
  t.match(expired.body, /id="respondent_role-4"[^>]*value="5" checked/, 'the choice is kept')
  t.match(expired.body, 'value="Head of &lt;prison&gt; partnerships"', 'the text is kept, escaped')
  t.match(expired.body, 'value="Adult social care"')
  const stored = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000001)).id)
  t.same(stored.answers, {}, 'nothing saved from the expired form')
  // The page came back with a new cookie and token: saving again works.
  const cookie = ([] as string[]).concat(expired.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ')
  const token = /name="_csrf" value="([^"]+)"/.exec(expired.body)![1]
  const again = await app.inject({ method: 'POST', url: page, headers: { ...FORM, cookie }, payload: form({ ...typed, _csrf: token }) })
  t.equal(again.statusCode, 303)
  const saved = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000001)).id)
  t.same(saved.answers.respondent_role, { code: 5, other: 'Head of <prison> partnerships' })
})

t.test('a submit whose CSRF cookie has gone shows check answers again, with the copy address kept', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const base = `/r/${wave.tokens.E06000001}`
  await completeFixture(app, base)
  const session = await formSession(app, `${base}/check`)
  const res = await app.inject({ method: 'POST', url: `${base}/submit`, headers: FORM, payload: form({ _csrf: session.token, copy_to: 'deputy@example.org' }) })
  t.equal(res.statusCode, 403)
  t.match(res.body, 'Your response has not been submitted yet')
  t.match(res.body, 'value="deputy@example.org"')
  t.match(res.body, 'action="/r/', 'the submit button is there')
  t.equal((await responseOf(app, wave.organisationIds.E06000001)).status, 'in_progress')
})

t.test('mid-page when the wave closes: the save is refused with what was typed, what was saved stays readable', async (t) => {
  const app = await buildTestApp(t)
  const wave = await openTestWave(app)
  const base = `/r/${wave.tokens.E06000001}`
  await post(app, `${base}/pages/about_respondent`, { _page_version: '0', respondent_role: '2', respondent_team: 'Saved before closing' }, await formSession(app, `${base}/pages/about_respondent`))
  const open = await formSession(app, `${base}/pages/about_area`)
  await closeWave(app.db, wave.waveId)
  const late = await post(app, `${base}/pages/about_area`, { _page_version: '0', prisons_in_area: '3' }, open)
  t.equal(late.statusCode, 410)
  t.match(late.body, 'Your answers were not saved: the survey has closed')
  t.match(late.body, 'How many prisons are there in your local authority area?')
  t.match(late.body, '3 prisons', 'what was typed is shown back')
  t.match(late.body, `href="${base}/print"`)
  const stored = await loadResponse(app.db, (await responseOf(app, wave.organisationIds.E06000001)).id)
  t.same(Object.keys(stored.answers), ['respondent_role', 'respondent_team'], 'nothing saved after closing; earlier answers kept')
  const start = await app.inject(base)
  t.equal(start.statusCode, 410)
  t.match(start.body, 'This survey has closed')
  t.match(start.body, `href="${base}/print"`, 'the closed page offers what was saved')
  t.match(start.body, `href="${base}/privacy"`, 'and its footer leads to the wave’s own privacy notice')
  t.equal((await app.inject(`${base}/privacy`)).statusCode, 200)
  const print = await app.inject(`${base}/print`)
  t.equal(print.statusCode, 200)
  t.match(print.body, 'Saved before closing')
  const untouched = await app.inject(`/r/${wave.tokens.E06000002}`)
  t.notMatch(untouched.body, '/print"', 'nothing saved: nothing to print')
})

t.test('in Welsh, an expired form and a save after closing say so in Welsh and keep what was typed', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const page = `/r/${wave.tokens.E06000001}/pages/scheme_page`
  const session = await formSession(app, `${page}?lang=cy`)
  const typed = { _csrf: session.token, _page_version: '0', has_scheme: '1', buddies: '14' }
  const expired = await app.inject({ method: 'POST', url: page, headers: { ...FORM, cookie: 'lang=cy' }, payload: form(typed) })
  t.equal(expired.statusCode, 403)
  t.match(expired.body, 'Nid yw eich atebion ar y dudalen hon wedi’u cadw eto')
  t.match(expired.body, 'value="14"')
  await closeWave(app.db, wave.waveId)
  const late = await post(app, page, typed, { ...session, cookie: `${session.cookie}; lang=cy` })
  t.equal(late.statusCode, 410)
  t.match(late.body, 'Ni chadwyd eich atebion: mae’r arolwg wedi cau')
  t.match(late.body, '14 cyfeillion', 'what was typed, with the Welsh unit')
})
