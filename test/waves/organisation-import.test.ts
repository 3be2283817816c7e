// Importing organisations: a file with bad rows imports nothing and says what is wrong with
// every one, by line; a good file imports organisations with several contacts each.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { importOrganisations, parseOrganisationsCsv } from '../../src/waves/organisation-import.js'
import { buildTestApp, formSession, multipart, signIn } from '../helpers/app.js'

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
  const upload = async (content: string) => {
    const s = await formSession(app, '/admin/organisations', cookie)
    const body = multipart({ _csrf: s.token }, { field: 'csv', name: 'one.csv', content })
    return app.inject({ method: 'POST', url: '/admin/organisations/import', headers: { 'content-type': body.contentType, cookie: s.cookie }, payload: body.payload })
  }
  const refused = await upload('code,name,type,contact_name,contact_email\nX1,Ex Council,local authority,Al,not-an-email\n')
  t.match(refused.body, 'Nothing was imported: 1 problem to fix')
  t.match((await upload('code,name,type,contact_name,contact_email\nX1\n')).body, 'Line 2: has 1 value but the header has 5 columns')
  const imported = await upload('code,name,type,contact_name,contact_email\nX1,Ex Council,local authority,Al,al@ex.example\n')
  t.equal(imported.headers.location, '/admin/organisations?done=organisations_added&n=1')
  const page = await app.inject({ url: imported.headers.location, headers: { cookie } })
  t.match(page.body, '1 organisation added')
  t.match(page.body, /<caption[^>]*>1 organisation<\/caption>/)
})
