// A wave's choice of answers carried forward (the earlier wave, the questions) and what each
// organisation said there, as it reads in this wave's version. The choice is read on every page
// a respondent opens, so it is one primary-key look-up; the earlier answers are read only for a
// page that has carried questions.
import type { Kysely, Transaction } from 'kysely'
import { audit, type Actor } from '../accounts/audit.js'
import { nowIso } from '../db/ids.js'
import type { CarriedAnswerTable, Database, WaveTable } from '../db/schema.js'
import type { Answer } from '../questionnaire/answers.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { carriedAnswer, carryPlans, sameAnswer, type CarryPlan, type CarryPlans } from './lineage-map.js'

type Db = Kysely<Database> | Transaction<Database>

export type CarriedStatus = CarriedAnswerTable['status']
export const CARRIED_STATUSES: readonly CarriedStatus[] = ['confirmed', 'changed', 'new']

export interface CarrySetting {
  source: WaveTable
  /** The questions the team chose, carried or not. */
  chosen: string[]
  updatedAt: string
  updatedBy: string | null
}

/** The wave's choice, or undefined when it carries nothing forward. */
export async function carrySetting(db: Db, waveId: string): Promise<CarrySetting | undefined> {
  const row = await db.selectFrom('wave_carry_forward').selectAll().where('wave_id', '=', waveId).executeTakeFirst()
  if (!row) return undefined
  const source = await db.selectFrom('waves').selectAll().where('id', '=', row.source_wave_id).executeTakeFirst()
  if (!source) return undefined
  return { source, chosen: JSON.parse(row.questions_json) as string[], updatedAt: row.updated_at, updatedBy: row.updated_by }
}

/** The wave's choice with each chosen question's plan: carried, or refused and why. */
export async function carryForward(db: Db, catalogue: Catalogue, wave: WaveTable): Promise<(CarrySetting & CarryPlans) | undefined> {
  const setting = await carrySetting(db, wave.id)
  const target = catalogue.find(wave.survey_id, wave.version)
  if (!setting || !target) return undefined
  return { ...setting, ...carryPlans(catalogue, target.definition, setting.source.version, setting.chosen) }
}

/** The question ids whose answers are carried forward in the wave (chosen and traceable), in the questionnaire's order. */
export async function carriedQuestionIds(db: Db, catalogue: Catalogue, wave: WaveTable): Promise<string[]> {
  const carry = await carryForward(db, catalogue, wave)
  return carry ? [...carry.plans.keys()] : []
}

/**
 * Waves the team can carry answers from: the other waves of the same survey that hold answers
 * (submitted, kept as partial, or imported), of this version or an earlier one. Newest first.
 */
export async function earlierWaves(db: Db, catalogue: Catalogue, wave: WaveTable): Promise<WaveTable[]> {
  const versions = catalogue.surveys.find((s) => s.id === wave.survey_id)?.versions.map((v) => v.definition.version) ?? []
  const position = versions.indexOf(wave.version)
  const withAnswers = await db
    .selectFrom('waves')
    .selectAll()
    .where('survey_id', '=', wave.survey_id)
    .where('id', '!=', wave.id)
    .where((eb) => eb.exists(eb.selectFrom('responses').select('responses.id').whereRef('responses.wave_id', '=', 'waves.id').where('responses.status', 'in', ['submitted', 'partial'])))
    .execute()
  return withAnswers
    .filter((w) => versions.indexOf(w.version) >= 0 && versions.indexOf(w.version) <= position && (w.demo ?? 0) <= (wave.demo ?? 0))
    .sort((a, b) => versions.indexOf(b.version) - versions.indexOf(a.version) || (b.launched_at ?? b.created_at).localeCompare(a.launched_at ?? a.created_at))
}

