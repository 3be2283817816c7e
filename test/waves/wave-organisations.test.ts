// Every organisation of a wave can be found: listed by status (submitted ones with their reference
// and date), searched by name, code or reference, a page at a time; its own page works whatever its
// status, and a submitted response is reopened after a confirmation. A closed wave is reopened with
// a new deadline; `extend` on it refuses instead of claiming success.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { runCli } from '../../src/cli.js'
import { configFromEnv } from '../../src/config.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { closeWave, createWave, inviteOrganisations } from '../../src/waves/waves.js'
import { buildTestApp, FIXTURES, form, formSession, REAL_SURVEYS, signIn } from '../helpers/app.js'
import { issueLinkFor } from '../../src/respond/link-tokens.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function post(app: FastifyInstance, cookie: string, page: string, url: string, fields: Record<string, string> = {}) {
  const session = await formSession(app, page, cookie)
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token, ...fields }) })
}

/** 120 councils, named so that their order is known: "Council 001" … "Council 120". */
async function bigWave(app: FastifyInstance) {
  const ids: string[] = []
  for (let i = 1; i <= 120; i++) {
    const n = String(i).padStart(3, '0')
    ids.push(await createOrganisation(app.db, { code: `E${n}`, name: `Council ${n}`, type: 'local authority', attributes: { authority_type: i % 2 ? 'County' : 'Unitary' }, contacts: [{ name: `Officer ${n}`, email: `officer${n}@example.org` }] }))
  }
  ids.push(await createOrganisation(app.db, { code: 'W999', name: 'Cyngor Sir Ynys Môn 100%_', type: 'local authority', language: 'both', attributes: { authority_type: 'County' }, contacts: [{ name: 'Siân Jones', email: 'sian@example.org' }] }))
  const waveId = await createWave(app.db, { surveyId: 'la-release-social-care', version: '2020', label: '2020', closesAt: '2099-03-31T22:59:59.999Z', teamName: 'Study', teamEmail: 'study@example.org' })
  await inviteOrganisations(app.db, waveId, ids)
  return { waveId, ids }
}

t.test('the wave page lists organisations by status, searches name, code and reference, and pages', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false, scheduleWorker: false })
  const cookie = await signIn(app)
  const { waveId, ids } = await bigWave(app)
  // Councils 010 and 020 submitted; 030 in progress.
  for (const [i, status] of [[9, 'submitted'], [19, 'submitted'], [29, 'in_progress']] as const) {
    await app.db.updateTable('responses').set({ status, submitted_at: status === 'submitted' ? '2030-01-15T10:00:00.000Z' : null }).where('organisation_id', '=', ids[i]).execute()
  }
  const reference = (await app.db.selectFrom('responses').select('reference').where('organisation_id', '=', ids[19]).executeTakeFirstOrThrow()).reference
  const page = async (query = '') => (await app.inject({ url: `/admin/waves/${waveId}${query}`, headers: { cookie } })).body
  const names = (html: string) => [...html.matchAll(/href="\/admin\/waves\/[^/]+\/organisations\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1])

  const first = await page()
  t.match(first, 'Response rate by authority type', 'attributes named as labels, in a sentence')
  t.match(first, 'Not yet submitted (119)')
  t.match(first, `href="/admin/waves/${waveId}?status=submitted#organisations">Submitted (2)</a>`)
  t.match(first, 'All (121)')
  t.match(first, '119 organisations have not yet submitted. Showing 1 to 50.')
  t.equal(names(first).length, 50, 'fifty a page')
  t.equal(names(first)[0], 'Council 001')
  t.notOk(names(first).includes('Council 010'), 'submitted ones are not among those to chase')
  t.match(first, 'Page 1 of 3')
  const third = await page('?page=3')
  // 119 not submitted: Council 001 to 120 but 010 and 020, then Cyngor. The 101st is Council 103.
  t.same(names(third), [...Array.from({ length: 18 }, (_, i) => `Council ${103 + i}`), 'Cyngor Sir Ynys Môn 100%_'], 'the last page: the 101st to the 119th')

  const submitted = await page('?status=submitted')
  t.same(names(submitted), ['Council 010', 'Council 020'], 'submitted organisations are listed')
  t.match(submitted, new RegExp(`Submitted<br><span class="govuk-body-s">on 15 January 2030</span></td>\\s*<td class="govuk-table__cell">${reference}</td>`), 'with their submission date and reference')

  t.same(names(await page('?q=council%2002')), ['Council 020', 'Council 021', 'Council 022', 'Council 023', 'Council 024', 'Council 025', 'Council 026', 'Council 027', 'Council 028', 'Council 029'], 'by part of the name, any case, every status')
  t.match(await page('?q=council%2002'), '10 organisations match “council 02”.')
  t.same(names(await page('?q=e11')), ['Council 110', 'Council 111', 'Council 112', 'Council 113', 'Council 114', 'Council 115', 'Council 116', 'Council 117', 'Council 118', 'Council 119'], 'by the start of the code')
  t.same(names(await page(`?q=${reference.toLowerCase().replace('-', '')}`)), ['Council 020'], 'by reference, typed in lower case without its dash')
  t.same(names(await page('?q=100%25_')), ['Cyngor Sir Ynys Môn 100%_'], '% and _ are searched as themselves, not as wildcards')
  t.match(await page('?q=nothing-like-this'), '0 organisations match “nothing-like-this”.')
  t.match(await page('?q=%3Cscript%3E'), '0 organisations match “&lt;script&gt;”.', 'what was searched is escaped')
  t.equal((await app.inject({ url: `/admin/waves/${waveId}?page=0`, headers: { cookie } })).statusCode, 400, 'a page that cannot exist is a 400, not a 500')
  t.equal((await app.inject({ url: `/admin/waves/${waveId}?status=everything`, headers: { cookie } })).statusCode, 400)
})

