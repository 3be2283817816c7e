// The raw data's flag per carried question: whether the organisation confirmed last time's answer
// unchanged (1), changed it (2), or answered it new (3, no earlier answer to carry). Described like
// every other variable, so the codebook and the SPSS syntax label it; blank when the question was
// not asked, as for its answer.
import type { Kysely } from 'kysely'
import type { Variable } from '../analysis/raw-data.js'
import type { VariableNames } from '../analysis/variable-names.js'
import type { Database } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { MISSING_CODES } from '../questionnaire/missing-codes.js'
import { localize, placedQuestions } from '../questionnaire/model.js'
import type { Definition } from '../questionnaire/schema.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import type { WaveTable } from '../db/schema.js'
import { CARRIED_STATUSES, carryForward, type CarriedStatus } from './carry-forward.js'

/** The wave's carried questions and the earlier wave's label, for the raw data's columns. */
export interface CarriedColumns {
  questionIds: string[]
  source: string
}

export const NO_CARRIED_COLUMNS: CarriedColumns = { questionIds: [], source: '' }

/** The wave's carried questions, for its raw data, codebook and SPSS syntax. */
export async function carriedColumnsOf(db: Kysely<Database>, catalogue: Catalogue, wave: WaveTable): Promise<CarriedColumns> {
  const carry = await carryForward(db, catalogue, wave)
  return carry ? { questionIds: [...carry.plans.keys()], source: carry.source.label } : NO_CARRIED_COLUMNS
}

export const CARRIED_CODES: Record<CarriedStatus, number> = { confirmed: 1, changed: 2, new: 3 }

/** A flag variable per carried question, in the questionnaire's order. */
export function carriedFlagVariables(definition: Definition, carried: CarriedColumns, names: VariableNames): Variable[] {
  if (!carried.questionIds.length) return []
  const t = translator('en')
  const chosen = new Set(carried.questionIds)
  return placedQuestions(definition)
    .filter((p) => chosen.has(p.question.id))
    .map(({ question }) => ({
      name: names.take(`${question.id}_carried`),
      questionId: question.id,
      label: t('admin.carry.flag_label', { question: localize(question.text, 'en'), wave: carried.source }),
      type: 'code' as const,
      values: CARRIED_STATUSES.map((status) => ({ code: CARRIED_CODES[status], label: t(`admin.carry.status.${status}`) })),
      missing: ['not_answered' as const],
      level: 'nominal' as const,
      derivation: `${CARRIED_STATUSES.map((s) => `${CARRIED_CODES[s]} ${t(`admin.carry.status.${s}`).toLowerCase()}`).join('; ')}; ${MISSING_CODES.not_answered} when not recorded (the page was saved before answers were carried forward)`,
      lineage: `carried forward from ${carried.source}`,
    }))
}

/** The statuses of a batch of responses, by response then question. */
export async function carriedStatusesOf(db: Kysely<Database>, responseIds: string[], carried: CarriedColumns): Promise<Map<string, Map<string, CarriedStatus>>> {
  const byResponse = new Map<string, Map<string, CarriedStatus>>()
  if (!carried.questionIds.length || !responseIds.length) return byResponse
  const rows = await db.selectFrom('carried_answers').select(['response_id', 'question_id', 'status']).where('response_id', 'in', responseIds).where('question_id', 'in', carried.questionIds).execute()
  for (const row of rows) byResponse.set(row.response_id, (byResponse.get(row.response_id) ?? new Map()).set(row.question_id, row.status))
  return byResponse
}

/** A response's flag cells: blank where the question was not asked. */
export function carriedFlagCells(flags: Variable[], asked: ReadonlyMap<string, boolean>, statuses: ReadonlyMap<string, CarriedStatus> | undefined): (string | number)[] {
  return flags.map((v) => {
    if (!asked.has(v.questionId)) return ''
    const status = statuses?.get(v.questionId)
    return status ? CARRIED_CODES[status] : MISSING_CODES.not_answered
  })
}
