// A backup during fieldwork: a database of several hundred megabytes, copied while another
// process goes on saving. The copy must finish (in one pass, whatever is written meanwhile),
// pass SQLite's integrity check, and hold every save acknowledged before it began. Restoring a
// partial or foreign file is refused in plain words, with the live database untouched.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, copyFileSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import t from 'tap'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { backupDatabase, checkBackup, restoreDatabase } from '../../src/db/backup.js'

const MIB = 2 ** 20
const BALLAST_MIB = 320

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The application's schema, then 320 MiB of answers' worth of pages, written fast (this is set-up, not the test). */
async function largeDatabase(file: string): Promise<void> {
  const handle = openDatabase(`sqlite:${file}`)
  await migrateToLatest(handle.db)
  await handle.db.destroy()
  const raw = new SQLite(file)
  raw.pragma('synchronous = OFF')
  raw.exec('create table ballast (id integer primary key, data blob not null)')
  const insert = raw.prepare('insert into ballast (id, data) values (?, ?)')
  const block = randomBytes(MIB)
  raw.transaction(() => {
    for (let i = 1; i <= BALLAST_MIB; i++) {
      block.writeUInt32LE(i, 0)
      insert.run(i, block)
    }
  })()
  raw.pragma('wal_checkpoint(TRUNCATE)')
  raw.close()
}

t.test('a backup of a 320 MiB database finishes while respondents go on saving, is checked, and holds every save acknowledged before it began', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-load-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const live = join(dir, 'live.db')
  await largeDatabase(live)
  t.ok(statSync(live).size > 300 * MIB, `the live database is ${Math.round(statSync(live).size / MIB)} MiB`)
  const env = { DATABASE_URL: `sqlite:${live}`, DATA_DIR: dir }

  const acknowledged: number[] = []
  const saving: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/operations/saving-process.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const stopped = new Promise<number | null>((resolve) => saving.on('close', resolve))
  t.teardown(() => saving.kill('SIGKILL'))
  let pending = ''
  saving.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) acknowledged.push(Number(/^saved (\d+)$/.exec(line)![1]))
  })
  while (acknowledged.length < 20) await new Promise((resolve) => setTimeout(resolve, 20))

  const acknowledgedBefore = acknowledged.length
  const backupFile = join(dir, 'backups', 'fieldwork.db')
  const started = Date.now()
  const backup = await runCli(['backup', backupFile], env)
  const seconds = (Date.now() - started) / 1000
  const acknowledgedDuring = acknowledged.length - acknowledgedBefore
  saving.kill('SIGTERM')
  t.equal(await stopped, 0, 'the saving process stopped cleanly')

  t.equal(backup.code, 0, backup.stderr)
  t.match(backup.stdout, /Backed up [\d,]+ pages \(3\d\d\.\d MiB, integrity checked\) to .*fieldwork\.db/)
  t.ok(acknowledgedDuring > 0, `respondents went on saving while the backup ran: ${acknowledgedDuring} saves acknowledged in its ${seconds.toFixed(1)} s`)
  t.same(readdirSync(join(dir, 'backups')), ['fieldwork.db'], 'only the finished backup is there: no temporary file left')
  t.same(checkBackup(backupFile), [], 'the backup passes the integrity check')

  const copy = new SQLite(backupFile, { readonly: true })
  t.teardown(() => copy.close())
  const codes = new Set((copy.prepare("select code from organisations where code like 'LIVE%'").all() as { code: string }[]).map((r) => r.code))
  const lost = acknowledged.slice(0, acknowledgedBefore).filter((n) => !codes.has(`LIVE${n}`))
  t.same(lost, [], `every one of the ${acknowledgedBefore} saves acknowledged before the backup began is in it`)
  const orphans = copy.prepare('select count(*) n from contacts where organisation_id not in (select id from organisations)').get() as { n: number }
  t.equal(orphans.n, 0, 'no save is in it by half: every contact has its organisation')
  const ballast = copy.prepare('select count(*) n, sum(length(data)) bytes from ballast').get() as { n: number; bytes: number }
  t.same(ballast, { n: BALLAST_MIB, bytes: BALLAST_MIB * MIB }, 'all 320 MiB are there')
})

t.test('restoring a partial or foreign file is refused in plain words, and the database is left as it was', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'restore-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const live = join(dir, 'live.db')
  const handle = openDatabase(`sqlite:${live}`)
  await migrateToLatest(handle.db)
  await handle.db.insertInto('organisations').values({ id: 'o1', code: 'W6', name: 'Cyngor Sir Ynys Môn', type: 'local authority', attributes_json: '{}', language: 'cy', created_at: '2026-01-01T00:00:00Z', demo: 0 }).execute()
  await handle.db.destroy()
  const env = { DATABASE_URL: `sqlite:${live}`, DATA_DIR: dir }

  const good = join(dir, 'good.db')
  backupDatabase(`sqlite:${live}`, good)
  t.throws(() => backupDatabase(`sqlite:${live}`, good), /already exists: choose a new file name/, 'a backup never overwrites a file')

  // A copy cut short, as the old online backup left behind when it could not finish.
  const partial = join(dir, 'partial.db')
  copyFileSync(good, partial)
  truncateSync(partial, Math.floor(statSync(good).size / 2))
  const notDatabase = join(dir, 'notes.db')
  writeFileSync(notDatabase, 'code,name\nW6,Ynys Môn\n')
  const otherDatabase = join(dir, 'other.db')
  new SQLite(otherDatabase).exec('create table t (x)')

  for (const [file, why] of [
    [notDatabase, /not a usable SQLite database .*file is not a database/],
    [otherDatabase, /a SQLite database but not one of Survey Waves/],
    [join(dir, 'missing.db'), /there is no file/],
  ] as const) {
    t.throws(() => restoreDatabase(`sqlite:${live}`, file), { name: 'Error', message: why }, `${file} is refused`)
  }
  // The operator's command, on the file the issue saw refused with a stack trace.
  const restore = await runCli(['restore', partial], env)
  t.equal(restore.code, 1, 'a partial copy is refused')
  t.match(restore.stderr, /partial\.db was not restored, and the database was not touched: .*(damaged or incomplete|not a usable SQLite database)/)
  t.notMatch(restore.stderr, /^\s+at /m, 'no stack trace')
  const after = new SQLite(live, { readonly: true })
  t.same(after.prepare('select code, name from organisations').all(), [{ code: 'W6', name: 'Cyngor Sir Ynys Môn' }], 'the live database is as it was')
  after.close()

  restoreDatabase(`sqlite:${live}`, good)
  t.same(readdirSync(dir).filter((f) => f.includes('restoring')), [], 'no temporary file left')
})