t.test('a submitted organisation’s page opens, and reopening asks first, then says what it did', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false, scheduleWorker: false })
  const cookie = await signIn(app)
  const { waveId, ids } = await bigWave(app)
  await app.db.updateTable('responses').set({ status: 'submitted', submitted_at: '2030-07-15T13:05:00.000Z' }).where('organisation_id', '=', ids[0]).execute()
  const url = `/admin/waves/${waveId}/organisations/${ids[0]}`
  const page = await app.inject({ url, headers: { cookie } })
  t.equal(page.statusCode, 200, 'a submitted organisation’s page opens')
  t.match(page.body, /id="organisation-status">Submitted</)
  t.match(page.body, 'Submitted at 14:05 on 15 July 2030', 'UK time (BST)')
  t.match(page.body, `href="${url}/reopen"`)
  for (const status of ['in_progress', 'partial', 'not_started'] as const) {
    await app.db.updateTable('responses').set({ status }).where('organisation_id', '=', ids[1]).execute()
    t.equal((await app.inject({ url: `/admin/waves/${waveId}/organisations/${ids[1]}`, headers: { cookie } })).statusCode, 200, `and so does one ${status}`)
  }

  const confirm = await app.inject({ url: `${url}/reopen`, headers: { cookie } })
  t.match(confirm.body, 'Reopen the response of Council 001')
  t.match(confirm.body, 'It was submitted at 14:05 on 15 July 2030')
  t.equal((await app.db.selectFrom('responses').select('status').where('organisation_id', '=', ids[0]).executeTakeFirstOrThrow()).status, 'submitted', 'looking at the confirmation changes nothing')
  const reopened = await post(app, cookie, `${url}/reopen`, `${url}/reopen`)
  t.equal(reopened.headers.location, `${url}?done=response_reopened`)
  t.match((await app.inject({ url: reopened.headers.location!, headers: { cookie } })).body, /id="done-notice"[\s\S]*Response reopened: the organisation can change its answers and submit again/)
  t.equal((await app.db.selectFrom('responses').select('status').where('organisation_id', '=', ids[0]).executeTakeFirstOrThrow()).status, 'in_progress')
  const again = await post(app, cookie, url, `${url}/reopen`)
  t.equal(again.headers.location, `${url}?done=response_not_submitted`, 'a second click says nothing was reopened')
  t.equal((await app.db.selectFrom('audit_log').select('id').where('action', '=', 'response_reopened').execute()).length, 1)
})

