// An organisation's response: found by its link, saved a page at a time with a version per page
// (so a colleague's save is never silently overwritten), submitted once, reopened by the team.
import type { Kysely, Transaction } from 'kysely'
import { nowIso } from '../db/ids.js'
import type { Database, InvitationTable, OrganisationTable, ResponseTable, WaveTable } from '../db/schema.js'
import { clearFacts } from '../analysis/facts.js'
import type { Answer, Answers } from '../questionnaire/answers.js'

type Db = Kysely<Database> | Transaction<Database>

export interface LinkContext {
  invitation: InvitationTable
  wave: WaveTable
  organisation: OrganisationTable
  response: ResponseTable
}

export async function findByToken(db: Db, token: string): Promise<LinkContext | undefined> {
  const invitation = await db.selectFrom('invitations').selectAll().where('token', '=', token).executeTakeFirst()
  if (!invitation) return undefined
  const wave = await db.selectFrom('waves').selectAll().where('id', '=', invitation.wave_id).executeTakeFirstOrThrow()
  const organisation = await db.selectFrom('organisations').selectAll().where('id', '=', invitation.organisation_id).executeTakeFirstOrThrow()
  const response = await db.selectFrom('responses').selectAll().where('wave_id', '=', wave.id).where('organisation_id', '=', organisation.id).executeTakeFirstOrThrow()
  return { invitation, wave, organisation, response }
}

export async function recordOpened(db: Db, invitation: InvitationTable): Promise<void> {
  const now = nowIso()
  await db
    .updateTable('invitations')
    .set({ last_opened_at: now, first_opened_at: invitation.first_opened_at ?? now })
    .where('id', '=', invitation.id)
    .execute()
}

export interface PageState {
  version: number
  completed: boolean
  updatedAt: string
}

export interface StoredResponse {
  answers: Answers
  pages: Map<string, PageState>
}

export async function loadResponse(db: Db, responseId: string): Promise<StoredResponse> {
  const rows = await db.selectFrom('response_answers').select(['question_id', 'answer_json']).where('response_id', '=', responseId).execute()
  const pages = await db.selectFrom('response_pages').selectAll().where('response_id', '=', responseId).execute()
  return {
    answers: Object.fromEntries(rows.map((r) => [r.question_id, JSON.parse(r.answer_json) as Answer])),
    pages: new Map(pages.map((p) => [p.page_id, { version: p.version, completed: p.completed === 1, updatedAt: p.updated_at }])),
  }
}

export interface PageSave {
  responseId: string
  pageId: string
  /** The page version the person's form was based on (0 when the page had never been saved). */
  baseVersion: number
  /** Every question on the page: their stored answers are replaced by `answers`. */
  questionIds: string[]
  answers: Answers
  completed: boolean
}

export type SaveResult =
  | { outcome: 'saved'; version: number }
  | { outcome: 'conflict'; current: PageState; answers: Answers }
  | { outcome: 'submitted' }

export async function savePage(db: Kysely<Database>, save: PageSave): Promise<SaveResult> {
  return db.transaction().execute(async (trx) => {
    const response = await trx.selectFrom('responses').select(['status']).where('id', '=', save.responseId).executeTakeFirstOrThrow()
    if (response.status === 'submitted') return { outcome: 'submitted' as const }
    const now = nowIso()
    const version = save.baseVersion + 1
    // Compare-and-set on the page version: of two saves based on the same version, exactly one wins.
    const claimed =
      save.baseVersion === 0
        ? await trx
            .insertInto('response_pages')
            .values({ response_id: save.responseId, page_id: save.pageId, version, completed: save.completed ? 1 : 0, updated_at: now })
            .onConflict((oc) => oc.columns(['response_id', 'page_id']).doNothing())
            .executeTakeFirst()
            .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0n))
        : await trx
            .updateTable('response_pages')
            .set({ version, completed: save.completed ? 1 : 0, updated_at: now })
            .where('response_id', '=', save.responseId)
            .where('page_id', '=', save.pageId)
            .where('version', '=', save.baseVersion)
            .executeTakeFirst()
            .then((r) => Number(r.numUpdatedRows))
    if (claimed !== 1) {
      const current = await trx.selectFrom('response_pages').selectAll().where('response_id', '=', save.responseId).where('page_id', '=', save.pageId).executeTakeFirstOrThrow()
      const rows = save.questionIds.length
        ? await trx.selectFrom('response_answers').select(['question_id', 'answer_json']).where('response_id', '=', save.responseId).where('question_id', 'in', save.questionIds).execute()
        : []
      return {
        outcome: 'conflict' as const,
        current: { version: current.version, completed: current.completed === 1, updatedAt: current.updated_at },
        answers: Object.fromEntries(rows.map((r) => [r.question_id, JSON.parse(r.answer_json) as Answer])),
      }
    }
    if (save.questionIds.length) {
      await trx.deleteFrom('response_answers').where('response_id', '=', save.responseId).where('question_id', 'in', save.questionIds).execute()
    }
    for (const [questionId, answer] of Object.entries(save.answers)) {
      await trx.insertInto('response_answers').values({ response_id: save.responseId, question_id: questionId, page_id: save.pageId, answer_json: JSON.stringify(answer), updated_at: now }).execute()
    }
    await trx.updateTable('responses').set({ status: 'in_progress', updated_at: now }).where('id', '=', save.responseId).execute()
    return { outcome: 'saved' as const, version }
  })
}

/**
 * Submits a response once: a second submission (a double click, a second colleague) finds it
 * already submitted and changes nothing. `keep` lists the questions whose answers count (the
 * visible ones); answers to hidden questions are removed. `afterSubmit` runs in the same
 * transaction, so the confirmation e-mail is queued if and only if the submission happens.
 */
export async function submitResponse(
  db: Kysely<Database>,
  responseId: string,
  keep: string[],
  afterSubmit: (trx: Transaction<Database>, submittedAt: string) => Promise<void>,
): Promise<{ firstTime: boolean; submittedAt: string }> {
  return db.transaction().execute(async (trx) => {
    const submittedAt = nowIso()
    const result = await trx
      .updateTable('responses')
      .set({ status: 'submitted', submitted_at: submittedAt, updated_at: submittedAt })
      .where('id', '=', responseId)
      .where('status', '!=', 'submitted')
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) {
      const existing = await trx.selectFrom('responses').select('submitted_at').where('id', '=', responseId).executeTakeFirstOrThrow()
      return { firstTime: false, submittedAt: existing.submitted_at ?? submittedAt }
    }
    let hidden = trx.deleteFrom('response_answers').where('response_id', '=', responseId)
    if (keep.length) hidden = hidden.where('question_id', 'not in', keep)
    await hidden.execute()
    await afterSubmit(trx, submittedAt)
    return { firstTime: true, submittedAt }
  })
}

/** A research-team action: the organisation can change its answers again and resubmit. */
export async function reopenResponse(db: Kysely<Database>, responseId: string): Promise<boolean> {
  const now = nowIso()
  return db.transaction().execute(async (trx) => {
    const result = await trx.updateTable('responses').set({ status: 'in_progress', reopened_at: now, updated_at: now }).where('id', '=', responseId).where('status', '=', 'submitted').executeTakeFirst()
    if (Number(result.numUpdatedRows) !== 1) return false
    // A reopened response no longer counts in the statistics until it is submitted again.
    await clearFacts(trx, responseId)
    return true
  })
}
