// A survey's codebook, kept across its waves: codes with their definitions (description,
// when to use it, when not to, an example), grouped under themes (a code with children), and
// their history. A rename, a move, a merge or a split is an event, so a code's past names and
// what became of a merged code can always be told.
import type { Kysely, Transaction } from 'kysely'
import type { Actor } from '../accounts/audit.js'
import { newId, nowIso } from '../db/ids.js'
import type { CodeTable, Database } from '../db/schema.js'

export type Code = CodeTable

/** Runs `work` in the caller's transaction when there is one (an import), or in a transaction of its own. */
export function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work)
}
export type CodeFields = Pick<Code, 'name' | 'description' | 'inclusion' | 'exclusion' | 'example'> & { parentId: string | null }

export const CODE_FIELD_LIMITS = { name: 200, description: 4000, inclusion: 4000, exclusion: 4000, example: 4000 } as const

/** A code in the tree: its depth (0 for a top-level theme) for indenting, in name order under each parent. */
export interface CodeInTree extends Code {
  depth: number
  children: number
}

export async function codesOf(db: Kysely<Database>, surveyId: string, options: { withMerged?: boolean } = {}): Promise<Code[]> {
  return db
    .selectFrom('codes')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .$if(!options.withMerged, (qb) => qb.where('status', '=', 'active'))
    .orderBy('name')
    .execute() as Promise<Code[]>
}

export function codeTree(codes: Code[]): CodeInTree[] {
  const ids = new Set(codes.map((c) => c.id))
  const byParent = new Map<string | null, Code[]>()
  for (const c of codes) {
    const parent = c.parent_id && ids.has(c.parent_id) ? c.parent_id : null
    byParent.set(parent, [...(byParent.get(parent) ?? []), c])
  }
  const out: CodeInTree[] = []
  const walk = (parent: string | null, depth: number) => {
    for (const c of (byParent.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name, 'en-GB'))) {
      out.push({ ...c, depth, children: byParent.get(c.id)?.length ?? 0 })
      walk(c.id, depth + 1)
    }
  }
  walk(null, 0)
  return out
}

export async function findCode(db: Kysely<Database>, id: string): Promise<Code | undefined> {
  return db.selectFrom('codes').selectAll().where('id', '=', id).executeTakeFirst() as Promise<Code | undefined>
}

/** Problems with a code's fields, as catalogue keys per field, in the order of the form. */
export async function checkCode(db: Kysely<Database>, surveyId: string, fields: CodeFields, existing?: Code): Promise<Record<string, string>> {
  const problems: Record<string, string> = {}
  const name = fields.name.trim()
  if (!name) problems.name = 'admin.coding.error.name_missing'
  else if (name.length > CODE_FIELD_LIMITS.name) problems.name = 'admin.coding.error.name_long'
  else {
    const same = (await codesOf(db, surveyId)).find((c) => c.id !== existing?.id && c.name.trim().toLocaleLowerCase('en-GB') === name.toLocaleLowerCase('en-GB'))
    if (same) problems.name = 'admin.coding.error.name_taken'
  }
  for (const field of ['description', 'inclusion', 'exclusion', 'example'] as const) {
    if (fields[field].length > CODE_FIELD_LIMITS[field]) problems[field] = 'admin.coding.error.too_long'
  }
  if (fields.parentId) {
    const parent = await findCode(db, fields.parentId)
    if (!parent || parent.survey_id !== surveyId || parent.status !== 'active') problems.parentId = 'admin.coding.error.parent_unknown'
    else if (existing && (await descendantsOf(db, existing)).has(parent.id)) problems.parentId = 'admin.coding.error.parent_cycle'
    else if (existing && parent.id === existing.id) problems.parentId = 'admin.coding.error.parent_cycle'
  }
  return problems
}

/** The code itself and every code beneath it. */
async function descendantsOf(db: Kysely<Database>, code: Code): Promise<Set<string>> {
  const codes = await codesOf(db, code.survey_id)
  const found = new Set([code.id])
  let grew = true
  while (grew) {
    grew = false
    for (const c of codes) if (c.parent_id && found.has(c.parent_id) && !found.has(c.id)) found.add(c.id), (grew = true)
  }
  return found
}

async function recordEvent(db: Kysely<Database> | Transaction<Database>, actor: Actor, codeId: string, action: string, details: Record<string, unknown>) {
  await db.insertInto('code_events').values({ id: newId(), code_id: codeId, at: nowIso(), user_email: actor.email, action, details_json: JSON.stringify(details) }).execute()
}

const cleaned = (fields: CodeFields) => ({
  name: fields.name.trim(),
  description: fields.description.trim(),
  inclusion: fields.inclusion.trim(),
  exclusion: fields.exclusion.trim(),
  example: fields.example.trim(),
  parent_id: fields.parentId || null,
})

export async function createCode(db: Kysely<Database>, actor: Actor, surveyId: string, fields: CodeFields, id = newId()): Promise<string> {
  const now = nowIso()
  await inTransaction(db, async (trx) => {
    await trx.insertInto('codes').values({ id, survey_id: surveyId, ...cleaned(fields), status: 'active', merged_into_id: null, created_at: now, updated_at: now }).execute()
    await recordEvent(trx, actor, id, 'created', { name: fields.name.trim(), parentId: fields.parentId || null })
  })
  return id
}

