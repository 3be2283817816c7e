// Each coder's layer of a wave's coding, and how two layers become one. Up to two team members
// code a wave independently; while either is still coding, each sees only their own codes. Once
// both have finished, the answers they both coded are compared code by code: where they agree,
// that is the agreed coding; where they differ, a decision (who decided, when) settles it.
import type { Kysely } from 'kysely'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { agreementOf, type Agreement } from './agreement.js'
import { inTransaction } from './codebook.js'

export const MAX_CODERS = 2

/** One answer: an organisation's text for a question of a wave. */
export interface AnswerKey {
  organisationId: string
  questionKey: string
}

export const answerKey = (a: AnswerKey) => `${a.questionKey}|${a.organisationId}`

export interface Coder {
  userId: string
  name: string
  email: string
  startedAt: string
  doneAt: string | null
}

export async function codersOf(db: Kysely<Database>, waveId: string): Promise<Coder[]> {
  const rows = await db
    .selectFrom('coders')
    .innerJoin('users', 'users.id', 'coders.user_id')
    .select(['coders.user_id', 'users.name', 'users.email', 'coders.started_at', 'coders.done_at'])
    .where('coders.wave_id', '=', waveId)
    .orderBy('coders.started_at')
    .orderBy('coders.user_id')
    .execute()
  return rows.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, startedAt: r.started_at, doneAt: r.done_at }))
}

/** Both coders (or the only one) have finished: the codes can be seen by all, and compared. */
export const codingFinished = (coders: Coder[]) => coders.length > 0 && coders.every((c) => c.doneAt)

/** Joins the wave's coding as one of its coders; a refusal is a catalogue key. */
export async function joinCoding(db: Kysely<Database>, waveId: string, userId: string): Promise<string | undefined> {
  const coders = await codersOf(db, waveId)
  if (coders.some((c) => c.userId === userId)) return undefined
  if (coders.length >= MAX_CODERS) return 'admin.coding.error.two_coders'
  if (codingFinished(coders)) return 'admin.coding.error.already_finished'
  await db.insertInto('coders').values({ wave_id: waveId, user_id: userId, started_at: nowIso(), done_at: null }).execute()
  return undefined
}

export async function finishCoding(db: Kysely<Database>, waveId: string, userId: string, done: boolean): Promise<void> {
  await db
    .updateTable('coders')
    .set({ done_at: done ? nowIso() : null })
    .where('wave_id', '=', waveId)
    .where('user_id', '=', userId)
    .execute()
}

export interface Coding {
  id: string
  organisationId: string
  questionKey: string
  codeId: string
  userId: string
  start: number | null
  end: number | null
}

export async function codingsOf(db: Kysely<Database>, waveId: string, userId?: string): Promise<Coding[]> {
  const rows = await db
    .selectFrom('codings')
    .select(['id', 'organisation_id', 'question_key', 'code_id', 'user_id', 'start_offset', 'end_offset'])
    .where('wave_id', '=', waveId)
    .$if(userId !== undefined, (qb) => qb.where('user_id', '=', userId!))
    .orderBy('question_key')
    .orderBy('organisation_id')
    .orderBy('start_offset')
    .execute()
  return rows.map((r) => ({ id: r.id, organisationId: r.organisation_id, questionKey: r.question_key, codeId: r.code_id, userId: r.user_id, start: r.start_offset, end: r.end_offset }))
}

/** The answers each coder has been through, as answerKey strings per user. */
export async function codedAnswersOf(db: Kysely<Database>, waveId: string): Promise<Map<string, Set<string>>> {
  const rows = await db.selectFrom('coded_answers').select(['user_id', 'organisation_id', 'question_key']).where('wave_id', '=', waveId).execute()
  const out = new Map<string, Set<string>>()
  for (const r of rows) {
    const set = out.get(r.user_id) ?? new Set<string>()
    set.add(answerKey({ organisationId: r.organisation_id, questionKey: r.question_key }))
    out.set(r.user_id, set)
  }
  return out
}

