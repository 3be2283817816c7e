// Links in invitations and reminders point where the sending server is: the worker fills in its
// own PUBLIC_URL when it sends, so a command run from another shell (another PORT, no PUBLIC_URL)
// can queue e-mails without queuing links to localhost (sent here over real SMTP on loopback by a
// server process, and as .eml files by the command line). Messages queued by the older code, with
// the address written out in full, are brought into the new form by a migration.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { simpleParser, type ParsedMail } from 'mailparser'
import t, { type Test } from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { linkTokenKeyFor } from '../../src/respond/link-key.js'
import { hashLinkToken } from '../../src/respond/link-tokens.js'
import { launchWave } from '../../src/waves/waves.js'
import { runCli } from '../../src/cli.js'
import { buildTestApp, signIn } from '../helpers/app.js'
import { startServer } from '../helpers/server-process.js'
import { startSmtp } from '../helpers/smtp.js'
import { openTestWave } from '../helpers/waves.js'

const PUBLIC_URL = 'https://survey.example.org'
const TOKEN = '[A-Za-z0-9_-]{43}'
const run = promisify(execFile)

const PRISONS = `code,name,type,region,language,contact_name,contact_email,contact_role
PRS-LE,HMP Example Leeds,prison,Yorkshire,en,Sam Patel,sam@leeds.example,Head of residence
PRS-NO,HMP Example Norwich,prison,East of England,en,Jo Smith,jo@norwich.example,
`

function tempDir(t: Test, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The command-line tool in a process of its own, with only the environment given (no PUBLIC_URL). */
async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const { PUBLIC_URL: _ignored, PORT: _port, ...inherited } = process.env
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...inherited, ...env } })
  return stdout
}

/**
 * A wave of two prisons created and launched from the command line as if from another shell: port
 * 4123 and no PUBLIC_URL. The launch runs in a process of its own when `launchInProcess` is false.
 */
async function launchFromAnotherShell(t: Test, dataDir: string, options: { launchInProcess?: boolean } = {}): Promise<(token: string) => Promise<boolean>> {
  const env = { DATA_DIR: dataDir, PORT: '4123' }
  const csv = join(dataDir, 'prisons.csv')
  writeFileSync(csv, PRISONS)
  const inProcess = async (args: string[]) => {
    const out: string[] = []
    t.equal(await runCli(args, (line) => out.push(line), (line) => out.push(line), env), 0, `${args[0]} succeeds`)
    return out.join('\n')
  }
  await inProcess(['import-organisations', csv])
  const created = await inProcess(['create-wave', '--survey', 'prison-peer-social-care', '--version', '2024', '--label', '2024', '--deadline', '2099-03-31', '--team-name', 'Study', '--team-email', 'study@example.org', '--types', 'prison'])
  const waveId = /draft wave ([0-9a-f-]{36})/.exec(created)![1]
  t.match(options.launchInProcess ? await inProcess(['launch', waveId]) : await cli(['launch', waveId], env), 'Launched: 2 invitations queued.')
  const { db } = openDatabase(`sqlite:${join(dataDir, 'survey.db')}`)
  try {
    const queued = await db.selectFrom('outbox').select(['text_body', 'html_body']).execute()
    t.equal(queued.length, 2)
    for (const m of queued) t.notMatch(`${m.text_body} ${m.html_body}`, /localhost|4123/, 'nothing queued names the shell’s own address')
  } finally {
    await db.destroy()
  }
  // Whether a token is one of the links made for this wave: the database holds their keyed hashes.
  return async (token: string) => {
    const key = linkTokenKeyFor({ dataDir, databaseUrl: `sqlite:${join(dataDir, 'survey.db')}` })
    const { db } = openDatabase(`sqlite:${join(dataDir, 'survey.db')}`)
    try {
      return Boolean(await db.selectFrom('link_tokens').select('invitation_id').where('token_hash', '=', hashLinkToken(key, token)).executeTakeFirst())
    } finally {
      await db.destroy()
    }
  }
}

