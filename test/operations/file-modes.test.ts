// What the server writes holds personal data and secrets, so nobody else on the machine may read
// it: the SQLite database and its -wal and -shm files, the link key, e-mails written as .eml files
// and backups are 0600, the folders made for them 0700. A database an earlier version left
// readable is tightened at start.
import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { configFromEnv } from '../../src/config.js'
import { launchWave } from '../../src/waves/waves.js'
import { openTestWave } from '../helpers/waves.js'

const run = promisify(execFile)
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(3, '0')

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'modes-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('the database, the link key, e-mail files and their folders are for this account only', async (t) => {
  // A shell's usual umask, under which an unprotected server would write 0644 files.
  process.umask(0o022)
  const root = tempDir(t)
  const data = join(root, 'data')
  const app = await buildApp({ ...configFromEnv({ DATA_DIR: data }), logLevel: 'silent', mailWorker: false, scheduleWorker: false }, { logger: false })
  t.teardown(() => app.close())
  const wave = await openTestWave(app)
  await app.db.updateTable('waves').set({ status: 'draft' }).where('id', '=', wave.waveId).execute()
  await launchWave(app.db, wave.waveId, { catalogue: app.catalogue })
  t.same(await app.sendMail(), { sent: 2, failed: 0, retrying: 0 }, 'two invitations written as .eml files')

  t.equal(mode(data), '700', 'the data folder')
  for (const file of ['survey.db', 'survey.db-wal', 'survey.db-shm', 'link-token.key']) t.equal(mode(join(data, file)), '600', file)
  t.equal(mode(join(data, 'mail')), '700', 'the mail folder')
  const emails = readdirSync(join(data, 'mail'))
  t.equal(emails.length, 2)
  for (const file of emails) t.equal(mode(join(data, 'mail', file)), '600', `the e-mail ${file.slice(-20)}`)
})

t.test('a database and key an earlier version left readable are tightened at start', async (t) => {
  process.umask(0o022)
  const data = tempDir(t)
  const config = { ...configFromEnv({ DATA_DIR: data }), logLevel: 'silent', mailWorker: false, scheduleWorker: false }
  const first = await buildApp(config, { logger: false })
  await first.close()
  for (const file of ['survey.db', 'link-token.key']) chmodSync(join(data, file), 0o644)
  const again = await buildApp(config, { logger: false })
  t.teardown(() => again.close())
  for (const file of ['survey.db', 'link-token.key']) t.equal(mode(join(data, file)), '600', file)
})

t.test('a backup made from the command line is 0600, whatever the shell’s umask', async (t) => {
  process.umask(0o022)
  const data = tempDir(t)
  const app = await buildApp({ ...configFromEnv({ DATA_DIR: data }), logLevel: 'silent', mailWorker: false, scheduleWorker: false }, { logger: false })
  await app.close()
  // The command runs in a process of its own, started with the usual umask.
  process.umask(0o022)
  const backups = join(tempDir(t), 'backups')
  const { DATABASE_URL: _ignored, ...inherited } = process.env
  await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'backup', join(backups, 'survey-backup.db')], { env: { ...inherited, DATA_DIR: data } })
  t.equal(mode(backups), '700', 'the folder made for it')
  t.equal(mode(join(backups, 'survey-backup.db')), '600', 'the backup')
})
