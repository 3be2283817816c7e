// Writes a checked past wave: a closed wave of the version, marked as imported (which file, who,
// when), with one submitted response per organisation whose answers and facts are exactly what a
// submission through the pages records (the same answer rows, the same facts from
// analysis/facts.ts), so statistics, comparisons, the panel and the exports use it as they use a
// wave collected here. All in one transaction: a failure leaves no half-imported wave.
import type { Kysely } from 'kysely'
import { audit, type Actor } from '../accounts/audit.js'
import { factRows, insertFacts, type FactRows } from '../analysis/facts.js'
import { batches } from '../db/batches.js'
import { newId, newReference, nowIso } from '../db/ids.js'
import type { Database, ResponseAnswerTable, ResponsePageTable, ResponseTable } from '../db/schema.js'
import { allPages } from '../questionnaire/model.js'
import type { Definition } from '../questionnaire/schema.js'
import { walkVisible } from '../questionnaire/skip-logic.js'
import { lockVersion } from '../surveys/version-registry.js'
import type { ImportedRow } from './check-rows.js'

export interface PastWave {
  surveyId: string
  version: string
  label: string
  sourceFile: string
  definition: Definition
  rows: ImportedRow[]
  /** Organisation ids by code. */
  organisations: Map<string, string>
}

export interface ImportedWave {
  waveId: string
  organisations: number
  answers: number
}

/** Responses written per round of statements: small enough to keep memory flat for a national file. */
const ROUND = 250

/**
 * Whether the survey already has a wave of this name: the same past wave imported twice would be
 * counted twice by every comparison, and two waves of one name cannot be told apart in them.
 */
export async function waveLabelTaken(db: Kysely<Database>, surveyId: string, label: string): Promise<boolean> {
  return Boolean(await db.selectFrom('waves').select('id').where('survey_id', '=', surveyId).where('label', '=', label).executeTakeFirst())
}

export async function importPastWave(db: Kysely<Database>, wave: PastWave, actor: Actor): Promise<ImportedWave> {
  const waveId = newId()
  const now = nowIso()
  const settled = new Set(allPages(wave.definition).map((p) => p.page.id))
  let answers = 0
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('waves')
      .values({ id: waveId, survey_id: wave.surveyId, version: wave.version, label: wave.label, status: 'closed', opens_at: null, closes_at: null, team_name: '', team_email: '', sender_name: null, messages_json: '{}', launched_at: null, created_at: now })
      .execute()
    // The answers depend on this exact questionnaire, as a collected wave's do.
    await lockVersion(trx, wave.surveyId, wave.version, `wave "${wave.label}" (imported)`)
    for (let at = 0; at < wave.rows.length; at += ROUND) {
      const responses: ResponseTable[] = []
      const answerRows: ResponseAnswerTable[] = []
      const pageRows: ResponsePageTable[] = []
      const facts: FactRows[] = []
      for (const row of wave.rows.slice(at, at + ROUND)) {
        const id = newId()
        responses.push({ id, wave_id: waveId, organisation_id: wave.organisations.get(row.code)!, status: 'submitted', reference: newReference(), created_at: now, updated_at: now, submitted_at: now, reopened_at: null })
        const walk = walkVisible(wave.definition, row.answers, settled)
        for (const { page, questions } of walk.pages) {
          pageRows.push({ response_id: id, page_id: page.id, version: 1, completed: 1, updated_at: now })
          for (const q of questions) {
            const answer = walk.answers[q.id]
            if (answer) answerRows.push({ response_id: id, question_id: q.id, page_id: page.id, answer_json: JSON.stringify(answer), updated_at: now })
          }
        }
        answers += Object.keys(walk.answers).length
        facts.push(factRows(waveId, id, walk.pages.flatMap((p) => p.questions), walk.answers))
      }
      for (const batch of batches(responses, 10)) await trx.insertInto('responses').values(batch).execute()
      for (const batch of batches(pageRows, 5)) await trx.insertInto('response_pages').values(batch).execute()
      for (const batch of batches(answerRows, 5)) await trx.insertInto('response_answers').values(batch).execute()
      await insertFacts(trx, facts)
    }
    await trx.insertInto('wave_imports').values({ wave_id: waveId, source_file: wave.sourceFile, imported_by: actor.email, imported_at: now, organisations: wave.rows.length, answers }).execute()
    await audit(trx, actor, 'wave_imported', { waveId, label: wave.label, survey: wave.surveyId, version: wave.version, file: wave.sourceFile, organisations: wave.rows.length, answers })
  })
  return { waveId, organisations: wave.rows.length, answers }
}
