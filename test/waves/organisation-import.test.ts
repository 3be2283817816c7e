// Importing organisations: a file with bad rows imports nothing and says what is wrong with
// every one, by line; a good file imports organisations with several contacts each.
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { importOrganisations, parseOrganisationsCsv } from '../../src/waves/organisation-import.js'
import { buildTestApp, form, formSession, multipart, signIn } from '../helpers/app.js'

/** Uploads a CSV through the organisations page, as the team's browser does. */
async function uploadCsv(app: FastifyInstance, cookie: string, content: string) {
  const s = await formSession(app, '/admin/organisations', cookie)
  const body = multipart({ _csrf: s.token }, { field: 'csv', name: 'organisations.csv', content })
  return app.inject({ method: 'POST', url: '/admin/organisations/import', headers: { 'content-type': body.contentType, cookie: s.cookie }, payload: body.payload })
}

const BAD = `code,name,type,region,language,contact_name,contact_email
A1,Alpha Council,local authority,London,en,Ann,ann@alpha.example
A2,,local authority,London,en,Bob,bob@beta.example
A3,Gamma Council,local authority,London,en,Cat,not-an-email
A1,Alpha District,local authority,London,en,Dan,dan@alpha.example
A4,Delta Council,local authority,London,fr,Eve,eve@delta.example
A5,Epsilon Council,,London,en,,
A1,Alpha Council,local authority,London,en,Ann Again,ann@alpha.example
A6,Zeta Council,local authority,London
`

t.test('every bad row is reported with its line, and nothing is imported', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const result = await importOrganisations(app.db, BAD)
  t.same(result.problems.map((p) => `${p.line}: ${p.message}`), [
    '3: the name is missing',
    '4: "not-an-email" is not a valid e-mail address',
    '5: the code A1 is already used on line 2 for a different organisation (rows with the same code add contacts and must repeat the same name, type and attributes)',
    '6: the language "fr" must be en, cy or both',
    '7: the type is missing',
    '7: the contact name is missing',
    '7: the contact e-mail is missing',
    '8: the contact ann@alpha.example is listed twice for A1 (also line 2)',
    '9: has 4 values but the header has 7 columns',
  ])
  t.equal(result.result, undefined)
  t.equal((await app.db.selectFrom('organisations').select('id').execute()).length, 0, 'not even the good rows')
})

t.test('a missing column is reported; a code already in the database makes the file a re-import, applied only when asked', async (t) => {
  t.same((await parseOrganisationsCsv('code,name,type\nA,B,C\n')).problems, [{ line: 1, message: 'the header row lacks the columns contact_name, contact_email (needed: code, name, type, contact_name, contact_email)' }])
  const app = await buildTestApp(t, { mailWorker: false })
  const good = 'code,name,type,contact_name,contact_email\nX1,Ex Council,local authority,Al,al@ex.example\n'
  t.equal((await importOrganisations(app.db, good)).result?.added, 1)
  const same = await importOrganisations(app.db, good)
  t.same([same.plan?.added.length, same.plan?.changed.length, same.plan?.unchanged], [0, 0, 1], 'the same file again changes nothing')
  const renamed = await importOrganisations(app.db, good.replace('Ex Council', 'Ex County Council'))
  t.same(renamed.plan?.changed.map((c) => c.fields), [[{ field: 'name', before: 'Ex Council', after: 'Ex County Council' }]])
  t.equal(renamed.result, undefined, 'not applied without update')
  t.equal((await app.db.selectFrom('organisations').select('name').executeTakeFirstOrThrow()).name, 'Ex Council')
  const applied = await importOrganisations(app.db, good.replace('Ex Council', 'Ex County Council'), { update: true })
  t.same([applied.result?.added, applied.result?.changed], [0, 1])
  t.equal((await app.db.selectFrom('organisations').select('name').executeTakeFirstOrThrow()).name, 'Ex County Council')
})

