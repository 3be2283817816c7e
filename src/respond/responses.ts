// An organisation's response: found by its link, saved a page at a time with a version per page
// (so a colleague's save is never silently overwritten), submitted once, reopened by the team.
import { sql, type Kysely, type Transaction } from 'kysely'
import { nowIso } from '../db/ids.js'
import { prepared } from '../db/prepared.js'
import type { Database, InvitationTable, OrganisationTable, ResponseTable, WaveTable } from '../db/schema.js'
import { clearFacts, recordFacts } from '../analysis/facts.js'
import type { Answer, Answers } from '../questionnaire/answers.js'
import type { Definition } from '../questionnaire/schema.js'
import { walkVisible } from '../questionnaire/skip-logic.js'
import { hashLinkToken } from './link-tokens.js'
import { loadItems, type StoredItems } from './group-items.js'
import { groupProgress } from './group-progress.js'
import { submitItems } from './group-submission.js'
import { repeatingGroups } from '../questionnaire/groups.js'

type Db = Kysely<Database> | Transaction<Database>

export interface LinkContext {
  invitation: InvitationTable
  wave: WaveTable
  organisation: OrganisationTable
  response: ResponseTable
}

const LINK_COLUMNS = {
  i: ['id', 'wave_id', 'organisation_id', 'status', 'created_at', 'revoked_at', 'first_opened_at', 'last_opened_at', 'contact_email'],
  w: ['id', 'survey_id', 'version', 'label', 'status', 'opens_at', 'closes_at', 'team_name', 'team_email', 'created_at', 'messages_json', 'sender_name', 'launched_at'],
  o: ['id', 'code', 'name', 'type', 'attributes_json', 'language', 'created_at'],
  r: ['id', 'wave_id', 'organisation_id', 'status', 'reference', 'created_at', 'updated_at', 'submitted_at', 'reopened_at'],
} as const

// One query for every page a respondent opens: the link, its wave, organisation and response.
const linkByTokenHash = prepared((db, tokenHash: string) =>
  db
    .selectFrom('link_tokens as t')
    .innerJoin('invitations as i', 'i.id', 't.invitation_id')
    .innerJoin('waves as w', 'w.id', 'i.wave_id')
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .innerJoin('responses as r', (join) => join.onRef('r.wave_id', '=', 'i.wave_id').onRef('r.organisation_id', '=', 'i.organisation_id'))
    .select(Object.entries(LINK_COLUMNS).flatMap(([table, columns]) => columns.map((c) => sql.ref(`${table}.${c}`).as(`${table}_${c}`))))
    .where('t.token_hash', '=', tokenHash),
)

/** The response a personal link opens: looked up by the link's keyed hash (link-tokens.ts). */
export async function findByToken(db: Db, key: Buffer, token: string): Promise<LinkContext | undefined> {
  const row = (await linkByTokenHash(db, hashLinkToken(key, token))).rows[0] as Record<string, unknown> | undefined
  if (!row) return undefined
  const pick = <T>(table: keyof typeof LINK_COLUMNS): T => {
    const picked: Record<string, unknown> = {}
    for (const column of LINK_COLUMNS[table]) picked[column] = row[`${table}_${column}`]
    return picked as T
  }
  return { invitation: pick<InvitationTable>('i'), wave: pick<WaveTable>('w'), organisation: pick<OrganisationTable>('o'), response: pick<ResponseTable>('r') }
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
  /** The items of its repeating groups (group-items.ts); none when left out. */
  items?: StoredItems
}

const answersOf = prepared((db, responseId: string) => db.selectFrom('response_answers').select(['question_id', 'answer_json']).where('response_id', '=', responseId))
const pagesOf = prepared((db, responseId: string) => db.selectFrom('response_pages').select(['page_id', 'version', 'completed', 'updated_at']).where('response_id', '=', responseId))

