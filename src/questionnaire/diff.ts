// What changed between two versions of a survey, worked out from the files themselves and the
// lineage the newer one declares, so the team can check the lineage before a wave goes out.
import { conditionCode } from './check-definition.js'
import { isComparable, lineageSources } from './check-lineage.js'
import { canonicalJson, plainText } from './content-hash.js'
import { isAnswerable, localize, placedQuestions, questionOptions, type PlacedQuestion } from './model.js'
import type { AnswerableQuestion, Condition, Definition, Question } from './schema.js'
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
  optionsChanged: (QuestionRef & { added: string[]; removed: string[]; relabelled: { code: number; before: string; after: string }[] })[]
  split: (QuestionRef & { from: string })[]
  merged: (QuestionRef & { from: string[] })[]
  notComparable: (QuestionRef & { note?: string })[]
  moved: (QuestionRef & { before: string })[]
  skipLogic: (QuestionRef & { before: string; after: string })[]
  otherChanges: (QuestionRef & { what: string; before: string; after: string })[]
  warnings: string[]
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

export function describeCondition(condition: Condition | undefined, definition: Definition): string {
  if (!condition) return ''
  if (condition.all) return condition.all.map((c) => describeCondition(c, definition)).join(' and ')
  if (condition.any) return `(${condition.any.map((c) => describeCondition(c, definition)).join(' or ')})`
  const target = placedQuestions(definition).find((p) => p.question.id === condition.question)?.question
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

function effectiveCondition(p: PlacedQuestion): (Condition | undefined)[] {
  return [p.section.show_if, p.page.show_if, p.question.show_if]
}

function describeEffective(p: PlacedQuestion, definition: Definition): string {
  const parts = effectiveCondition(p)
    .filter((c): c is Condition => c !== undefined)
    .map((c) => describeCondition(c, definition))
  return parts.length ? `shown when ${parts.join(' and ')}` : 'always shown'
}

/** Ids of `after` that keep their relative order from `before` (longest common subsequence). */
function keptInOrder(before: string[], after: string[]): Set<string> {
  const n = before.length
  const m = after.length
  const table = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      table[i][j] = before[i] === after[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1])
  const kept = new Set<string>()
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      kept.add(before[i])
      i++
      j++
    } else if (table[i + 1][j] >= table[i][j + 1]) i++
    else j++
  }
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
    if (canonicalJson(plainText(oldQ.text)) !== canonicalJson(plainText(q.text))) {
      const declared = lineageApplies && (q.lineage?.reworded === true || kind !== 'continued')
      diff.reworded.push({ ...ref(p), before: text(oldQ.text), declared, comparable, note: q.lineage?.note })
      if (!declared && kind === 'continued') diff.warnings.push(`"${q.id}": the wording changed but the lineage does not say reworded`)
    }
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
    if (oldOptions.length || newOptions.length) {
      const added = newOptions.filter((o) => !oldOptions.some((x) => x.code === o.code)).map((o) => `${o.code} ${text(o.label)}`)
      const removed = oldOptions.filter((o) => !newOptions.some((x) => x.code === o.code)).map((o) => `${o.code} ${text(o.label)}`)
      const relabelled = newOptions.flatMap((o) => {
        const old = oldOptions.find((x) => x.code === o.code)
        return old && canonicalJson(plainText(old.label)) !== canonicalJson(plainText(o.label)) ? [{ code: o.code, before: text(old.label), after: text(o.label) }] : []
      })
      if (added.length || removed.length || relabelled.length) diff.optionsChanged.push({ ...ref(p), added, removed, relabelled })
    }
    const oldRule = canonicalJson(effectiveCondition(old))
    const newRule = canonicalJson(effectiveCondition(p))
    if (oldRule !== newRule) {
      const describedBefore = describeEffective(old, from)
      const describedAfter = describeEffective(p, to)
      if (describedBefore !== describedAfter) diff.skipLogic.push({ ...ref(p), before: describedBefore, after: describedAfter })
    }
    for (const key of ['type', 'required', 'min', 'max', 'unit', 'hint', 'dont_know', 'max_length']) {
      const a = simpleProperty(oldQ, key)
      const b = simpleProperty(q, key)
      if (a !== b) diff.otherChanges.push({ ...ref(p), what: key, before: a, after: b })
    }
    if (oldQ.type === 'grid' && q.type === 'grid') {
      const a = oldQ.rows.map((r) => `${r.id}: ${text(r.text)}`).join('; ')
      const b = q.rows.map((r) => `${r.id}: ${text(r.text)}`).join('; ')
      if (a !== b) diff.otherChanges.push({ ...ref(p), what: 'rows', before: a, after: b })
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