t.test('launching shows what will happen first: invitations, languages, organisations without a contact, a real e-mail', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false, scheduleWorker: false })
  const cookie = await signIn(app)
  const org = (code: string, name: string, language: 'en' | 'cy' | 'both', contacts: { name: string; email: string }[]) => createOrganisation(app.db, { code, name, type: 'prison', language, contacts })
  const ids = [
    await org('P1', 'HMP Example Leeds', 'en', [{ name: 'Sam Patel', email: 'sam@leeds.example' }]),
    await org('P2', 'HMP Example Norwich', 'en', [{ name: 'Jo Smith', email: 'jo@norwich.example' }]),
    await org('P3', 'HMP Example Swansea', 'cy', [{ name: 'Dafydd Rees', email: 'dafydd@swansea.example' }]),
    await org('P4', 'HMP Example Cardiff', 'both', [{ name: 'Rhys Evans', email: 'rhys@cardiff.example' }, { name: 'Ann Jones', email: 'ann@cardiff.example' }]),
    await org('P5', 'HMP Example Nowhere', 'en', []),
  ]
  const waveId = await createWave(app.db, { surveyId: 'welsh-prisons', version: '1', label: '2026', closesAt: '2099-03-31T22:59:59.999Z', teamName: 'Prison Care Study', teamEmail: 'study@example.org', status: 'draft' })
  await inviteOrganisations(app.db, waveId, ids)

  const wavePage = await app.inject({ url: `/admin/waves/${waveId}`, headers: { cookie } })
  t.match(wavePage.body, `<a class="govuk-button" id="launch" href="/admin/waves/${waveId}/launch"`, 'the wave page leads to the confirmation')
  t.notMatch(wavePage.body, `action="/admin/waves/${waveId}/launch"`, 'and has no one-click launch')
  const confirm = await app.inject({ url: `/admin/waves/${waveId}/launch`, headers: { cookie } })
  t.match(confirm.body, /id="launch-invitations">4 organisations will be sent an invitation</)
  t.match(confirm.body, /In English: 2 organisations<\/li>\s*<li>In Welsh: 1 organisation<\/li>\s*<li>In Welsh and English: 1 organisation</)
  t.match(confirm.body, /1 organisation has no contact[\s\S]*<li>HMP Example Nowhere<\/li>/)
  t.match(confirm.body, 'This is the e-mail HMP Example Cardiff will receive.', 'a real organisation, the one with both languages')
  t.match(confirm.body, 'Rhys Evans &lt;rhys@cardiff.example&gt;, Ann Jones &lt;ann@cardiff.example&gt;')
  t.match(confirm.body, /id="launch-sample-subject">Ymatebwch os gwelwch yn dda: Gofal cymdeithasol yn y carchar \(2026\) \/ Please respond: Social care in prison \(2026\)</, 'Welsh first, as it will be sent')
  t.match(confirm.body, 'Annwyl Rhys Evans, Ann Jones')
  t.match(confirm.body, 'Launch and send 4 invitations')
  t.equal((await app.db.selectFrom('waves').select('status').where('id', '=', waveId).executeTakeFirstOrThrow()).status, 'draft', 'nothing launched by looking')
  const launched = await post(app, cookie, `/admin/waves/${waveId}/launch`, `/admin/waves/${waveId}/launch`)
  t.equal(launched.headers.location, `/admin/waves/${waveId}?done=wave_launched&n=4`)
  t.match((await app.inject({ url: launched.headers.location!, headers: { cookie } })).body, 'Wave launched: 4 invitations queued for sending')
  t.equal((await app.inject({ url: `/admin/waves/${waveId}/launch`, headers: { cookie } })).statusCode, 303, 'a launched wave has no launch confirmation')
})

t.test('the new-wave form offers the newest version of each questionnaire first', async (t) => {
  const app = await buildTestApp(t, { surveysDir: REAL_SURVEYS, mailWorker: false, scheduleWorker: false })
  const body = (await app.inject({ url: '/admin/waves/new', headers: { cookie: await signIn(app) } })).body
  const options = [...body.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])
  t.ok(options.indexOf('la-release-social-care/2020') < options.indexOf('la-release-social-care/2015-16'), '2020 before 2015-16')
  t.notMatch(body, / selected>/, 'nothing forced: the browser takes the first option, the newest')
})

