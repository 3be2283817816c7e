// What a table for publication hides, worked out on the whole download at once: the counts below
// the threshold, and every other number they could be worked back from. The statistics of a wave
// and the comparison of waves are each described as counts tied by the sums their reader knows
// (see disclosure.ts); percentages and intervals go with their count or base, changes with either
// wave's, p-values with any count of their test, and an adjusted p-value with the hidden p-value
// it was computed from.
import { askedWhen, isAnswerable, placedQuestions, questionOptions, YES_NO_CODES } from '../questionnaire/model.js'
import type { Condition, Definition } from '../questionnaire/schema.js'
import { testFamilies, type ComparisonRow, type FamilyMember } from './comparison.js'
import { protect, type DisclosureTable } from './disclosure.js'
import type { WaveStatistics } from './statistics.js'
import type { Publication } from './suppression.js'

/** The rule, in words, for the README and the notes sheet of every published workbook. */
export const SUPPRESSION_RULE = [
  'Counts from 1 to the threshold less one are suppressed as [c]: answers, "don\'t know", and how many organisations were asked a question that skip logic put to some of them only.',
  'Then, as long as any suppressed count could be worked back from the other numbers of the same file (options add up to those who answered, answered and missing to those asked, the base is those who answered less "don\'t know", a follow-up was asked of those who gave an answer, a panel count equals the all-respondents count when every respondent is in the panel), the smallest other count of a sum that would give it away is suppressed too, a total only when no part is left, a zero only when nothing else is.',
  'A percentage and its interval are suppressed with their count or their base, a change with either wave\'s count, a p-value when any count of its test is suppressed, and an adjusted p-value when it was computed from a suppressed one. Zeros are shown as 0.',
]

const SENSITIVE = /(:asked|:dk|:-?\d+)$/

/** A question's visibility as one condition on one earlier question, when it is that simple: then those asked are a sum of that question's counts. */
function singleCondition(conditions: (Condition | undefined)[]): Condition | undefined {
  const given = conditions.filter((c): c is Condition => c !== undefined)
  if (given.length !== 1 || given[0].all || given[0].any || !given[0].question) return undefined
  return given[0]
}

/**
 * Whether two questions count the same units: a repeating group's questions count its items, the
 * others the responses, so a follow-up across a group's edge adds up to nothing.
 */
const countedAlike = (a: { section: { repeat?: unknown } } | undefined, b: { section: { repeat?: unknown } } | undefined) => Boolean(a?.section.repeat) === Boolean(b?.section.repeat)

const codeOf = (value: number | string) => (typeof value === 'number' ? value : YES_NO_CODES[value as keyof typeof YES_NO_CODES])

