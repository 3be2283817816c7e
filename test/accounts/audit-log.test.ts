// The audit log read by a person, on SQLite and PostgreSQL: every action the code records reads as
// a sentence with names looked up; an action without a sentence still reads plainly (never raw
// JSON); everything is escaped; filters by person, kind, wave, organisation and UK dates; pages
// of fifty, newest first, found through an index.
import t from 'tap'
import { CompiledQuery, type KyselyPlugin } from 'kysely'
import type { FastifyInstance } from 'fastify'
import { audit } from '../../src/accounts/audit.js'
import { auditPage } from '../../src/accounts/audit-log.js'
import { createUser } from '../../src/accounts/users.js'
import { startSession } from '../../src/accounts/sessions.js'
import { messages } from '../../src/i18n/catalogue.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave } from '../../src/waves/waves.js'
import { buildTestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const { databases, skipped } = testDatabases()
if (skipped) t.test('audit log on postgres', { skip: skipped }, async () => {})

/** Every action the code records today (grep "audit(" in src), each with the details it writes. */
const ACTIONS = [
  'carry_forward_removed', 'carry_forward_saved', 'contact_replaced', 'deadline_changed', 'erasure_organisation_contacts', 'erasure_wave', 'export', 'export_tracking_csv', 'first_admin_created',
  'link_reissued', 'login', 'login_failed', 'logout', 'organisations_import_refused', 'organisations_imported', 'password_changed', 'password_reset_sent',
  'password_reset_used', 'reminders_sent', 'response_reopened', 'user_created', 'user_disabled', 'user_enabled', 'user_role_changed', 'user_signed_out',
  'wave_closed', 'wave_created', 'wave_launched', 'wave_messages_saved', 'wave_organisations_added', 'wave_privacy_notice_saved', 'wave_version_corrected',
]

t.test('every action recorded today has a sentence in the catalogue', async (t) => {
  for (const action of ACTIONS) t.ok(messages.en[`audit.action.${action}`], `audit.action.${action}`)
})

async function team(app: FastifyInstance) {
  const ana = { id: await createUser(app.db, { email: 'ana@example.org', name: 'Ana Lewis', role: 'admin', password: 'correct horse battery staple' }), email: 'ana@example.org' }
  const bo = { id: await createUser(app.db, { email: 'bo@example.org', name: 'Bo <Analyst>', role: 'analyst', password: 'correct horse battery staple' }), email: 'bo@example.org' }
  const waveId = await createWave(app.db, { surveyId: 'prison-peer-social-care', version: '2024', label: 'Prisons 2024', teamName: 'Study', teamEmail: 'study@example.org' })
  const org = await createOrganisation(app.db, { code: 'HMP001', name: 'HMP <Berwyn> & Co', type: 'prison', attributes: {}, contacts: [] })
  return { ana, bo, waveId, org, cookie: `sid=${await startSession(app.db, ana.id)}` }
}

const rowsOf = (html: string) => [...html.matchAll(/<td class="govuk-table__cell">\s*([\s\S]*?)\s*<\/td>\s*<\/tr>/g)].map((m) => m[1].replace(/\s+/g, ' ').trim())

for (const database of databases) {
  t.test(`audit log on ${database.kind}`, async (t) => {
    t.test('entries read as sentences, names looked up and escaped, never raw JSON', async (t) => {
      const app = await buildTestApp(t, { mailWorker: false }, database)
      const { ana, bo, waveId, org, cookie } = await team(app)
      // Entries a few milliseconds apart, so "newest first" has one answer.
      const record = async (...args: Parameters<typeof audit>) => {
        await new Promise((resolve) => setTimeout(resolve, 3))
        await audit(...args)
      }
      await record(app.db, ana, 'wave_launched', { waveId, invitations: 3, withoutContacts: 0 })
      await record(app.db, ana, 'wave_launched', { waveId, invitations: 1, withoutContacts: 0 })
      await record(app.db, bo, 'contact_replaced', { waveId, organisationId: org, email: 'new@example.org' })
      await record(app.db, ana, 'deadline_changed', { waveId, from: '2026-03-31T22:59:59.999Z', to: '2026-04-30T22:59:59.999Z' })
      await record(app.db, ana, 'user_role_changed', { userId: bo.id, email: bo.email, from: 'analyst', to: 'admin' })
      await record(app.db, bo, 'export', { waveId, kind: 'raw_csv', query: {} })
      await record(app.db, null, 'login_failed', { email: '<x>@example.org' })
      await record(app.db, { id: 'cli', email: 'command line' }, 'organisations_imported', { file: 'orgs.csv', organisations: 151, contacts: 1 })
      await record(app.db, ana, 'erasure_wave', { waveId: '00000000-0000-4000-8000-000000000000', label: 'Old wave', survey: 'x', version: '1', removed: { responses: 2 } })
      // An action added by later code, without a sentence yet.
      await record(app.db, ana, 'organisation_contact_added', { organisationId: org, contactEmail: 'b@example.org', primary: false, fields: ['name', 'email'] })
      const res = await app.inject({ url: '/admin/audit', headers: { cookie } })
      t.equal(res.statusCode, 200)
      t.same(rowsOf(res.body), [
        'Ana Lewis: Organisation contact added <ul class="govuk-list govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0"><li>Organisation id: ' + org + '</li><li>Contact email: b@example.org</li><li>Primary: no</li><li>Fields: name, email</li></ul>',
        'Ana Lewis erased the wave Old wave and its responses',
        'The command line imported 151 organisations and 1 contact',
        'A sign-in as &lt;x&gt;@example.org failed',
        'Bo &lt;Analyst&gt; downloaded the raw data (CSV) of Prisons 2024',
        'Ana Lewis changed the role of Bo &lt;Analyst&gt; from analyst to admin',
        'Ana Lewis changed the deadline of the wave Prisons 2024 from 31 March 2026 to 30 April 2026',
        'Bo &lt;Analyst&gt; replaced the contact of HMP &lt;Berwyn&gt; &amp; Co in the wave Prisons 2024 with new@example.org',
        'Ana Lewis launched the wave Prisons 2024 (1 invitation)',
        'Ana Lewis launched the wave Prisons 2024 (3 invitations)',
      ])
      t.notMatch(res.body, '{&quot;', 'no JSON on the page')
      t.notMatch(res.body, '<x>', 'nothing unescaped')
    })

    t.test('filters by person, kind, wave, organisation and UK dates; pages of fifty, newest first', async (t) => {
      const app = await buildTestApp(t, { mailWorker: false }, database)
      const { ana, bo, waveId, org, cookie } = await team(app)
      // 120 entries an hour apart from 28 June 2026 00:00 UTC (BST: 01:00 UK time): Ana even, Bo odd.
      const start = Date.parse('2026-06-28T00:00:00Z')
      const rows = Array.from({ length: 120 }, (_, i) => ({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        at: new Date(start + i * 3600_000).toISOString(),
        user_id: i % 2 ? bo.id : ana.id,
        user_email: i % 2 ? bo.email : ana.email,
        action: i % 3 === 0 ? 'link_reissued' : 'login',
        details_json: i % 3 === 0 ? JSON.stringify({ waveId, organisationId: org }) : '{}',
        wave_id: i % 3 === 0 ? waveId : null,
        organisation_id: i % 3 === 0 ? org : null,
      }))
      await app.db.insertInto('audit_log').values(rows).execute()
      const page = (query: string) => app.inject({ url: `/admin/audit?${query}`, headers: { cookie } })
      const times = (html: string) => [...html.matchAll(/app-audit-when">([^<]+)</g)].map((m) => m[1])

      const first = await page('')
      t.equal(times(first.body).length, 50)
      // Entry 119 is at 2026-07-02T23:00Z, 00:00 on 3 July in the UK (BST).
      t.equal(times(first.body)[0], '00:00 on 3 July 2026', 'newest first, in UK time')
      const older = /href="(\/admin\/audit\?before=[^"]+)"/.exec(first.body)![1].replace(/&amp;/g, '&')
      const second = await page(older.split('?')[1])
      // Entry 69 is at 2026-06-30T21:00Z: 22:00 UK time.
      t.equal(times(second.body)[0], '22:00 on 30 June 2026', 'the next page starts where the first ended')
      const third = await page(/href="\/admin\/audit\?(before=[^"]+)"/.exec(second.body)![1].replace(/&amp;/g, '&'))
      t.equal(times(third.body).length, 20, '120 = 50 + 50 + 20')
      t.notMatch(third.body, 'Older entries')
      const back = await page(/href="\/admin\/audit\?(after=[^"]+)"/.exec(third.body)![1].replace(/&amp;/g, '&'))
      t.same(times(back.body), times(second.body), 'newer entries lead back to the page before')

      const bosLinks = await page(`person=${bo.id}&action=link_reissued`)
      // Odd multiples of 3 below 120: 3, 9, …, 117 — 20 entries.
      t.equal(times(bosLinks.body).length, 20)
      t.match(bosLinks.body, 'Bo &lt;Analyst&gt; sent HMP &lt;Berwyn&gt; &amp; Co a new link for the wave Prisons 2024')
      t.notMatch(bosLinks.body, 'Ana Lewis sent')
      t.equal(times((await page(`wave=${waveId}`)).body).length, 40, 'by wave: every third entry')
      t.equal(times((await page('organisation=HMP001')).body).length, 40, 'by organisation code')
      // 1 July 2026 on UK clocks runs from 2026-06-30T23:00Z to 2026-07-01T22:59Z: entries 71 to 94.
      const oneDay = await page('from__day=1&from__month=7&from__year=2026&to__day=1&to__month=7&to__year=2026')
      t.equal(times(oneDay.body).length, 24, 'one UK day holds 24 hourly entries')
      t.equal(times(oneDay.body)[0], '23:00 on 1 July 2026')
      t.equal(times(oneDay.body)[23], '00:00 on 1 July 2026')

      const bad = await page('organisation=NOPE&from__day=31&from__month=2&from__year=2026&to__day=1&to__month=1&to__year=2026')
      t.equal(bad.statusCode, 400)
      t.same([...bad.body.matchAll(/<li><a href="#([a-z_]+)">/g)].map((m) => m[1]), ['organisation', 'from__day'], 'the error summary follows the fields')
      t.match(bad.body, 'No organisation has the code NOPE: enter a code from the organisations list')
      t.match(bad.body, 'Enter the From date as day, month and year, like 27 3 2026')
      t.match(bad.body, 'value="NOPE"', 'what was typed is kept')
      const reversed = await page('from__day=2&from__month=7&from__year=2026&to__day=1&to__month=7&to__year=2026')
      t.match(reversed.body, 'The To date must be the same as or after the From date')
      t.equal((await page('person=not-an-id')).statusCode, 400, 'a malformed filter is a 400, not a 500')
    })

    if (database.kind === 'sqlite') {
      t.test('every filter reads an index in order, without sorting the log', async (t) => {
        const app = await buildTestApp(t, { mailWorker: false }, database)
        const { ana, waveId, org } = await team(app)
        const queries: CompiledQuery[] = []
        const capture: KyselyPlugin = {
          transformQuery: (args) => (queries.push(app.db.getExecutor().compileQuery(args.node, args.queryId)), args.node),
          transformResult: async (args) => args.result,
        }
        const db = app.db.withPlugin(capture)
        const cursor = { at: '2026-07-01T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000000' }
        for (const filter of [{}, { userId: ana.id }, { action: 'login' }, { waveId }, { organisationId: org }, { userId: ana.id, from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' }]) {
          queries.length = 0
          await auditPage(db, filter, { before: cursor }, 50)
          const plan = (await app.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${queries[0].sql}`, [...queries[0].parameters]))).rows.map((r) => r.detail).join('; ')
          t.match(plan, /USING (COVERING )?INDEX audit_log_/, `${JSON.stringify(filter)}: ${plan}`)
          t.notMatch(plan, 'TEMP B-TREE', 'no sorting of the whole log')
        }
      })
    }
  })
}
