// Runs the numbered migrations in migrations/ with Kysely's Migrator: the same files for SQLite
// and PostgreSQL. Called at start-up and by `npm run cli -- migrate`.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely'
import type { Database } from './schema.js'

const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')
const files = new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_FOLDER })

/** The migrations this code knows, by name (file name without .ts or .js), in order. */
export async function knownMigrations(): Promise<string[]> {
  return Object.keys(await files.getMigrations()).sort()
}

/** What a migration may need that is not in the database: the key of the link hashes (0015). */
export interface MigrationContext {
  linkTokenKey?: Buffer
}

/** The migrations of the folder, each given the context as a second argument to `up`. */
class MigrationsWithContext implements MigrationProvider {
  constructor(private readonly context: MigrationContext) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations = await files.getMigrations()
    return Object.fromEntries(
      Object.entries(migrations).map(([name, m]) => {
        const up = m.up as (db: Kysely<unknown>, context: MigrationContext) => Promise<void>
        return [name, { up: (db: Kysely<unknown>) => up(db, this.context), down: m.down }]
      }),
    )
  }
}

export async function migrateToLatest(db: Kysely<Database>, context: MigrationContext = {}): Promise<MigrationResult[]> {
  return migrateUpTo(db, context)
}

/** Up to the named migration (tests of an upgrade start from an earlier version's database), or to the latest. */
export async function migrateUpTo(db: Kysely<Database>, context: MigrationContext = {}, name?: string): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: new MigrationsWithContext(context) })
  const { error, results } = name ? await migrator.migrateTo(name) : await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`)
  }
  return results ?? []
}
