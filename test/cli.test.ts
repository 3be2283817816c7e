// The command-line tool: validate exits non-zero on any error; diff prints the changes.
import t from 'tap'
import { runCli } from '../src/cli.js'
import { testDatabases } from './helpers/databases.js'

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, (l) => out.push(l), (l) => err.push(l), env)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

t.test('validate passes on the shipped surveys', async (t) => {
  const result = await run(['validate'])
  t.equal(result.code, 0)
  t.match(result.out, 'OK: 2 surveys, 3 versions valid')
  const one = await run(['validate'], { SURVEYS_DIR: 'test/fixtures/surveys-bilingual' })
  t.match(one.out, 'OK: 1 survey, 1 version valid', 'one of each, in the singular')
})

t.test('validate lists every problem and exits non-zero', async (t) => {
  const result = await run(['validate'], { SURVEYS_DIR: 'test/fixtures/lineage-broken' })
  t.equal(result.code, 1)
  t.equal(result.err.split('\n').filter((l) => l.startsWith('test/fixtures/lineage-broken/demo/2.yaml:')).length, 5)
  t.match(result.err, '5 errors to fix before the server can start.')
})

t.test('diff prints what changed between two versions', async (t) => {
  const result = await run(['diff', 'la-release-social-care', '2015-16', '2020'])
  t.equal(result.code, 0)
  t.match(result.out, 'la-release-social-care: what changed from 2015-16 to 2020')
  t.match(result.out, 'release_identification <- release_process')
  const unknown = await run(['diff', 'la-release-social-care', '2015-16', '2031'])
  t.equal(unknown.code, 1)
  t.match(unknown.err, 'No version 2031')
})

t.test('an unknown command prints the usage', async (t) => {
  const result = await run(['frobnicate'])
  t.equal(result.code, 2)
  t.match(result.err, 'Usage: npm run cli -- <command>')
})

t.test('reopen finds a submitted response by its reference and opens it again', async (t) => {
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { openDatabase } = await import('../src/db/database.js')
  const dir = mkdtempSync(join(tmpdir(), 'cli-'))
  const env = { DATA_DIR: dir }
  t.equal((await run(['demo-wave'], env)).code, 0)
  const { db } = openDatabase(`sqlite:${join(dir, 'survey.db')}`)
  t.teardown(() => db.destroy())
  const response = await db.selectFrom('responses').select(['id', 'reference']).executeTakeFirstOrThrow()
  const notYet = await run(['reopen', response.reference], env)
  t.equal(notYet.code, 1)
  t.match(notYet.err, 'not started, not submitted')
  await db.updateTable('responses').set({ status: 'submitted' }).where('id', '=', response.id).execute()
  const reopened = await run(['reopen', response.reference.toLowerCase()], env)
  t.equal(reopened.code, 0)
  t.equal((await db.selectFrom('responses').select('status').where('id', '=', response.id).executeTakeFirstOrThrow()).status, 'in_progress')
  t.equal((await run(['reopen', 'ZZZZ-ZZZZ'], env)).code, 1)
})

t.test('a wave scripted from the command line: users, organisations, create, launch, remind, extend, progress, close, backup, erase', async (t) => {
  const { mkdtempSync, existsSync, readdirSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'cli-wave-'))
  const env = { DATA_DIR: dir, NEW_USER_PASSWORD: 'correct horse battery staple' }
  const user = await run(['create-user', '--email', 'ada@example.org', '--name', 'Ada', '--role', 'admin'], env)
  t.equal(user.code, 0)
  t.match(user.out, 'Created admin ada@example.org')
  t.notMatch(user.out, 'Password', 'a password given in the environment is not printed')
  t.equal((await run(['create-user', '--email', 'ada@example.org', '--name', 'Ada', '--role', 'admin'], env)).code, 1, 'a second account with the same e-mail is refused')
  t.match((await run(['import-organisations', 'examples/organisations-prisons.csv'], env)).out, 'Imported 22 organisations')
  t.equal((await run(['create-wave', '--survey', 'prison-peer-social-care', '--version', '2024', '--label', '2024', '--deadline', '2099-13-01', '--team-name', 'T', '--team-email', 't@example.org'], env)).code, 1, 'a bad deadline is refused')
  const created = await run(['create-wave', '--survey', 'prison-peer-social-care', '--version', '2024', '--label', '2024', '--deadline', '2099-03-31', '--team-name', 'Study', '--team-email', 'study@example.org', '--types', 'prison'], env)
  t.equal(created.code, 0)
  t.notMatch(created.err, 'want Welsh', 'the prison questionnaire has Welsh')
  const waveId = /draft wave ([0-9a-f-]{36})/.exec(created.out)![1]
  t.match((await run(['launch', waveId], env)).out, 'Launched: 22 invitations queued.')
  t.equal((await run(['launch', waveId], env)).code, 1, 'launching twice is refused')
  t.match((await run(['remind', waveId, '--not-started'], env)).out, '22 reminders queued.')
  t.match((await run(['extend', waveId, '2099-04-30'], env)).out, 'The deadline is now 2099-04-30.')
  t.match((await run(['progress', waveId], env)).out, /2024: 0 of 22 submitted \(0%\).*\n {2}prison: 0\/22 \(0%\)/)
  t.match((await run(['waves'], env)).out, `${waveId}  2024  prison-peer-social-care 2024  open  0/22 (0%)`)
  t.equal((await run(['send-mail'], env)).code, 1, 'send-mail without PUBLIC_URL refuses: it would not know where links point')
  const sent = await run(['send-mail'], { ...env, PUBLIC_URL: 'https://survey.example.org' })
  t.match(sent.out, 'Sent 44, retrying 0, failed 0')
  t.equal(readdirSync(join(dir, 'mail')).length, 44, '44 .eml files written')
  t.match((await run(['close', waveId], env)).out, 'Closed 2024.')
  const backup = await run(['backup', join(dir, 'backup.db')], env)
  t.equal(backup.code, 0)
  t.ok(existsSync(join(dir, 'backup.db')))
  t.match((await run(['erase-contacts', 'PRS-CF'], env)).out, 'Erased 1 contact, 1 link and 2 e-mails of PRS-CF.')
  t.match((await run(['erase-wave', waveId], env)).out, /Erased wave .*: 22 responses, 22 links, 44 e-mails\./)
  t.equal((await run(['erase-wave', waveId], env)).code, 1, 'an unknown wave is an error')
})

