// The databases every storage test runs on: a fresh SQLite file always, and a fresh PostgreSQL
// database when TEST_POSTGRES_URL points at a server (.ci/run starts one). In CI a missing
// PostgreSQL is a failure, not a skip.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export interface TestDatabase {
  kind: 'sqlite' | 'postgres'
  /** Creates an empty database and returns its URL; it is removed by the returned cleanup. */
  create(): Promise<{ url: string; cleanup: () => Promise<void> }>
}

export const sqlite: TestDatabase = {
  kind: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'survey-test-'))
    return { url: `sqlite:${join(dir, 'test.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
  },
}

function postgres(adminUrl: string): TestDatabase {
  return {
    kind: 'postgres',
    async create() {
      const name = `test_${randomBytes(6).toString('hex')}`
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      await admin.query(`CREATE DATABASE ${name}`)
      await admin.end()
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      return {
        url: url.toString(),
        cleanup: async () => {
          const client = new pg.Client({ connectionString: adminUrl })
          await client.connect()
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
          await client.end()
        },
      }
    },
  }
}

export function testDatabases(): { databases: TestDatabase[]; skipped?: string } {
  const url = process.env.TEST_POSTGRES_URL
  if (url) return { databases: [sqlite, postgres(url)] }
  if (process.env.CI) throw new Error('CI must run the storage tests on PostgreSQL too: TEST_POSTGRES_URL is not set (see .ci/run)')
  return { databases: [sqlite], skipped: 'no PostgreSQL: set TEST_POSTGRES_URL (bash .ci/run starts a throwaway server)' }
}
