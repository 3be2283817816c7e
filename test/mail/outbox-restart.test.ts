// The outbox survives restarts: a process stopping mid-way through a batch finishes the message
// in hand, the next process sends the rest, and every message arrives exactly once. Sending is
// throttled across processes.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { queueMessage } from '../../src/mail/outbox.js'
import { DEFAULT_MAIL_CLAIM_LEASE_MS } from '../../src/config.js'
import { testConfig } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'

t.test('a restart in the middle of sending sends each message exactly once', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const config = await testConfig(t, { smtpUrl: smtp.url, mailWorker: false, mailRatePerMinute: 1000 })
  const first = await buildApp(config, { logger: false })
  for (let i = 0; i < 12; i++) await queueMessage(first.db, { dedupeKey: `m${i}`, kind: 'test', to: [`r${i}@example.org`], subject: `Message ${i}`, text: 't', html: 'h' })

  // Stop the first process as soon as a few messages have gone.
  const sending = first.sendMail()
  while (smtp.received.length < 3) await new Promise((resolve) => setTimeout(resolve, 5))
  await first.close()
  const partial = await sending
  t.ok(partial.sent >= 3 && partial.sent < 12, `the first process stopped part-way (${partial.sent} sent)`)
  const afterStop = smtp.received.length

  const second = await buildApp(config, { logger: false })
  t.teardown(() => second.close())
  const rest = await second.sendMail()
  t.equal(rest.sent, 12 - afterStop, 'the second process sends the rest')
  t.equal(smtp.received.length, 12)
  t.equal(new Set(smtp.received.map((m) => m.subject)).size, 12, 'no message arrived twice')
  const rows = await second.db.selectFrom('outbox').select('status').execute()
  t.ok(rows.every((r) => r.status === 'sent'))
})

t.test('a message left "sending" by a crashed process is sent after the lease, never while another may hold it', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const config = await testConfig(t, { smtpUrl: smtp.url, mailWorker: false })
  const app = await buildApp(config, { logger: false })
  t.teardown(() => app.close())
  await queueMessage(app.db, { dedupeKey: 'crashed', kind: 'test', to: ['a@example.org'], subject: 'Interrupted', text: 't', html: 'h' })
  const claimedAt = new Date(Date.now() - 60_000).toISOString()
  await app.db.updateTable('outbox').set({ status: 'sending', claimed_by: 'dead-process', claimed_at: claimedAt, attempts: 1 }).execute()
  t.same(await app.sendMail(), { sent: 0, failed: 0, retrying: 0 }, 'within the lease it is left alone')
  await app.db.updateTable('outbox').set({ claimed_at: new Date(Date.now() - DEFAULT_MAIL_CLAIM_LEASE_MS - 1000).toISOString() }).execute()
  t.same(await app.sendMail(), { sent: 1, failed: 0, retrying: 0 }, 'after the lease it is sent')
  t.equal(smtp.received.length, 1)
})

t.test('sending is throttled to the configured messages per minute', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const config = await testConfig(t, { smtpUrl: smtp.url, mailWorker: false, mailRatePerMinute: 5 })
  const app = await buildApp(config, { logger: false })
  t.teardown(() => app.close())
  for (let i = 0; i < 8; i++) await queueMessage(app.db, { dedupeKey: `t${i}`, kind: 'test', to: [`r${i}@example.org`], subject: `T${i}`, text: 't', html: 'h' })
  t.equal((await app.sendMail()).sent, 5)
  t.equal((await app.sendMail()).sent, 0, 'the rest wait for the next minute')
  await app.db.updateTable('outbox').set({ sent_at: new Date(Date.now() - 61_000).toISOString() }).where('status', '=', 'sent').execute()
  t.equal((await app.sendMail()).sent, 3)
})

t.test('the worker in the app sends queued mail by itself', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const config = await testConfig(t, { smtpUrl: smtp.url, mailWorker: true, mailPollMs: 20 })
  const app = await buildApp(config, { logger: false })
  t.teardown(() => app.close())
  await app.ready()
  await queueMessage(app.db, { dedupeKey: 'auto', kind: 'test', to: ['a@example.org'], subject: 'By itself', text: 't', html: 'h' })
  const deadline = Date.now() + 5000
  while (smtp.received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(smtp.received.length, 1)
})