t.test('create-wave warns when organisations that want Welsh would get a questionnaire with no Welsh', async (t) => {
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'cli-welsh-')) }
  t.equal((await run(['import-organisations', 'examples/organisations-prisons.csv'], env)).code, 0)
  const created = await run(['create-wave', '--survey', 'la-release-social-care', '--version', '2020', '--label', '2020', '--deadline', '2099-03-31', '--team-name', 'Study', '--team-email', 'study@example.org', '--types', 'prison'], env)
  t.equal(created.code, 0, 'a warning, not a refusal: the team decides')
  // The six prisons in Wales in the example file (Berwyn, Cardiff, Parc, Prescoed, Swansea, Usk) ask for both languages.
  t.match(created.err, 'Warning: 6 organisations in this wave want Welsh, but this version of the questionnaire has no Welsh: they will get their e-mails and the questionnaire in English.')
  t.match(created.out, 'Created draft wave')
})

t.test('a wrong setting stops a command with a sentence saying which, not a stack trace', async (t) => {
  for (const [env, said] of [
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY=true would believe'],
    [{ REQUEST_TIMEOUT_MS: 'soon' }, 'REQUEST_TIMEOUT_MS must be a whole number of milliseconds'],
    [{ LINK_TOKEN_KEY: 'too-short' }, 'LINK_TOKEN_KEY must hold at least 32 random bytes in base64'],
  ] as const) {
    const result = await run(['validate'], env)
    t.equal(result.code, 2)
    t.match(result.err, `Not run: ${said}`)
    t.notMatch(result.err, /\n\s+at /, 'no stack')
  }
})

t.test('the server refuses a links key too short to be secret before it opens anything, in a sentence', async (t) => {
  const { execFile } = await import('node:child_process')
  const { mkdtempSync, readdirSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dataDir = mkdtempSync(join(tmpdir(), 'server-key-'))
  const result = await new Promise<{ code: number | null; err: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LINK_TOKEN_KEY: 'c2hvcnQ=' } }, (error, _stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, err: stderr }),
    )
  })
  t.equal(result.code, 1)
  t.match(result.err, 'The server did not start: LINK_TOKEN_KEY must hold at least 32 random bytes in base64 (make one with: openssl rand -base64 32)')
  t.notMatch(result.err, /\n\s+at /, 'no stack')
  t.same(readdirSync(dataDir), [], 'no database made, no key file written')
})

const keyWarning = 'on PostgreSQL without LINK_TOKEN_KEY, a command that uses the links key warns once that the servers may not share it'
const { databases, skipped } = testDatabases()
const postgres = databases.find((d) => d.kind === 'postgres')
if (skipped || !postgres) t.test(keyWarning, { skip: skipped ?? 'no PostgreSQL' }, async () => {})
else t.test(keyWarning, async (t) => {
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { url, cleanup } = await postgres!.create()
  t.teardown(cleanup)
  const dataDir = mkdtempSync(join(tmpdir(), 'cli-pg-key-'))
  const without = await run(['demo-wave'], { DATABASE_URL: url, DATA_DIR: dataDir })
  t.equal(without.code, 0)
  const warnings = without.err.split('\n').filter((l) => l.startsWith('Warning: LINK_TOKEN_KEY is not set'))
  t.equal(warnings.length, 1, 'once, though the migrations and the demo wave both took the key')
  t.match(warnings[0], 'every process on this database must have the same key, so set LINK_TOKEN_KEY on each')
  const withKey = await run(['migrate'], { DATABASE_URL: url, DATA_DIR: dataDir, LINK_TOKEN_KEY: Buffer.alloc(32, 7).toString('base64') })
  t.equal(withKey.code, 0)
  t.notMatch(withKey.err, 'Warning', 'no warning with the key set')
})
