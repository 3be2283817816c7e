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
  // One query for every page a respondent opens: the link, its wave, organisation and response.
  const row = await db
    .selectFrom('invitations as i')
    .innerJoin('waves as w', 'w.id', 'i.wave_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .innerJoin('responses as r', (join) => join.onRef('r.wave_id', '=', 'i.wave_id').onRef('r.organisation_id', '=', 'i.organisation_id'))
    .select([
      'i.id as i_id', 'i.wave_id as i_wave_id', 'i.organisation_id as i_organisation_id', 'i.token as i_token', 'i.status as i_status', 'i.created_at as i_created_at', 'i.revoked_at as i_revoked_at', 'i.first_opened_at as i_first_opened_at', 'i.last_opened_at as i_last_opened_at', 'i.contact_email as i_contact_email',
      'w.id as w_id', 'w.survey_id as w_survey_id', 'w.version as w_version', 'w.label as w_label', 'w.status as w_status', 'w.opens_at as w_opens_at', 'w.closes_at as w_closes_at', 'w.team_name as w_team_name', 'w.team_email as w_team_email', 'w.created_at as w_created_at', 'w.messages_json as w_messages_json', 'w.sender_name as w_sender_name', 'w.launched_at as w_launched_at',
      'o.id as o_id', 'o.code as o_code', 'o.name as o_name', 'o.type as o_type', 'o.attributes_json as o_attributes_json', 'o.language as o_language', 'o.created_at as o_created_at',
      'r.id as r_id', 'r.wave_id as r_wave_id', 'r.organisation_id as r_organisation_id', 'r.status as r_status', 'r.reference as r_reference', 'r.created_at as r_created_at', 'r.updated_at as r_updated_at', 'r.submitted_at as r_submitted_at', 'r.reopened_at as r_reopened_at',
    ])
    .where('i.token', '=', token)
    .executeTakeFirst()
  if (!row) return undefined
  const pick = <T>(prefix: string): T => Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v])) as T
  return { invitation: pick<InvitationTable>('i_'), wave: pick<WaveTable>('w_'), organisation: pick<OrganisationTable>('o_'), response: pick<ResponseTable>('r_') }
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
    const rows = Object.entries(save.answers).map(([questionId, answer]) => ({ response_id: save.responseId, question_id: questionId, page_id: save.pageId, answer_json: JSON.stringify(answer), updated_at: now }))
    if (rows.length) await trx.insertInto('response_answers').values(rows).execute()
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
