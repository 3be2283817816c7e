// The outbox page at national scale: 30,000 and more messages, paged and filtered by state and
// wave, with counts for what is shown; bad addresses get a 4xx, never a 500; an analyst sees the
// list but not a message's text (it holds the organisation's personal link).
import t from 'tap'
import { buildTestApp, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { insertOutboxRows, plusMs, type RowSpec } from '../helpers/outbox.js'
import { openTestWave } from '../helpers/waves.js'

const { databases, skipped } = testDatabases()
if (skipped) t.test('the outbox page on postgres', { skip: skipped }, async () => {})

/** The figure shown for a state in the mail counts. */
const count = (body: string, state: string) => new RegExp(`id="mail-count-${state}">([\\d,]+)<`).exec(body)?.[1]

for (const database of databases) {
  t.test(`30,050 messages in two waves, paged and filtered (${database.kind})`, async (t) => {
    const app = await buildTestApp(t, { mailWorker: false }, database)
    const national = await openTestWave(app)
    const pilot = await openTestWave(app, { organisations: ['W06000015'] })
    await app.db.updateTable('waves').set({ label: 'Pilot <2025>' }).where('id', '=', pilot.waveId).execute()
    // The national wave: 30,000 invitations, 29,000 sent, 990 queued, 7 retrying, 3 failed.
    const rows: RowSpec[] = Array.from({ length: 30000 }, (_, i) => {
      const createdAt = plusMs('2026-10-01T09:00:00.000Z', i)
      if (i < 29000) return { waveId: national.waveId, createdAt, status: 'sent', sentAt: plusMs('2026-10-01T10:00:00.000Z', i * 500) }
      if (i < 29990) return { waveId: national.waveId, createdAt }
      if (i < 29997) return { waveId: national.waveId, createdAt, attempts: 1, lastError: '421 Try again later', nextAttemptAt: '2026-10-06T10:00:00.000Z' }
      return { waveId: national.waveId, createdAt, status: 'failed', attempts: 6, lastError: '550 No such user', claimedAt: '2026-10-06T10:00:00.000Z' }
    })
    // The pilot: 50 confirmations, the newest messages of all.
    rows.push(...Array.from({ length: 50 }, (_, i): RowSpec => ({ waveId: pilot.waveId, kind: 'confirmation', createdAt: plusMs('2026-11-01T09:00:00.000Z', i), status: 'sent', sentAt: '2026-11-01T10:00:00.000Z', subject: `Your response ${i}` })))
    await insertOutboxRows(app, rows)
    const cookie = await signIn(app)
    const get = (url: string) => app.inject({ url, headers: { cookie } })

    const started = Date.now()
    const first = await get('/admin/outbox')
    const took = Date.now() - started
    t.equal(first.statusCode, 200)
    t.ok(took < 5000, `the first page of 30,050 answers in ${took} ms`)
    t.match(first.body, 'Showing 1 to 50 of 30,050 e-mails')
    t.same(['queued', 'retrying', 'sent', 'failed'].map((s) => count(first.body, s)), ['990', '7', '29,050', '3'], 'every message counted once')
    t.equal((first.body.match(/<tr class="govuk-table__row">/g) ?? []).length, 51, 'a header and 50 messages')
    t.match(first.body, 'Your response 49', 'newest first')
    t.match(first.body, 'Pilot &lt;2025&gt;', 'the wave’s label, escaped')
    t.match(first.body, 'Confirmation with a copy of the answers')
    t.match(first.body, 'aria-current="page">1<')
    t.match(first.body, 'href="/admin/outbox?page=601"', 'the last page is one click away')
    t.match(first.body, 'href="/admin/outbox?page=2" rel="next"')

    const last = await get('/admin/outbox?page=601')
    t.match(last.body, 'Showing 30,001 to 30,050 of 30,050 e-mails')
    t.match(last.body, 'rel="prev"')
    t.notMatch(last.body, 'rel="next"')
    t.match((await get('/admin/outbox?page=9999')).body, 'Showing 30,001 to 30,050 of 30,050 e-mails', 'past the end: the last page')

    const retrying = await get(`/admin/outbox?status=retrying&wave=${national.waveId}`)
    t.match(retrying.body, 'Showing 1 to 7 of 7 e-mails')
    t.equal((retrying.body.match(/govuk-tag--yellow">Retrying</g) ?? []).length, 7)
    t.match(retrying.body, 'Next try at 11:00 on 6 October 2026', 'a UK time (BST)')
    t.match(retrying.body, '421 Try again later')
    t.match(retrying.body, '<option value="retrying" selected>', 'the filter keeps its choice')

    const failed = await get('/admin/outbox?status=failed')
    t.match(failed.body, 'Showing 1 to 3 of 3 e-mails')
    t.match(failed.body, 'Last tried at 11:00 on 6 October 2026')

    const queued = await get('/admin/outbox?status=queued&page=20')
    t.match(queued.body, 'Showing 951 to 990 of 990 e-mails')

    const pilotOnly = await get(`/admin/outbox?wave=${pilot.waveId}`)
    t.match(pilotOnly.body, 'Showing 1 to 50 of 50 e-mails')
    t.same(['queued', 'retrying', 'sent', 'failed'].map((s) => count(pilotOnly.body, s)), ['0', '0', '50', '0'], 'the counts are the wave’s')
    t.notMatch(pilotOnly.body, 'Please respond')
    t.match((await get(`/admin/outbox?status=failed&wave=${pilot.waveId}`)).body, 'No e-mails match.')

    t.match((await get('/admin/outbox?status=&wave=')).body, 'Showing 1 to 50 of 30,050 e-mails', '"any state" and "any wave" from the filter form')
    t.equal((await get('/admin/outbox?status=bogus')).statusCode, 400, 'an unknown state')
    t.equal((await get('/admin/outbox?page=0')).statusCode, 400, 'page 0')
    t.equal((await get('/admin/outbox?page=abc')).statusCode, 400)
    t.equal((await get('/admin/outbox?wave=..%2F..%2Fetc')).statusCode, 400, 'not a wave id')
    t.equal((await get('/admin/outbox?wave=00000000-0000-4000-8000-000000000000')).statusCode, 404, 'no such wave')
    t.equal((await get('/admin/outbox/00000000-0000-4000-8000-000000000000')).statusCode, 404, 'no such message')
  })
}

t.test('an analyst sees the outbox but not a message’s text; nobody signed out sees either', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const wave = await openTestWave(app)
  const [id] = await insertOutboxRows(app, [{ waveId: wave.waveId, createdAt: '2026-10-01T09:00:00.000Z' }])
  const analyst = await signIn(app, 'analyst')
  const list = await app.inject({ url: '/admin/outbox', headers: { cookie: analyst } })
  t.equal(list.statusCode, 200)
  t.notMatch(list.body, `/admin/outbox/${id}`, 'no link to the text')
  t.equal((await app.inject({ url: `/admin/outbox/${id}`, headers: { cookie: analyst } })).statusCode, 403)
  const signedOut = await app.inject({ url: '/admin/outbox' })
  t.equal(signedOut.statusCode, 303, 'sent to sign in')
  t.equal((await app.inject({ url: `/admin/outbox/${id}` })).statusCode, 303)
})
