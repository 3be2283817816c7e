// Waves side by side, also across questionnaire versions: each question of the newest version is
// traced back through the lineage to the version each earlier wave used, its options mapped
// through the declared recodes, and marked comparable, reworded (both wordings kept), not
// comparable, new, or dropped. Percentages carry 95% Wilson intervals; changes are in percentage
// points; differences are tested with Fisher's exact test (2x2) or chi-square.
import { CONTACT_DETAIL_TYPES } from '../questionnaire/answer-types.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { isComparable, lineageSources } from '../questionnaire/check-lineage.js'
import { isAnswerable, localize, placedQuestions, questionOptions } from '../questionnaire/model.js'
import type { AnswerableQuestion, Definition } from '../questionnaire/schema.js'
import type { ChoiceStats, NumberStats, QuestionStats, WaveStatistics } from './statistics.js'
import { benjaminiHochberg, holm, mannWhitney, welch, type TestResult } from './more-tests.js'
import { panelOf, panelRow, type PanelRow, type WaveOrganisations } from './panel.js'
import { chiSquare, fisherExact, wilson, type ChiSquare } from './tests-of-difference.js'

export interface ComparedWave {
  label: string
  definition: Definition
  stats: WaveStatistics
  /** Values of the number questions, by question id: needed for their tests, not for their figures. */
  values?: Map<string, number[]>
  /** The organisations the wave counts and their answers: needed for the panel of the same organisations. */
  organisations?: WaveOrganisations
}

export type Link = 'comparable' | 'reworded' | 'not_comparable' | 'new'

export interface Trace {
  link: Link
  sourceId?: string
  /** Old code -> its codes in the newest version: none (no equivalent), one, or several (split). */
  codes?: Map<number, number[]>
}

function byId(definition: Definition): Map<string, AnswerableQuestion> {
  return new Map(placedQuestions(definition).filter((p) => isAnswerable(p.question)).map((p) => [p.question.id, p.question as AnswerableQuestion]))
}

/** The versions from `from` (older) to `to` (newer), following `previous`, oldest first. */
function chain(catalogue: Catalogue, surveyId: string, from: string, to: string): Definition[] | undefined {
  const survey = catalogue.surveys.find((s) => s.id === surveyId)
  const versions = survey?.versions.map((v) => v.definition) ?? []
  const start = versions.findIndex((v) => v.version === from)
  const end = versions.findIndex((v) => v.version === to)
  if (start < 0 || end < 0 || start > end) return undefined
  return versions.slice(start, end + 1)
}

/** Traces question `id` of the newest version back to the oldest version of the chain. */
function trace(versions: Definition[], id: string): Trace {
  let currentId = id
  let link: Link = 'comparable'
  let codes: Map<number, number[]> | undefined
  for (let i = versions.length - 1; i > 0; i--) {
    const newer = byId(versions[i]).get(currentId)
    const older = byId(versions[i - 1])
    if (!newer) return { link: 'new' }
    const { kind, sources } = lineageSources(newer)
    if (kind === 'added') return { link: 'new' }
    if (kind !== 'continued' || !isComparable(newer)) return { link: 'not_comparable', sourceId: sources[0] }
    const old = older.get(sources[0])
    if (!old) return { link: 'new' }
    if (newer.lineage?.reworded && link === 'comparable') link = 'reworded'
    // Map this hop's old codes to new codes, then through the later hops already composed.
    const hop = new Map<number, number[]>()
    const newCodes = new Set(questionOptions(newer).map((o) => o.code))
    for (const option of questionOptions(old)) {
      const declared = newer.lineage?.recode?.[String(option.code)]
      hop.set(option.code, declared === undefined ? (newCodes.has(option.code) ? [option.code] : []) : declared === null ? [] : ([] as number[]).concat(declared))
    }
    const later = codes
    codes = later ? new Map([...hop].map(([from, to]) => [from, [...new Set(to.flatMap((c) => later.get(c) ?? []))]])) : hop
    currentId = old.id
  }
  return { link, sourceId: currentId, codes }
}

