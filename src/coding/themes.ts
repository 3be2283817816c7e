// Themes beside the numbers: per code, how many organisations' answers carry it, in each wave
// whose coding has finished, with a Wilson interval, and the change from the first wave to the
// last with Fisher's exact test, as for a closed question. A theme counts the organisations with
// it or with any code beneath it. The base is the organisations with at least one answer in the
// agreed coding (of the chosen question, or of any free-text question). Waves are compared only
// where the question is comparable across the versions (every free-text question, when none is
// chosen); otherwise the figures are shown side by side without a test.
import type { Kysely } from 'kysely'
import { traceBack } from '../analysis/comparison.js'
import type { FreeTextAnswer } from '../analysis/free-text.js'
import { fisherExact, wilson } from '../analysis/tests-of-difference.js'
import type { Database } from '../db/schema.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { codesOf, codeTree, type CodeInTree } from './codebook.js'
import { agreedCoding, answerKey, waveCoding } from './codings.js'

export interface CodedWave {
  id: string
  label: string
  version: string
  answers: FreeTextAnswer[]
  /** Agreed codes per answer (answerKey); undefined while the wave's coding has not finished. */
  coding: Map<string, Set<string>> | undefined
  undecided: number
}

/** A wave's free-text answers with its agreed coding (codeIds: the survey's codes). */
export async function codedWave(db: Kysely<Database>, wave: { id: string; label: string; version: string }, answers: FreeTextAnswer[], codeIds: string[]): Promise<CodedWave> {
  const agreed = agreedCoding(await waveCoding(db, wave.id), codeIds)
  return { id: wave.id, label: wave.label, version: wave.version, answers, coding: agreed?.codes, undecided: agreed?.undecided ?? 0 }
}

export interface ThemeCell {
  base: number
  count: number
  percent: number | null
  interval: { low: number; high: number } | undefined
}

export interface ThemeRow {
  code: CodeInTree
  cells: ThemeCell[]
  /** First against last wave, where the question is comparable. */
  change?: { points: number; p: number }
}

export interface ThemeTable {
  waves: CodedWave[]
  rows: ThemeRow[]
  comparable: boolean
  /** Why the waves are not compared, when they are not. */
  notComparable?: 'question' | 'one_wave'
}

/** The code and the codes beneath it, for counting a theme. */
function subtrees(tree: CodeInTree[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const code of tree) out.set(code.id, new Set([code.id]))
  for (const code of [...tree].reverse()) {
    if (!code.parent_id) continue
    const parent = out.get(code.parent_id)
    if (parent) for (const id of out.get(code.id) ?? []) parent.add(id)
  }
  return out
}

/** Which question of `wave` stands for `question` of the newest wave (through the lineage), and whether it is comparable. */
function questionIn(catalogue: Catalogue, surveyId: string, wave: CodedWave, newest: CodedWave, question: string): { id?: string; comparable: boolean } {
  const other = question.endsWith('_other') ? question.slice(0, -'_other'.length) : undefined
  const { link, sourceId } = traceBack(catalogue, surveyId, wave.version, newest.version, other ?? question)
  const id = sourceId === undefined ? undefined : other ? `${sourceId}_other` : sourceId
  return { id, comparable: link === 'comparable' || link === 'reworded' }
}

/** The organisations coded, and those carrying each code, in one wave (restricted to questions if given). */
function countsIn(wave: CodedWave, questions: Set<string> | undefined, members: Map<string, Set<string>>): { base: Set<string>; carrying: Map<string, Set<string>> } {
  const base = new Set<string>()
  const carrying = new Map<string, Set<string>>()
  for (const a of wave.answers) {
    if (questions && !questions.has(a.questionId)) continue
    const codes = wave.coding?.get(answerKey({ organisationId: a.organisationId, questionKey: a.questionId }))
    if (!codes) continue
    base.add(a.organisationId)
    for (const [codeId, subtree] of members) {
      if ([...codes].some((c) => subtree.has(c))) carrying.set(codeId, (carrying.get(codeId) ?? new Set()).add(a.organisationId))
    }
  }
  return { base, carrying }
}

const cell = (count: number, base: number): ThemeCell => ({ base, count, percent: base ? count / base : null, interval: wilson(count, base) })

export function themeTable(catalogue: Catalogue, surveyId: string, tree: CodeInTree[], waves: CodedWave[], question?: string): ThemeTable {
  const finished = waves.filter((w) => w.coding)
  const members = subtrees(tree)
  const newest = finished[finished.length - 1]
  let comparable = finished.length >= 2
  const perWave = finished.map((w) => {
    if (!newest) return countsIn(w, undefined, members)
    if (question) {
      const q = questionIn(catalogue, surveyId, w, newest, question)
      if (!q.comparable) comparable = false
      return countsIn(w, new Set(q.id ? [q.id] : []), members)
    }
    // Every free-text question of the newest wave must trace back for the waves to be compared.
    for (const id of new Set(newest.answers.map((a) => a.questionId))) if (!questionIn(catalogue, surveyId, w, newest, id).comparable) comparable = false
    return countsIn(w, undefined, members)
  })
  const rows = tree.map((code) => {
    const cells = perWave.map((c) => cell(c.carrying.get(code.id)?.size ?? 0, c.base.size))
    const row: ThemeRow = { code, cells }
    const [first, last] = [cells[0], cells[cells.length - 1]]
    if (comparable && first.base && last.base) {
      row.change = { points: (last.percent! - first.percent!) * 100, p: fisherExact(first.count, first.base - first.count, last.count, last.base - last.count) }
    }
    return row
  })
  return { waves: finished, rows, comparable, ...(comparable ? {} : { notComparable: finished.length < 2 ? ('one_wave' as const) : ('question' as const) }) }
}

export interface ThemeBreakdown {
  groups: { value: string; base: number; counts: Map<string, number> }[]
}

/** A wave's themes by organisation type (`organisation_type`) or by one of its attributes. */
export function themeBreakdown(tree: CodeInTree[], wave: CodedWave, by: string, question?: string): ThemeBreakdown {
  const members = subtrees(tree)
  const groupOf = (a: FreeTextAnswer) => (by === 'organisation_type' ? a.organisationType : (a.attributes[by] ?? '')) || '(none)'
  const groups = new Map<string, CodedWave>()
  for (const a of wave.answers) {
    const g = groupOf(a)
    const entry = groups.get(g) ?? { ...wave, answers: [] }
    entry.answers.push(a)
    groups.set(g, entry)
  }
  return {
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b, 'en-GB'))
      .map(([value, w]) => {
        const { base, carrying } = countsIn(w, question ? new Set([question]) : undefined, members)
        return { value, base: base.size, counts: new Map([...carrying].map(([id, orgs]) => [id, orgs.size])) }
      }),
  }
}

export async function surveyTree(db: Kysely<Database>, surveyId: string): Promise<CodeInTree[]> {
  return codeTree(await codesOf(db, surveyId))
}
