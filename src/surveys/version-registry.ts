// Records each loaded questionnaire version and its content hash in the database. A version a
// wave has used is locked: if its file changes afterwards, loading is refused with a clear way
// out (make a new version), because answers already collected must keep meaning what they meant.
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import type { Problem } from '../questionnaire/problems.js'

export async function registerVersions(db: Kysely<Database>, catalogue: Catalogue, now = new Date()): Promise<Problem[]> {
  const problems: Problem[] = []
  const timestamp = now.toISOString()
  await db.transaction().execute(async (trx) => {
    for (const survey of catalogue.surveys) {
      for (const version of survey.versions) {
        const key = { survey_id: survey.id, version: version.definition.version }
        // ON CONFLICT DO NOTHING: two app processes starting together must not both fail.
        await trx
          .insertInto('questionnaire_versions')
          .values({
            ...key,
            content_hash: version.contentHash,
            source_file: version.file,
            definition_json: JSON.stringify(version.definition),
            registered_at: timestamp,
            updated_at: timestamp,
            locked_at: null,
            locked_by: null,
          })
          .onConflict((oc) => oc.columns(['survey_id', 'version']).doNothing())
          .execute()
        const row = await trx.selectFrom('questionnaire_versions').selectAll().where('survey_id', '=', key.survey_id).where('version', '=', key.version).executeTakeFirstOrThrow()
        if (row.content_hash === version.contentHash) continue
        if (row.locked_at) {
          problems.push({
            file: version.file,
            line: 1,
            column: 1,
            path: '',
            severity: 'error',
            message:
              `version ${key.version} of ${key.survey_id} has been used by ${row.locked_by ?? 'a wave'} (since ${row.locked_at.slice(0, 10)}) ` +
              `and can no longer change, but this file differs from what was used. Restore the file, and put the changes in a new version ` +
              `(a new file with previous: "${key.version}").`,
          })
          continue
        }
        await trx
          .updateTable('questionnaire_versions')
          .set({ content_hash: version.contentHash, source_file: version.file, definition_json: JSON.stringify(version.definition), updated_at: timestamp })
          .where('survey_id', '=', key.survey_id)
          .where('version', '=', key.version)
          .where('locked_at', 'is', null)
          .execute()
      }
    }
  })
  return problems
}

/** Freezes a version: called when a wave starts using it. Locking twice keeps the first record. */
export async function lockVersion(db: Kysely<Database> | Transaction<Database>, surveyId: string, version: string, lockedBy: string, now = new Date()): Promise<void> {
  const result = await db
    .updateTable('questionnaire_versions')
    .set({ locked_at: now.toISOString(), locked_by: lockedBy })
    .where('survey_id', '=', surveyId)
    .where('version', '=', version)
    .where('locked_at', 'is', null)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) {
    const exists = await db.selectFrom('questionnaire_versions').select('version').where('survey_id', '=', surveyId).where('version', '=', version).executeTakeFirst()
    if (!exists) throw new Error(`No questionnaire version ${surveyId} ${version} has been registered`)
  }
}

export async function registeredVersions(db: Kysely<Database>) {
  return db
    .selectFrom('questionnaire_versions')
    .select(['survey_id', 'version', 'content_hash', 'source_file', 'registered_at', 'updated_at', 'locked_at', 'locked_by'])
    .orderBy('survey_id')
    .orderBy('registered_at')
    .execute()
}
