// Runs the numbered migrations in migrations/ with Kysely's Migrator: the same files for SQLite
// and PostgreSQL. Called at start-up and by `npm run cli -- migrate`.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, Migrator, type Kysely, type MigrationResult } from 'kysely'
import type { Database } from './schema.js'

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')

const provider = new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_FOLDER })

/** The migrations this code knows, by name (file name without .ts or .js), in order. */
export async function knownMigrations(): Promise<string[]> {
  return Object.keys(await provider.getMigrations()).sort()
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`)
  }
  return results ?? []
}