export function statisticsTable(stats: WaveStatistics, definition: Definition): DisclosureTable {
  const values = new Map<string, number>()
  const equations: DisclosureTable['equations'] = []
  const questions = new Map(placedQuestions(definition).map((p) => [p.question.id, p]))
  // Every question skip logic does not touch was asked of every response counted.
  values.set('submitted', stats.submitted)
  for (const q of stats.questions) {
    const placed = questions.get(q.id)
    // A repeating group's questions count items, not responses: they are asked as often as items were added.
    if (!stats.includePartial && placed && !placed.section.repeat && askedWhen(placed).every((c) => c === undefined)) equations.push({ total: `${q.id}:asked`, parts: ['submitted'] })
    values.set(`${q.id}:asked`, q.asked)
    values.set(`${q.id}:answered`, q.answered)
    values.set(`${q.id}:missing`, q.missing)
    equations.push({ total: `${q.id}:asked`, parts: [`${q.id}:answered`, `${q.id}:missing`] })
    const choices = [...(q.choice ? [{ rowId: '', choice: q.choice }] : []), ...(q.rows ?? []).map((r) => ({ rowId: r.id, choice: r.choice }))]
    for (const { rowId, choice } of choices) {
      const key = (code: number | string) => `${q.id}|${rowId}:${code}`
      for (const o of choice.options) values.set(key(o.code), o.count)
      values.set(key('base'), choice.base)
      const all = choice.options.map((o) => key(o.code))
      const valid = choice.options.filter((o) => !o.special).map((o) => key(o.code))
      const special = choice.options.filter((o) => o.special).map((o) => key(o.code))
      if (q.type === 'multiple_choice') {
        equations.push(stats.includeSpecial ? { total: key('base'), parts: [`${q.id}:answered`] } : { total: `${q.id}:answered`, parts: [key('base'), ...special] })
        continue
      }
      equations.push({ total: key('base'), parts: stats.includeSpecial ? all : valid })
      // Every row of a required grid is answered by all who answered the question.
      if (q.type !== 'grid' || (placed?.question as { required?: boolean } | undefined)?.required !== false) equations.push({ total: `${q.id}:answered`, parts: all })
    }
    if (q.number) {
      values.set(`${q.id}:n`, q.number.n)
      values.set(`${q.id}:dk`, q.number.dontKnow)
      equations.push({ total: `${q.id}:answered`, parts: [`${q.id}:n`, `${q.id}:dk`] })
    }
    if (q.texts !== undefined) {
      values.set(`${q.id}:texts`, q.texts)
      equations.push({ total: `${q.id}:texts`, parts: [`${q.id}:answered`] })
    }
  }
  // A follow-up asked of those who gave an answer: its "asked" is the sum of that answer's counts.
  for (const q of stats.questions) {
    const placed = questions.get(q.id)
    const condition = placed && singleCondition(askedWhen(placed))
    const parent = condition && questions.get(condition.question!)?.question
    if (!condition || !parent || !isAnswerable(parent)) continue
    if (!countedAlike(placed, questions.get(parent.id))) continue
    const rowId = condition.row ?? ''
    if (condition.answered === true) equations.push({ total: `${q.id}:asked`, parts: [`${parent.id}:answered`] })
    const codes = questionOptions(parent).map((o) => o.code)
    const chosen = condition.in ? condition.in.map(codeOf) : condition.not_in ? codes.filter((c) => !condition.not_in!.map(codeOf).includes(c)) : undefined
    if (!chosen || (parent.type === 'multiple_choice' && chosen.length !== 1)) continue
    equations.push({ total: `${q.id}:asked`, parts: chosen.map((c) => `${parent.id}|${rowId}:${c}`).filter((k) => values.has(k)) })
  }
  return { values, equations, known: new Set(['submitted']) }
}

const rowKeyOf = (row: ComparisonRow) => `${row.id}|${row.rowId ?? ''}`

/**
 * `definitions`: each wave's version, for the follow-ups: a required question that skip logic puts
 * to those who gave an answer is answered by exactly them, so its answers (don't know included)
 * add up to that answer's count.
 */
export function comparisonTable(rows: ComparisonRow[], includeSpecial: boolean, definitions: Definition[] = []): DisclosureTable {
  const values = new Map<string, number>()
  const equations: DisclosureTable['equations'] = []
  const linked: [string, string][] = []
  followUps(rows, definitions, equations)
  for (const row of rows) {
    const r = rowKeyOf(row)
    row.waves.forEach((cell, w) => {
      if (!cell.available) return
      const key = (what: number | string) => `${r}|${w}:${what}`
      if (cell.answers) {
        values.set(key('asked'), cell.answers.asked)
        values.set(key('answered'), cell.answers.answered)
      }
      if (!row.options.length || row.type === 'number') return
      const published = row.options.filter((o) => cell.options.find((x) => x.code === o.code)?.asked !== false)
      for (const o of published) values.set(key(o.code), cell.options.find((x) => x.code === o.code)?.count ?? 0)
      values.set(key('base'), cell.base)
      if (row.type !== 'multiple_choice') equations.push({ total: key('base'), parts: published.filter((o) => includeSpecial || !o.special).map((o) => key(o.code)) })
    })
    const panel = row.panel
    if (!panel) continue
    values.set(`P|${r}:pairs`, panel.pairs)
    const valid = row.options.filter((o) => !o.special)
    panel.waves.forEach((cell, w) => {
      if (!cell.available) return
      const parts: string[] = []
      valid.forEach((o, i) => {
        if (!cell.options[i].asked) return
        const key = `P|${r}|${w}:${o.code}`
        values.set(key, cell.options[i].count)
        parts.push(key)
        // The same organisations' count beside everyone's: hidden together, and equal when every respondent is in the panel.
        linked.push([key, `${r}|${w}:${o.code}`])
        if (!includeSpecial && row.waves[w].base === panel.pairs) equations.push({ total: `${r}|${w}:${o.code}`, parts: [key] })
      })
      if (row.type !== 'multiple_choice') equations.push({ total: `P|${r}:pairs`, parts })
    })
  }
  return { values, equations, linked }
}