/**
 * Question `id` of version `newest`, traced back to version `older` of the same survey: its link
 * and its id there. Versions that are not one chain (the "older" one newer) are not comparable.
 */
export function traceBack(catalogue: Catalogue, surveyId: string, older: string, newest: string, id: string): Trace {
  if (older === newest) return { link: 'comparable', sourceId: id }
  const versions = chain(catalogue, surveyId, older, newest)
  return versions ? trace(versions, id) : { link: 'not_comparable' }
}

export interface WaveCell {
  label: string
  available: boolean
  base: number
  /** asked: false for an option the wave's version did not offer (added later, or removed): [x]. */
  options: { code: number; count: number; percent: number | null; ci?: { low: number; high: number }; asked?: boolean }[]
  number?: NumberStats
  /** A text or date question: organisations asked and those who answered. */
  answers?: { asked: number; answered: number }
  wording?: string
}

export interface ComparisonRow {
  id: string
  rowId?: string
  text: string
  type: AnswerableQuestion['type']
  status: Link | 'dropped'
  wordings: { label: string; text: string }[]
  /** combines: the newest version's codes shown as this one line (a split compared on the coarser coding). */
  options: { code: number; label: string; special?: string; combines?: number[]; changePp: number | null; p?: number; test?: 'fisher'; adjusted?: Adjusted }[]
  waves: WaveCell[]
  test?: { kind: 'fisher' | 'chi_square'; p: number; statistic?: number; df?: number; warning?: string; adjusted?: Adjusted }
  /** What changed in the options between the waves, and what that means for the figures, in words. */
  notes: string[]
  /** A number question: the change from the first to the last wave, and the tests of it. */
  numbers?: NumberComparison
  /** The same organisations in every wave (a closed question that is comparable): their paired figures and tests. */
  panel?: PanelRow
}

export interface NumberComparison {
  change: { mean: number | null; median: number | null }
  /** Welch's t-test, of the means. */
  welch?: TestResult & { adjusted?: Adjusted }
  /** Mann–Whitney, of the distributions: robust to the few very large organisations. */
  mannWhitney?: TestResult & { adjusted?: Adjusted }
}

/** A p-value adjusted for the number of tests in the same comparison (see adjustForManyTests). */
export interface Adjusted {
  holm: number
  bh: number
}

/** A test of a family, where its adjusted value goes, and the line(s) it covers (`row|rowId`, `:code` for an option's own test, `:welch`, `:mann_whitney`). */
export type FamilyMember = { p: number; assign: (a: Adjusted) => void; key: string }

const rowKey = (row: ComparisonRow) => `${row.id}|${row.rowId ?? ''}`

/** Every test of a comparison, once each. A yes/no question is one test even though both of its options show it. */
function testFamily(rows: ComparisonRow[]): FamilyMember[] {
  const family: FamilyMember[] = []
  for (const row of rows) {
    if (row.test) {
      const test = row.test
      // Fisher on a row is its two options' one test: they share the adjusted value.
      const sharing = test.kind === 'fisher' ? row.options.filter((o) => o.p !== undefined) : []
      family.push({ p: test.p, assign: (a) => { test.adjusted = a; for (const o of sharing) o.adjusted = a }, key: rowKey(row) })
    } else {
      for (const option of row.options) if (option.p !== undefined) family.push({ p: option.p, assign: (a) => { option.adjusted = a }, key: `${rowKey(row)}:${option.code}` })
    }
    for (const [kind, test] of [['welch', row.numbers?.welch], ['mann_whitney', row.numbers?.mannWhitney]] as const) if (test) family.push({ p: test.p, assign: (a) => { test.adjusted = a }, key: `${rowKey(row)}:${kind}` })
  }
  return family
}

/**
 * The panel's tests, once each: a family of their own, since they test the same changes as the
 * all-respondents tests on other data, and mixing the two would count each change twice.
 */
