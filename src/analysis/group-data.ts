// The long file of a repeating group, for R, SPSS and Stata: one row per item (each prison an
// authority named), keyed by the organisation's pseudonym and the item's number, with the group's
// questions as columns coded exactly as in the wide file (raw-data.ts), so the two join on
// respondent_id. Read from the item facts recorded at submission, a batch of responses at a time.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { MISSING_CODES } from '../questionnaire/missing-codes.js'
import { findGroup } from '../questionnaire/groups.js'
import { isAnswerable, placedQuestions, questionOptions } from '../questionnaire/model.js'
import type { AnswerableQuestion, Definition } from '../questionnaire/schema.js'
import { exportCode } from '../questionnaire/missing-codes.js'
import { partialResponses } from './partial.js'
import { answeredCell, FIXED_COLUMNS, partialVariables, pseudonym, RESPONSE_STATUS_CODES, variables, type RawLayout } from './raw-data.js'
import { VariableNames } from './variable-names.js'

/** The long file's columns: the keys, then the group's variables, then the wave-level columns. */
export function groupLayout(definition: Definition, groupId: string, withNames: boolean): RawLayout {
  const names = new VariableNames()
  for (const column of [...FIXED_COLUMNS, 'item_number']) names.take(column)
  const groupVariables = variables(definition, names, { group: groupId })
  const header = ['respondent_id', ...(withNames ? ['organisation_code', 'organisation_name'] : []), 'response_status', 'item_number', ...groupVariables.map((v) => v.name), ...partialVariables().map((v) => v.name)]
  return { header, attributes: [], variables: groupVariables }
}

export function hasGroup(definition: Definition, groupId: string): boolean {
  return findGroup(definition, groupId) !== undefined
}

/** Rows of a group's long file: the submitted responses' items, then (if included) the partial ones'. */
export async function* groupRows(db: Kysely<Database>, waveId: string, definition: Definition, groupId: string, withNames: boolean, options: { includePartial?: boolean; batchSize?: number } = {}): AsyncGenerator<(string | number)[]> {
  const { variables: vars } = groupLayout(definition, groupId, withNames)
  const questions = new Map(placedQuestions(definition).filter((p) => isAnswerable(p.question)).map((p) => [p.question.id, p.question as AnswerableQuestion]))
  const exportCodes = new Map([...questions].map(([id, q]) => [id, new Map(questionOptions(q).map((o) => [o.code, exportCode(o)]))]))
  const waveLevel = [await partialResponses(db, waveId), options.includePartial ? 1 : 0]
  for (const status of options.includePartial ? (['submitted', 'partial'] as const) : (['submitted'] as const)) {
    let after = ''
    for (;;) {
      const batch = await db
        .selectFrom('responses')
        .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
        .select(['responses.id', 'responses.organisation_id', 'organisations.code', 'organisations.name'])
        .where('responses.wave_id', '=', waveId)
        .where('responses.status', '=', status)
        .where('responses.id', '>', after)
        .orderBy('responses.id')
        .limit(options.batchSize ?? 100)
        .execute()
      if (batch.length === 0) break
      after = batch[batch.length - 1].id
      const ids = batch.map((r) => r.id)
      const asked = await db.selectFrom('item_asked_questions').select(['response_id', 'item_id', 'item_number', 'question_id', 'answered']).where('response_id', 'in', ids).where('group_id', '=', groupId).orderBy('item_number').execute()
      const values = await db.selectFrom('item_answer_values').selectAll().where('response_id', 'in', ids).execute()
      const valuesBy = new Map<string, typeof values>()
      for (const v of values) {
        const key = `${v.response_id}|${v.item_id}|${v.question_id}`
        valuesBy.set(key, [...(valuesBy.get(key) ?? []), v])
      }
      for (const response of batch) {
        const items = new Map<string, { number: number; asked: Map<string, boolean> }>()
        for (const a of asked) {
          if (a.response_id !== response.id) continue
          const item = items.get(a.item_id) ?? { number: a.item_number, asked: new Map<string, boolean>() }
          item.asked.set(a.question_id, a.answered === 1)
          items.set(a.item_id, item)
        }
        for (const [itemId, item] of [...items].sort(([, a], [, b]) => a.number - b.number)) {
          const cells: (string | number)[] = [pseudonym(response.organisation_id), ...(withNames ? [response.code, response.name] : []), RESPONSE_STATUS_CODES[status], item.number]
          for (const v of vars) {
            const wasAsked = item.asked.get(v.questionId)
            // As in the wide file: blank not asked, -9 asked and not answered.
            if (wasAsked === undefined || (!wasAsked && v.source?.kind === 'other')) cells.push('')
            else if (!wasAsked) cells.push(MISSING_CODES.not_answered)
            else cells.push(answeredCell(v, questions.get(v.questionId)!, valuesBy.get(`${response.id}|${itemId}|${v.questionId}`) ?? [], exportCodes.get(v.questionId)!))
          }
          cells.push(...waveLevel)
          yield cells
        }
      }
    }
  }
}
