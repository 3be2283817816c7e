// Responses and the outbox under concurrency, on SQLite and on PostgreSQL: of two saves based on
// the same page version one wins, a response is submitted once however many times it is posted,
// and two workers never send the same message twice.
import t from 'tap'
import { createMailTransport } from '../../src/mail/transport.js'
import { queueMessage } from '../../src/mail/outbox.js'
import { sendDueMessages } from '../../src/mail/worker.js'
import { loadResponse, savePage, submitResponse } from '../../src/respond/responses.js'
import { buildTestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { startSmtp } from '../helpers/smtp.js'
import { openTestWave } from '../helpers/waves.js'

const { databases, skipped } = testDatabases()
if (skipped) t.test('responses on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`responses on ${database.kind}`, async (t) => {
    t.test('of concurrent saves based on the same page version, exactly one is applied', async (t) => {
      const app = await buildTestApp(t, { mailWorker: false }, database)
      const wave = await openTestWave(app)
      const response = await app.db.selectFrom('responses').select('id').where('organisation_id', '=', wave.organisationIds.E06000001).executeTakeFirstOrThrow()
      const save = (team: string, baseVersion: number) =>
        savePage(app.db, { responseId: response.id, pageId: 'about_respondent', baseVersion, questionIds: ['respondent_role', 'respondent_team'], answers: { respondent_role: { code: 1 }, respondent_team: { value: team } }, completed: true })
      const first = await Promise.all(['A', 'B', 'C', 'D'].map((team) => save(team, 0)))
      t.equal(first.filter((r) => r.outcome === 'saved').length, 1)
      t.equal(first.filter((r) => r.outcome === 'conflict').length, 3)
      const second = await Promise.all(['E', 'F', 'G'].map((team) => save(team, 1)))
      t.equal(second.filter((r) => r.outcome === 'saved').length, 1)
      const stored = await loadResponse(app.db, response.id)
      t.equal(stored.pages.get('about_respondent')?.version, 2)
      const winner = second.findIndex((r) => r.outcome === 'saved')
      t.same(stored.answers.respondent_team, { value: ['E', 'F', 'G'][winner] }, 'the stored answers are the winner’s')
    })

    t.test('a response posted for submission many times at once is submitted once', async (t) => {
      const app = await buildTestApp(t, { mailWorker: false }, database)
      const wave = await openTestWave(app)
      const response = await app.db.selectFrom('responses').select('id').where('organisation_id', '=', wave.organisationIds.E06000001).executeTakeFirstOrThrow()
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          submitResponse(app.db, response.id, [], (trx, at) =>
            queueMessage(trx, { dedupeKey: `confirmation:${response.id}:${at}`, kind: 'confirmation', to: [`copy${i}@example.org`], subject: 's', text: 't', html: 'h' }),
          ),
        ),
      )
      t.equal(results.filter((r) => r.firstTime).length, 1)
      t.equal((await app.db.selectFrom('outbox').select('id').execute()).length, 1, 'one confirmation queued')
    })

    t.test('queuing the same message twice keeps one', async (t) => {
      const app = await buildTestApp(t, { mailWorker: false }, database)
      const message = { dedupeKey: 'reminder:wave:org:1', kind: 'reminder', to: ['a@example.org'], subject: 's', text: 't', html: 'h' }
      await queueMessage(app.db, message)
      await queueMessage(app.db, message)
      t.equal((await app.db.selectFrom('outbox').select('id').execute()).length, 1)
    })

    t.test('two workers on one database never send the same message twice', async (t) => {
      const smtp = await startSmtp()
      t.teardown(() => smtp.close())
      const app = await buildTestApp(t, { mailWorker: false }, database)
      for (let i = 0; i < 30; i++) await queueMessage(app.db, { dedupeKey: `m${i}`, kind: 'test', to: [`r${i}@example.org`], subject: `Message ${i}`, text: 't', html: 'h' })
      const workers = ['one', 'two'].map((workerId) => ({ workerId, transport: createMailTransport({ smtpUrl: smtp.url, mailDir: '' }) }))
      t.teardown(() => workers.forEach((w) => w.transport.close()))
      const results = await Promise.all(workers.map((w) => sendDueMessages(app.db, { transport: w.transport, from: 'test@example.org', publicUrl: app.config.publicUrl, linkTokenFor: async () => undefined, workerId: w.workerId, batchSize: 30 })))
      t.equal(results[0].sent + results[1].sent, 30)
      t.equal(smtp.received.length, 30)
      t.equal(new Set(smtp.received.map((m) => m.subject)).size, 30, 'each message arrived once')
      const claimedBy = await app.db.selectFrom('outbox').select('claimed_by').execute()
      t.ok(claimedBy.every((r) => r.claimed_by === 'one' || r.claimed_by === 'two'))
    })
  })
}
