// Whether a wave was imported, and from where: read by the wave's pages, the analysis pages and
// the exports, which say so. Only the database: the features that show it depend on nothing else.
import type { Kysely } from 'kysely'
import { batches } from '../db/batches.js'
import type { Database } from '../db/schema.js'

export interface ImportMark {
  sourceFile: string
  importedBy: string
  importedAt: string
  organisations: number
  answers: number
}

/** Where a wave came from, if it was imported: its pages and exports say so. */
export async function importMark(db: Kysely<Database>, waveId: string): Promise<ImportMark | undefined> {
  const row = await db.selectFrom('wave_imports').selectAll().where('wave_id', '=', waveId).executeTakeFirst()
  return row ? { sourceFile: row.source_file, importedBy: row.imported_by, importedAt: row.imported_at, organisations: row.organisations, answers: row.answers } : undefined
}

/** Imported waves among these, by id. */
export async function importMarks(db: Kysely<Database>, waveIds: string[]): Promise<Map<string, ImportMark>> {
  const out = new Map<string, ImportMark>()
  for (const batch of batches(waveIds)) {
    for (const row of await db.selectFrom('wave_imports').selectAll().where('wave_id', 'in', batch).execute()) {
      out.set(row.wave_id, { sourceFile: row.source_file, importedBy: row.imported_by, importedAt: row.imported_at, organisations: row.organisations, answers: row.answers })
    }
  }
  return out
}
