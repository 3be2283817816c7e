// Backup and restore of the SQLite database while the server runs. PostgreSQL has pg_dump and
// pg_restore for this (README, "Backups").
//
// The copy is taken in ONE pass with VACUUM INTO: a single read transaction, so it is the
// database as it was when the backup began, however much respondents write meanwhile (in WAL
// mode a reader never waits for writers, nor they for it). SQLite's online backup API, used
// before, starts again whenever another connection writes: a 300 MB database never finished
// while one respondent saved five times a second. The copy is written under a temporary name,
// synced, checked (integrity_check, and that it is this application's database) and only then
// renamed to the name asked for, so a file with that name is always a whole, checked backup;
// on any failure the temporary file is removed.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { isPostgresUrl, sqlitePathFrom } from './database.js'

/** A backup or restore that cannot be done, said in words an operator can act on. */
export class BackupError extends Error {}

const APPLICATION_TABLES = ['kysely_migration', 'questionnaire_versions', 'responses']

export interface BackupResult {
  file: string
  pages: number
  bytes: number
}

export function backupDatabase(databaseUrl: string, target: string): BackupResult {
  if (isPostgresUrl(databaseUrl)) throw new BackupError('This server uses PostgreSQL: back it up with pg_dump (see "Backups" in the README), for example: pg_dump --format=custom --file=backup.dump "$DATABASE_URL"')
  const source = sqlitePathFrom(databaseUrl)
  if (!existsSync(source)) throw new BackupError(`There is no database at ${source}: check DATABASE_URL (or DATA_DIR)`)
  const file = resolve(target)
  if (existsSync(file)) throw new BackupError(`${file} already exists: choose a new file name (a backup never overwrites a file)`)
  mkdirSync(dirname(file), { recursive: true })
  const partial = join(dirname(file), `.${basename(file)}.partial-${randomBytes(6).toString('hex')}`)
  try {
    const connection = new SQLite(source, { readonly: true, fileMustExist: true })
    try {
      connection.pragma('busy_timeout = 5000')
      connection.prepare('VACUUM INTO ?').run(partial)
    } finally {
      connection.close()
    }
    // VACUUM INTO does not sync what it wrote: a power cut just after would leave a torn copy.
    syncFile(partial)
    const problems = checkBackup(partial)
    if (problems.length) throw new BackupError(`The copy failed its check and was removed: ${problems.join('; ')}`)
    renameSync(partial, file)
    syncFile(dirname(file))
  } catch (err) {
    rmSync(partial, { force: true })
    if (err instanceof BackupError) throw err
    throw new BackupError(`The backup to ${file} failed and nothing was kept: ${(err as Error).message}`)
  }
  const bytes = statSync(file).size
  const pageSize = readPageSize(file)
  return { file, pages: Math.round(bytes / pageSize), bytes }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function readPageSize(file: string): number {
  const connection = new SQLite(file, { readonly: true, fileMustExist: true })
  try {
    return connection.pragma('page_size', { simple: true }) as number
  } finally {
    connection.close()
  }
}

/**
 * What is wrong with a backup file, in plain words; empty when it is a sound database of this
 * application. Never throws for a bad file: a truncated or foreign file is a problem to report.
 */
export function checkBackup(file: string): string[] {
  if (!existsSync(file)) return [`there is no file ${file}`]
  let connection: SQLite.Database
  try {
    connection = new SQLite(file, { readonly: true, fileMustExist: true })
  } catch (err) {
    return [`${file} cannot be opened (${(err as Error).message})`]
  }
  try {
    const integrity = connection.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[]
    const findings = integrity.map((row) => row.integrity_check).filter((line) => line !== 'ok')
    if (findings.length) return [`${file} is damaged or incomplete (for example a copy that was interrupted): SQLite's integrity check reports "${findings[0]}"${findings.length > 1 ? ' among other problems' : ''}`]
    const tables = new Set((connection.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((t) => t.name))
    const missing = APPLICATION_TABLES.filter((table) => !tables.has(table))
    if (missing.length) return [`${file} is a SQLite database but not one of Survey Waves (it has no ${missing.join(', ')} table)`]
    return []
  } catch (err) {
    // SQLite refuses a file that is not a database ("file is not a database") or whose first
    // pages are torn ("database disk image is malformed") as soon as it reads it.
    return [`${file} is not a usable SQLite database (${(err as Error).message}): it may be incomplete, or not a backup at all`]
  } finally {
    connection.close()
  }
}

/** Puts a backup in place of the database. The server must be stopped first. */
export function restoreDatabase(databaseUrl: string, backup: string): void {
  if (isPostgresUrl(databaseUrl)) throw new BackupError('This server uses PostgreSQL: restore with pg_restore into a new, empty database (see "Backups" in the README)')
  const problems = checkBackup(backup)
  if (problems.length) throw new BackupError(`${backup} was not restored, and the database was not touched: ${problems.join('; ')}`)
  const target = resolve(sqlitePathFrom(databaseUrl))
  mkdirSync(dirname(target), { recursive: true })
  const incoming = join(dirname(target), `.${basename(target)}.restoring-${randomBytes(6).toString('hex')}`)
  try {
    copyFileSync(backup, incoming)
    syncFile(incoming)
    // The write-ahead log of the old database must not be replayed over the restored one.
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true })
    renameSync(incoming, target)
    syncFile(dirname(target))
  } catch (err) {
    rmSync(incoming, { force: true })
    throw new BackupError(`${backup} could not be put in place of ${target}: ${(err as Error).message}`)
  }
}
