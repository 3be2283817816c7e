// Previewing a questionnaire: paging through with skip logic and validation, nothing saved.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { decodeState } from '../../src/preview/routes.js'
import { buildTestApp, copySurveys, FIXTURES, form, formSession, signIn } from '../helpers/app.js'

const base = '/preview/la-release-social-care/2020'

function stateOf(html: string): string {
  return /name="_state" value="([^"]*)"/.exec(html)![1]
}

t.test('the start page lists the sections, and every section can be opened', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  const res = await app.inject({ url: base, headers: { cookie } })
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Social care for people in prison and on release from prison')
  t.match(res.body, 'Nothing you enter is saved')
  const pages = [...res.body.matchAll(/href="(\/preview\/la-release-social-care\/2020\/pages\/[a-z_]+)"/g)].map((m) => m[1])
  t.ok(pages.length >= 5)
  for (const page of pages) t.equal((await app.inject({ url: page, headers: { cookie } })).statusCode, 200, page)
})

t.test('a page posted without a CSRF token is refused', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  const res = await app.inject({ method: 'POST', url: `${base}/pages/about_respondent`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, payload: 'respondent_role=1' })
  t.equal(res.statusCode, 403)
  const session = await formSession(app, `${base}/pages/about_respondent`, cookie)
  const forged = await app.inject({ method: 'POST', url: `${base}/pages/about_respondent`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie }, payload: form({ _csrf: 'forged', respondent_role: '1' }) })
  t.equal(forged.statusCode, 403)
  t.match(forged.body, 'This form has expired')
})

t.test('errors are listed in a summary and beside each field, with what was typed kept', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  const session = await formSession(app, `${base}/pages/referral_numbers`, cookie)
  const res = await app.inject({
    method: 'POST',
    url: `${base}/pages/referral_numbers`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    payload: form({ _csrf: session.token, _state: '', referrals_received: '12.5', assessments_completed: '', eligible_needs: '20001', days_to_assessment: '<b>soon</b>' }),
  })
  t.equal(res.statusCode, 400)
  t.match(res.body, '<title>Error: ')
  t.match(res.body, 'There is a problem')
  t.match(res.body, /href="#referrals_received">How many referrals[^<]* – Enter a whole number, like 12</)
  t.match(res.body, /href="#assessments_completed">[^<]* – Enter a number, or select “Don’t know”</)
  t.match(res.body, 'Enter a number between 0 and 10000')
  t.match(res.body, /id="referrals_received-error" class="govuk-error-message"/)
  t.match(res.body, 'value="12.5"', 'what was typed is shown again')
  t.match(res.body, 'value="&lt;b&gt;soon&lt;/b&gt;"', 'and escaped')
  t.notMatch(res.body, '<b>soon</b>')
})

t.test('skip logic: an authority with no prison skips the prison sections', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  let session = await formSession(app, `${base}/pages/about_area`, cookie)
  const post = (page: string, fields: Record<string, string | string[]>) =>
    app.inject({ method: 'POST', url: `${base}/pages/${page}`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie }, payload: form({ _csrf: session.token, ...fields }) })

  const none = await post('about_area', { _state: '', prisons_in_area: '0' })
  t.equal(none.statusCode, 200)
  t.match(none.body, '<h1 class="govuk-heading-l">Before release</h1>', 'goes straight to release planning')

  const some = await post('about_area', { _state: '', prisons_in_area: '2' })
  t.match(some.body, '<h1 class="govuk-heading-l">How social care is organised</h1>')

  // On the referrals page, answering "no" to self-referral and peer identification skips the follow-up page.
  session = await formSession(app, `${base}/pages/referrals`, cookie)
  const state = stateOf(some.body)
  const skip = await post('referrals', { _state: state, referral_routes: ['1', '2'], self_referral: '2', peer_identification: '2' })
  t.match(skip.body, 'Referrals and assessments in the last 12 months</h1>')
  const follow = await post('referrals', { _state: state, referral_routes: ['1'], self_referral: '1', peer_identification: '2' })
  t.match(follow.body, 'Self-referral and peer supporters</h1>')
  t.match(follow.body, 'How can people refer themselves?')
  t.notMatch(follow.body, 'How well does this work?', 'the peer follow-up stays hidden')
})