/** Saves a code's new fields; a new name or a new place in the tree is an event of its own. */
export async function updateCode(db: Kysely<Database>, actor: Actor, code: Code, fields: CodeFields): Promise<string[]> {
  const next = cleaned(fields)
  const changed: string[] = []
  await inTransaction(db, async (trx) => {
    if (next.name !== code.name) {
      await recordEvent(trx, actor, code.id, 'renamed', { from: code.name, to: next.name })
      changed.push('name')
    }
    if (next.parent_id !== code.parent_id) {
      await recordEvent(trx, actor, code.id, 'moved', { from: code.parent_id, to: next.parent_id })
      changed.push('parent')
    }
    const edited = (['description', 'inclusion', 'exclusion', 'example'] as const).filter((f) => next[f] !== code[f])
    if (edited.length) {
      await recordEvent(trx, actor, code.id, 'edited', { fields: edited })
      changed.push(...edited)
    }
    if (changed.length) await trx.updateTable('codes').set({ ...next, updated_at: nowIso() }).where('id', '=', code.id).execute()
  })
  return changed
}

/**
 * Merges `from` into `into`: its codings (every coder's, and the decisions that settled them) move
 * to `into`, where the same coder already had `into` on the same answer the duplicate is dropped;
 * codes beneath `from` move beneath `into`; `from` stays in the codebook as merged, with its history.
 */
export async function mergeCode(db: Kysely<Database>, actor: Actor, from: Code, into: Code): Promise<number> {
  let moved = 0
  await inTransaction(db, async (trx) => {
    const target = await trx.selectFrom('codings').select(['wave_id', 'organisation_id', 'question_key', 'user_id', 'start_offset', 'end_offset']).where('code_id', '=', into.id).execute()
    const key = (c: { wave_id: string; organisation_id: string; question_key: string; user_id: string; start_offset: number | null; end_offset: number | null }) =>
      [c.wave_id, c.organisation_id, c.question_key, c.user_id, c.start_offset ?? '', c.end_offset ?? ''].join('|')
    const existing = new Set(target.map(key))
    const source = await trx.selectFrom('codings').selectAll().where('code_id', '=', from.id).execute()
    for (const c of source) {
      if (existing.has(key(c))) await trx.deleteFrom('codings').where('id', '=', c.id).execute()
      else {
        await trx.updateTable('codings').set({ code_id: into.id }).where('id', '=', c.id).execute()
        existing.add(key(c))
        moved++
      }
    }
    const decided = await trx.selectFrom('coding_decisions').selectAll().where('code_id', '=', from.id).execute()
    for (const d of decided) {
      const clash = await trx
        .selectFrom('coding_decisions')
        .select('applied')
        .where('wave_id', '=', d.wave_id)
        .where('organisation_id', '=', d.organisation_id)
        .where('question_key', '=', d.question_key)
        .where('code_id', '=', into.id)
        .executeTakeFirst()
      // A decision already made for `into` on that answer stands; one that applied either code applies the merged one.
      if (clash) {
        if (d.applied && !clash.applied)
          await trx.updateTable('coding_decisions').set({ applied: 1 }).where('wave_id', '=', d.wave_id).where('organisation_id', '=', d.organisation_id).where('question_key', '=', d.question_key).where('code_id', '=', into.id).execute()
        await trx.deleteFrom('coding_decisions').where('wave_id', '=', d.wave_id).where('organisation_id', '=', d.organisation_id).where('question_key', '=', d.question_key).where('code_id', '=', from.id).execute()
      } else {
        await trx.updateTable('coding_decisions').set({ code_id: into.id }).where('wave_id', '=', d.wave_id).where('organisation_id', '=', d.organisation_id).where('question_key', '=', d.question_key).where('code_id', '=', from.id).execute()
      }
    }
    await trx.updateTable('codes').set({ parent_id: into.id, updated_at: nowIso() }).where('parent_id', '=', from.id).execute()
    await trx.updateTable('codes').set({ status: 'merged', merged_into_id: into.id, updated_at: nowIso() }).where('id', '=', from.id).execute()
    await recordEvent(trx, actor, from.id, 'merged', { into: into.id, intoName: into.name, codings: moved })
    await recordEvent(trx, actor, into.id, 'merged_in', { from: from.id, fromName: from.name, codings: moved })
  })
  return moved
}

/**
 * Splits a code into new, narrower codes placed beneath it: the code becomes their theme, and its
 * codings stay on it, so the coders can see which answers to recode into the new codes.
 */
export async function splitCode(db: Kysely<Database>, actor: Actor, code: Code, names: string[]): Promise<string[]> {
  const ids: string[] = []
  for (const name of names) {
    const id = await createCode(db, actor, code.survey_id, { name, description: '', inclusion: '', exclusion: '', example: '', parentId: code.id })
    ids.push(id)
  }
  await recordEvent(db, actor, code.id, 'split', { into: ids, names })
  return ids
}

export interface CodeEvent {
  at: string
  userEmail: string | null
  action: string
  details: Record<string, unknown>
}

export async function historyOf(db: Kysely<Database>, codeId: string): Promise<CodeEvent[]> {
  const rows = await db.selectFrom('code_events').selectAll().where('code_id', '=', codeId).orderBy('at').orderBy('id').execute()
  return rows.map((r) => ({ at: r.at, userEmail: r.user_email, action: r.action, details: JSON.parse(r.details_json) as Record<string, unknown> }))
}
