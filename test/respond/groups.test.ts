// A repeating group through the real pages, on SQLite and PostgreSQL: a service adds three
// prison sites, is stopped by a check across answers on one, removes another after "Are you
// sure?", checks its answers and submits; the items, their answers and their facts are stored
// per item. Also: none to add, a group no longer asked, and bad requests.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, FIXTURES, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases, type TestDatabase } from '../helpers/databases.js'
import { openTestWave } from '../helpers/waves.js'
import { closeWave } from '../../src/waves/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const { databases, skipped } = testDatabases()
if (skipped) t.comment(skipped)

async function post(app: FastifyInstance, url: string, fields: Record<string, string>, pageUrl = url) {
  const session = await formSession(app, pageUrl)
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token, ...fields }) })
}

async function sitesWave(t: Test, database?: TestDatabase) {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-groups` }, database)
  const wave = await openTestWave(app, { surveyId: 'site-visits', version: '1', organisations: ['W06000015'] })
  return { app, wave, base: `/r/${wave.tokens.W06000015}` }
}

/** Adds a site through its pages; returns the item's address. */
async function addSite(t: Test, app: FastifyInstance, base: string, fields: Record<string, string>, staff?: string): Promise<string> {
  const first = await post(app, `${base}/groups/sites/items/new/pages/site_page`, { _page_version: '0', ...fields })
  t.equal(first.statusCode, 303, `${fields.site_name}: the first page is saved`)
  const item = /^(.*\/groups\/sites\/items\/[0-9a-f-]{36})\//.exec(first.headers.location as string)?.[1] ?? ''
  if (staff === undefined) {
    t.equal(first.headers.location, `${base}/groups/sites`, 'no buddies: back to the list')
    return (/href="([^"]+)\/pages\/site_page"[^>]*>Change<span class="govuk-visually-hidden"> ([^<]+)</g.exec((await app.inject(`${base}/groups/sites`)).body) ?? [])[1] ?? ''
  }
  t.equal(first.headers.location, `${item}/pages/site_staff_page`, 'buddies: the staff page of the same item comes next')
  const second = await post(app, `${item}/pages/site_staff_page`, { _page_version: '0', site_staff: staff })
  t.equal(second.headers.location, `${base}/groups/sites`)
  return item
}

for (const database of databases) {
  t.test(`three sites, one refused by a check, one removed, submitted (${database.kind})`, async (t) => {
    const { app, wave, base } = await sitesWave(t, database)
    t.match((await app.inject(base)).body, /Each site[\s\S]*Cannot start yet/, 'the group waits on "do you run services at sites?"')
    t.equal((await post(app, `${base}/pages/about_page`, { _page_version: '0', has_sites: '1', staff_total: '10' })).statusCode, 303)
    const start = (await app.inject(base)).body
    t.match(start, `href="${base}/groups/sites"`, 'the task list leads to the list of sites')

    const empty = await app.inject(`${base}/groups/sites`)
    t.equal(empty.statusCode, 200)
    t.match(empty.body, 'You have not added any yet.')
    t.match(empty.body, `href="${base}/groups/sites/items/new/pages/site_page">Add a site</a>`)

    const leeds = await addSite(t, app, base, { site_name: 'HMP Leeds', site_has_buddies: '1', site_buddies: '12' }, '4')
    t.match((await app.inject(`${base}/groups/sites`)).body, 'You have added 1 site')
    const again = await post(app, `${base}/groups/sites`, { answer: 'yes' })
    t.equal(again.headers.location, `${base}/groups/sites/items/new/pages/site_page`, '"add another? yes" opens a new item')
    await addSite(t, app, base, { site_name: 'Carchar Caerdydd', site_has_buddies: '2', site_buddies: '' })

    const third = await post(app, `${base}/groups/sites/items/new/pages/site_page`, { _page_version: '0', site_name: 'HMP Wakefield', site_has_buddies: '1', site_buddies: '3' })
    const wakefield = (third.headers.location as string).replace(/\/pages\/site_staff_page$/, '')
    const refused = await post(app, `${wakefield}/pages/site_staff_page`, { _page_version: '0', site_staff: '11' })
    t.equal(refused.statusCode, 400, 'more staff at one site than at all sites together is refused')
    t.match(refused.body, 'Staff at this site (11) cannot be more than your staff at all sites (10)')
    t.match(refused.body, 'value="11"', 'what was typed is kept')
    t.match(refused.body, 'Each site: HMP Wakefield', 'the page says which site it is about')
    t.equal((await post(app, `${wakefield}/pages/site_staff_page`, { _page_version: '0', site_staff: '2' })).headers.location, `${base}/groups/sites`)

    const list = (await app.inject(`${base}/groups/sites`)).body
    t.match(list, 'You have added 3 sites')
    t.match(list, /HMP Leeds[\s\S]*Carchar Caerdydd[\s\S]*HMP Wakefield/, 'in the order added')
    const cardiff = /href="([^"]+)\/remove">Remove<span class="govuk-visually-hidden"> Carchar Caerdydd</.exec(list)![1]
    const confirm = await app.inject(`${cardiff}/remove`)
    t.match(confirm.body, 'Are you sure you want to remove Carchar Caerdydd?')
    const unanswered = await post(app, `${cardiff}/remove`, {})
    t.equal(unanswered.statusCode, 400)
    t.match(unanswered.body, 'Select yes if you want to remove Carchar Caerdydd, or no to keep it')
    t.equal((await post(app, `${cardiff}/remove`, { answer: 'no' })).headers.location, `${base}/groups/sites`, '"no" keeps it')
    t.equal((await post(app, `${cardiff}/remove`, { answer: 'yes' })).headers.location, `${base}/groups/sites?removed=1`)
    const after = (await app.inject(`${base}/groups/sites?removed=1`)).body
    t.match(after, 'It has been removed, with its answers.')
    t.match(after, 'You have added 2 sites')
    t.notMatch(after, 'Carchar Caerdydd')
    t.equal((await app.inject(`${cardiff}/remove`)).headers.location, `${base}/groups/sites`, 'a second look at a removed item goes back to the list')

    const noAnswer = await post(app, `${base}/groups/sites`, {})
    t.equal(noAnswer.statusCode, 400)
    t.match(noAnswer.body, 'href="#answer">Select yes if you need to add another, or no if you do not</a>')
    t.equal((await post(app, `${base}/groups/sites`, { answer: 'no' })).headers.location, base)
    const tasks = (await app.inject(base)).body
    t.match(tasks, /Each site: HMP Leeds<\/a>[\s\S]*?Completed/, 'a task-list entry per site')
    t.match(tasks, /Each site: HMP Wakefield<\/a>[\s\S]*?Completed/)
    await post(app, `${base}/pages/closing_page`, { _page_version: '0', comments: '' })

    const check = (await app.inject(`${base}/check`)).body
    t.match(check, /<h2 class="govuk-heading-m">Each site: HMP Leeds<\/h2>[\s\S]*How many buddies\?<\/dt>\s*<dd class="govuk-summary-list__value">12<\/dd>/)
    t.match(check, `href="${leeds}/pages/site_page?return=check#site_buddies"`, 'change links lead to the item’s own page')
    t.match(check, /Each site: HMP Wakefield[\s\S]*How many of your staff support the buddies at this site\?<\/dt>\s*<dd class="govuk-summary-list__value">2<\/dd>/)
    const submitted = await post(app, `${base}/submit`, {}, `${base}/check`)
    t.equal(submitted.statusCode, 303)
    t.match(submitted.headers.location, `${base}/confirmation`)

    const response = await app.db.selectFrom('responses').selectAll().where('wave_id', '=', wave.waveId).executeTakeFirstOrThrow()
    t.equal(response.status, 'submitted')
    const items = await app.db.selectFrom('response_items').select(['position']).where('response_id', '=', response.id).orderBy('position').execute()
    t.same(items.map((i) => i.position), [1, 3], 'the removed second site is gone')
    const asked = await app.db.selectFrom('item_asked_questions').select(['item_number', 'question_id', 'answered']).where('response_id', '=', response.id).orderBy('item_number').orderBy('question_id').execute()
    t.same(asked, [
      { item_number: 1, question_id: 'site_buddies', answered: 1 },
      { item_number: 1, question_id: 'site_has_buddies', answered: 1 },
      { item_number: 1, question_id: 'site_name', answered: 1 },
      { item_number: 1, question_id: 'site_staff', answered: 1 },
      { item_number: 2, question_id: 'site_buddies', answered: 1 },
      { item_number: 2, question_id: 'site_has_buddies', answered: 1 },
      { item_number: 2, question_id: 'site_name', answered: 1 },
      { item_number: 2, question_id: 'site_staff', answered: 1 },
    ], 'the facts number the items kept 1 and 2')
    const numbers = await app.db.selectFrom('item_answer_values').select(['question_id', 'number_value']).where('response_id', '=', response.id).where('number_value', 'is not', null).orderBy('question_id').orderBy('number_value').execute()
    t.same(numbers.map((n) => [n.question_id, Number(n.number_value)]), [['site_buddies', 3], ['site_buddies', 12], ['site_staff', 2], ['site_staff', 4]])
    const mail = await app.db.selectFrom('outbox').select(['text_body']).where('kind', '=', 'confirmation').executeTakeFirstOrThrow()
    t.match(mail.text_body, /Each site: HMP Leeds\n=+\n[\s\S]*How many buddies\?\n  12\n/, 'the confirmation e-mail copies each site’s answers')
    t.notMatch(mail.text_body, 'Caerdydd')
    const print = (await app.inject(`${base}/print`)).body
    t.match(print, 'Each site: HMP Wakefield')
    t.equal((await app.inject(`${base}/groups/sites`)).headers.location, base, 'after submission the list is read-only: back to the response')
  })
}

t.test('a service with no site says there are none, and the group is done with no item', async (t) => {
  const { app, base } = await sitesWave(t)
  await post(app, `${base}/pages/about_page`, { _page_version: '0', has_sites: '1', staff_total: '0' })
  const list = (await app.inject(`${base}/groups/sites`)).body
  t.match(list, 'There are none to add')
  t.equal((await post(app, `${base}/groups/sites`, { answer: 'no' })).headers.location, base)
  t.match((await app.inject(base)).body, /Each site<\/a>[\s\S]*?Completed/)
})

t.test('items of a group no longer asked count nowhere and are removed at submission', async (t) => {
  const { app, wave, base } = await sitesWave(t)
  await post(app, `${base}/pages/about_page`, { _page_version: '0', has_sites: '1', staff_total: '5' })
  await addSite(t, app, base, { site_name: 'HMP Leeds', site_has_buddies: '2', site_buddies: '' })
  await post(app, `${base}/pages/about_page`, { _page_version: '1', has_sites: '2', staff_total: '5' })
  t.equal((await app.inject(`${base}/groups/sites`)).headers.location, base, 'the list of a group not asked goes back to the task list')
  t.match((await app.inject(base)).body, /Each site<\/div>[\s\S]*?Not needed/)
  await post(app, `${base}/pages/closing_page`, { _page_version: '0', comments: 'None' })
  t.notMatch((await app.inject(`${base}/check`)).body, 'HMP Leeds')
  await post(app, `${base}/submit`, {}, `${base}/check`)
  const response = await app.db.selectFrom('responses').select(['id', 'status']).where('wave_id', '=', wave.waveId).executeTakeFirstOrThrow()
  t.equal(response.status, 'submitted')
  t.same(await app.db.selectFrom('response_items').select('id').where('response_id', '=', response.id).execute(), [])
  t.same(await app.db.selectFrom('item_asked_questions').select('item_id').where('response_id', '=', response.id).execute(), [])
})

t.test('the list and the item pages in Welsh', async (t) => {
  const { app, base } = await sitesWave(t)
  await post(app, `${base}/pages/about_page`, { _page_version: '0', has_sites: '1', staff_total: '5' })
  await addSite(t, app, base, { site_name: 'Carchar Caerdydd', site_has_buddies: '2', site_buddies: '' })
  await addSite(t, app, base, { site_name: 'HMP Parc', site_has_buddies: '2', site_buddies: '' })
  const list = (await app.inject(`${base}/groups/sites?lang=cy`)).body
  t.match(list, 'Rydych chi wedi ychwanegu 2 safle')
  t.match(list, 'Oes angen i chi ychwanegu safle arall?')
  t.match(list, '>Dileu<')
  const page = (await app.inject({ url: `${base}/groups/sites/items/new/pages/site_page`, headers: { cookie: 'lang=cy' } })).body
  t.match(page, 'Beth yw enw’r safle?')
  t.match(page, 'Pob safle: Eitem 3 (heb enw eto)', 'a new item is named once its name is given')
})

t.test('bad requests get a 4xx and change nothing', async (t) => {
  const { app, base } = await sitesWave(t)
  t.equal((await app.inject(`${base}/groups/nowhere`)).statusCode, 404, 'an unknown group')
  t.equal((await app.inject(`${base}/groups/about`)).statusCode, 404, 'a section that does not repeat')
  t.equal((await app.inject(`${base}/groups/sites/items/not-an-id/pages/site_page`)).statusCode, 400)
  await post(app, `${base}/pages/about_page`, { _page_version: '0', has_sites: '1', staff_total: '5' })
  t.equal((await app.inject(`${base}/groups/sites/items/00000000-0000-4000-8000-000000000000/pages/site_page`)).headers.location, `${base}/groups/sites`, 'an item that is not there: back to the list')
  t.equal((await app.inject(`${base}/groups/sites/items/new/pages/site_staff_page`)).headers.location, `${base}/groups/sites`, 'a new item starts on its first page')
  t.equal((await app.inject(`${base}/groups/sites/items/new/pages/nowhere`)).statusCode, 404)
  const forged = await app.inject({ method: 'POST', url: `${base}/groups/sites`, headers: FORM, payload: form({ answer: 'yes' }) })
  t.equal(forged.statusCode, 403, 'no CSRF token, no change')
  const odd = await post(app, `${base}/groups/sites`, { answer: 'maybe' })
  t.equal(odd.statusCode, 400)
  t.same(await app.db.selectFrom('response_group_lists').selectAll().execute(), [])
})

t.test('a wave closed with responses kept as partial keeps their items, with facts flagged partial', async (t) => {
  const { app, wave, base } = await sitesWave(t)
  await post(app, `${base}/pages/about_page`, { _page_version: '0', has_sites: '1', staff_total: '5' })
  await addSite(t, app, base, { site_name: 'HMP Leeds', site_has_buddies: '2', site_buddies: '' })
  await closeWave(app.db, wave.waveId, { inProgress: 'keep_partial', catalogue: app.catalogue })
  const response = await app.db.selectFrom('responses').select(['id', 'status']).where('wave_id', '=', wave.waveId).executeTakeFirstOrThrow()
  t.equal(response.status, 'partial')
  const facts = await app.db.selectFrom('item_asked_questions').select(['question_id', 'item_number', 'partial']).where('response_id', '=', response.id).orderBy('question_id').execute()
  t.same(facts, [
    { question_id: 'site_has_buddies', item_number: 1, partial: 1 },
    { question_id: 'site_name', item_number: 1, partial: 1 },
  ], 'the site kept as partial: its name and its scheme (no buddies: the count was not asked)')
})

t.test('the version page says which section repeats, and the preview pages through one item', async (t) => {
  const { app } = await sitesWave(t)
  const cookie = await signIn(app, 'analyst')
  const page = await app.inject({ url: '/surveys/site-visits/1', headers: { cookie } })
  t.equal(page.statusCode, 200)
  t.match(page.body, 'A repeating group: asked once per item (sites), each named by site_name; 0 to 5 items; then “Do you need to add another site?”')
  const first = await formSession(app, '/preview/site-visits/1/pages/about_page', cookie)
  const next = await app.inject({ method: 'POST', url: '/preview/site-visits/1/pages/about_page', headers: { ...FORM, cookie: first.cookie }, payload: form({ _csrf: first.token, _state: '', has_sites: '1', staff_total: '3' }) })
  t.match(next.body, 'What is the name of the site?', 'after "yes", the preview goes on to the first item’s page')
})

t.test('a site saved after the wave closed is not lost: the page says so and shows what was typed', async (t) => {
  const { app, wave, base } = await sitesWave(t)
  await post(app, `${base}/pages/about_page`, { _page_version: '0', has_sites: '1', staff_total: '5' })
  const session = await formSession(app, `${base}/groups/sites/items/new/pages/site_page`)
  await closeWave(app.db, wave.waveId)
  const late = await app.inject({ method: 'POST', url: `${base}/groups/sites/items/new/pages/site_page`, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token, _page_version: '0', site_name: 'HMP Usk', site_has_buddies: '2' }) })
  t.equal(late.statusCode, 410)
  t.match(late.body, 'HMP Usk', 'what was typed is shown to copy')
  t.same(await app.db.selectFrom('response_items').select('id').execute(), [], 'nothing saved')
})
