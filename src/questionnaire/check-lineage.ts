// Checks a version's lineage against the previous version's file: every question either
// continues one from before (same id), is declared added, split or merged, and every question
// that disappears is declared dropped; recodes map real codes on both sides.
import type { Finding } from './check-definition.js'
import { isAnswerable, localize, placedQuestions, questionOptions, type PlacedQuestion } from './model.js'
import { formatPath, type Path } from './problems.js'
import type { AnswerableQuestion, Definition } from './schema.js'

export interface LineageSources {
  kind: 'added' | 'continued' | 'split' | 'merged'
  sources: string[]
}

export function lineageSources(question: AnswerableQuestion): LineageSources {
  const lineage = question.lineage ?? {}
  if (lineage.added) return { kind: 'added', sources: [] }
  if (lineage.split_from) return { kind: 'split', sources: [lineage.split_from] }
  if (lineage.merged_from) return { kind: 'merged', sources: lineage.merged_from }
  return { kind: 'continued', sources: [question.id] }
}

export function isComparable(question: AnswerableQuestion): boolean {
  const { kind } = lineageSources(question)
  if (kind === 'added') return false
  return question.lineage?.comparable ?? kind === 'continued'
}

function answerableById(definition: Definition): Map<string, PlacedQuestion & { question: AnswerableQuestion }> {
  const map = new Map<string, PlacedQuestion & { question: AnswerableQuestion }>()
  for (const p of placedQuestions(definition)) if (isAnswerable(p.question)) map.set(p.question.id, p as PlacedQuestion & { question: AnswerableQuestion })
  return map
}

export function checkLineage(current: Definition, previous: Definition): Finding[] {
  const findings: Finding[] = []
  const error = (path: Path, message: string) => findings.push({ path, message, severity: 'error' })
  const warning = (path: Path, message: string) => findings.push({ path, message, severity: 'warning' })
  const before = answerableById(previous)
  const now = answerableById(current)
  const claims = new Map<string, { id: string; kind: LineageSources['kind']; path: Path }[]>()
  const prev = `version ${previous.version}`

  for (const { question: q, path } of now.values()) {
    const lineage = q.lineage ?? {}
    const lineagePath: Path = [...path, 'lineage']
    const { kind, sources } = lineageSources(q)
    const exclusive = [lineage.added, lineage.split_from, lineage.merged_from].filter((x) => x !== undefined && x !== false)
    if (exclusive.length > 1) {
      error(lineagePath, 'use only one of added, split_from and merged_from')
      continue
    }
    if (kind === 'added') {
      if (before.has(q.id)) error([...lineagePath, 'added'], `marks "${q.id}" as added, but ${prev} already has a question "${q.id}": remove added to continue it, or choose a new id`)
      for (const key of ['reworded', 'recode', 'comparable'] as const)
        if (lineage[key] !== undefined) error([...lineagePath, key], 'does not apply to an added question: it has nothing to compare with')
      continue
    }
    const missing = sources.filter((id) => !before.has(id))
    if (missing.length) {
      if (kind === 'continued') {
        if (q.lineage) error(lineagePath, `describes changes to "${q.id}", but ${prev} has no question "${q.id}"`)
        else error([...path, 'id'], `"${q.id}" is not in ${prev}: mark it as new with lineage: { added: true }, or use the id it had in ${previous.version}`)
      } else {
        const key = kind === 'split' ? 'split_from' : 'merged_from'
        for (const id of missing) error([...lineagePath, key], `refers to "${id}", which is not a question in ${prev}`)
      }
      continue
    }
    for (const id of sources) claims.set(id, [...(claims.get(id) ?? []), { id: q.id, kind, path: q.lineage ? lineagePath : [...path, 'id'] }])

    const comparable = isComparable(q)
    if (sources.length === 1) {
      const old = before.get(sources[0])!.question
      if (old.type !== q.type && comparable) {
        error([...path, 'type'], `was ${old.type} in ${prev} and is ${q.type} now, so figures cannot be compared: set lineage.comparable: false`)
      }
      checkRecode(q, old, lineagePath, prev, comparable && old.type === q.type, error)
      if (kind === 'continued' && !lineage.reworded && !current.editorial && wordingOf(old) !== wordingOf(q)) {
        warning([...path, 'text'], `wording differs from ${prev} ("${localize(old.text, 'en')}") but lineage does not say reworded`)
      }
    } else if (lineage.recode) {
      error([...lineagePath, 'recode'], 'needs a single source question: a merged question cannot be recoded')
    }
  }

  // One earlier question followed by two would be counted twice across waves, unless it was
  // split and each part says so.
  for (const [source, claimers] of claims) {
    if (claimers.length < 2 || claimers.every((c) => c.kind === 'split')) continue
    for (const claimer of claimers.slice(1)) {
      const first = claimers[0]
      error(claimer.path, `"${claimer.id}" follows "${source}" of ${prev}, which "${first.id}" (${formatPath(first.path.slice(0, 6))}) follows too: two questions can follow one only as the parts of a split, with lineage: { split_from: ${source} } on each`)
    }
  }

  const currentIds = new Set(placedQuestions(current).map((p) => p.question.id))
  const dropped = new Map((current.dropped ?? []).map((d, i) => [d.id, i]))
  for (const [id, index] of dropped) {
    if (!before.has(id)) error(['dropped', index, 'id'], `"${id}" is not a question in ${prev}`)
    else if (currentIds.has(id)) error(['dropped', index, 'id'], `"${id}" is listed as dropped but is still asked in this version`)
  }
  for (const id of before.keys()) {
    if (!currentIds.has(id) && !claims.has(id) && !dropped.has(id)) {
      error(current.dropped ? ['dropped'] : ['previous'], `question "${id}" of ${prev} is not in this version: list it under dropped (with a reason), or keep it`)
    }
  }
  return findings
}

// The English wording: a corrected Welsh translation is shown on the changes page on its own,
// and does not make the question a different one.
function wordingOf(question: AnswerableQuestion): string {
  return localize(question.text, 'en')
}

function checkRecode(
  q: AnswerableQuestion,
  old: AnswerableQuestion,
  lineagePath: Path,
  prev: string,
  mustCoverOldCodes: boolean,
  error: (path: Path, message: string) => void,
) {
  const recode = q.lineage?.recode
  const oldOptions = questionOptions(old)
  const newCodes = new Set(questionOptions(q).map((o) => o.code))
  if (recode) {
    for (const [from, to] of Object.entries(recode)) {
      if (!oldOptions.some((o) => o.code === Number(from))) error([...lineagePath, 'recode', from], `${prev} of "${old.id}" has no option code ${from}`)
      for (const code of to === null ? [] : ([] as number[]).concat(to)) {
        if (!newCodes.has(code)) error([...lineagePath, 'recode', from], `maps to ${code}, which is not an option code of "${q.id}" in this version`)
      }
    }
  }
  if (!mustCoverOldCodes || newCodes.size === 0) return
  for (const option of oldOptions) {
    const key = String(option.code)
    const mapped = recode && key in recode ? recode[key] : newCodes.has(option.code) ? option.code : undefined
    if (mapped === undefined) {
      error(
        lineagePath,
        `option ${option.code} ("${localize(option.label, 'en')}") of ${prev} has no equivalent here: map it in lineage.recode (to null if it has none)`,
      )
    }
  }
}
