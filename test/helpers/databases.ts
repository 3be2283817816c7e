// The databases every storage test runs on: a fresh SQLite file always, and a fresh PostgreSQL
// database when TEST_POSTGRES_URL points at a server (.ci/run starts one). In CI a missing
// PostgreSQL is a failure, not a skip.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'

export interface TestDatabase {
  kind: 'sqlite' | 'postgres'
  /** Creates an empty database and returns its URL; it is removed by the returned cleanup. */
  create(): Promise<{ url: string; cleanup: () => Promise<void> }>
  /**
   * A fresh database already migrated to the latest schema: a copy of a template migrated once.
   * Migrating every test's database anew was a large share of the suite's time; the start-up's
   * own migration step still runs (and finds nothing to do), and the tests of migrations
   * themselves use create().
   */
  createMigrated(): Promise<{ url: string; cleanup: () => Promise<void> }>
}

/** Names the templates after the migrations' contents, so a changed migration makes a new one. */
function migrationsFingerprint(): string {
  const folder = resolve('migrations')
  const hash = createHash('sha256')
  for (const file of readdirSync(folder).sort()) hash.update(file).update(readFileSync(join(folder, file)))
  return hash.digest('hex').slice(0, 16)
}

async function migrate(url: string): Promise<void> {
  const handle = openDatabase(url)
  try {
    await migrateToLatest(handle.db, { linkTokenKey: randomBytes(32) })
  } finally {
    await handle.db.destroy()
  }
}

let sqliteTemplate: Promise<string> | undefined
/** One migrated SQLite file per migrations fingerprint, shared by the test processes (written whole, then renamed). */
function migratedSqliteFile(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const file = join(tmpdir(), `survey-test-template-${migrationsFingerprint()}.db`)
    if (existsSync(file)) return file
    const dir = mkdtempSync(join(tmpdir(), 'survey-test-template-'))
    try {
      await migrate(`sqlite:${join(dir, 'template.db')}`)
      // Everything into the one file (no -wal beside it), so that a copy of the file is whole.
      const connection = new SQLite(join(dir, 'template.db'))
      connection.pragma('journal_mode = DELETE')
      connection.close()
      renameSync(join(dir, 'template.db'), file)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    return file
  })()
  return sqliteTemplate
}

export const sqlite: TestDatabase = {
  kind: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'survey-test-'))
    return { url: `sqlite:${join(dir, 'test.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
  },
  async createMigrated() {
    const template = await migratedSqliteFile()
    const made = await this.create()
    copyFileSync(template, made.url.slice('sqlite:'.length))
    return made
  },
}

function postgres(adminUrl: string): TestDatabase {
  let template: Promise<string> | undefined
  const urlOf = (name: string) => {
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    return url.toString()
  }
  /**
   * One migrated database per migrations fingerprint in the cluster, made by the first test
   * process that needs it (the others wait on an advisory lock) and left for the next run: the
   * test cluster is thrown away in CI. It is made under another name and renamed when complete,
   * and nothing stays connected to it, as PostgreSQL requires of a template.
   */
  const migratedTemplate = () =>
    (template ??= (async () => {
      const name = `test_template_${migrationsFingerprint()}`
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      try {
        await admin.query('SELECT pg_advisory_lock(20261127)')
        const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
        if (!exists.rowCount) {
          const building = `${name}_building`
          await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`)
          await admin.query(`CREATE DATABASE ${building}`)
          await migrate(urlOf(building))
          await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`)
        }
      } finally {
        await admin.query('SELECT pg_advisory_unlock(20261127)').catch(() => {})
        await admin.end()
      }
      return name
    })())
  const create = async (from?: string) => {
    const name = `test_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}${from ? ` TEMPLATE ${from}` : ''}`)
    await admin.end()
    return {
      url: urlOf(name),
      cleanup: async () => {
        const client = new pg.Client({ connectionString: adminUrl })
        await client.connect()
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await client.end()
      },
    }
  }
  return {
    kind: 'postgres',
    create: () => create(),
    createMigrated: async () => create(await migratedTemplate()),
  }
}

export function testDatabases(): { databases: TestDatabase[]; skipped?: string } {
  const url = process.env.TEST_POSTGRES_URL
  if (url) return { databases: [sqlite, postgres(url)] }
  if (process.env.CI) throw new Error('CI must run the storage tests on PostgreSQL too: TEST_POSTGRES_URL is not set (see .ci/run)')
  return { databases: [sqlite], skipped: 'no PostgreSQL: set TEST_POSTGRES_URL (bash .ci/run starts a throwaway server)' }
}
