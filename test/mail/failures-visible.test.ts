// A delivery failure is seen at once: the wave's dashboard and the outbox count it as retrying
// after the first refusal and as failed after the last, and every failed attempt is a warning in
// the log with what the team needs to find it (never the recipient's link or the body). Where the
// mail went is said in words: no page shows the server's paths.
import { createServer } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import type { AppConfig } from '../../src/config.js'
import { MAX_ATTEMPTS } from '../../src/mail/worker.js'
import { createWave, inviteOrganisations, launchWave } from '../../src/waves/waves.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { signIn, testConfig } from '../helpers/app.js'
import { testDatabases, sqlite, type TestDatabase } from '../helpers/databases.js'
import { startSmtp } from '../helpers/smtp.js'
import { issueLinks } from '../helpers/waves.js'

interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}

/** The real app, its log (warnings and worse) captured line by line as pino writes it. */
async function appWithLog(t: Parameters<typeof testConfig>[0], overrides: Partial<AppConfig>, database: TestDatabase = sqlite): Promise<{ app: FastifyInstance; log: LogLine[] }> {
  const log: LogLine[] = []
  const app = await buildApp(await testConfig(t, { mailWorker: false, ...overrides }, database), { logger: { level: 'warn', stream: { write: (line: string) => void log.push(JSON.parse(line) as LogLine) } } })
  t.teardown(() => app.close())
  return { app, log }
}

/** Two prisons invited to a launched wave: two invitations queued. */
async function launchTwoPrisons(app: FastifyInstance): Promise<{ waveId: string; tokens: string[] }> {
  const ids = [
    await createOrganisation(app.db, { code: 'P1', name: 'HMP Example Leeds', type: 'prison', attributes: {}, contacts: [{ name: 'Ann Jones', email: 'ann@leeds.example' }] }),
    await createOrganisation(app.db, { code: 'P2', name: 'HMP Example Norwich', type: 'prison', attributes: {}, contacts: [{ name: 'Bob Smith', email: 'bob@norwich.example' }] }),
  ]
  const waveId = await createWave(app.db, { surveyId: 'la-release-social-care', version: '2020', label: '2026', teamName: 'Prison Social Care Study', teamEmail: 'study@example.org', status: 'draft' })
  await inviteOrganisations(app.db, waveId, ids)
  const tokens = await issueLinks(app, waveId, ids)
  await launchWave(app.db, waveId, { catalogue: app.catalogue })
  return { waveId, tokens: [...tokens.values()] }
}

/** The figure shown for a state in the mail counts (views/partials/mail-status.eta). */
const count = (body: string, state: string) => new RegExp(`id="mail-count-${state}">([\\d,]+)<`).exec(body)?.[1]

