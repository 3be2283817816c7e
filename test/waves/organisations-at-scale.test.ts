// Organisations at national scale, on SQLite and PostgreSQL: a file of 33,000 organisations
// (more rows than SQLite binds values in one statement) imports whole, or not at all when one
// row is bad; the list answers a page at a time. Deactivated and demo organisations are never
// invited to a real wave, and the demo data goes with one command.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { runCli } from '../../src/cli.js'
import { buildTestApp, form, formSession, signIn, testConfig } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { excelCsv, multipartFile } from '../helpers/excel-files.js'
import { buildApp } from '../../src/app.js'

const { databases, skipped } = testDatabases()
if (skipped) t.comment(skipped)

const HEADER = ['code', 'name', 'type', 'region', 'contact_name', 'contact_email']

function nationalFile(count: number, badLine?: number): Buffer {
  const rows = [HEADER]
  for (let i = 1; i <= count; i++) rows.push([`ORG${String(i).padStart(5, '0')}`, `Organisation ${i} – Cyngor ${i % 2 ? 'Môn' : 'Powys'}`, i % 3 ? 'prison' : 'local authority', `Region ${i % 9}`, `Contact ${i}`, `contact${i}@example.org`])
  // Line n of the file is row n - 1 of `rows` (the header is line 1).
  if (badLine) rows[badLine - 1][5] = 'not-an-email'
  return excelCsv(rows)
}

async function upload(app: FastifyInstance, cookie: string, bytes: Buffer, name = 'organisations.csv') {
  const s = await formSession(app, '/admin/organisations', cookie)
  const body = multipartFile({ _csrf: s.token }, { field: 'csv', name, type: 'text/csv', bytes })
  return app.inject({ method: 'POST', url: '/admin/organisations/import', headers: { 'content-type': body.contentType, cookie: s.cookie }, payload: body.payload })
}

async function count(app: FastifyInstance, table: 'organisations' | 'contacts' | 'invitations' | 'responses' | 'waves' | 'outbox', where?: (q: any) => any) {
  let query = app.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n'))
  if (where) query = where(query)
  return Number((await query.executeTakeFirstOrThrow()).n)
}