t.test('the whole questionnaire can be paged through to check your answers', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  const session = await formSession(app, `${base}/pages/about_respondent`, cookie)
  let res = await app.inject({
    method: 'POST',
    url: `${base}/pages/about_respondent`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    payload: form({ _csrf: session.token, _state: '', respondent_role: '5', respondent_role__other: 'Data lead' }),
  })
  const answers: Record<string, Record<string, string | string[]>> = {
    about_area: { prisons_in_area: '0' },
    release_planning: { release_identification: '1', release_assessment: '2', release_notice: '3', information_timing: '2', continuity_arrangements: 'We phone the prison.' },
    temporary_licence: { rotl_used: '2', technology_use: ['1', '3'] },
    after_release: { released_with_needs: '', released_with_needs__dont_know: 'yes', accommodation_problems: '1', residence_disputes: '1' },
    after_release_details: { accommodation_ease__approved_premises: '3', accommodation_ease__adapted_housing: '4', accommodation_ease__supported_living: '2', accommodation_ease__care_homes: '9', disputes_count: '4' },
    training: { prison_staff_training: '1' },
    training_details: { training_date__day: '3', training_date__month: '11', training_date__year: '2019' },
    knowledge: { knowledge_of_population__numbers_released: '3', knowledge_of_population__needs: '3', knowledge_of_population__outcomes: '4', knowledge_of_population__costs: '4', data_recorded: ['1', '2'] },
    challenges: { main_challenges: ['4', '6'], challenges_text: 'Finding <accessible> housing.', good_practice: '' },
  }
  const visited: string[] = []
  for (let step = 0; step < 20; step++) {
    const page = /action="\/preview\/la-release-social-care\/2020\/pages\/([a-z_]+)"/.exec(res.body)?.[1]
    if (!page || res.body.includes('Check your answers</h1>')) break
    visited.push(page)
    t.ok(answers[page], `an answer is ready for page ${page}`)
    res = await app.inject({
      method: 'POST',
      url: `${base}/pages/${page}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      payload: form({ _csrf: session.token, _state: stateOf(res.body), ...(answers[page] ?? {}) }),
    })
    t.equal(res.statusCode, 200, `page ${page} accepted`)
  }
  t.same(visited, Object.keys(answers), 'the pages shown follow the skip logic')
  t.match(res.body, 'Check your answers</h1>')
  t.match(res.body, 'Other: Data lead')
  t.match(res.body, '3 November 2019')
  t.match(res.body, 'Finding &lt;accessible&gt; housing.')
  t.match(res.body, 'Approved premises (probation hostels): Usually difficult')
  t.notMatch(res.body, 'How social care is organised', 'skipped sections are not listed')
  t.match(res.body, 'In this preview nothing has been saved')
})

t.test('a tampered preview state is cleaned, not trusted', async (t) => {
  const app = await buildTestApp(t)
  const version = app.catalogue.find('la-release-social-care', '2020')!
  const raw = Buffer.from(JSON.stringify({ prisons_in_area: { value: 3 }, respondent_role: { code: 77 }, nonsense: { value: 1 }, release_notice: { code: 3 } })).toString('base64url')
  t.same(decodeState(version, raw), { prisons_in_area: { value: 3 }, release_notice: { code: 3 } })
  t.same(decodeState(version, 'not base64 json'), {})
})

t.test('in Welsh: the language switch, Welsh questions, and Welsh error messages', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual` })
  const cookie = await signIn(app)
  const start = await app.inject({ url: '/preview/welsh-prisons/1?lang=cy', headers: { cookie } })
  t.equal(start.statusCode, 200)
  t.match(start.body, '<html lang="cy"')
  t.match(start.body, 'Gofal cymdeithasol yn y carchar')
  t.match(start.body, 'Dechrau’r rhagolwg')
  const remembered = String(start.headers['set-cookie']).match(/lang=cy/)
  t.ok(remembered, 'the choice is remembered in a cookie')

  const session = await formSession(app, '/preview/welsh-prisons/1/pages/scheme_page', `${cookie}; lang=cy`)
  t.match(session.html, 'Oes gan eich carchar gynllun cyfeillion?')
  t.match(session.html, /lang="en"[^>]*>English</, 'offers English')
  const res = await app.inject({
    method: 'POST',
    url: '/preview/welsh-prisons/1/pages/scheme_page',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    payload: form({ _csrf: session.token, _state: '', buddies: 'llawer' }),
  })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Mae problem wedi codi')
  t.match(res.body, 'Dewiswch ateb')
  t.match(res.body, 'Rhowch rif cyfan, fel 12')
  t.match(res.body, 'value="llawer"')
})

