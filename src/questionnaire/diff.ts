// What changed between two versions of a survey, worked out from the files themselves and the
// lineage the newer one declares, so the team can check the lineage before a wave goes out.
import { conditionCode } from './check-definition.js'
import { isComparable, lineageSources } from './check-lineage.js'
import { canonicalJson } from './content-hash.js'
import { askedWhen, isAnswerable, localize, placedQuestions, questionOptions, textIn, type PlacedQuestion } from './model.js'
import type { AnswerableQuestion, Check, Condition, Definition, Option, Question, Text } from './schema.js'
import { unitLabel } from './units.js'

type Placed = PlacedQuestion & { question: AnswerableQuestion }

export interface QuestionRef {
  id: string
  text: string
  where: string
}

export interface VersionDiff {
  survey: string
  from: string
  to: string
  /** True when `to` names `from` as its previous version, so its lineage describes this change. */
  lineageApplies: boolean
  added: QuestionRef[]
  dropped: (QuestionRef & { reason?: string })[]
  reworded: (QuestionRef & { before: string; declared: boolean; comparable: boolean; note?: string })[]
  recoded: (QuestionRef & { mappings: { from: string; to: string }[] })[]
  /** Option-level (and grid row) lineage: what an analyst must know to read the options across the waves. */
  optionsChanged: (QuestionRef & OptionLineage)[]
  split: (QuestionRef & { from: string })[]
  merged: (QuestionRef & { from: string[] })[]
  notComparable: (QuestionRef & { note?: string })[]
  moved: (QuestionRef & { before: string })[]
  skipLogic: (QuestionRef & { before: string; after: string })[]
  otherChanges: (QuestionRef & { what: string; before: string; after: string })[]
  /** Welsh text changed (question, hint, options, rows): English alone does not show it. */
  welsh: (QuestionRef & { what: string; before: string; after: string })[]
  /** Checks across answers, matched by id: added, removed, or changed in what they test or say. */
  checks: CheckChange[]
  warnings: string[]
}

export interface CheckChange {
  id: string
  change: 'added' | 'removed' | 'changed'
  where: string
  before: string
  after: string
}

export interface OptionLineage {
  /** New options: "not asked" in the earlier version's waves. */
  added: string[]
  /** Options of the earlier version with no equivalent now. */
  removed: string[]
  split: { from: string; to: string[] }[]
  merged: { from: string[]; to: string }[]
  /** Same code, other words. */
  relabelled: { code: number; before: string; after: string }[]
  rowsAdded: string[]
  rowsRemoved: string[]
  rowsReworded: { id: string; before: string; after: string }[]
  /** The lineage note of the question, which often says why the options changed. */
  note?: string
}

const text = (t: Parameters<typeof localize>[0]) => localize(t, 'en')

function where(p: PlacedQuestion): string {
  return `${text(p.section.title)} › ${text(p.page.title) || p.page.id}`
}

function ref(p: Placed): QuestionRef {
  return { id: p.question.id, text: text(p.question.text), where: where(p) }
}

function answerable(definition: Definition): Map<string, Placed> {
  return new Map(placedQuestions(definition).filter((p) => isAnswerable(p.question)).map((p) => [p.question.id, p as Placed]))
}

// Questions by id, once per definition: describing each condition by searching every question
// made the changes page quadratic in the size of the questionnaire.
const questionIndexes = new WeakMap<Definition, Map<string, Question>>()
function questionById(definition: Definition): Map<string, Question> {
  let index = questionIndexes.get(definition)
  if (!index) {
    index = new Map(placedQuestions(definition).map((p) => [p.question.id, p.question]))
    questionIndexes.set(definition, index)
  }
  return index
}

export function describeCondition(condition: Condition | undefined, definition: Definition): string {
  if (!condition) return ''
  if (condition.all) return condition.all.map((c) => describeCondition(c, definition)).join(' and ')
  if (condition.any) return `(${condition.any.map((c) => describeCondition(c, definition)).join(' or ')})`
  const target = condition.question === undefined ? undefined : questionById(definition).get(condition.question)
  const name = `${condition.question}${condition.row ? `.${condition.row}` : ''}`
  const labels = (values: (number | string)[]) =>
    values
      .map((v) => {
        const code = conditionCode(v)
        const option = target ? questionOptions(target).find((o) => o.code === code) : undefined
        return option ? `${text(option.label)} (${code})` : String(v)
      })
      .join(' or ')
  if (condition.answered !== undefined) return `${name} is ${condition.answered ? '' : 'not '}answered`
  if (condition.in) return `${name} is ${labels(condition.in)}`
  if (condition.not_in) return `${name} is answered and is not ${labels(condition.not_in)}`
  const parts = []
  if (condition.min !== undefined) parts.push(`at least ${condition.min}`)
  if (condition.max !== undefined) parts.push(`at most ${condition.max}`)
  return `${name} is ${parts.join(' and ')}`
}