async function markCoded(db: Kysely<Database>, waveId: string, userId: string, answer: AnswerKey) {
  const found = await db
    .selectFrom('coded_answers')
    .select('coded_at')
    .where('wave_id', '=', waveId)
    .where('user_id', '=', userId)
    .where('question_key', '=', answer.questionKey)
    .where('organisation_id', '=', answer.organisationId)
    .executeTakeFirst()
  if (found) return
  await db.insertInto('coded_answers').values({ wave_id: waveId, user_id: userId, question_key: answer.questionKey, organisation_id: answer.organisationId, coded_at: nowIso() }).execute()
}

/**
 * Sets the codes a coder gives a whole answer (replacing the whole-answer codes they gave it
 * before; passages stay), and counts the answer as coded by them, even with no code.
 */
export async function codeWholeAnswer(db: Kysely<Database>, waveId: string, userId: string, answer: AnswerKey, codeIds: string[]): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx
      .deleteFrom('codings')
      .where('wave_id', '=', waveId)
      .where('user_id', '=', userId)
      .where('question_key', '=', answer.questionKey)
      .where('organisation_id', '=', answer.organisationId)
      .where('start_offset', 'is', null)
      .execute()
    const now = nowIso()
    for (const codeId of [...new Set(codeIds)])
      await trx
        .insertInto('codings')
        .values({ id: newId(), wave_id: waveId, organisation_id: answer.organisationId, question_key: answer.questionKey, code_id: codeId, user_id: userId, start_offset: null, end_offset: null, created_at: now })
        .execute()
    await markCoded(trx, waveId, userId, answer)
  })
}

/** Codes a passage of an answer (character offsets, end exclusive) and counts the answer as coded. */
export async function codePassage(db: Kysely<Database>, waveId: string, userId: string, answer: AnswerKey, codeId: string, start: number, end: number): Promise<string> {
  const id = newId()
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('codings')
      .values({ id, wave_id: waveId, organisation_id: answer.organisationId, question_key: answer.questionKey, code_id: codeId, user_id: userId, start_offset: start, end_offset: end, created_at: nowIso() })
      .execute()
    await markCoded(trx, waveId, userId, answer)
  })
  return id
}