t.test('the example files import cleanly, with several contacts and attributes', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const las = await importOrganisations(app.db, readFileSync('examples/organisations-local-authorities.csv', 'utf8'))
  const prisons = await importOrganisations(app.db, readFileSync('examples/organisations-prisons.csv', 'utf8'))
  t.same([las.problems, prisons.problems], [[], []])
  t.equal(las.result?.added, 36)
  t.equal(prisons.result?.added, 22)
  t.ok(las.result!.contacts > las.result!.added, 'some authorities have two contacts')
  const cardiff = await app.db.selectFrom('organisations').selectAll().where('code', '=', 'PRS-CF').executeTakeFirstOrThrow()
  t.same(JSON.parse(cardiff.attributes_json), { region: 'Wales', prison_category: 'B', function: 'Reception' })
  t.equal(cardiff.language, 'both')
})

t.test('in the browser: the upload lists every bad row with its line and imports nothing', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const cookie = await signIn(app)
  const s = await formSession(app, '/admin/organisations', cookie)
  const body = multipart({ _csrf: s.token }, { field: 'csv', name: 'bad.csv', content: BAD })
  const res = await app.inject({ method: 'POST', url: '/admin/organisations/import', headers: { 'content-type': body.contentType, cookie: s.cookie }, payload: body.payload })
  t.equal(res.statusCode, 400)
  t.match(res.body, 'Nothing was imported: 9 problems to fix')
  t.match(res.body, 'Line 4: &quot;not-an-email&quot; is not a valid e-mail address')
  t.match(res.body, 'Line 9: has 4 values but the header has 7 columns')
  const forged = multipart({ _csrf: 'forged' }, { field: 'csv', name: 'x.csv', content: 'code,name,type,contact_name,contact_email\nX1,Ex,la,Al,al@ex.example\n' })
  t.equal((await app.inject({ method: 'POST', url: '/admin/organisations/import', headers: { 'content-type': forged.contentType, cookie: s.cookie }, payload: forged.payload })).statusCode, 403)
  t.equal((await app.db.selectFrom('organisations').select('id').execute()).length, 0)
})

t.test('in the browser: one problem, or one organisation, is counted in the singular', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const cookie = await signIn(app)
  const upload = (content: string) => uploadCsv(app, cookie, content)
  const refused = await upload('code,name,type,contact_name,contact_email\nX1,Ex Council,local authority,Al,not-an-email\n')
  t.match(refused.body, 'Nothing was imported: 1 problem to fix')
  t.match((await upload('code,name,type,contact_name,contact_email\nX1\n')).body, 'Line 2: has 1 value but the header has 5 columns')
  const imported = await upload('code,name,type,contact_name,contact_email\nX1,Ex Council,local authority,Al,al@ex.example\n')
  t.equal(imported.headers.location, '/admin/organisations?done=organisations_added&n=1')
  const page = await app.inject({ url: imported.headers.location, headers: { cookie } })
  t.match(page.body, '1 organisation added')
  t.match(page.body, /<caption[^>]*>1 organisation<\/caption>/)
})