t.test('the prison questionnaire in Welsh: Welsh pages, counts and units in the forms Welsh numbers take', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  const prison = '/preview/prison-peer-social-care/2024'
  const start = await app.inject({ url: `${prison}?lang=cy`, headers: { cookie } })
  t.equal(start.statusCode, 200)
  t.match(start.body, '<html lang="cy"')
  t.match(start.body, 'Gofal cymdeithasol â chymorth gan gymheiriaid mewn carchardai')
  t.match(start.body, /lang="en"[^>]*>English</, 'offers English')
  // 39 questions: 4 + 3 on the first two pages, then 1, 2, 3, 2, 4, 2, 1, 3, 2, 2, 1, 3, 3, 3.
  t.match(start.body, '39 cwestiwn.')
  t.match(start.body, /Am eich carchar[\s\S]*?2 dudalen/, 'a section of two pages')
  t.match(start.body, /Risgiau a mesurau diogelu[\s\S]*?1 dudalen/, 'a section of one page')
  t.match(start.body, /Dethol, hyfforddi a goruchwylio[\s\S]*?4 tudalen/, 'a section of four pages')

  let session = await formSession(app, `${prison}/pages/prison_profile`, `${cookie}; lang=cy`)
  t.match(session.html, 'Faint o bobl oedd yn cael eu dal yn eich carchar ar ddiwrnod olaf y mis diwethaf?')
  t.match(session.html, /govuk-input__suffix[^>]*>o bobl</, 'the unit beside the box reads on from any number typed')
  const answers: [string, Record<string, string>][] = [
    ['prison_profile', { prison_function: '1', operated_by: '1', population: '2', population_over_50: '1' }],
    ['respondent', { respondent_role: '3', social_care_lead: '1', partner_authority: 'Cyngor Sir Fynwy' }],
    ['scheme_exists', { has_scheme: '2' }],
    ['no_scheme', { scheme_planned: '2', no_scheme_reasons: '' }],
    ['future', { national_guidance: '1', improvements: '', good_practice: '' }],
  ]
  let state = ''
  let res = start
  for (const [page, fields] of answers) {
    session = await formSession(app, `${prison}/pages/${page}`, `${cookie}; lang=cy`)
    res = await app.inject({ method: 'POST', url: `${prison}/pages/${page}`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie }, payload: form({ _csrf: session.token, _state: state, ...fields }) })
    t.equal(res.statusCode, 200, `page ${page} accepted`)
    state = stateOf(res.body)
  }
  t.match(res.body, 'Gwiriwch eich atebion')
  t.match(res.body, '2 berson', 'two: soft mutation')
  t.match(res.body, '1 person', 'one: the singular')
  t.notMatch(res.body, /\d pobl/, 'never a number before the plural')
})

t.test('text from a definition is escaped in every page', async (t) => {
  const dir = copySurveys(t, `${FIXTURES}/surveys-bilingual`)
  const file = join(dir, 'welsh-prisons', '1.yaml')
  const { readFileSync } = await import('node:fs')
  writeFileSync(file, readFileSync(file, 'utf8').replace('en: Does your prison have a buddy scheme?', 'en: "<script>alert(1)</script> =HYPERLINK(\\"x\\")"'))
  const app = await buildTestApp(t, { surveysDir: dir })
  const cookie = await signIn(app)
  for (const url of ['/preview/welsh-prisons/1/pages/scheme_page', '/surveys/welsh-prisons/1']) {
    const res = await app.inject({ url, headers: { cookie } })
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<script>alert(1)</script>')
    t.match(res.body, '&lt;script&gt;alert(1)&lt;/script&gt;')
  }
})
