// The items of a response's repeating groups (each prison in the area) and their answers, saved
// a page at a time with a version per item page, as the organisation's own pages are
// (responses.ts): a colleague's save is never silently overwritten.
import type { Kysely, Transaction } from 'kysely'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import type { Answer, Answers } from '../questionnaire/answers.js'
import type { PageSave, PageState, SaveResult } from './responses.js'

type Db = Kysely<Database> | Transaction<Database>

export interface StoredItem {
  id: string
  groupId: string
  position: number
  answers: Answers
  pages: Map<string, PageState>
}

export interface StoredItems {
  /** Every item of every group, in the order added. */
  items: StoredItem[]
  /** Groups whose respondent said there was nothing more to add. */
  finished: Set<string>
}

export const NO_ITEMS: StoredItems = { items: [], finished: new Set() }

export async function loadItems(db: Db, responseId: string): Promise<StoredItems> {
  // Page versions before answers, for the same reason as loadResponse.
  const items = await db.selectFrom('response_items').select(['id', 'group_id', 'position']).where('response_id', '=', responseId).orderBy('position').execute()
  if (items.length === 0) {
    const lists = await db.selectFrom('response_group_lists').select(['group_id', 'finished']).where('response_id', '=', responseId).execute()
    return { items: [], finished: new Set(lists.filter((l) => l.finished === 1).map((l) => l.group_id)) }
  }
  const pages = await db.selectFrom('response_item_pages').select(['item_id', 'page_id', 'version', 'completed', 'updated_at']).where('response_id', '=', responseId).execute()
  const answers = await db.selectFrom('response_item_answers').select(['item_id', 'question_id', 'answer_json']).where('response_id', '=', responseId).execute()
  const lists = await db.selectFrom('response_group_lists').select(['group_id', 'finished']).where('response_id', '=', responseId).execute()
  const byId = new Map<string, StoredItem>(items.map((i) => [i.id, { id: i.id, groupId: i.group_id, position: i.position, answers: {}, pages: new Map() }]))
  for (const p of pages) byId.get(p.item_id)?.pages.set(p.page_id, { version: p.version, completed: p.completed === 1, updatedAt: p.updated_at })
  for (const a of answers) {
    const item = byId.get(a.item_id)
    if (item) item.answers[a.question_id] = JSON.parse(a.answer_json) as Answer
  }
  return { items: [...byId.values()], finished: new Set(lists.filter((l) => l.finished === 1).map((l) => l.group_id)) }
}

export interface ItemPageSave extends Omit<PageSave, 'responseId'> {
  responseId: string
  groupId: string
  /** undefined: the first page of a new item, which this save adds. */
  itemId: string | undefined
  /** A new item is refused once the group holds this many. */
  maxItems: number
}

export type ItemSaveResult = (SaveResult & { itemId: string }) | { outcome: 'full'; itemId: undefined }

