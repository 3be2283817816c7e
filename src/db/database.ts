// Chooses the database from DATABASE_URL: a postgres:// URL selects PostgreSQL (for several app
// processes behind a load balancer); anything else is a SQLite file, the zero-setup default.
import { dirname, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { registerReader } from './prepared.js'
import { privateFile, privateFolder } from './private-files.js'
import type { Database } from './schema.js'

export type DatabaseKind = 'sqlite' | 'postgres'

export interface DatabaseHandle {
  db: Kysely<Database>
  kind: DatabaseKind
  /** Where the data lives, for log lines: a file path, or the PostgreSQL URL without its password. */
  description: string
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

export function sqlitePathFrom(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:/i, '')
}

/**
 * Kysely prepares every query afresh; preparing is a large share of a small query's cost in
 * SQLite, and the application runs the same few hundred statements again and again, so prepared
 * statements are kept (per SQL text, bounded) and reused.
 */
function withStatementCache(connection: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>()
  const prepare = connection.prepare.bind(connection)
  return new Proxy(connection, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver)
      return (sql: string) => {
        let statement = cache.get(sql)
        if (!statement) {
          statement = prepare(sql)
          if (cache.size >= 500) cache.delete(cache.keys().next().value as string)
          cache.set(sql, statement)
        }
        return statement
      }
    },
  })
}

export function openDatabase(url: string): DatabaseHandle {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 })
    // An idle connection closed by the server (a restart, a failover) must not crash the
    // process: the pool drops it and opens a new one for the next query, whose caller sees any
    // error that matters.
    pool.on('error', () => {})
    const safe = new URL(url)
    if (safe.password) safe.password = '***'
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres', description: safe.toString() }
  }
  const path = sqlitePathFrom(url)
  if (path !== ':memory:') privateFolder(dirname(resolve(path)))
  const connection = new SQLite(path)
  // Created 0600 under the umask (private-files.ts); a database an earlier version left readable is tightened.
  if (path !== ':memory:') for (const suffix of ['', '-wal', '-shm']) privateFile(`${path}${suffix}`)
  // WAL lets the export and dashboard read while respondents write; the busy timeout makes a
  // second writer wait its turn instead of failing.
  connection.pragma('journal_mode = WAL')
  // FULL syncs the WAL at every commit, so an acknowledged save or submission survives a power
  // cut or a VM reset; NORMAL (better-sqlite3's default in WAL mode) may lose the last commits.
  connection.pragma('synchronous = FULL')
  connection.pragma('foreign_keys = ON')
  connection.pragma('busy_timeout = 5000')
  // Kysely runs everything on one connection, one query at a time, so a page view would wait
  // behind every save's transaction and its commit. A second, read-only connection serves the
  // hot reads outside transactions (see prepared.ts): in WAL mode it sees the last committed
  // state and never a transaction in progress. An in-memory database cannot be shared.
  const reader = path === ':memory:' ? undefined : new SQLite(path, { readonly: true, fileMustExist: true })
  reader?.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({ dialect: new SqliteDialectClosing(withStatementCache(connection), reader) })
  if (reader) registerReader(db, withStatementCache(reader))
  return { db, kind: 'sqlite', description: path }
}

/** SQLite through Kysely, closing the read connection too when the database is destroyed. */
class SqliteDialectClosing extends SqliteDialect {
  constructor(
    database: SQLite.Database,
    private readonly reader: SQLite.Database | undefined,
  ) {
    super({ database })
  }

  override createDriver() {
    const driver = super.createDriver()
    const destroy = driver.destroy.bind(driver)
    driver.destroy = async () => {
      await destroy()
      this.reader?.close()
    }
    return driver
  }
}
