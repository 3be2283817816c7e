// Turns a submitted response into the facts statistics are computed from. Written in the same
// transaction as the submission; removed when a response is reopened, rewritten when resubmitted.
// A response kept as partial when its wave closed gets the same facts, flagged `partial`.
import type { Kysely, Transaction } from 'kysely'
import { batches } from '../db/batches.js'
import type { AnswerValueTable, AskedQuestionTable, Database } from '../db/schema.js'
import type { Answers } from '../questionnaire/answers.js'
import { isAnswerable, questionOptions } from '../questionnaire/model.js'
import type { Question } from '../questionnaire/schema.js'

type Db = Kysely<Database> | Transaction<Database>

export async function recordFacts(db: Db, waveId: string, responseId: string, asked: Question[], answers: Answers, options: { partial?: boolean } = {}): Promise<void> {
  await clearFacts(db, responseId)
  await insertFacts(db, [factRows(waveId, responseId, asked, answers, options)])
}

export interface FactRows {
  asked: AskedQuestionTable[]
  values: AnswerValueTable[]
}

/** The facts of one response, as rows: what recordFacts writes, for writing many responses' facts in batches (an import). */
export function factRows(waveId: string, responseId: string, asked: Question[], answers: Answers, options: { partial?: boolean } = {}): FactRows {
  const partial = options.partial ? 1 : 0
  const out: FactRows = { asked: [], values: [] }
  for (const question of asked) {
    if (!isAnswerable(question)) continue
    const answer = answers[question.id]
    out.asked.push({ wave_id: waveId, response_id: responseId, question_id: question.id, answered: answer ? 1 : 0, partial })
    if (!answer) continue
    const base: AnswerValueTable = { wave_id: waveId, response_id: responseId, question_id: question.id, row_id: '', code: null, number_value: null, special: null, text_value: null, partial }
    const special = (code: number) => questionOptions(question).find((o) => o.code === code)?.special ?? null
    const rows = out.values
    if ('code' in answer) rows.push({ ...base, code: answer.code, special: special(answer.code), text_value: answer.other ?? null })
    else if ('codes' in answer) {
      const otherCode = question.type === 'multiple_choice' ? question.options.find((o) => o.other)?.code : undefined
      for (const code of answer.codes) rows.push({ ...base, code, special: special(code), text_value: code === otherCode ? (answer.other ?? null) : null })
    } else if ('dont_know' in answer) rows.push({ ...base, special: 'dont_know' })
    else if ('rows' in answer) for (const [row, code] of Object.entries(answer.rows)) rows.push({ ...base, row_id: row, code, special: special(code) })
    else if (typeof answer.value === 'number') rows.push({ ...base, number_value: answer.value })
    else rows.push({ ...base, text_value: answer.value })
  }
  return out
}

/** Writes the facts of several responses, a few statements for all of them rather than one per fact. */
export async function insertFacts(db: Db, facts: FactRows[]): Promise<void> {
  for (const batch of batches(facts.flatMap((f) => f.asked), 5)) await db.insertInto('asked_questions').values(batch).execute()
  for (const batch of batches(facts.flatMap((f) => f.values), 9)) await db.insertInto('answer_values').values(batch).execute()
}

export async function clearFacts(db: Db, responseId: string): Promise<void> {
  await db.deleteFrom('answer_values').where('response_id', '=', responseId).execute()
  await db.deleteFrom('asked_questions').where('response_id', '=', responseId).execute()
  // The items of its repeating groups (item-facts.ts) count with it, and go with it.
  await db.deleteFrom('item_answer_values').where('response_id', '=', responseId).execute()
  await db.deleteFrom('item_asked_questions').where('response_id', '=', responseId).execute()
}