const CHECK_WORDS: Record<Check['kind'], string> = { at_most: 'is at most', at_least: 'is at least', sum_equals: 'add up to', sum_at_most: 'add up to at most', confirm: 'is confirmed' }

/** A check in words, for the changes page: what it tests, whether it is soft, and its message. */
export function describeCheck(check: Check, definition: Definition): string {
  const soft = check.kind === 'confirm' || check.soft ? ' (soft: the respondent may confirm)' : ''
  const test =
    check.kind === 'at_most' || check.kind === 'at_least'
      ? `${check.question} ${CHECK_WORDS[check.kind]} ${check.limit}`
      : check.kind === 'confirm'
        ? `${check.question} is confirmed when ${describeCondition(check.when, definition)}`
        : `${check.parts.join(' + ')} ${CHECK_WORDS[check.kind]} ${check.total}`
  return `${test}${soft}: "${text(check.message)}"`
}

function placedChecks(definition: Definition): Map<string, { check: Check; where: string }> {
  const checks = new Map<string, { check: Check; where: string }>()
  for (const section of definition.sections)
    for (const page of section.pages) for (const check of page.checks ?? []) checks.set(check.id, { check, where: `${text(section.title)} › ${text(page.title) || page.id}` })
  return checks
}

function checkChanges(from: Definition, to: Definition): CheckChange[] {
  const before = placedChecks(from)
  const after = placedChecks(to)
  const changes: CheckChange[] = []
  for (const [id, now] of after) {
    const old = before.get(id)
    const described = describeCheck(now.check, to)
    if (!old) changes.push({ id, change: 'added', where: now.where, before: '', after: described })
    else if (canonicalJson(old.check) !== canonicalJson(now.check) || old.where !== now.where) changes.push({ id, change: 'changed', where: now.where, before: describeCheck(old.check, from), after: described })
  }
  for (const [id, old] of before) if (!after.has(id)) changes.push({ id, change: 'removed', where: old.where, before: describeCheck(old.check, from), after: '' })
  return changes
}

function describeEffective(p: PlacedQuestion, definition: Definition): string {
  const parts = askedWhen(p)
    .filter((c): c is Condition => c !== undefined)
    .map((c) => describeCondition(c, definition))
  return parts.length ? `shown when ${parts.join(' and ')}` : 'always shown'
}

/**
 * Ids of `after` that keep their relative order from `before`: a longest common subsequence. Ids
 * are unique, so it is the longest increasing run of their old positions, found in n log n (a
 * table of every pair took minutes and gigabytes for questionnaires of thousands of questions).
 */
function keptInOrder(before: string[], after: string[]): Set<string> {
  const oldPosition = new Map(before.map((id, i) => [id, i]))
  const positions = after.map((id) => oldPosition.get(id)!)
  const tails: number[] = []
  const tailAt: number[] = []
  const previousOf = new Array<number>(positions.length).fill(-1)
  positions.forEach((position, i) => {
    let low = 0
    let high = tails.length
    while (low < high) {
      const middle = (low + high) >> 1
      if (tails[middle] < position) low = middle + 1
      else high = middle
    }
    tails[low] = position
    tailAt[low] = i
    previousOf[i] = low > 0 ? tailAt[low - 1] : -1
  })
  const kept = new Set<string>()
  for (let i = tails.length ? tailAt[tails.length - 1] : -1; i >= 0; i = previousOf[i]) kept.add(after[i])
  return kept
}

function simpleProperty(q: Question, key: string): string {
  const value = (q as Record<string, unknown>)[key]
  if (value === undefined) return key === 'required' ? 'true' : '—'
  // Giving a unit plural forms changes how a number reads, not what was asked.
  if (key === 'unit' && q.type === 'number') return unitLabel(q.unit, 'en')
  return typeof value === 'object' ? text(value as Parameters<typeof localize>[0]) : String(value)
}