function panelFamily(rows: ComparisonRow[]): FamilyMember[] {
  const family: FamilyMember[] = []
  for (const row of rows) {
    const panel = row.panel
    if (!panel) continue
    const test = panel.test
    if (test) family.push({ p: test.p, assign: (a) => { test.adjusted = a }, key: rowKey(row) })
    else for (const option of panel.options) if (option.p !== undefined) family.push({ p: option.p, assign: (a) => { option.adjusted = a }, key: `${rowKey(row)}:${option.code}` })
  }
  return family
}

/** The two families of tests of a comparison: all respondents, and the panel of the same organisations. */
export function testFamilies(rows: ComparisonRow[]): { all: FamilyMember[]; panel: FamilyMember[] } {
  return { all: testFamily(rows), panel: panelFamily(rows) }
}

/**
 * Adjusts every p-value of a family for the number of tests it holds: Holm's (the chance of any
 * false finding) and Benjamini–Hochberg's (the expected share of false findings).
 */
function adjust(family: FamilyMember[]): void {
  const p = family.map((f) => f.p)
  const byHolm = holm(p)
  const byBh = benjaminiHochberg(p)
  family.forEach((f, i) => f.assign({ holm: byHolm[i], bh: byBh[i] }))
}

function adjustForManyTests(rows: ComparisonRow[]): void {
  adjust(testFamily(rows))
  adjust(panelFamily(rows))
}

/**
 * The test shown on an option's line of a table: its own (a multiple-choice option, a yes/no
 * question), or its question's (chi-square). Never on a "don't know" or "not applicable" line,
 * which no test covers.
 */
export function testForOption(row: ComparisonRow, option: ComparisonRow['options'][number]): { kind: string; p: number; adjusted?: Adjusted } | undefined {
  if (option.special) return undefined
  if (option.p !== undefined) return { kind: option.test ?? 'fisher', p: option.p, adjusted: option.adjusted }
  return row.test ? { kind: row.test.kind, p: row.test.p, adjusted: row.test.adjusted } : undefined
}

/** How many tests a comparison holds: those its p-values were adjusted for. */
export function testsIn(rows: ComparisonRow[]): number {
  return testFamily(rows).length
}

/** How many tests the panel of the same organisations holds: a family of their own. */
export function panelTestsIn(rows: ComparisonRow[]): number {
  return panelFamily(rows).length
}

/** The panel's test shown on an option's line: its own (multiple choice) or its question's. */
export function panelTestForOption(row: ComparisonRow, option: { code: number }): { kind: string; p: number; adjusted?: Adjusted } | undefined {
  const own = row.panel?.options.find((o) => o.code === option.code)
  if (!row.panel || !own) return undefined
  if (own.p !== undefined) return { kind: own.test ?? 'mcnemar', p: own.p, adjusted: own.adjusted }
  return row.panel.test ? { kind: row.panel.test.kind, p: row.panel.test.p, adjusted: row.panel.test.adjusted } : undefined
}

/** Old code -> the code of the line it is counted in (null: not counted), for one wave of one row. */
type Counting = Map<number, number | null>

/** The lines' codes that some option of an older wave is counted in: the answers that wave offered. */
function reachedCodes(codes: Counting | undefined): Set<number> | undefined {
  return codes ? new Set([...codes.values()].filter((c): c is number => c !== null)) : undefined
}

/** A line of a compared question: an option of the newest version, or several it was split into. */
interface Line {
  code: number
  label: Definition['title']
  special?: string
  /** The newest version's codes compared as one answer, because an earlier wave offered them as one. */
  combines?: number[]
}

/**
 * The common, coarser coding: options an earlier wave offered as one answer (a split since) are
 * compared as one line, for a single choice. A multiple choice cannot be added back together (one
 * organisation may tick both), so its split options stay apart and are not asked in that wave.
 */