export async function saveItemPage(db: Kysely<Database>, save: ItemPageSave): Promise<ItemSaveResult> {
  return db.transaction().execute(async (trx): Promise<ItemSaveResult> => {
    const response = await trx.selectFrom('responses').select(['status']).where('id', '=', save.responseId).executeTakeFirstOrThrow()
    const now = nowIso()
    if (response.status === 'submitted') return { outcome: 'submitted', itemId: save.itemId ?? '' }
    let itemId = save.itemId
    if (itemId === undefined) {
      const existing = await trx.selectFrom('response_items').select(['position']).where('response_id', '=', save.responseId).where('group_id', '=', save.groupId).orderBy('position', 'desc').execute()
      if (existing.length >= save.maxItems) return { outcome: 'full', itemId: undefined }
      itemId = newId()
      await trx.insertInto('response_items').values({ id: itemId, response_id: save.responseId, group_id: save.groupId, position: (existing[0]?.position ?? 0) + 1, created_at: now }).execute()
    }
    const version = save.baseVersion + 1
    const completed = save.completed ? 1 : 0
    const claimed =
      save.baseVersion === 0
        ? await trx
            .insertInto('response_item_pages')
            .values({ response_id: save.responseId, item_id: itemId, page_id: save.pageId, version: 1, completed, updated_at: now })
            .onConflict((oc) => oc.columns(['item_id', 'page_id']).doNothing())
            .executeTakeFirst()
            .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0n))
        : await trx
            .updateTable('response_item_pages')
            .set({ version, completed, updated_at: now })
            .where('item_id', '=', itemId)
            .where('page_id', '=', save.pageId)
            .where('version', '=', save.baseVersion)
            .executeTakeFirst()
            .then((r) => Number(r.numUpdatedRows))
    if (claimed !== 1) {
      const current = await trx.selectFrom('response_item_pages').selectAll().where('item_id', '=', itemId).where('page_id', '=', save.pageId).executeTakeFirst()
      // The item was removed by a colleague in the meantime: nothing to save it into.
      if (!current) return { outcome: 'conflict', itemId, current: { version: 0, completed: false, updatedAt: now }, answers: {} }
      const rows = save.questionIds.length ? await trx.selectFrom('response_item_answers').select(['question_id', 'answer_json']).where('item_id', '=', itemId).where('question_id', 'in', save.questionIds).execute() : []
      return {
        outcome: 'conflict',
        itemId,
        current: { version: current.version, completed: current.completed === 1, updatedAt: current.updated_at },
        answers: Object.fromEntries(rows.map((r) => [r.question_id, JSON.parse(r.answer_json) as Answer])),
      }
    }
    if (save.questionIds.length) await trx.deleteFrom('response_item_answers').where('item_id', '=', itemId).where('question_id', 'in', save.questionIds).execute()
    const entries = Object.entries(save.answers)
    if (entries.length) {
      await trx
        .insertInto('response_item_answers')
        .values(entries.map(([questionId, answer]) => ({ response_id: save.responseId, item_id: itemId, question_id: questionId, page_id: save.pageId, answer_json: JSON.stringify(answer), updated_at: now })))
        .execute()
    }
    await trx.updateTable('responses').set({ status: 'in_progress', updated_at: now }).where('id', '=', save.responseId).where('status', 'in', ['not_started', 'in_progress']).execute()
    return { outcome: 'saved', version, itemId }
  })
}

/** Removes an item with its answers; false when it was not there (a colleague removed it first, or the response was submitted). */
export async function removeItem(db: Kysely<Database>, responseId: string, itemId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const response = await trx.selectFrom('responses').select(['status']).where('id', '=', responseId).executeTakeFirstOrThrow()
    if (response.status === 'submitted') return false
    await trx.deleteFrom('response_item_answers').where('response_id', '=', responseId).where('item_id', '=', itemId).execute()
    await trx.deleteFrom('response_item_pages').where('response_id', '=', responseId).where('item_id', '=', itemId).execute()
    const removed = await trx.deleteFrom('response_items').where('response_id', '=', responseId).where('id', '=', itemId).executeTakeFirst()
    await trx.updateTable('responses').set({ updated_at: nowIso() }).where('id', '=', responseId).execute()
    return Number(removed.numDeletedRows) === 1
  })
}

/** Whether the respondent said the list is finished ("No, I do not need to add another"). */
export async function setListFinished(db: Db, responseId: string, groupId: string, finished: boolean): Promise<void> {
  const now = nowIso()
  await db
    .insertInto('response_group_lists')
    .values({ response_id: responseId, group_id: groupId, finished: finished ? 1 : 0, updated_at: now })
    .onConflict((oc) => oc.columns(['response_id', 'group_id']).doUpdateSet({ finished: finished ? 1 : 0, updated_at: now }))
    .execute()
}

/**
 * On submission: items of a group not asked are removed, and so are answers to questions an
 * item did not ask, as hidden answers of the organisation are (`keep`: item id to question ids).
 */
export async function dropHiddenItemAnswers(trx: Transaction<Database>, responseId: string, keep: Map<string, string[]>): Promise<void> {
  const items = await trx.selectFrom('response_items').select(['id']).where('response_id', '=', responseId).execute()
  for (const { id } of items) {
    const questions = keep.get(id)
    if (!questions) {
      await trx.deleteFrom('response_item_answers').where('item_id', '=', id).execute()
      await trx.deleteFrom('response_item_pages').where('item_id', '=', id).execute()
      await trx.deleteFrom('response_items').where('id', '=', id).execute()
      continue
    }
    let hidden = trx.deleteFrom('response_item_answers').where('item_id', '=', id)
    if (questions.length) hidden = hidden.where('question_id', 'not in', questions)
    await hidden.execute()
  }
}