t.test('a re-import changed meanwhile is refused and shown again; a second confirm finds it done; analysts only read', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const cookie = await signIn(app)
  const upload = (content: string) => uploadCsv(app, cookie, content)
  const header = 'code,name,type,contact_name,contact_email\n'
  await upload(`${header}X1,Ex Council,local authority,Al,al@ex.example\n`)
  const reimport = await upload(`${header}X1,Ex County Council,local authority,Al,al@ex.example\n`)
  const previewUrl = reimport.headers.location!
  t.match(previewUrl, /^\/admin\/organisations\/imports\/[0-9a-f-]{36}$/)
  const s = await formSession(app, previewUrl, cookie)
  const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(s.html)![1]
  // Someone corrects the organisation while the preview is open.
  await app.db.updateTable('organisations').set({ type: 'unitary authority' }).execute()
  const stale = await app.inject({ method: 'POST', url: previewUrl, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token, fingerprint }) })
  t.equal(stale.statusCode, 409)
  t.match(stale.body, 'Some of these organisations were changed since the preview was shown')
  t.match(stale.body, 'unitary authority → local authority', 'the preview as it now stands')
  t.equal((await app.db.selectFrom('organisations').select('name').executeTakeFirstOrThrow()).name, 'Ex Council', 'nothing applied')
  const fresh = /name="fingerprint" value="([0-9a-f]{64})"/.exec(stale.body)![1]
  const applied = await app.inject({ method: 'POST', url: previewUrl, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token, fingerprint: fresh }) })
  t.equal(applied.headers.location, '/admin/organisations?done=organisations_changed&n=1')
  t.equal((await app.db.selectFrom('organisations').select('name').executeTakeFirstOrThrow()).name, 'Ex County Council')
  const again = await app.inject({ method: 'POST', url: previewUrl, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token, fingerprint: fresh }) })
  t.equal(again.statusCode, 410, 'a second click finds the import done')
  t.match(again.body, 'This import is no longer waiting')

  const analyst = await signIn(app, 'analyst')
  const id = (await app.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id
  t.equal((await app.inject({ url: `/admin/organisations/${id}`, headers: { cookie: analyst } })).statusCode, 200, 'an analyst reads the page')
  t.notMatch((await app.inject({ url: `/admin/organisations/${id}`, headers: { cookie: analyst } })).body, 'Add a contact')
  for (const url of [`/admin/organisations/${id}/edit`, `/admin/organisations/${id}/contacts/new`]) t.equal((await app.inject({ url, headers: { cookie: analyst } })).statusCode, 403, `${url} is for admins`)
  const a = await formSession(app, `/admin/organisations/${id}`, analyst)
  t.equal((await app.inject({ method: 'POST', url: `/admin/organisations/${id}/deactivate`, headers: { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: a.token }) })).statusCode, 403)
})

t.test('a contact added in an open wave can be sent the invitation; the last contact of an organisation in an open wave cannot be removed', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const cookie = await signIn(app)
  const { openTestWave } = await import('../helpers/waves.js')
  const wave = await openTestWave(app, { organisations: ['E06000001'] })
  const id = wave.organisationIds.E06000001
  const s = await formSession(app, `/admin/organisations/${id}/contacts/new`, cookie)
  t.match(s.html, 'Send them the invitation')
  const added = await app.inject({ method: 'POST', url: `/admin/organisations/${id}/contacts`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token, contact_name: 'Dafydd Newydd', contact_email: 'Dafydd@Example.org', send_invitation: wave.waveId }) })
  t.equal(added.headers.location, `/admin/organisations/${id}?done=contact_added_invited&n=1`)
  const mail = await app.db.selectFrom('outbox').select(['to_address', 'text_body']).execute()
  t.same(mail.map((m) => m.to_address), ['dafydd@example.org'], 'only the new contact, not the first one again')
  t.match(mail[0].text_body, '{{public_url}}/r/{{link_token}}', 'with a link to the organisation’s response, made when it is sent')
  const contacts = await app.db.selectFrom('contacts').select(['id', 'email']).where('organisation_id', '=', id).orderBy('created_at').execute()
  t.same(contacts.map((c) => c.email), ['contact-e06000001@example.org', 'dafydd@example.org'], 'the first contact stays')
  const removeFirst = await app.inject({ method: 'POST', url: `/admin/organisations/${id}/contacts/${contacts[0].id}/remove`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token }) })
  t.equal(removeFirst.headers.location, `/admin/organisations/${id}?done=contact_removed`)
  const removeLast = await app.inject({ method: 'POST', url: `/admin/organisations/${id}/contacts/${contacts[1].id}/remove`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token }) })
  t.equal(removeLast.statusCode, 409)
  t.match(removeLast.body, 'This is the only contact of an organisation that an open wave is waiting for. Add the new contact first, or change this one’s details.')
  t.equal((await app.db.selectFrom('contacts').select('id').where('organisation_id', '=', id).execute()).length, 1)
})