t.test('a closed wave: extend refuses, reopen takes a new deadline and the links work again (web and CLI)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wave-reopen-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const config = { ...configFromEnv({}), surveysDir: REAL_SURVEYS, databaseUrl: `sqlite:${join(dir, 'survey.db')}`, logLevel: 'silent', mailWorker: false, scheduleWorker: false }
  const app = await buildApp(config, { logger: false })
  t.teardown(() => app.close())
  const cookie = await signIn(app)
  const { waveId, ids } = await bigWave(app)
  const token = (await issueLinkFor(app.db, app.linkTokenKey, waveId, ids[0]))!
  await closeWave(app.db, waveId)
  t.equal((await app.inject(`/r/${token}`)).statusCode, 410)

  const extend = await post(app, cookie, `/admin/waves/${waveId}`, `/admin/waves/${waveId}/deadline`, { deadline__day: '30', deadline__month: '4', deadline__year: '2099' })
  t.equal(extend.statusCode, 409, 'moving the deadline of a closed wave is refused')
  t.match(extend.body, 'The wave is closed, so its deadline was not changed: reopen the wave with a new deadline instead')
  const cli = async (...args: string[]) => {
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(args, (l) => out.push(l), (l) => err.push(l), { DATA_DIR: dir, SURVEYS_DIR: REAL_SURVEYS })
    return { code, out: out.join('\n'), err: err.join('\n') }
  }
  const refused = await cli('extend', waveId, '2099-04-30')
  t.equal(refused.code, 1)
  t.match(refused.err, `is closed, so its deadline was not changed. To open it again until 2099-04-30: npm run cli -- reopen ${waveId} 2099-04-30`)
  t.equal((await app.db.selectFrom('waves').select(['status', 'closes_at']).where('id', '=', waveId).executeTakeFirstOrThrow()).closes_at, '2099-03-31T22:59:59.999Z', 'the deadline is unchanged')

  const form0 = await app.inject({ url: `/admin/waves/${waveId}/reopen`, headers: { cookie } })
  t.match(form0.body, 'Its deadline was the end of 31 March 2099 (UK time).')
  const bad = await post(app, cookie, `/admin/waves/${waveId}/reopen`, `/admin/waves/${waveId}/reopen`, { deadline__day: '31', deadline__month: '2', deadline__year: '2099' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /href="#deadline__day">Enter a real date, like 31 3 2027</)
  t.match(bad.body, /id="deadline__month" name="deadline__month" type="text" inputmode="numeric" value="2"/, 'what was typed is kept')
  const reopened = await post(app, cookie, `/admin/waves/${waveId}/reopen`, `/admin/waves/${waveId}/reopen`, { deadline__day: '30', deadline__month: '4', deadline__year: '2099' })
  t.equal(reopened.headers.location, `/admin/waves/${waveId}?done=wave_reopened`)
  const wave = await app.db.selectFrom('waves').select(['status', 'closes_at']).where('id', '=', waveId).executeTakeFirstOrThrow()
  t.same(wave, { status: 'open', closes_at: '2099-04-30T22:59:59.999Z' }, 'open until the end of 30 April 2099, BST')
  t.equal((await app.inject(`/r/${token}`)).statusCode, 200, 'the link works again')
  t.equal((await app.db.selectFrom('audit_log').select('id').where('action', '=', 'wave_reopened').execute()).length, 1)

  const notClosed = await cli('reopen', waveId, '2099-05-31')
  t.equal(notClosed.code, 1)
  t.match(notClosed.err, 'is open, not closed: nothing to reopen')
  await closeWave(app.db, waveId)
  const viaCli = await cli('reopen', waveId, '2099-05-31')
  t.equal(viaCli.code, 0, viaCli.err)
  t.match(viaCli.out, 'Reopened 2020 until the end of 2099-05-31 (UK time): its links work again.')
  t.equal((await app.db.selectFrom('waves').select('closes_at').where('id', '=', waveId).executeTakeFirstOrThrow()).closes_at, '2099-05-31T22:59:59.999Z')
  const extended = await cli('extend', waveId, '2099-06-30')
  t.equal(extended.code, 0, 'an open wave’s deadline moves as before')
})