const { databases, skipped } = testDatabases()
if (skipped) t.test('failures on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`an SMTP server refusing every recipient: retrying at once, failed after the last attempt, a warning each time (${database.kind})`, async (t) => {
    const smtp = await startSmtp()
    t.teardown(() => smtp.close())
    smtp.failing = true
    const { app, log } = await appWithLog(t, { smtpUrl: smtp.url }, database)
    const { waveId, tokens } = await launchTwoPrisons(app)
    const cookie = await signIn(app)

    t.same(await app.sendMail(), { sent: 0, failed: 0, retrying: 2 })
    let dashboard = await app.inject({ url: `/admin/waves/${waveId}`, headers: { cookie } })
    t.equal(count(dashboard.body, 'retrying'), '2', 'the dashboard counts both as retrying after the first refusal')
    t.equal(count(dashboard.body, 'failed'), '0')
    t.equal(count(dashboard.body, 'queued'), '0')
    t.match(dashboard.body, '2 e-mails could not be delivered yet and will be tried again.')
    t.match(dashboard.body, `href="/admin/outbox?status=retrying&amp;wave=${waveId}"`)

    let outbox = await app.inject({ url: `/admin/outbox?status=retrying&wave=${waveId}`, headers: { cookie } })
    t.equal(outbox.statusCode, 200)
    t.equal(count(outbox.body, 'retrying'), '2', 'the outbox counts them too')
    t.equal((outbox.body.match(/govuk-tag--yellow">Retrying</g) ?? []).length, 2, 'both listed as retrying')
    t.match(outbox.body, /Next try at \d\d:\d\d on \d{1,2} [A-Z][a-z]+ \d{4}/, 'with the next try as a UK time')
    t.match(outbox.body, /450 Mailbox temporarily unavailable/)
    t.match(outbox.body, 'Showing 1 to 2 of 2 e-mails')

    const warnings = log.filter((l) => l.level === 40)
    t.equal(warnings.length, 2, 'one warning per failed attempt')
    const outboxIds = (await app.db.selectFrom('outbox').select('id').orderBy('id').execute()).map((r) => r.id)
    t.same(warnings.map((w) => w.outboxId).sort(), outboxIds, 'each names the message')
    for (const w of warnings) {
      t.match(w, { kind: 'invitation', waveId, attempt: 1, willRetry: true, smtpCode: 450, msg: `E-mail delivery failed (attempt 1 of ${MAX_ATTEMPTS}), will retry` })
      t.match(w.error, /450 Mailbox temporarily unavailable/)
    }

    const page = await app.inject({ url: `/admin/outbox/${outboxIds[0]}`, headers: { cookie } })
    t.match(page.body, /id="message-state"><strong class="govuk-tag govuk-tag--yellow">Retrying<\/strong> Next try at/)
    t.match(page.body, `id="message-attempts">1 of ${MAX_ATTEMPTS}<`)
    t.match(page.body, /id="message-next-attempt">at \d\d:\d\d on/)
    t.match(page.body, /id="message-error">[^<]*450 Mailbox temporarily unavailable/)

    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      await app.db.updateTable('outbox').set({ next_attempt_at: '2000-01-01T00:00:00.000Z' }).where('status', '=', 'queued').execute()
      await app.sendMail()
    }
    dashboard = await app.inject({ url: `/admin/waves/${waveId}`, headers: { cookie } })
    t.equal(count(dashboard.body, 'failed'), '2', 'failed after the last attempt')
    t.equal(count(dashboard.body, 'retrying'), '0')
    t.match(dashboard.body, '2 e-mails could not be delivered after every attempt.')
    outbox = await app.inject({ url: '/admin/outbox?status=failed', headers: { cookie } })
    t.equal((outbox.body.match(/govuk-tag--red">Failed</g) ?? []).length, 2)
    t.match(outbox.body, /Last tried at \d\d:\d\d on/)

    const all = log.filter((l) => l.level === 40)
    t.equal(all.length, 2 * MAX_ATTEMPTS, 'every attempt was a warning')
    t.equal(all.filter((w) => w.willRetry === false && w.attempt === MAX_ATTEMPTS && w.msg === `E-mail delivery failed for good after ${MAX_ATTEMPTS} attempts`).length, 2)
    const everything = JSON.stringify(log)
    for (const token of tokens) t.notMatch(everything, token, 'no personal link in the log')
    t.notMatch(everything, /\/r\/|Dear |Annwyl|ann@leeds|bob@norwich/, 'no link, body or recipient in the log')
  })
}

t.test('nothing listening at the SMTP address: retrying, shown and logged with the connection error', async (t) => {
  const closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
  const { app, log } = await appWithLog(t, { smtpUrl: `smtp://127.0.0.1:${closedPort}` })
  const { waveId } = await launchTwoPrisons(app)
  const cookie = await signIn(app)
  t.same(await app.sendMail(), { sent: 0, failed: 0, retrying: 2 })
  const dashboard = await app.inject({ url: `/admin/waves/${waveId}`, headers: { cookie } })
  t.equal(count(dashboard.body, 'retrying'), '2')
  t.match(dashboard.body, /ECONNREFUSED|connect/i, 'the reason is on the dashboard’s list of organisations')
  const warnings = log.filter((l) => l.level === 40)
  t.equal(warnings.length, 2)
  t.match(warnings[0], { code: 'ESOCKET', attempt: 1, willRetry: true })
  t.match(warnings[0].error, /ECONNREFUSED/)
})

t.test('mail written to the mail folder, or failing to be: said in words, the folder never named', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mail-paths-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // A mail folder that cannot be created: a file stands where its parent should be.
  writeFileSync(join(dir, 'not-a-folder'), '')
  const broken = await appWithLog(t, { mailDir: join(dir, 'not-a-folder', 'mail') })
  const { waveId } = await launchTwoPrisons(broken.app)
  const cookie = await signIn(broken.app)
  t.same(await broken.app.sendMail(), { sent: 0, failed: 0, retrying: 2 })
  const stored = await broken.app.db.selectFrom('outbox').select(['id', 'last_error']).execute()
  t.match(stored[0].last_error, /^Could not write the message to the mail folder: ENOTDIR/)
  for (const url of [`/admin/waves/${waveId}`, '/admin/outbox', `/admin/outbox/${stored[0].id}`, `/admin/waves/${waveId}/tracking.csv`]) {
    const res = await broken.app.inject({ url, headers: { cookie } })
    t.equal(res.statusCode, 200, url)
    t.notMatch(res.body, dir, `${url} does not show the server's path`)
    t.notMatch(res.body, /not-a-folder/, `${url} does not show the file's name`)
  }
  t.notMatch(JSON.stringify(broken.log), dir, 'nor does the log')

  const working = await appWithLog(t, { mailDir: join(dir, 'mail') })
  await launchTwoPrisons(working.app)
  const teamCookie = await signIn(working.app)
  t.same(await working.app.sendMail(), { sent: 2, failed: 0, retrying: 0 })
  const written = await working.app.db.selectFrom('outbox').select('id').executeTakeFirstOrThrow()
  const outbox = await working.app.inject({ url: '/admin/outbox', headers: { cookie: teamCookie } })
  t.match(outbox.body, 'No SMTP server is set up: e-mails are written to the mail folder on the server instead of being delivered.')
  t.equal((outbox.body.match(/govuk-tag--green">Written to the mail folder</g) ?? []).length, 2)
  const message = await working.app.inject({ url: `/admin/outbox/${written.id}`, headers: { cookie: teamCookie } })
  t.match(message.body, /Written to the mail folder<\/strong> Written at \d\d:\d\d on/)
  for (const body of [outbox.body, message.body]) {
    t.notMatch(body, dir, 'no path on the page')
    t.notMatch(body, /\.eml/, 'no file name on the page')
  }
})