export function diffVersions(from: Definition, to: Definition): VersionDiff {
  const before = answerable(from)
  const after = answerable(to)
  const lineageApplies = to.previous === from.version
  const diff: VersionDiff = {
    survey: to.survey,
    from: from.version,
    to: to.version,
    lineageApplies,
    added: [],
    dropped: [],
    reworded: [],
    recoded: [],
    optionsChanged: [],
    split: [],
    merged: [],
    notComparable: [],
    moved: [],
    skipLogic: [],
    otherChanges: [],
    welsh: [],
    checks: checkChanges(from, to),
    warnings: [],
  }
  const consumed = new Set<string>()
  for (const p of after.values()) {
    const q = p.question
    const { kind, sources } = lineageApplies ? lineageSources(q) : { kind: before.has(q.id) ? 'continued' : 'added', sources: [q.id] }
    const present = sources.filter((id) => before.has(id))
    present.forEach((id) => consumed.add(id))
    if (kind === 'added' || present.length === 0) {
      diff.added.push(ref(p))
      continue
    }
    if (kind === 'split') diff.split.push({ ...ref(p), from: sources[0] })
    if (kind === 'merged') diff.merged.push({ ...ref(p), from: sources })
    const comparable = lineageApplies ? isComparable(q) : true
    if (!comparable && kind !== 'split' && kind !== 'merged') diff.notComparable.push({ ...ref(p), note: q.lineage?.note })
    if (present.length !== 1) continue
    const old = before.get(present[0])!
    const oldQ = old.question
    if (text(oldQ.text) !== text(q.text)) {
      const declared = lineageApplies && (q.lineage?.reworded === true || kind !== 'continued' || to.editorial === true)
      diff.reworded.push({ ...ref(p), before: text(oldQ.text), declared, comparable, note: q.lineage?.note })
      if (!declared && kind === 'continued') diff.warnings.push(`"${q.id}": the wording changed but the lineage does not say reworded`)
    }
    diff.welsh.push(...welshChanges(oldQ, q).map((change) => ({ ...ref(p), ...change })))
    const oldOptions = questionOptions(oldQ)
    const newOptions = questionOptions(q)
    const recode = lineageApplies ? q.lineage?.recode : undefined
    if (recode) {
      diff.recoded.push({
        ...ref(p),
        mappings: Object.entries(recode).map(([code, target]) => ({
          from: `${code} ${text(oldOptions.find((o) => o.code === Number(code))?.label)}`.trim(),
          to:
            target === null
              ? 'no equivalent'
              : ([] as number[]).concat(target).map((code) => `${code} ${text(newOptions.find((o) => o.code === code)?.label)}`.trim()).join(' and ') + (Array.isArray(target) ? ' (split)' : ''),
        })),
      })
    }
    const lineage = optionLineage(oldQ, q, recode)
    const changed = Object.entries(lineage).some(([key, value]) => key !== 'note' && Array.isArray(value) && value.length > 0)
    if (changed) diff.optionsChanged.push({ ...ref(p), ...lineage, note: q.lineage?.note })
    const oldRule = canonicalJson(askedWhen(old))
    const newRule = canonicalJson(askedWhen(p))
    if (oldRule !== newRule) {
      const describedBefore = describeEffective(old, from)
      const describedAfter = describeEffective(p, to)
      if (describedBefore !== describedAfter) diff.skipLogic.push({ ...ref(p), before: describedBefore, after: describedAfter })
    }
    const oldByCode = new Map(oldOptions.map((o) => [o.code, o]))
    for (const option of newOptions) {
      const was = oldByCode.get(option.code)
      if (!was) continue
      for (const flag of ['special', 'other', 'exclusive'] as const) {
        const a = String(was[flag] ?? '—')
        const b = String(option[flag] ?? '—')
        if (a !== b) diff.otherChanges.push({ ...ref(p), what: `option ${option.code} ${flag}`, before: a, after: b })
      }
    }
    for (const key of ['type', 'required', 'min', 'max', 'unit', 'hint', 'dont_know', 'max_length', 'decimals', 'format', 'precision', 'not_future', 'min_selected', 'max_selected']) {
      const a = simpleProperty(oldQ, key)
      const b = simpleProperty(q, key)
      if (a !== b) diff.otherChanges.push({ ...ref(p), what: key, before: a, after: b })
    }
  }
  const reasons = new Map(lineageApplies ? (to.dropped ?? []).map((d) => [d.id, d.reason]) : [])
  for (const p of before.values()) {
    if (!after.has(p.question.id) && !consumed.has(p.question.id)) diff.dropped.push({ ...ref(p), reason: reasons.get(p.question.id) })
  }
  const common = (map: Map<string, Placed>) => [...map.keys()].filter((id) => before.has(id) && after.has(id))
  const kept = keptInOrder(common(before), common(after))
  for (const id of common(after)) {
    const old = before.get(id)!
    const now = after.get(id)!
    if (!kept.has(id) || old.section.id !== now.section.id) diff.moved.push({ ...ref(now), before: where(old) })
  }
  return diff
}