async function checkLinks(t: Test, mail: ParsedMail, isLink: (token: string) => Promise<boolean>) {
  const text = mail.text ?? ''
  const html = typeof mail.html === 'string' ? mail.html : ''
  const link = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/r/(${TOKEN})`).exec(text)
  t.ok(link && (await isLink(link[1])), `the text links to ${PUBLIC_URL}/r/<a link made for the organisation>`)
  t.match(html, new RegExp(`<a href="${PUBLIC_URL.replace(/\./g, '\\.')}/r/${link?.[1]}">`), 'so does the HTML')
  t.notMatch(`${mail.subject} ${text} ${html}`, /localhost|4123|\{\{/, 'no localhost, no other port, no mark left')
}

async function waitFor(condition: () => boolean, what: string) {
  const deadline = Date.now() + 20_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

t.test('a launch from another shell is sent by the server with the server’s PUBLIC_URL (real SMTP)', async (t) => {
  const dataDir = tempDir(t, 'links-smtp-')
  const isLink = await launchFromAnotherShell(t, dataDir)
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const server = await startServer({ DATA_DIR: dataDir, PUBLIC_URL, SMTP_URL: smtp.url, MAIL_POLL_MS: '100' })
  t.teardown(() => server.kill())
  await waitFor(() => smtp.received.length === 2, 'two invitations')
  for (const mail of smtp.received) await checkLinks(t, mail, isLink)
  const token = new RegExp(`/r/(${TOKEN})`).exec(smtp.received[0].text ?? '')![1]
  t.equal((await fetch(`${server.url}/r/${token}`)).status, 200, 'the link in the e-mail opens its response')
})

t.test('the command line’s send-mail needs PUBLIC_URL, and its .eml files link there', async (t) => {
  const dataDir = tempDir(t, 'links-cli-send-')
  const isLink = await launchFromAnotherShell(t, dataDir, { launchInProcess: true })
  const send = async (env: Record<string, string>) => {
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(['send-mail'], (l) => out.push(l), (l) => err.push(l), { DATA_DIR: dataDir, ...env })
    return { code, out: out.join('\n'), err: err.join('\n') }
  }
  const refused = await send({})
  t.equal(refused.code, 1, 'without PUBLIC_URL it refuses')
  t.match(refused.err, 'PUBLIC_URL is not set, so the links in these e-mails would point to http://localhost:3000')
  t.equal(readdirSync(dataDir).includes('mail'), false, 'and sends nothing')
  t.match((await send({ PUBLIC_URL })).out, `Sent 2, retrying 0, failed 0 (files in ${join(dataDir, 'mail')}), links to ${PUBLIC_URL}`)
  for (const file of readdirSync(join(dataDir, 'mail'))) await checkLinks(t, await simpleParser(readFileSync(join(dataDir, 'mail', file))), isLink)
})

t.test('a PUBLIC_URL with characters special in HTML is escaped in the HTML body only', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const publicUrl = 'https://survey.example.org/health&justice'
  const app = await buildTestApp(t, { publicUrl, smtpUrl: smtp.url, mailWorker: false })
  const wave = await openTestWave(app)
  await app.db.updateTable('waves').set({ status: 'draft' }).where('id', '=', wave.waveId).execute()
  await launchWave(app.db, wave.waveId, { catalogue: app.catalogue })
  t.same(await app.sendMail(), { sent: 2, failed: 0, retrying: 0 })
  for (const mail of smtp.received) {
    t.match(mail.text, new RegExp(`https://survey\\.example\\.org/health&justice/r/${TOKEN}`))
    t.match(mail.html, new RegExp(`<a href="https://survey\\.example\\.org/health&amp;justice/r/${TOKEN}">https://survey\\.example\\.org/health&amp;justice/r/`))
  }
  const [queued] = await app.db.selectFrom('outbox').select('id').execute()
  const cookie = await signIn(app)
  const page = await app.inject({ url: `/admin/outbox/${queued.id}`, headers: { cookie } })
  t.match(page.body, 'https://survey.example.org/health&amp;justice/r/', 'the team sees the link as it was sent')
})

// Messages queued by the older code, with the address and the link written out, are converted on
// upgrade: see test/respond/link-secrets.test.ts (migrations 0010 and 0015 together).
