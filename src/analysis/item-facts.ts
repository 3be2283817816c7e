// The facts of the items of repeating groups, recorded at submission beside the organisation's
// (facts.ts): one row per question an item asked, one per value given, keyed by item, so
// statistics per item (n = items) and the long file per group are grouped queries as the rest.
import type { Kysely, Transaction } from 'kysely'
import { batches } from '../db/batches.js'
import type { Database, ItemAnswerValueTable, ItemAskedQuestionTable } from '../db/schema.js'
import type { Answers } from '../questionnaire/answers.js'
import type { Question } from '../questionnaire/schema.js'
import { factRows } from './facts.js'

type Db = Kysely<Database> | Transaction<Database>

export interface ItemFacts {
  groupId: string
  itemId: string
  /** 1, 2, 3… among the organisation's items of the group. */
  itemNumber: number
  asked: Question[]
  answers: Answers
}

export function itemFactRows(waveId: string, responseId: string, items: ItemFacts[], options: { partial?: boolean } = {}): { asked: ItemAskedQuestionTable[]; values: ItemAnswerValueTable[] } {
  const asked: ItemAskedQuestionTable[] = []
  const values: ItemAnswerValueTable[] = []
  for (const item of items) {
    const rows = factRows(waveId, responseId, item.asked, item.answers, options)
    for (const row of rows.asked) asked.push({ ...row, group_id: item.groupId, item_id: item.itemId, item_number: item.itemNumber })
    for (const row of rows.values) values.push({ ...row, item_id: item.itemId })
  }
  return { asked, values }
}

export async function recordItemFacts(db: Db, waveId: string, responseId: string, items: ItemFacts[], options: { partial?: boolean } = {}): Promise<void> {
  await clearItemFacts(db, responseId)
  const rows = itemFactRows(waveId, responseId, items, options)
  for (const batch of batches(rows.asked, 8)) await db.insertInto('item_asked_questions').values(batch).execute()
  for (const batch of batches(rows.values, 10)) await db.insertInto('item_answer_values').values(batch).execute()
}

export async function clearItemFacts(db: Db, responseId: string): Promise<void> {
  await db.deleteFrom('item_answer_values').where('response_id', '=', responseId).execute()
  await db.deleteFrom('item_asked_questions').where('response_id', '=', responseId).execute()
}