function linesOf(q: AnswerableQuestion, traces: Trace[]): { lines: Line[]; lineOf: (code: number) => number } {
  const options = questionOptions(q)
  const parent = new Map(options.map((o) => [o.code, o.code]))
  const find = (c: number): number => (parent.get(c) === c || parent.get(c) === undefined ? c : find(parent.get(c)!))
  if (q.type !== 'multiple_choice') {
    for (const trace of traces) for (const targets of trace.codes?.values() ?? []) {
      for (const other of targets.slice(1)) {
        const [a, b] = [find(targets[0]), find(other)]
        if (a !== b) parent.set(Math.max(a, b), Math.min(a, b))
      }
    }
  }
  const lines: Line[] = []
  for (const option of options) {
    const root = find(option.code)
    if (root !== option.code) continue
    const members = options.filter((o) => find(o.code) === root)
    lines.push(members.length > 1 ? { code: root, label: { en: members.map((m) => localize(m.label, 'en')).join(' or ') }, special: option.special, combines: members.map((m) => m.code) } : { code: root, label: option.label, special: option.special })
  }
  return { lines, lineOf: find }
}

/** How each old code of a wave is counted in the lines; undefined when the codes are the lines' own. */
function countingFor(trace: Trace, q: AnswerableQuestion, lineOf: (code: number) => number, grouped: boolean): Counting | undefined {
  if (!trace.codes) return grouped ? new Map(questionOptions(q).map((o) => [o.code, lineOf(o.code)])) : undefined
  const multiple = q.type === 'multiple_choice'
  return new Map([...trace.codes].map(([from, to]) => [from, to.length === 0 || (multiple && to.length > 1) ? null : lineOf(to[0])]))
}

function remap(choice: ChoiceStats, codes: Counting | undefined, newOptions: { code: number; special?: string }[], includeSpecial: boolean, multiple: boolean): WaveCell['options'] {
  const counts = new Map<number, number>()
  for (const option of choice.options) {
    const target = codes ? codes.get(option.code) : option.code
    if (target === null || target === undefined) continue
    counts.set(target, (counts.get(target) ?? 0) + option.count)
  }
  const base = baseOf(choice, codes, multiple)
  const reached = reachedCodes(codes)
  return newOptions.map((o) => {
    // An option this wave never offered was not asked: no count, no percentage, no test.
    if (reached && !reached.has(o.code) && !o.special) return { code: o.code, count: 0, percent: null, asked: false }
    const count = counts.get(o.code) ?? 0
    const inBase = includeSpecial || !o.special
    return { code: o.code, count, percent: inBase && base > 0 ? count / base : null, ci: inBase ? wilson(count, base) : undefined, asked: true }
  })
}

/**
 * A single choice's base leaves out those who chose an option with no equivalent in the newest
 * version (they could not have given any of its answers). A multiple choice's base is everyone
 * who answered: ticking a removed option does not remove the other ticks.
 */
function baseOf(choice: ChoiceStats, codes: Counting | undefined, multiple: boolean): number {
  if (!codes || multiple) return choice.base
  return choice.base - choice.options.filter((o) => !o.special && (codes.get(o.code) ?? null) === null).reduce((n, o) => n + o.count, 0)
}

function testChoice(row: ComparisonRow, multiple: boolean, optionsDiffer: boolean): void {
  const waves = row.waves.filter((w) => w.available)
  if (waves.length < 2 || row.status === 'not_comparable' || row.status === 'new') return
  // A single choice whose list of answers changed between the waves has no common question to
  // test: those who would have chosen an added answer chose another one before.
  if (!multiple && optionsDiffer) return
  const valid = row.options.filter((o) => !o.special)
  if (multiple || valid.length === 2) {
    // Per option: chosen / not chosen in the first and last wave.
    const first = waves[0]
    const last = waves[waves.length - 1]
    for (const option of valid) {
      const inFirst = first.options.find((o) => o.code === option.code)!
      const inLast = last.options.find((o) => o.code === option.code)!
      if (inFirst.asked === false || inLast.asked === false) continue
      const a = inFirst.count
      const c = inLast.count
      if (first.base === 0 || last.base === 0) continue
      option.p = fisherExact(a, first.base - a, c, last.base - c)
      option.test = 'fisher'
    }
    if (!multiple) row.test = { kind: 'fisher', p: valid[0].p ?? 1 }
    return
  }
  const table = waves.map((w) => valid.map((o) => w.options.find((x) => x.code === o.code)!.count))
  const result: ChiSquare | undefined = chiSquare(table)
  if (result) {
    row.test = {
      kind: 'chi_square',
      p: result.p,
      statistic: result.statistic,
      df: result.df,
      warning: result.smallExpected ? `an expected count is below 5 (smallest ${result.minExpected.toFixed(1)}): treat the p-value with caution` : undefined,
    }
  }
}

