// Online backup of the SQLite database with SQLite's backup API (through better-sqlite3): a
// consistent copy taken while the server goes on writing. PostgreSQL has pg_dump for this.
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { isPostgresUrl, sqlitePathFrom } from './database.js'

export async function backupDatabase(databaseUrl: string, target: string): Promise<{ pages: number; file: string }> {
  if (isPostgresUrl(databaseUrl)) throw new Error('For PostgreSQL use pg_dump (for example: pg_dump --format=custom "$DATABASE_URL" > backup.dump)')
  const source = sqlitePathFrom(databaseUrl)
  if (!existsSync(source)) throw new Error(`No database at ${source}`)
  const file = resolve(target)
  if (existsSync(file)) throw new Error(`${file} already exists: choose a new file name`)
  mkdirSync(dirname(file), { recursive: true })
  const connection = new SQLite(source, { fileMustExist: true })
  connection.pragma('busy_timeout = 5000')
  try {
    const result = await connection.backup(file)
    return { pages: result.totalPages, file }
  } finally {
    connection.close()
  }
}

/** Checks a backup file is a sound database of this application before it replaces the live one. */
export function checkBackup(file: string): string[] {
  const problems: string[] = []
  const connection = new SQLite(file, { readonly: true, fileMustExist: true })
  try {
    const integrity = connection.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') problems.push(`integrity check: ${String(integrity)}`)
    const tables = connection.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]
    for (const table of ['kysely_migration', 'questionnaire_versions', 'responses']) if (!tables.some((t) => t.name === table)) problems.push(`the table ${table} is missing: not a Survey Waves database`)
  } finally {
    connection.close()
  }
  return problems
}

/** Puts a backup in place of the database. The server must be stopped first. */
export function restoreDatabase(databaseUrl: string, backup: string): void {
  if (isPostgresUrl(databaseUrl)) throw new Error('For PostgreSQL use pg_restore')
  const problems = checkBackup(backup)
  if (problems.length) throw new Error(`${backup} cannot be restored: ${problems.join('; ')}`)
  const target = sqlitePathFrom(databaseUrl)
  mkdirSync(dirname(resolve(target)), { recursive: true })
  // The write-ahead log of the old database must not be replayed over the restored one.
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true })
  copyFileSync(backup, target)
}