export async function saveCarrySetting(db: Kysely<Database>, wave: WaveTable, source: WaveTable, chosen: string[], actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const now = nowIso()
    const values = { source_wave_id: source.id, questions_json: JSON.stringify(chosen), updated_at: now, updated_by: actor.email }
    await trx.insertInto('wave_carry_forward').values({ wave_id: wave.id, ...values }).onConflict((oc) => oc.column('wave_id').doUpdateSet(values)).execute()
    await audit(trx, actor, 'carry_forward_saved', { waveId: wave.id, sourceWaveId: source.id, source: source.label, count: chosen.length, questions: chosen })
  })
}

export async function removeCarrySetting(db: Kysely<Database>, wave: WaveTable, actor: Actor): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('wave_carry_forward').where('wave_id', '=', wave.id).executeTakeFirst()
    if (Number(removed.numDeletedRows) === 0) return false
    await audit(trx, actor, 'carry_forward_removed', { waveId: wave.id })
    return true
  })
}

/** The organisation's answers in the earlier wave, carried into this wave's questions. */
export interface EarlierAnswers {
  source: WaveTable
  plans: Map<string, CarryPlan>
  /** Per carried question: the answer as it reads now, or undefined (new: nothing to carry). */
  answers: Map<string, Answer | undefined>
}

/** For a page's questions (or every carried question): what the organisation said last time. */
export async function earlierAnswers(db: Db, catalogue: Catalogue, wave: WaveTable, organisationId: string, questionIds?: readonly string[]): Promise<EarlierAnswers | undefined> {
  const carry = await carryForward(db, catalogue, wave)
  if (!carry) return undefined
  const plans = new Map([...carry.plans].filter(([id]) => !questionIds || questionIds.includes(id)))
  if (plans.size === 0) return undefined
  const response = await db
    .selectFrom('responses')
    .select('id')
    .where('wave_id', '=', carry.source.id)
    .where('organisation_id', '=', organisationId)
    .where('status', 'in', ['submitted', 'partial'])
    .executeTakeFirst()
  const sourceIds = [...new Set([...plans.values()].map((p) => p.sourceId))]
  const rows = response ? await db.selectFrom('response_answers').select(['question_id', 'answer_json']).where('response_id', '=', response.id).where('question_id', 'in', sourceIds).execute() : []
  const given = new Map(rows.map((r) => [r.question_id, JSON.parse(r.answer_json) as Answer]))
  const answers = new Map([...plans].map(([id, plan]) => [id, carriedAnswer(plan, given.get(plan.sourceId))]))
  return { source: carry.source, plans, answers }
}

/** Confirmed unchanged, changed, or new, for each carried question of a page being saved. */
export function carriedStatuses(earlier: EarlierAnswers, saved: Record<string, Answer | undefined>): Map<string, CarriedStatus> {
  const statuses = new Map<string, CarriedStatus>()
  for (const [id, before] of earlier.answers) {
    const plan = earlier.plans.get(id)!
    statuses.set(id, before === undefined ? 'new' : sameAnswer(plan.question, saved[id], before) ? 'confirmed' : 'changed')
  }
  return statuses
}

/** Written in the page save's transaction: the statuses of the page's carried questions replace what was there. */
export async function recordCarriedStatuses(trx: Db, responseId: string, sourceWaveId: string, statuses: Map<string, CarriedStatus>): Promise<void> {
  if (statuses.size === 0) return
  const ids = [...statuses.keys()]
  await trx.deleteFrom('carried_answers').where('response_id', '=', responseId).where('question_id', 'in', ids).execute()
  const now = nowIso()
  await trx
    .insertInto('carried_answers')
    .values([...statuses].map(([questionId, status]) => ({ response_id: responseId, question_id: questionId, status, source_wave_id: sourceWaveId, updated_at: now })))
    .execute()
}

/** The statuses recorded for a response, by question. */
export async function statusesOf(db: Db, responseId: string): Promise<Map<string, CarriedStatus>> {
  const rows = await db.selectFrom('carried_answers').select(['question_id', 'status']).where('response_id', '=', responseId).execute()
  return new Map(rows.map((r) => [r.question_id, r.status]))
}