const answersOf = (stats: QuestionStats | undefined) => (stats ? { asked: stats.asked, answered: stats.answered } : undefined)

/** First against last wave with figures: the change of mean and median, and both tests where the row is comparable. */
function compareNumbers(row: ComparisonRow, waves: ComparedWave[], traces: Trace[]): NumberComparison | undefined {
  const available = row.waves.map((cell, i) => ({ cell, i })).filter(({ cell }) => cell.available && cell.number && cell.number.n > 0)
  if (available.length < 2) return undefined
  const first = available[0]
  const last = available[available.length - 1]
  const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a)
  const comparison: NumberComparison = { change: { mean: difference(first.cell.number!.mean, last.cell.number!.mean), median: difference(first.cell.number!.median, last.cell.number!.median) } }
  if (row.status === 'not_comparable' || row.status === 'new') return comparison
  const valuesOf = ({ i }: { i: number }) => (traces[i].sourceId ? waves[i].values?.get(traces[i].sourceId!) : undefined)
  const x = valuesOf(first)
  const y = valuesOf(last)
  if (x && y) {
    comparison.welch = welch(x, y)
    comparison.mannWhitney = mannWhitney(x, y)
  }
  return comparison
}

const NO_TEST_NOTE = 'The answers offered differ between the waves, so the distributions are not tested against each other.'

const quoted = (labels: Definition['title'][]) => labels.map((l) => `“${localize(l, 'en')}”`).join(', ')
const joined = (labels: Definition['title'][]) => labels.map((l) => `“${localize(l, 'en')}”`).join(' and ')

/**
 * In words, per earlier wave: the answers it did not offer (added since: [x] there), those it
 * offered with no equivalent now (removed: how many chose them, and for a single choice left out
 * of its base) and those split since (compared as one answer, or for a multiple choice [x]).
 * `differ` is true when answers were added or removed: a single choice is then not tested.
 */
function optionNotes(q: AnswerableQuestion, waves: ComparedWave[], traces: Trace[], cells: WaveCell[], lines: Line[]): { notes: string[]; differ: boolean } {
  const notes: string[] = []
  let differ = false
  const multiple = q.type === 'multiple_choice'
  const newOptions = questionOptions(q)
  const labelOf = (code: number) => newOptions.find((o) => o.code === code)!.label
  traces.forEach((trace, i) => {
    if (!cells[i].available || !trace.codes || !trace.sourceId) return
    const label = waves[i].label
    const old = byId(waves[i].definition).get(trace.sourceId)
    const oldOptions = old ? questionOptions(old).filter((o) => !o.special) : []
    const splits = oldOptions.filter((o) => (trace.codes!.get(o.code) ?? []).length > 1)
    const splitTargets = new Set(splits.flatMap((o) => trace.codes!.get(o.code)!))
    const reached = new Set([...trace.codes.values()].flat())
    const added = lines.filter((l) => !l.special && !(l.combines ?? [l.code]).some((c) => reached.has(c) || splitTargets.has(c)))
    if (added.length) notes.push(`Not offered in ${label}: ${quoted(added.map((l) => l.label))} ([x]: no percentage, no test).`)
    for (const split of splits) {
      const into = joined(trace.codes.get(split.code)!.map(labelOf))
      notes.push(
        multiple
          ? `${label} offered ${into} as one answer, “${localize(split.label, 'en')}”: ticks cannot be added back together, so they are [x] in ${label}.`
          : `${into} are compared as one answer, as ${label} offered them: “${localize(split.label, 'en')}”.`,
      )
    }
    const removed = oldOptions.filter((o) => (trace.codes!.get(o.code) ?? []).length === 0)
    if (removed.length) {
      const stats = waves[i].stats.questions.find((s) => s.id === trace.sourceId)?.choice
      const described = removed.map((o) => `“${localize(o.label, 'en')}” (${stats?.options.find((x) => x.code === o.code)?.count ?? 0})`).join(', ')
      notes.push(
        multiple
          ? `Offered in ${label} but not since, with organisations choosing it: ${described}.`
          : `Offered in ${label} but not since, with organisations choosing it: ${described}; they are left out of ${label}’s base.`,
      )
    }
    if (added.length || removed.length) differ = true
  })
  return { notes, differ }
}

