// The server is killed (SIGKILL) while it is sending e-mail, then restarted: no message is lost;
// the only message that can arrive twice is the one that was in the middle of its SMTP
// conversation at the moment of the kill, and it carries the same Message-ID both times.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { configFromEnv } from '../../src/config.js'
import { queueMessage } from '../../src/mail/outbox.js'
import { startServer } from '../helpers/server-process.js'
import { startSmtp } from '../helpers/smtp.js'

t.test('SIGKILL while sending: nothing lost, nothing repeated but the message in flight', async (t) => {
  const smtp = await startSmtp(30)
  t.teardown(() => smtp.close())
  const dir = mkdtempSync(join(tmpdir(), 'outbox-crash-'))
  const env = { DATA_DIR: dir, SMTP_URL: smtp.url, MAIL_WORKER: 'true', MAIL_POLL_MS: '20', MAIL_CLAIM_LEASE_MS: '1000', MAIL_RATE_PER_MINUTE: '10000' }
  const config = { ...configFromEnv(env), logLevel: 'silent', mailWorker: false }
  const setup = await buildApp(config, { logger: false })
  for (let i = 0; i < 25; i++) await queueMessage(setup.db, { dedupeKey: `crash-${i}`, kind: 'test', to: [`r${i}@example.org`], subject: `Message ${i}`, text: 't', html: 'h' })
  await setup.close()

  const first = await startServer(env)
  while (smtp.received.length < 6) await new Promise((resolve) => setTimeout(resolve, 5))
  await first.kill('SIGKILL')
  const check = await buildApp(config, { logger: false })
  t.teardown(() => check.close())
  const inFlight = await check.db.selectFrom('outbox').select('subject').where('status', '=', 'sending').execute()
  t.ok(inFlight.length <= 1, `at most one message was mid-send at the kill (${inFlight.length})`)

  const second = await startServer(env)
  t.teardown(() => second.kill())
  const deadline = Date.now() + 30_000
  for (;;) {
    const left = await check.db.selectFrom('outbox').select('id').where('status', '!=', 'sent').execute()
    if (left.length === 0 || Date.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const subjects = smtp.received.map((m) => m.subject)
  for (let i = 0; i < 25; i++) t.ok(subjects.includes(`Message ${i}`), `Message ${i} arrived`)
  const repeated = subjects.filter((s, i) => subjects.indexOf(s) !== i)
  t.ok(repeated.every((s) => inFlight.some((f) => f.subject === s)), `only the message in flight may repeat (${repeated.join(', ') || 'none did'})`)
  const ids = new Map<string, Set<string>>()
  for (const m of smtp.received) ids.set(m.subject!, (ids.get(m.subject!) ?? new Set()).add(m.messageId!))
  t.ok([...ids.values()].every((set) => set.size === 1), 'a repeat has the same Message-ID, so mail systems can drop it')
})
