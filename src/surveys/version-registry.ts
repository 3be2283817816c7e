// Records each loaded questionnaire version and its content hash in the database. A version a
// wave has used is locked: if its file changes afterwards, loading is refused with a clear way
// out (make a new version), because answers already collected must keep meaning what they meant.
// A wave whose version has no file any more is refused too: every link of it would fail.
import { join } from 'node:path'
import type { Kysely, Transaction } from 'kysely'
import type { Database, QuestionnaireVersionTable } from '../db/schema.js'
import type { Catalogue, SurveyVersion } from '../questionnaire/catalogue.js'
import { contentHashOf } from '../questionnaire/content-hash.js'
import type { Problem } from '../questionnaire/problems.js'
import type { Definition } from '../questionnaire/schema.js'

type Reader = Kysely<Database> | Transaction<Database>

/** The waves using each version, by "survey version", named as the team knows them. */
async function wavesByVersion(db: Reader): Promise<Map<string, { label: string; demo: boolean }[]>> {
  const rows = await db.selectFrom('waves').select(['survey_id', 'version', 'label', 'demo']).orderBy('created_at').execute()
  const byVersion = new Map<string, { label: string; demo: boolean }[]>()
  for (const row of rows) {
    const key = `${row.survey_id} ${row.version}`
    byVersion.set(key, [...(byVersion.get(key) ?? []), { label: row.label, demo: row.demo === 1 }])
  }
  return byVersion
}

function waveNames(waves: { label: string }[]): string {
  const names = waves.map((w) => `"${w.label}"`)
  return `${names.length === 1 ? 'the wave' : 'the waves'} ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0]}`
}

/**
 * Whether the file still means what the wave used. The hashes may differ only because the way
 * of hashing learnt to ignore more (a default written out, say): the definition stored when the
 * version was registered, hashed as today, settles it.
 */
function sameMeaning(row: Pick<QuestionnaireVersionTable, 'content_hash' | 'definition_json'>, version: SurveyVersion): boolean {
  if (row.content_hash === version.contentHash) return true
  try {
    return contentHashOf(JSON.parse(row.definition_json) as Definition) === version.contentHash
  } catch {
    return false
  }
}

function lockedFileChanged(row: QuestionnaireVersionTable, version: SurveyVersion, waves: { label: string }[]): Problem {
  const usedBy = waves.length ? waveNames(waves) : (row.locked_by ?? 'a wave')
  return {
    file: version.file,
    line: 1,
    column: 1,
    path: '',
    severity: 'error',
    message:
      `version ${row.version} of ${row.survey_id} has been used by ${usedBy} (since ${row.locked_at!.slice(0, 10)}) ` +
      `and can no longer change, but this file differs from what was used. Restore the file, and put the changes in a new version ` +
      `(a new file with previous: "${row.version}"; a version with only corrections of wording can be declared editorial: true, and the wave moved to it).`,
  }
}

/**
 * Waves whose questionnaire version is in no file: the file was removed or renamed (or its
 * version: changed). Named with the file the version was last loaded from.
 */
function wavesWithoutTheirVersion(registered: Pick<QuestionnaireVersionTable, 'survey_id' | 'version' | 'source_file'>[], wavesOf: Map<string, { label: string; demo: boolean }[]>, catalogue: Catalogue, surveysDir?: string): Problem[] {
  const problems: Problem[] = []
  for (const [key, waves] of wavesOf) {
    const [surveyId, version] = key.split(' ')
    if (catalogue.find(surveyId, version)) continue
    const row = registered.find((r) => r.survey_id === surveyId && r.version === version)
    const file = row?.source_file ?? (surveysDir ? join(surveysDir, surveyId, `${version}.yaml`) : `${surveyId}/${version}.yaml`)
    const demo = waves.every((w) => w.demo) ? ' (demo waves only: `npm run cli -- remove-demo` removes them)' : ''
    problems.push({
      file,
      line: 1,
      column: 1,
      path: '',
      severity: 'error',
      message: `${waveNames(waves)} ${waves.length === 1 ? 'uses' : 'use'} version ${version} of ${surveyId}, which no definition file has any more (missing or renamed)${demo}: put the file back as ${file}, with version: "${version}"`,
    })
  }
  return problems
}

/**
 * Registers every version and returns what must stop the server: a locked version whose file
 * changed, a wave whose version has no file.
 */
export async function registerVersions(db: Kysely<Database>, catalogue: Catalogue, now = new Date()): Promise<Problem[]> {
  const problems: Problem[] = []
  const timestamp = now.toISOString()
  let waves = new Map<string, { label: string; demo: boolean }[]>()
  await db.transaction().execute(async (trx) => {
    waves = await wavesByVersion(trx)
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
          if (!sameMeaning(row, version)) {
            problems.push(lockedFileChanged(row, version, waves.get(`${key.survey_id} ${key.version}`) ?? []))
            continue
          }
          // Same meaning, hashed the way of today: the lock now holds that hash, and the
          // definition the wave used stays as it was recorded.
          await trx.updateTable('questionnaire_versions').set({ content_hash: version.contentHash, updated_at: timestamp }).where('survey_id', '=', key.survey_id).where('version', '=', key.version).execute()
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
  const registered = await db.selectFrom('questionnaire_versions').select(['survey_id', 'version', 'source_file']).execute()
  problems.push(...wavesWithoutTheirVersion(registered, waves, catalogue))
  return problems
}

/**
 * What registering would refuse, without writing anything: for `validate` against a configured
 * database. A database never migrated has no versions to check.
 */
export async function checkAgainstDatabase(db: Kysely<Database>, catalogue: Catalogue, surveysDir?: string): Promise<{ problems: Problem[]; locked: number }> {
  // Only a database never migrated is passed over: one that cannot be reached is an error to report.
  if (!(await db.introspection.getTables()).some((table) => table.name === 'questionnaire_versions')) return { problems: [], locked: 0 }
  const rows = await db.selectFrom('questionnaire_versions').selectAll().execute()
  const waves = await wavesByVersion(db)
  const problems: Problem[] = []
  const locked = rows.filter((r) => r.locked_at)
  for (const row of locked) {
    const version = catalogue.find(row.survey_id, row.version)
    if (version && !sameMeaning(row, version)) problems.push(lockedFileChanged(row, version, waves.get(`${row.survey_id} ${row.version}`) ?? []))
  }
  problems.push(...wavesWithoutTheirVersion(rows, waves, catalogue, surveysDir))
  return { problems, locked: locked.length }
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
