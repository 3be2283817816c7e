// What most commands need before they start: the questionnaires loaded (every problem printed
// if they do not load), the database migrated and the versions registered, and the database
// closed afterwards whatever happens.
import type { Kysely } from 'kysely'
import type { AppConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import type { Database } from './db/schema.js'
import { loadCatalogue, type Catalogue } from './questionnaire/catalogue.js'
import { formatProblem, type Problem } from './questionnaire/problems.js'
import { registerVersions } from './surveys/version-registry.js'

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
  const { db } = openDatabase(config.databaseUrl)
  try {
    await migrateToLatest(db)
    return await work(db, catalogue, await registerVersions(db, catalogue))
  } finally {
    await db.destroy()
  }
}