function followUps(rows: ComparisonRow[], definitions: Definition[], equations: DisclosureTable['equations']) {
  definitions.forEach((definition, w) => {
    const questions = new Map(placedQuestions(definition).map((p) => [p.question.id, p]))
    for (const row of rows) {
      const placed = questions.get(row.id)
      const condition = placed && singleCondition(askedWhen(placed))
      if (!placed || !condition || condition.in?.length !== 1 || !isAnswerable(placed.question) || (placed.question as { required?: boolean }).required === false) continue
      const parent = rows.find((r) => r.id === condition.question && (r.rowId ?? '') === (condition.row ?? '') && r.type !== 'multiple_choice')
      if (!parent || !row.waves[w]?.available || !parent.waves[w]?.available) continue
      if (!countedAlike(placed, questions.get(parent.id))) continue
      const opened = condition.in!.map(codeOf).map((c) => `${parent.id}|${parent.rowId ?? ''}|${w}:${c}`)
      const r = `${row.id}|${row.rowId ?? ''}|${w}`
      const answers = row.type === 'multiple_choice' ? [`${r}:base`, ...row.options.filter((o) => o.special).map((o) => `${r}:${o.code}`)] : row.options.length && row.type !== 'number' ? row.options.map((o) => `${r}:${o.code}`) : row.waves[w].answers ? [`${r}:asked`] : []
      if (answers.length && opened.length === 1) equations.push({ total: opened[0], parts: answers })
    }
  })
}

export function hiddenInStatistics(stats: WaveStatistics, definition: Definition, publication: Publication): Set<string> {
  return protect(statisticsTable(stats, definition), (k) => SENSITIVE.test(k), publication.threshold)
}

/** What a published comparison hides: counts (keys as in comparisonTable) and tests (`tests`: raw p withheld; `adjusted`: adjusted value withheld), by family member key. */
export function hiddenInComparison(rows: ComparisonRow[], includeSpecial: boolean, publication: Publication, definitions: Definition[] = []): { cells: Set<string>; tests: Set<string>; adjusted: Set<string>; panelTests: Set<string>; panelAdjusted: Set<string> } {
  const cells = protect(comparisonTable(rows, includeSpecial, definitions), (k) => SENSITIVE.test(k), publication.threshold)
  const families = testFamilies(rows)
  const byKey = new Map(rows.map((row) => [rowKeyOf(row), row]))
  const hiddenIn = (prefix: string, r: string, code?: number) => [...cells].some((k) => k.startsWith(`${prefix}${r}|`) && (code === undefined || k.endsWith(`:${code}`) || k.endsWith(':base')))
  const withheld = (members: FamilyMember[], prefix: string) =>
    new Set(
      members
        .filter((m) => {
          const [r, what] = m.key.split(/:(?=[^|]*$)/)
          if (what === 'welch' || what === 'mann_whitney') return false
          const code = what === undefined ? undefined : Number(what)
          return byKey.has(r) && (hiddenIn(prefix, r, code) || (prefix === 'P|' && cells.has(`P|${r}:pairs`)))
        })
        .map((m) => m.key),
    )
  const tests = withheld(families.all, '')
  const panelTests = withheld(families.panel, 'P|')
  return { cells, tests, adjusted: attainedBy(families.all, tests), panelTests, panelAdjusted: attainedBy(families.panel, panelTests) }
}

/**
 * The members whose Holm or Benjamini–Hochberg value was computed from a withheld p-value (the
 * running maximum or minimum that gives it), below 1: publishing it would publish that p-value.
 */
export function attainedBy(members: FamilyMember[], withheld: Set<string>): Set<string> {
  const m = members.length
  const order = members.map((member, i) => ({ member, i })).sort((a, b) => a.member.p - b.member.p)
  const out = new Set<string>(withheld)
  // Holm: rank r's value is the largest (m − k)·p over ranks k ≤ r.
  let source: FamilyMember | undefined
  let running = -1
  order.forEach(({ member }, rank) => {
    const value = Math.min(1, (m - rank) * member.p)
    if (value > running) {
      running = value
      source = member
    }
    if (running < 1 && source && withheld.has(source.key)) out.add(member.key)
  })
  // Benjamini–Hochberg: rank r's value is the smallest m/(k + 1)·p over ranks k ≥ r.
  running = Infinity
  source = undefined
  for (let rank = m - 1; rank >= 0; rank--) {
    const member = order[rank].member
    const value = Math.min(1, (m / (rank + 1)) * member.p)
    if (value < running) {
      running = value
      source = member
    }
    if (running < 1 && source && withheld.has(source.key)) out.add(member.key)
  }
  return out
}