export function compareWaves(catalogue: Catalogue, surveyId: string, waves: ComparedWave[], includeSpecial = false): ComparisonRow[] {
  const newest = waves[waves.length - 1].definition
  const rows: ComparisonRow[] = []
  const traced = new Set<string>()
  const organisations = waves.every((w) => w.organisations) ? waves.map((w) => w.organisations!) : undefined
  const panel = organisations ? panelOf(organisations) : undefined
  for (const placed of placedQuestions(newest)) {
    const q = placed.question
    if (!isAnswerable(q)) continue
    const traces = waves.map((w) => traceBack(catalogue, surveyId, w.definition.version, newest.version, q.id))
    traces.forEach((t, i) => t.sourceId && traced.add(`${waves[i].definition.version}|${t.sourceId}`))
    // The row takes the weakest link: any break makes it not comparable; new means no earlier wave asked it.
    const earlier = traces.slice(0, -1)
    const worst: Link = traces.some((t) => t.link === 'not_comparable')
      ? 'not_comparable'
      : traces.some((t) => t.link === 'reworded')
        ? 'reworded'
        : earlier.every((t) => t.link === 'new')
          ? 'new'
          : 'comparable'
    const wordings = waves.map((w, i) => {
      const source = traces[i].sourceId ? byId(w.definition).get(traces[i].sourceId!) : undefined
      return { label: w.label, text: source ? localize(source.text, 'en') : '' }
    })
    const statsOf = (i: number): QuestionStats | undefined => (traces[i].sourceId ? waves[i].stats.questions.find((s) => s.id === traces[i].sourceId) : undefined)
    const { lines, lineOf } = linesOf(q, traces)
    const grouped = lines.some((l) => l.combines)
    const countings = traces.map((trace) => countingFor(trace, q, lineOf, grouped))
    const cell = (i: number, choice: ChoiceStats | undefined, number?: NumberStats): WaveCell => {
      // A grid row added since that wave has no figures there: not asked, like a new question.
      const hasFigures = q.type === 'number' ? number !== undefined : q.type === 'grid' ? choice !== undefined : true
      const available = traces[i].link !== 'new' && traces[i].sourceId !== undefined && hasFigures
      const comparable = traces[i].link !== 'not_comparable'
      return {
        label: waves[i].label,
        available: available && comparable,
        base: choice ? baseOf(choice, countings[i], q.type === 'multiple_choice') : (number?.n ?? 0),
        options: choice && available && comparable ? remap(choice, countings[i], lines, includeSpecial, q.type === 'multiple_choice') : lines.map((o) => ({ code: o.code, count: 0, percent: null })),
        number,
        answers: q.type === 'short_text' || q.type === 'long_text' || q.type === 'date' ? answersOf(statsOf(i)) : undefined,
        wording: wordings[i].text,
      }
    }
    const makeRow = (rowId: string | undefined, text: string, choiceOf: (s: QuestionStats | undefined) => ChoiceStats | undefined): ComparisonRow => {
      const cells = waves.map((_, i) => cell(i, choiceOf(statsOf(i)), statsOf(i)?.number))
      const available = cells.filter((c) => c.available)
      const row: ComparisonRow = {
        id: q.id,
        rowId,
        text,
        type: q.type,
        status: worst,
        wordings: worst === 'reworded' || worst === 'not_comparable' ? wordings : [],
        waves: cells,
        options: lines.map((o) => {
          const first = available[0]?.options.find((x) => x.code === o.code)?.percent
          const last = available[available.length - 1]?.options.find((x) => x.code === o.code)?.percent
          return { code: o.code, label: localize(o.label, 'en'), special: o.special, combines: o.combines, changePp: available.length >= 2 && first != null && last != null ? (last - first) * 100 : null }
        }),
        notes: [],
      }
      const { notes, differ } = optionNotes(q, waves, traces, cells, lines)
      row.notes.push(...notes)
      if (q.type === 'number') row.numbers = compareNumbers(row, waves, traces)
      if (q.type !== 'number' && q.type !== 'short_text' && q.type !== 'long_text' && q.type !== 'date' && !CONTACT_DETAIL_TYPES.has(q.type)) testChoice(row, q.type === 'multiple_choice', differ)
      if (differ && q.type !== 'multiple_choice' && cells.filter((c) => c.available).length >= 2 && worst !== 'not_comparable' && worst !== 'new') row.notes.push(NO_TEST_NOTE)
      if (panel && organisations && row.options.length && q.type !== 'number' && (worst === 'comparable' || worst === 'reworded')) {
        const shape = waves.map((w, i) => ({
          label: w.label,
          available: cells[i].available,
          key: traces[i].sourceId ? `${traces[i].sourceId}|${rowId ?? ''}` : undefined,
          lineOf: (code: number) => (countings[i] ? (countings[i]!.get(code) ?? null) : code),
          asked: (line: number) => cells[i].options.find((o) => o.code === line)?.asked !== false,
        }))
        const valid = lines.filter((l) => !l.special).map((l) => l.code)
        row.panel = panelRow(panel, organisations, shape, valid, q.type === 'multiple_choice', q.type === 'multiple_choice' || !differ)
      }
      return row
    }
    if (q.type === 'grid') {
      for (const r of q.rows) rows.push(makeRow(r.id, `${localize(q.text, 'en')} – ${localize(r.text, 'en')}`, (s) => s?.rows?.find((x) => x.id === r.id)?.choice))
    } else {
      rows.push(makeRow(undefined, localize(q.text, 'en'), (s) => s?.choice))
    }
  }
  // Questions asked in an earlier wave that the newest version no longer asks.
  waves.forEach((wave, i) => {
    for (const question of byId(wave.definition).values()) {
      if (traced.has(`${wave.definition.version}|${question.id}`) || rows.some((r) => r.status === 'dropped' && r.id === question.id)) continue
      const stats = wave.stats.questions.find((s) => s.id === question.id)
      rows.push({
        id: question.id,
        text: localize(question.text, 'en'),
        type: question.type,
        status: 'dropped',
        wordings: [],
        notes: [],
        options: questionOptions(question).map((o) => ({ code: o.code, label: localize(o.label, 'en'), special: o.special, changePp: null })),
        waves: waves.map((w, j) => ({
          label: w.label,
          available: j === i,
          base: j === i ? (stats?.choice?.base ?? stats?.number?.n ?? 0) : 0,
          options: questionOptions(question).map((o) => {
            const s = j === i ? stats?.choice?.options.find((x) => x.code === o.code) : undefined
            return { code: o.code, count: s?.count ?? 0, percent: s?.percent ?? null, ci: s?.ci }
          }),
          number: j === i ? stats?.number : undefined,
        })),
      })
    }
  })
  adjustForManyTests(rows)
  return rows
}
