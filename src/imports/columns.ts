// The columns of a past wave's file: those of the raw data (the same variable names and codes an
// export of a wave collected here has), so a file exported from one wave can be imported as
// another, and a template filled in by hand reads like the data it becomes. Another tool's
// export has headings of its own: each is matched to a variable, by name, by a choice the team
// made before for the same survey, or by the wording of the question.
import { variables, type Variable } from '../analysis/raw-data.js'
import { validName } from '../analysis/variable-names.js'
import { describeCondition } from '../questionnaire/diff.js'
import { placedQuestions } from '../questionnaire/model.js'
import type { Condition, Definition } from '../questionnaire/schema.js'

/** The organisation's code: how a row is matched to an organisation. */
export const CODE_COLUMN = 'organisation_code'
/** The organisation's name, for the person filling the template in: read past, never checked. */
export const NAME_COLUMN = 'organisation_name'

// A loaded definition never changes: its variables are worked out once.
const cache = new WeakMap<Definition, Variable[]>()

/** The variables a file of this version holds, in questionnaire order: those of the raw data. */
export function importVariables(definition: Definition): Variable[] {
  let found = cache.get(definition)
  if (!found) {
    // A past wave's file has the organisation's answers; the items of repeating groups are not imported.
    found = variables(definition).filter((v) => v.source?.kind !== 'items')
    cache.set(definition, found)
  }
  return found
}

export function templateHeader(definition: Definition): string[] {
  return [CODE_COLUMN, NAME_COLUMN, ...importVariables(definition).map((v) => v.name)]
}

/** A heading as remembered: lower case, spaces collapsed, so "Q3  Role" and "q3 role" are one heading. */
export function headingKey(heading: string): string {
  return heading.replace(/^\uFEFF/, '').trim().replace(/\s+/g, ' ').toLowerCase().slice(0, 300)
}

/** What a column of the file holds: a variable's name, the code or name column, or '' (left out). */
export type ColumnMatch = string

export interface ProposedMatch {
  heading: string
  match: ColumnMatch
  /** How the match was found, for the page: its name, the team's earlier choice, the wording, or none. */
  reason: 'name' | 'remembered' | 'wording' | 'none'
}

/** Whether every heading is a column of the template: then no matching step is needed. */
export function isTemplateHeader(definition: Definition, header: string[]): boolean {
  const known = new Set(templateHeader(definition))
  return header.includes(CODE_COLUMN) && header.every((h) => known.has(h.trim()))
}

const words = (text: string) => new Set(validName(text).split('_').filter((w) => w.length > 2 || /\d/.test(w)))

/** How alike two texts are: the share of their words they have in common (Jaccard). */
function likeness(a: string, b: string): number {
  const x = words(a)
  const y = words(b)
  if (!x.size || !y.size) return 0
  let common = 0
  for (const w of x) if (y.has(w)) common++
  return common / (x.size + y.size - common)
}

/** Below this the wording is not taken as a match: the team chooses. */
const WORDING_THRESHOLD = 0.5

/** A proposal for each heading; a variable is proposed for one heading at most. */
export function proposeMatches(definition: Definition, header: string[], remembered: Map<string, string>): ProposedMatch[] {
  const vars = importVariables(definition)
  const names = new Set([CODE_COLUMN, NAME_COLUMN, ...vars.map((v) => v.name)])
  const taken = new Set<string>()
  const proposals: ProposedMatch[] = header.map((heading) => ({ heading, match: '', reason: 'none' }))
  const take = (p: ProposedMatch, match: string, reason: ProposedMatch['reason']) => {
    if (match && taken.has(match)) return
    p.match = match
    p.reason = reason
    if (match) taken.add(match)
  }
  // Exact names first, then the team's earlier choices, then the wording: a later heading cannot take an exact match's variable.
  for (const p of proposals) if (names.has(p.heading.trim())) take(p, p.heading.trim(), 'name')
  for (const p of proposals) if (p.reason === 'none' && names.has(validName(p.heading))) take(p, validName(p.heading), 'name')
  for (const p of proposals) {
    const choice = remembered.get(headingKey(p.heading))
    if (p.reason === 'none' && choice !== undefined && (choice === '' || names.has(choice))) take(p, choice, 'remembered')
  }
  for (const p of proposals) {
    if (p.reason !== 'none') continue
    let best: { name: string; score: number } | undefined
    for (const v of vars) {
      if (taken.has(v.name)) continue
      const score = Math.max(likeness(p.heading, v.label), likeness(p.heading, v.name))
      if (score >= WORDING_THRESHOLD && (!best || score > best.score)) best = { name: v.name, score }
    }
    if (best) take(p, best.name, 'wording')
  }
  return proposals
}

/** When a question is asked, in words ("always", or the conditions of its section, page and own). */
export function askedWhen(definition: Definition): Map<string, string> {
  const out = new Map<string, string>()
  for (const p of placedQuestions(definition)) {
    const conditions = [p.section.show_if, p.page.show_if, p.question.show_if].filter((c): c is Condition => c !== undefined)
    out.set(p.question.id, conditions.length ? conditions.map((c) => describeCondition(c, definition)).join(' and ') : '')
  }
  return out
}
