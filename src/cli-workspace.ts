// What commands need before they start: the database (closed afterwards whatever happens) and,
// for most, the questionnaires loaded (every problem printed if they do not load), the database
// migrated and the versions registered.
import type { Kysely } from 'kysely'
import type { AppConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { linkTokenKeyFor } from './respond/link-key.js'
import type { Database } from './db/schema.js'
import { loadCatalogue, type Catalogue } from './questionnaire/catalogue.js'
import { formatProblem, type Problem } from './questionnaire/problems.js'
import { registerVersions } from './surveys/version-registry.js'

/** Who the audit log names for what is done from the command line. */
export const CLI_ACTOR = { id: 'cli', email: 'command line' }

/** The database open for the work, and closed afterwards whatever happens. */
export async function withDatabase(config: AppConfig, work: (db: Kysely<Database>, description: string) => Promise<number>): Promise<number> {
  const { db, description } = openDatabase(config.databaseUrl)
  try {
    return await work(db, description)
  } finally {
    await db.destroy()
  }
}

export async function withWorkspace(
  config: AppConfig,
  err: (line: string) => void,
  work: (db: Kysely<Database>, catalogue: Catalogue, lockProblems: Problem[]) => Promise<number>,
): Promise<number> {
  const { catalogue, problems } = loadCatalogue(config.surveysDir)
  if (!catalogue) {
    for (const problem of problems) err(formatProblem(problem))
    return 1
  }
  return withDatabase(config, async (db) => {
    await migrate(db, config, err)
    return work(db, catalogue, await registerVersions(db, catalogue))
  })
}

/**
 * The personal links' key for a command, as the server finds it. On PostgreSQL without
 * LINK_TOKEN_KEY it is this machine's key file, which the servers may not share: links this command
 * makes (send-mail, demo-wave) would then open nowhere, so it says so, once.
 */
export function commandLinkKey(config: AppConfig, err: (line: string) => void): Buffer {
  return linkTokenKeyFor(config, (message) => {
    if (warned.has(message)) return
    warned.add(message)
    err(`Warning: ${message}`)
  })
}
const warned = new Set<string>()

/** Brings the database up to date, with the key that converting the links of earlier versions needs. */
export function migrate(db: Kysely<Database>, config: AppConfig, err: (line: string) => void) {
  return migrateToLatest(db, { linkTokenKey: commandLinkKey(config, err) })
}