export async function removeCoding(db: Kysely<Database>, waveId: string, userId: string, codingId: string): Promise<boolean> {
  const result = await db.deleteFrom('codings').where('id', '=', codingId).where('wave_id', '=', waveId).where('user_id', '=', userId).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export interface Decision {
  applied: boolean
  decidedBy: string
  decidedAt: string
}

/** Everything of a wave's coding, read once: its coders, every coding, the answers each went through, and the decisions. */
export interface WaveCoding {
  coders: Coder[]
  codings: Coding[]
  /** Per coder, the answers (answerKey) they went through. */
  coded: Map<string, Set<string>>
  /** Per `${codeId}|${answerKey}`, how a difference was settled. */
  decisions: Map<string, Decision>
}

export async function waveCoding(db: Kysely<Database>, waveId: string): Promise<WaveCoding> {
  const decisions = await db.selectFrom('coding_decisions').selectAll().where('wave_id', '=', waveId).execute()
  return {
    coders: await codersOf(db, waveId),
    codings: await codingsOf(db, waveId),
    coded: await codedAnswersOf(db, waveId),
    decisions: new Map(decisions.map((d) => [`${d.code_id}|${answerKey({ organisationId: d.organisation_id, questionKey: d.question_key })}`, { applied: d.applied === 1, decidedBy: d.decided_by, decidedAt: d.decided_at }])),
  }
}

/** Whether each coder applied a code to an answer (anywhere in it): the unit of agreement. */
function appliedBy(codings: Coding[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const c of codings) {
    const key = `${c.userId}|${answerKey(c)}`
    const set = out.get(key) ?? new Set<string>()
    set.add(c.codeId)
    out.set(key, set)
  }
  return out
}

const fromKey = (key: string): AnswerKey => ({ questionKey: key.slice(0, key.indexOf('|')), organisationId: key.slice(key.indexOf('|') + 1) })

export interface Difference extends AnswerKey {
  codeId: string
  /** Which of the two coders applied the code. */
  appliedByFirst: boolean
  decision?: Decision
}

export interface Comparison {
  first: Coder
  second: Coder
  /** Answers both coders went through: the units compared. */
  answers: AnswerKey[]
  perCode: Map<string, Agreement>
  differences: Difference[]
}

/** Compares the two coders' layers code by code over the answers both coded; undefined unless there are two coders. */
export function compareCoders(coding: WaveCoding, codeIds: string[], applied = appliedBy(coding.codings)): Comparison | undefined {
  if (coding.coders.length !== MAX_CODERS) return undefined
  const [first, second] = coding.coders
  const secondCoded = coding.coded.get(second.userId) ?? new Set()
  const answers = [...(coding.coded.get(first.userId) ?? [])].filter((k) => secondCoded.has(k)).sort().map(fromKey)
  const perCode = new Map<string, Agreement>()
  const differences: Difference[] = []
  for (const codeId of codeIds) {
    const table = { both: 0, firstOnly: 0, secondOnly: 0, neither: 0 }
    for (const a of answers) {
      const byFirst = applied.get(`${first.userId}|${answerKey(a)}`)?.has(codeId) ?? false
      const bySecond = applied.get(`${second.userId}|${answerKey(a)}`)?.has(codeId) ?? false
      if (byFirst && bySecond) table.both++
      else if (byFirst) table.firstOnly++
      else if (bySecond) table.secondOnly++
      else table.neither++
      if (byFirst !== bySecond) differences.push({ ...a, codeId, appliedByFirst: byFirst, decision: coding.decisions.get(`${codeId}|${answerKey(a)}`) })
    }
    perCode.set(codeId, agreementOf(table))
  }
  return { first, second, answers, perCode, differences }
}

export async function decide(db: Kysely<Database>, waveId: string, answer: AnswerKey, codeId: string, applied: boolean, decidedBy: string): Promise<void> {
  await db
    .deleteFrom('coding_decisions')
    .where('wave_id', '=', waveId)
    .where('organisation_id', '=', answer.organisationId)
    .where('question_key', '=', answer.questionKey)
    .where('code_id', '=', codeId)
    .execute()
  await db
    .insertInto('coding_decisions')
    .values({ wave_id: waveId, organisation_id: answer.organisationId, question_key: answer.questionKey, code_id: codeId, applied: applied ? 1 : 0, decided_by: decidedBy, decided_at: nowIso() })
    .execute()
}

/**
 * The wave's coding that counts: with two coders who have both finished, what they agree on plus
 * the decisions on their differences (differences not yet decided are left out and counted);
 * with one coder who has finished, theirs. Per answer, the set of codes.
 */
export function agreedCoding(coding: WaveCoding, codeIds: string[]): { codes: Map<string, Set<string>>; undecided: number; coders: number } | undefined {
  if (!codingFinished(coding.coders)) return undefined
  const codes = new Map<string, Set<string>>()
  const add = (key: string, codeId: string) => codes.set(key, (codes.get(key) ?? new Set<string>()).add(codeId))
  if (coding.coders.length === 1) {
    const only = coding.coders[0].userId
    for (const k of coding.coded.get(only) ?? []) codes.set(k, new Set())
    for (const c of coding.codings) if (c.userId === only) add(answerKey(c), c.codeId)
    return { codes, undecided: 0, coders: 1 }
  }
  const applied = appliedBy(coding.codings)
  const comparison = compareCoders(coding, codeIds, applied)!
  let undecided = 0
  for (const a of comparison.answers) {
    const key = answerKey(a)
    codes.set(key, new Set())
    const bySecond = applied.get(`${comparison.second.userId}|${key}`) ?? new Set()
    for (const codeId of applied.get(`${comparison.first.userId}|${key}`) ?? []) if (bySecond.has(codeId)) add(key, codeId)
  }
  for (const d of comparison.differences) {
    if (!d.decision) undecided++
    else if (d.decision.applied) add(answerKey(d), d.codeId)
  }
  return { codes, undecided, coders: 2 }
}
