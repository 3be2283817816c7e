// A follow-up is a question like any other once the response is in, asked only when its option
// was chosen: check your answers, the print copy, the confirmation e-mail, the statistics' base,
// the raw data, the codebook and the SPSS syntax. And a soft check confirmed is recorded with its
// answer without changing what is exported. Two councils: one says "yes, contact us" and gives
// an address, the other says "no" with an address typed anyway (which must go nowhere).
import t from 'tap'
import { parse } from 'csv-parse/sync'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, FIXTURES, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const { databases } = testDatabases()

/** Posts one page as a browser would; ticks every "is that right?" box the page comes back with. */
async function answer(app: FastifyInstance, base: string, pageId: string, cookie: string, fields: Record<string, string | string[]>) {
  const url = `${base}/pages/${pageId}`
  const session = await formSession(app, url, cookie)
  const all = { _csrf: session.token, _page_version: /name="_page_version" value="(\d+)"/.exec(session.html)![1], _action: 'continue', ...fields }
  let res = await app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form(all) })
  const boxes = [...res.body.matchAll(/name="(_confirm__[a-z0-9_]+)" type="checkbox" value="([0-9a-f]+)"/g)]
  if (res.statusCode === 200 && boxes.length) {
    for (const [, name, value] of boxes) (all as Record<string, string>)[name] = value
    res = await app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form(all) })
  }
  if (res.statusCode !== 303) throw new Error(`${pageId} answered ${res.statusCode}: ${res.body.slice(0, 300)}`)
  return session.cookie
}

async function respond(app: FastifyInstance, base: string, contact: 'yes' | 'no') {
  let cookie = await answer(app, base, 'caseload', '', { referrals: '4', assessments: '0', care_plans: '' })
  cookie = await answer(app, base, 'staffing', cookie, { staff_full_time: '2', staff_part_time: '1', staff_total: '3', posts_funded: '2' })
  cookie = await answer(app, base, 'contact_page', cookie, {
    may_contact: contact === 'yes' ? '1' : '2',
    contact_email: contact === 'yes' ? 'ann@example.org' : 'typed-anyway@example.org',
    support_types: ['1'],
    peer_hours: '40',
  })
  if (contact === 'yes') cookie = await answer(app, base, 'contact_time', cookie, { best_time: '2' })
  const check = await formSession(app, `${base}/check`, cookie)
  const submitted = await app.inject({ method: 'POST', url: `${base}/submit`, headers: { ...FORM, cookie: check.cookie }, payload: form({ _csrf: check.token }) })
  if (submitted.statusCode !== 303) throw new Error(`submit answered ${submitted.statusCode}`)
  const print = await app.inject({ url: `${base}/print`, headers: { cookie: check.cookie } })
  return { check: check.html, print: print.body }
}

for (const database of databases) {
  t.test(`${database.kind}: a follow-up downstream is asked only where its option was chosen`, async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-checks`, mailWorker: false }, database)
    const wave = await openTestWave(app, { surveyId: 'care-checks', version: '1', organisations: ['YES01', 'NO001'] })
    const yes = await respond(app, `/r/${wave.tokens.YES01}`, 'yes')
    const no = await respond(app, `/r/${wave.tokens.NO001}`, 'no')

    for (const [what, html] of [['check your answers', yes.check], ['the print copy', yes.print]]) {
      t.match(html, 'Your email address', `${what} lists the follow-up that was asked`)
      t.match(html, 'ann@example.org')
    }
    for (const [what, html] of [['check your answers', no.check], ['the print copy', no.print]]) {
      t.notMatch(html, 'Your email address', `${what} leaves out the follow-up that was not asked`)
      t.notMatch(html, 'typed-anyway@example.org', 'and what was typed beneath an option not chosen')
      t.notMatch(html, 'How many hours of peer support', 'nor hours for support not ticked')
    }
    const mails = await app.db.selectFrom('outbox').select(['organisation_id', 'text_body', 'html_body']).where('kind', '=', 'confirmation').execute()
    const mailOf = (code: string) => mails.find((m) => m.organisation_id === wave.organisationIds[code])!
    t.match(mailOf('YES01').text_body, /Your email address\n {2}ann@example\.org/, 'the confirmation e-mail carries the follow-up with its answer')
    t.notMatch(mailOf('NO001').text_body, 'Your email address')
    t.notMatch(mailOf('NO001').html_body, 'typed-anyway')

    // The statistics' base: asked of one council, answered by it; not asked of the other.
    const asked = await app.db.selectFrom('asked_questions').select(['response_id', 'answered']).where('question_id', '=', 'contact_email').execute()
    t.same(asked.map((a) => a.answered), [1], 'contact_email asked once, and answered')
    const stored = await app.db.selectFrom('response_answers').select(['question_id', 'answer_json']).where('question_id', 'in', ['contact_email', 'peer_hours', 'assessments']).execute()
    t.same(stored.filter((r) => r.question_id !== 'assessments').map((r) => [r.question_id, JSON.parse(r.answer_json).value]), [['contact_email', 'ann@example.org']])
    t.same(stored.filter((r) => r.question_id === 'assessments').map((r) => Object.keys(JSON.parse(r.answer_json).confirmed)), [['no_assessments'], ['no_assessments']], '"0 assessments" confirmed by both, and recorded with the answer')

    const cookie = await signIn(app, 'analyst')
    const get = (url: string) => app.inject({ url, headers: { cookie } })
    const rows = parse((await get(`/admin/analysis/waves/${wave.waveId}/raw.csv`)).body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    t.equal(rows.length, 2)
    const email = Object.keys(rows[0]).find((name) => name.endsWith('contact_email'))!
    const hours = Object.keys(rows[0]).find((name) => name.endsWith('peer_hours'))!
    const assessments = Object.keys(rows[0]).find((name) => name.endsWith('assessments'))!
    t.same(rows.map((r) => r[email]).sort(), ['', 'ann@example.org'], 'raw data: blank (not asked) where "no" was chosen')
    t.same(rows.map((r) => r[hours]), ['', ''], 'peer support not ticked: hours not asked of either')
    t.same(rows.map((r) => r[assessments]), ['0', '0'], 'a confirmed answer is exported as the answer it is')
    const codebook = (await get(`/admin/analysis/waves/${wave.waveId}/codebook.csv`)).body
    t.match(codebook, email, 'the codebook lists the follow-up as a variable')
    const syntax = (await get(`/admin/analysis/waves/${wave.waveId}/labels.sps`)).body
    t.match(syntax, email, 'and so does the SPSS syntax')
  })
}