const label = (o: Option) => `${o.code} ${text(o.label)}`

/**
 * Each option of the earlier version followed to this one: kept (same code, or recoded to one),
 * split into several, merged with others into one, or with no equivalent; options no earlier
 * option leads to are new. Grid rows are matched by id.
 */
function optionLineage(oldQ: AnswerableQuestion, q: AnswerableQuestion, recode: Record<string, number | number[] | null> | undefined): Omit<OptionLineage, 'note'> {
  const oldOptions = questionOptions(oldQ)
  const newOptions = questionOptions(q)
  const newByCode = new Map(newOptions.map((o) => [o.code, o]))
  const result: Omit<OptionLineage, 'note'> = { added: [], removed: [], split: [], merged: [], relabelled: [], rowsAdded: [], rowsRemoved: [], rowsReworded: [] }
  const sourcesOf = new Map<number, Option[]>()
  for (const option of oldOptions) {
    const declared = recode?.[String(option.code)]
    const targets = declared === undefined ? (newByCode.has(option.code) ? [option.code] : []) : declared === null ? [] : ([] as number[]).concat(declared)
    const reached = targets.filter((code) => newByCode.has(code))
    if (reached.length === 0) result.removed.push(label(option))
    if (reached.length > 1) result.split.push({ from: label(option), to: reached.map((code) => label(newByCode.get(code)!)) })
    for (const code of reached) sourcesOf.set(code, [...(sourcesOf.get(code) ?? []), option])
  }
  for (const option of newOptions) {
    const sources = sourcesOf.get(option.code) ?? []
    if (sources.length === 0) result.added.push(label(option))
    if (sources.length > 1) result.merged.push({ from: sources.map(label), to: label(option) })
    const same = sources.length === 1 && sources[0].code === option.code ? sources[0] : oldOptions.find((o) => o.code === option.code && sources.includes(o))
    if (same && text(same.label) !== text(option.label)) result.relabelled.push({ code: option.code, before: text(same.label), after: text(option.label) })
  }
  if (oldQ.type === 'grid' && q.type === 'grid') {
    const oldRows = new Map(oldQ.rows.map((r) => [r.id, r]))
    const newRows = new Set(q.rows.map((r) => r.id))
    for (const row of q.rows) {
      const old = oldRows.get(row.id)
      if (!old) result.rowsAdded.push(`${row.id}: ${text(row.text)}`)
      else if (text(old.text) !== text(row.text)) result.rowsReworded.push({ id: row.id, before: text(old.text), after: text(row.text) })
    }
    for (const row of oldQ.rows) if (!newRows.has(row.id)) result.rowsRemoved.push(`${row.id}: ${text(row.text)}`)
  }
  return result
}

/** Welsh text that changed, where the English may not have: a translation corrected, or added. */
function welshChanges(oldQ: AnswerableQuestion, q: AnswerableQuestion): { what: string; before: string; after: string }[] {
  const changes: { what: string; before: string; after: string }[] = []
  const compare = (what: string, before: Text | undefined, after: Text | undefined) => {
    const a = textIn(before, 'cy') ?? ''
    const b = textIn(after, 'cy') ?? ''
    if (a !== b) changes.push({ what, before: a, after: b })
  }
  compare('text', oldQ.text, q.text)
  compare('hint', oldQ.hint, q.hint)
  const oldOptions = new Map(questionOptions(oldQ).map((o) => [o.code, o]))
  for (const option of questionOptions(q)) {
    const old = oldOptions.get(option.code)
    if (old) compare(`option ${option.code}`, old.label, option.label)
  }
  if (oldQ.type === 'grid' && q.type === 'grid') {
    const oldRows = new Map(oldQ.rows.map((r) => [r.id, r]))
    for (const row of q.rows) {
      const old = oldRows.get(row.id)
      if (old) compare(`row ${row.id}`, old.text, row.text)
    }
  }
  return changes
}