for (const database of databases) {
  t.test(`${database.kind}: 33,000 organisations import in one go, or not at all when one row is bad`, async (t) => {
    const app = await buildTestApp(t, { mailWorker: false }, database)
    const cookie = await signIn(app)
    const refused = await upload(app, cookie, nationalFile(33_000, 32_999))
    t.equal(refused.statusCode, 400)
    t.match(refused.body, 'Nothing was imported: 1 problem to fix')
    t.match(refused.body, 'Line 32999: &quot;not-an-email&quot; is not a valid e-mail address')
    t.equal(await count(app, 'organisations'), 0, 'not one of the 32,998 good rows')

    const file = nationalFile(33_000)
    t.ok(file.length > 2_000_000, `a file of ${(file.length / 1e6).toFixed(1)} MB`)
    const imported = await upload(app, cookie, file)
    t.equal(imported.statusCode, 303, imported.body.slice(0, 300))
    t.equal(imported.headers.location, '/admin/organisations?done=organisations_added&n=33000')
    t.equal(await count(app, 'organisations'), 33_000)
    t.equal(await count(app, 'contacts'), 33_000)

    const page = await app.inject({ url: imported.headers.location, headers: { cookie } })
    t.match(page.body, '33,000 organisations added')
    t.match(page.body, 'Organisations 1 to 50 of 33,000')
    t.equal((page.body.match(/<tr class="govuk-table__row">/g) ?? []).length, 51, 'a header row and 50 organisations')
    // Sorted by name as text: "Organisation 1 –", "Organisation 10 –", "Organisation 100 –" …
    t.match(page.body, /Organisation 1 – Cyngor Môn<\/a>[\s\S]*Organisation 10 – Cyngor Powys<\/a>/)
    const last = await app.inject({ url: '/admin/organisations?page=660', headers: { cookie } })
    t.match(last.body, 'Organisations 32,951 to 33,000 of 33,000')
    t.match(last.body, 'aria-current="page">660<')
    const found = await app.inject({ url: `/admin/organisations?q=${encodeURIComponent('org32999')}`, headers: { cookie } })
    t.match(found.body, /<caption[^>]*>1 organisation<\/caption>/)
    t.match(found.body, 'Organisation 32999 – Cyngor Môn')
    const byName = await app.inject({ url: `/admin/organisations?q=${encodeURIComponent('organisation 3299')}&type=${encodeURIComponent('local authority')}`, headers: { cookie } })
    // 3299 and 32990 to 32999, of which those divisible by 3 are local authorities: 32991, 32994, 32997.
    t.match(byName.body, /<caption[^>]*>3 organisations<\/caption>/)
    const wildcard = await app.inject({ url: `/admin/organisations?q=${encodeURIComponent('%')}`, headers: { cookie } })
    t.match(wildcard.body, /<caption[^>]*>0 organisations<\/caption>/, '% typed in a search is a letter, not a wildcard')
  })

  t.test(`${database.kind}: a deactivated organisation is not invited to a new wave, and keeps the wave it was in`, async (t) => {
    const app = await buildTestApp(t, { mailWorker: false }, database)
    const cookie = await signIn(app)
    t.equal((await upload(app, cookie, nationalFile(3))).statusCode, 303)
    const ids = Object.fromEntries((await app.db.selectFrom('organisations').select(['id', 'code']).execute()).map((o) => [o.code, o.id]))
    const createWave = async (label: string) => {
      const s = await formSession(app, '/admin/waves/new', cookie)
      const res = await app.inject({ method: 'POST', url: '/admin/waves', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token, version: 'prison-peer-social-care/2024', label, team_name: 'Study', team_email: 'study@example.org', deadline__day: '31', deadline__month: '3', deadline__year: '2099', types: 'prison' }) })
      t.equal(res.statusCode, 303)
      return new URL(res.headers.location!, 'http://x').pathname.split('/').pop()!
    }
    // ORG00001 and ORG00002 are prisons (i % 3 ≠ 0); ORG00003 a local authority.
    const before = await createWave('Before')
    const s = await formSession(app, `/admin/organisations/${ids.ORG00001}`, cookie)
    const deactivated = await app.inject({ method: 'POST', url: `/admin/organisations/${ids.ORG00001}/deactivate`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token }) })
    t.equal(deactivated.headers.location, `/admin/organisations/${ids.ORG00001}?done=organisation_deactivated`)
    const after = await createWave('After')
    const invited = async (waveId: string) => (await app.db.selectFrom('invitations').innerJoin('organisations', 'organisations.id', 'invitations.organisation_id').select('code').where('wave_id', '=', waveId).orderBy('code').execute()).map((r) => r.code)
    t.same(await invited(after), ['ORG00002'], 'not invited to the new wave')
    t.same(await invited(before), ['ORG00002'], 'and it left the wave not yet launched, which had sent it nothing')
    const newWaveForm = await app.inject({ url: '/admin/waves/new', headers: { cookie } })
    t.match(newWaveForm.body, />prison \(1\)</, 'the new-wave form counts only those it would invite')
    const page = await app.inject({ url: `/admin/organisations/${ids.ORG00001}`, headers: { cookie } })
    t.match(page.body, 'Inactive')
    t.match(page.body, 'Reactivate this organisation')
    const list = await app.inject({ url: '/admin/organisations?status=inactive', headers: { cookie } })
    t.match(list.body, /<caption[^>]*>1 organisation<\/caption>/)
  })

  t.test(`${database.kind}: a deactivated organisation keeps its place and answers in an open wave, and adding it by code invites nothing`, async (t) => {
    const app = await buildTestApp(t, { mailWorker: false }, database)
    const cookie = await signIn(app)
    t.equal((await upload(app, cookie, nationalFile(2))).statusCode, 303)
    const [first, second] = await app.db.selectFrom('organisations').select(['id', 'code']).orderBy('code').execute()
    const { createWave, inviteOrganisations } = await import('../../src/waves/waves.js')
    const waveId = await createWave(app.db, { surveyId: 'prison-peer-social-care', version: '2024', label: 'Open', teamName: 'Study', teamEmail: 'study@example.org' })
    await inviteOrganisations(app.db, waveId, [first.id])
    const s = await formSession(app, `/admin/organisations/${first.id}`, cookie)
    await app.inject({ method: 'POST', url: `/admin/organisations/${second.id}/deactivate`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token }) })
    await app.inject({ method: 'POST', url: `/admin/organisations/${first.id}/deactivate`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token }) })
    t.equal(await count(app, 'invitations', (q) => q.where('wave_id', '=', waveId)), 1, 'the open wave keeps its invitation')
    const w = await formSession(app, `/admin/waves/${waveId}`, cookie)
    await app.inject({ method: 'POST', url: `/admin/waves/${waveId}/organisations`, headers: { cookie: w.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: w.token, codes: second.code }) })
    t.equal(await count(app, 'invitations', (q) => q.where('wave_id', '=', waveId)), 1, 'the deactivated one added by code is not invited')
    t.equal(await count(app, 'outbox'), 0, 'and no invitation is queued for it')
    const { remindersDue } = await import('../../src/waves/waves.js')
    await app.db.updateTable('waves').set({ status: 'open' }).where('id', '=', waveId).execute()
    t.same(await remindersDue(app.db, waveId, 'not_submitted'), [], 'nor is it reminded, by hand or on a schedule')
  })

  t.test(`${database.kind}: demo organisations are never invited to a real wave, and remove-demo takes away demo data only`, async (t) => {
    const config = await testConfig(t, { mailWorker: false }, database)
    const app = await buildApp(config, { logger: false })
    t.teardown(() => app.close())
    const cookie = await signIn(app)
    const cli = async (args: string[]) => {
      const out: string[] = []
      const err: string[] = []
      const code = await runCli(args, (l) => out.push(l), (l) => err.push(l), { DATABASE_URL: config.databaseUrl, SURVEYS_DIR: config.surveysDir })
      return { code, out: out.join('\n'), err: err.join('\n') }
    }
    t.equal((await cli(['demo-wave'])).code, 0)
    t.equal((await upload(app, cookie, nationalFile(3))).statusCode, 303)
    // The demo wave's three councils are local authorities, as is ORG00003.
    const list = await app.inject({ url: '/admin/organisations?status=demo', headers: { cookie } })
    t.match(list.body, /<caption[^>]*>3 organisations<\/caption>/)
    t.match(list.body, 'Hartside Borough Council</a> <strong class="govuk-tag govuk-tag--purple">Demo</strong>')
    const waves = await app.inject({ url: '/admin', headers: { cookie } })
    t.match(waves.body, /Demo 2020<\/a> <strong class="govuk-tag govuk-tag--purple">Demo<\/strong>/, 'the demo wave is marked in the list of waves')
    const s = await formSession(app, '/admin/waves/new', cookie)
    t.match(s.html, />local authority \(1\)</, 'the form counts the one real local authority')
    const created = await app.inject({ method: 'POST', url: '/admin/waves', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token, version: 'la-release-social-care/2020', label: 'Real 2027', team_name: 'Study', team_email: 'study@example.org', deadline__day: '31', deadline__month: '3', deadline__year: '2099', types: 'local authority' }) })
    const realWave = new URL(created.headers.location!, 'http://x').pathname.split('/').pop()!
    const invited = await app.db.selectFrom('invitations').innerJoin('organisations', 'organisations.id', 'invitations.organisation_id').select(['code', 'demo']).where('wave_id', '=', realWave).execute()
    t.same(invited.map((i) => i.code), ['ORG00003'], 'only the real local authority')
    // Responses and e-mails of the demo wave, and a real organisation's e-mail from the real wave.
    const { launchWave } = await import('../../src/waves/waves.js')
    await launchWave(app.db, realWave, { catalogue: app.catalogue })
    const demoWave = await app.db.selectFrom('waves').select('id').where('demo', '=', 1).executeTakeFirstOrThrow()
    await app.db.insertInto('outbox').values({ id: '00000000-0000-4000-8000-000000000001', dedupe_key: 'demo-mail', kind: 'invitation', wave_id: demoWave.id, organisation_id: null, to_address: 'x@demo.example', subject: 's', text_body: 'b', html_body: 'b', status: 'sent', attempts: 1, next_attempt_at: '2020-01-01T00:00:00.000Z', created_at: '2020-01-01T00:00:00.000Z' }).execute()

    const removed = await cli(['remove-demo'])
    t.equal(removed.code, 0, removed.err)
    t.equal(removed.out, 'Removed 1 demo wave, 3 organisations, 3 responses and 1 e-mail. Real organisations and waves are untouched.')
    t.equal(await count(app, 'organisations'), 3, 'the three real organisations stay')
    t.equal(await count(app, 'organisations', (q) => q.where('demo', '=', 1)), 0)
    t.same((await app.db.selectFrom('waves').select('label').execute()).map((w) => w.label), ['Real 2027'])
    t.equal(await count(app, 'responses'), 1, 'the real wave keeps its response')
    t.equal(await count(app, 'outbox'), 1, 'and its invitation e-mail')
    t.equal((await cli(['remove-demo'])).out, 'Removed 0 demo waves, 0 organisations, 0 responses and 0 e-mails. Real organisations and waves are untouched.', 'a second run finds nothing')
  })
}