export async function loadResponse(db: Db, responseId: string): Promise<StoredResponse> {
  // Page versions before answers: if a colleague saves in between, this person's form carries
  // the older version and their save is refused as a conflict, rather than overwriting the
  // colleague's answers with a version it never showed them.
  const pages = (await pagesOf(db, responseId)).rows
  const answers = (await answersOf(db, responseId)).rows
  return {
    answers: Object.fromEntries(answers.map((r) => [r.question_id, JSON.parse(r.answer_json) as Answer])),
    pages: new Map(pages.map((p) => [p.page_id, { version: p.version, completed: p.completed === 1, updatedAt: p.updated_at }])),
    items: await loadItems(db, responseId),
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
  /** Runs in the save's transaction once the page is claimed (what else a page save records, such as carried answers' statuses). */
  afterSave?: (trx: Transaction<Database>) => Promise<void>
}

export type SaveResult =
  | { outcome: 'saved'; version: number }
  | { outcome: 'conflict'; current: PageState; answers: Answers }
  | { outcome: 'submitted' }

const responseStatus = prepared((db, responseId: string) => db.selectFrom('responses').select(['status']).where('id', '=', responseId))
const claimNewPage = prepared((db, responseId: string, pageId: string, completed: number, updatedAt: string) =>
  db
    .insertInto('response_pages')
    .values({ response_id: responseId, page_id: pageId, version: 1, completed, updated_at: updatedAt })
    .onConflict((oc) => oc.columns(['response_id', 'page_id']).doNothing()),
)
const claimPageVersion = prepared((db, responseId: string, pageId: string, baseVersion: number, version: number, completed: number, updatedAt: string) =>
  db.updateTable('response_pages').set({ version, completed, updated_at: updatedAt }).where('response_id', '=', responseId).where('page_id', '=', pageId).where('version', '=', baseVersion),
)
const clearAnswers = prepared((db, responseId: string, questionIds: readonly string[]) => db.deleteFrom('response_answers').where('response_id', '=', responseId).where('question_id', 'in', questionIds))
const insertAnswers = prepared((db, responseId: string, pageId: string, updatedAt: string, questionIds: readonly string[], answerJson: readonly string[]) =>
  db.insertInto('response_answers').values(questionIds.map((questionId, i) => ({ response_id: responseId, question_id: questionId, page_id: pageId, answer_json: answerJson[i], updated_at: updatedAt }))),
)
// Only a response still being filled: a save racing a submission or a close (which made the
// response partial) must not turn it back into one in progress beside facts already recorded.
const markInProgress = prepared((db, responseId: string, updatedAt: string) =>
  db.updateTable('responses').set({ status: 'in_progress', updated_at: updatedAt }).where('id', '=', responseId).where('status', 'in', ['not_started', 'in_progress']),
)

export async function savePage(db: Kysely<Database>, save: PageSave): Promise<SaveResult> {
  return db.transaction().execute(async (trx) => {
    const response = (await responseStatus(trx, save.responseId)).rows[0]
    if (!response) throw new Error(`No response ${save.responseId}`)
    if (response.status === 'submitted') return { outcome: 'submitted' as const }
    const now = nowIso()
    const version = save.baseVersion + 1
    const completed = save.completed ? 1 : 0
    // Compare-and-set on the page version: of two saves based on the same version, exactly one wins.
    const claimed =
      save.baseVersion === 0
        ? await claimNewPage(trx, save.responseId, save.pageId, completed, now)
        : await claimPageVersion(trx, save.responseId, save.pageId, save.baseVersion, version, completed, now)
    if (Number(claimed.numAffectedRows ?? 0n) !== 1) {
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
    if (save.questionIds.length) await clearAnswers(trx, save.responseId, save.questionIds)
    const entries = Object.entries(save.answers)
    if (entries.length) await insertAnswers(trx, save.responseId, save.pageId, now, entries.map(([id]) => id), entries.map(([, answer]) => JSON.stringify(answer)))
    await markInProgress(trx, save.responseId, now)
    if (save.afterSave) await save.afterSave(trx)
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

/**
 * When a wave closes and the team keeps responses in progress: each one with at least one answer
 * that counts becomes 'partial' and gets its facts as a submission would (flagged partial). Runs in
 * the close's transaction. Nothing can be answered any more, so every page counts as settled: a
 * condition on a question left unanswered is decided as for a submission that left it blank, and
 * a visible question the respondent had not reached is asked but not answered. Stored answers are
 * left as they are: closing is not the place to delete anything.
 */
export async function keepPartialResponses(trx: Transaction<Database>, waveId: string, definition: Definition): Promise<{ kept: number; withoutAnswers: number }> {
  const inProgress = await trx.selectFrom('responses').select('id').where('wave_id', '=', waveId).where('status', '=', 'in_progress').orderBy('id').execute()
  const everyPage = new Set(definition.sections.flatMap((section) => section.pages.map((page) => page.id)))
  const now = nowIso()
  let kept = 0
  let withoutAnswers = 0
  for (const { id } of inProgress) {
    const stored = await loadResponse(trx, id)
    const walk = walkVisible(definition, stored.answers, everyPage)
    const { pages, answers } = walk
    if (Object.keys(answers).length === 0) {
      withoutAnswers++
      continue
    }
    // Conditional, so a submission that got in first (PostgreSQL, another process) stays submitted.
    const marked = await trx.updateTable('responses').set({ status: 'partial', updated_at: now }).where('id', '=', id).where('status', '=', 'in_progress').executeTakeFirst()
    if (Number(marked.numUpdatedRows) !== 1) continue
    await recordFacts(trx, waveId, id, pages.flatMap((p) => p.questions), answers, { partial: true })
    const groups = repeatingGroups(definition).filter((g) => walk.groups.get(g.id) === 'shown').map((g) => groupProgress(definition, g, answers, stored.items))
    await submitItems(trx, waveId, id, groups, { partial: true })
    kept++
  }
  return { kept, withoutAnswers }
}

/**
 * When the team reopens a closed wave: responses kept as partial go back to in progress, so their
 * organisations carry on where they stopped and submit; until then they count nowhere, as a
 * reopened response does. Runs in the reopening's transaction.
 */
export async function resumePartialResponses(trx: Transaction<Database>, waveId: string): Promise<number> {
  const partial = await trx.selectFrom('responses').select('id').where('wave_id', '=', waveId).where('status', '=', 'partial').execute()
  const now = nowIso()
  for (const { id } of partial) {
    await trx.updateTable('responses').set({ status: 'in_progress', updated_at: now }).where('id', '=', id).where('status', '=', 'partial').execute()
    await clearFacts(trx, id)
  }
  return partial.length
}
