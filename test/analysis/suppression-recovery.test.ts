// The recovery test: a generated wave pair with small counts on purpose, published with its small
// counts suppressed, attacked as a reader would attack it. From each published file alone (and
// what the reader knows: the questionnaire and its skip logic, how many responded) this test sets
// up the table's sums (options add up to those who answered, answered and missing to those asked,
// the base leaves don't know out, a follow-up was asked of those who said yes, a panel count
// equals everyone's count when every respondent is in the panel), narrows each [c] to the whole
// numbers those sums allow, and where few are left tries every combination: a [c] is recovered
// when only one value remains, and it is the true one. None may be. This attacker is written here,
// apart from the code under test (src/analysis/disclosure.ts).
import t from 'tap'
import ExcelJS from 'exceljs'
import { parse } from 'csv-parse/sync'
import type { Answers } from '../../src/questionnaire/answers.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { seededRandom } from '../helpers/branches.js'
import { submittedWave } from '../helpers/responses.js'

type Equation = { total: string; parts: string[] }
type Cells = Map<string, number | null>

function answersFor(next: () => number, n: number): Answers[] {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]
  return Array.from({ length: n }, () => {
    const scheme = pick([1, 1, 1, 1, 1, 2, 2, 2, 8])
    const tasks = [1, 2, 3].filter(() => next() < 0.4)
    return {
      has_scheme: { code: scheme },
      ...(scheme === 1 ? { scheme_size: { code: pick([1, 1, 2, 3, 9]) }, tasks: { codes: tasks.length ? tasks : [pick([1, 2, 3])] }, buddies: next() < 0.15 ? { dont_know: true as const } : { value: 1 + Math.floor(next() * 20) } } : {}),
      role: { code: pick([1, 2, 2, 3, 3, 3, 9]) },
      rate: { rows: { a: pick([1, 1, 2, 3]), b: pick([1, 2, 2, 3]) } },
      ...(next() < 0.3 ? { comments: { value: 'Fine' } } : {}),
    }
  })
}

// Don't know and not applicable, as the files code them (-8, -7) whatever their code in the questionnaire.
const SPECIAL = new Set(['has_scheme', 'scheme_size', 'role'].flatMap((q) => [`${q}:-8`, `${q}:-7`]))
const FOLLOW_UPS = ['scheme_size', 'tasks', 'buddies']
const rowsOf = (body: string) => parse(body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
const number = (text: string | undefined): number | null => (text === undefined || text === '' ? 0 : text === '[c]' ? null : Number(text.replace(/^dont_know=/, '')))

/** The cells and sums of a published statistics CSV, as its reader sees them. */
function statisticsSums(rows: Record<string, string>[], submitted: number): { cells: Cells; equations: Equation[] } {
  const cells: Cells = new Map([['submitted', submitted]])
  const equations: Equation[] = []
  const set = (key: string, text: string) => cells.set(key, number(text))
  for (const q of [...new Set(rows.map((r) => r.question_id))]) {
    const mine = rows.filter((r) => r.question_id === q)
    set(`${q}:asked`, mine[0].asked)
    set(`${q}:answered`, mine[0].answered)
    set(`${q}:missing`, mine[0].missing)
    equations.push({ total: `${q}:asked`, parts: [`${q}:answered`, `${q}:missing`] })
    equations.push({ total: `${q}:asked`, parts: FOLLOW_UPS.includes(q) ? ['has_scheme|:1'] : ['submitted'] })
    const type = mine[0].type
    if (type === 'number') {
      set(`${q}:dk`, mine[0].count)
      set(`${q}:n`, mine[0].base)
      equations.push({ total: `${q}:answered`, parts: [`${q}:n`, `${q}:dk`] })
    } else if (type === 'long_text') {
      set(`${q}:texts`, mine[0].count)
      equations.push({ total: `${q}:texts`, parts: [`${q}:answered`] })
    } else {
      for (const rowId of [...new Set(mine.map((r) => r.row))]) {
        const lines = mine.filter((r) => r.row === rowId)
        const key = (code: string) => `${q}|${rowId}:${code}`
        for (const l of lines) set(key(l.code), l.count)
        set(key('base'), lines[0].base)
        const valid = lines.filter((l) => !SPECIAL.has(`${q}:${l.code}`)).map((l) => key(l.code))
        const special = lines.filter((l) => SPECIAL.has(`${q}:${l.code}`)).map((l) => key(l.code))
        if (type === 'multiple_choice') equations.push({ total: `${q}:answered`, parts: [key('base'), ...special] })
        else {
          equations.push({ total: key('base'), parts: valid })
          equations.push({ total: `${q}:answered`, parts: [...valid, ...special] })
        }
      }
    }
  }
  return { cells, equations }
}

/** The cells and sums of a published comparison CSV (waves W1, W2; lines of all respondents and of the panel). */
function comparisonSums(rows: Record<string, string>[]): { cells: Cells; equations: Equation[] } {
  const cells: Cells = new Map()
  const equations: Equation[] = []
  const waves = ['W1', 'W2']
  const questions = [...new Set(rows.map((r) => `${r.question_id}|${r.row}`))]
  for (const qr of questions) {
    const [q] = qr.split('|')
    for (const population of ['all', 'panel']) {
      const lines = rows.filter((r) => r.population === population && `${r.question_id}|${r.row}` === qr)
      if (!lines.length) continue
      const prefix = population === 'panel' ? 'P|' : ''
      if (lines[0].option === 'answered') {
        waves.forEach((w) => {
          cells.set(`${qr}|${w}:answered`, number(lines[0][`${w}_count`]))
          cells.set(`${qr}|${w}:asked`, number(lines[0][`${w}_base`]))
        })
        continue
      }
      if (lines[0].option === 'mean') continue
      waves.forEach((w) => {
        const key = (code: string) => `${prefix}${qr}|${w}:${code}`
        const base = population === 'panel' ? `P|${qr}:pairs` : key('base')
        cells.set(base, number(lines[0][`${w}_base`]))
        for (const l of lines) cells.set(key(l.code), number(l[`${w}_count`]))
        const valid = lines.filter((l) => !SPECIAL.has(`${q}:${l.code}`)).map((l) => key(l.code))
        if (lines[0].question_id !== 'tasks') equations.push({ total: base, parts: valid })
        if (population === 'panel') {
          const everyone = rows.find((r) => r.population === 'all' && `${r.question_id}|${r.row}` === qr)!
          if (everyone[`${w}_base`] === lines[0][`${w}_base`] && everyone[`${w}_base`] !== '[c]') for (const l of lines) equations.push({ total: `${qr}|${w}:${l.code}`, parts: [key(l.code)] })
        }
      })
    }
  }
  // Follow-ups, required: answered by exactly those who said yes, don't know included.
  for (const w of waves) {
    const yes = `has_scheme||${w}:1`
    const size = rows.filter((r) => r.population === 'all' && r.question_id === 'scheme_size').map((r) => `scheme_size||${w}:${r.code}`)
    equations.push({ total: yes, parts: size })
    equations.push({ total: yes, parts: [`tasks||${w}:base`] })
  }
  return { cells, equations }
}

/** The values each hidden cell can still take; `lowest` is what the reader assumes of a hidden count (1 if zeros are always shown). */
function attack(cells: Cells, equations: Equation[], lowest: number): Map<string, Set<number>> {
  const hidden = [...cells].filter(([, v]) => v === null).map(([k]) => k)
  const ceiling = Math.max(...[...cells.values()].filter((v): v is number => v !== null))
  const low = new Map(hidden.map((k) => [k, lowest]))
  const high = new Map(hidden.map((k) => [k, ceiling]))
  const known = (k: string) => cells.get(k) ?? 0
  const usable = equations.filter((e) => [e.total, ...e.parts].every((k) => cells.has(k)))
  // Interval narrowing, each sum read for each of its cells.
  for (let round = 0, changed = true; changed && round < 200; round++) {
    changed = false
    for (const e of usable) {
      const terms = [{ k: e.total, sign: 1 }, ...e.parts.map((k) => ({ k, sign: -1 }))]
      for (const target of terms.filter((x) => low.has(x.k))) {
        let min = 0
        let max = 0
        for (const other of terms) {
          if (other === target) continue
          const [lo, hi] = low.has(other.k) ? [low.get(other.k)!, high.get(other.k)!] : [known(other.k), known(other.k)]
          if (other.sign === target.sign) { min -= hi; max -= lo } else { min += lo; max += hi }
        }
        if (min > low.get(target.k)!) { low.set(target.k, min); changed = true }
        if (max < high.get(target.k)!) { high.set(target.k, max); changed = true }
      }
    }
  }
  // Then every combination, one group of linked hidden cells at a time, where few remain.
  const possible = new Map(hidden.map((k) => [k, new Set<number>()]))
  const groups: string[][] = []
  const seen = new Set<string>()
  for (const start of hidden) {
    if (seen.has(start)) continue
    const group = [start]
    seen.add(start)
    for (let i = 0; i < group.length; i++) for (const e of usable) if (e.total === group[i] || e.parts.includes(group[i])) for (const k of [e.total, ...e.parts]) if (low.has(k) && !seen.has(k)) { seen.add(k); group.push(k) }
    groups.push(group)
  }
  for (const group of groups) {
    const size = group.reduce((n, k) => n * Math.max(1, high.get(k)! - low.get(k)! + 1), 1)
    const sums = usable.filter((e) => [e.total, ...e.parts].some((k) => group.includes(k)))
    if (size > 2_000_000) {
      for (const k of group) for (let v = low.get(k)!; v <= high.get(k)!; v++) possible.get(k)!.add(v)
      continue
    }
    const value = new Map<string, number>()
    const holds = () => sums.every((e) => (value.get(e.total) ?? known(e.total)) === e.parts.reduce((n, k) => n + (value.get(k) ?? known(k)), 0))
    const walk = (i: number) => {
      if (i === group.length) {
        if (holds()) for (const k of group) possible.get(k)!.add(value.get(k)!)
        return
      }
      for (let v = low.get(group[i])!; v <= high.get(group[i])!; v++) {
        value.set(group[i], v)
        walk(i + 1)
      }
      value.delete(group[i])
    }
    walk(0)
  }
  return possible
}

function recovered(published: Cells, truth: Cells, equations: Equation[]): string[] {
  const out: string[] = []
  for (const lowest of [0, 1]) {
    for (const [key, values] of attack(published, equations, lowest)) if (values.size === 1 && [...values][0] === truth.get(key)) out.push(`${key} = ${truth.get(key)}`)
  }
  return [...new Set(out)]
}

t.test('no suppressed count can be worked back from a published download', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-suppression`, mailWorker: false })
  const next = seededRandom(20260113)
  const first = await submittedWave(app, { surveyId: 'small-counts', version: '1', label: 'W1', answers: answersFor(next, 14) })
  const second = await submittedWave(app, { surveyId: 'small-counts', version: '2', label: 'W2', answers: answersFor(next, 14), organisations: first.organisations.slice(0, 12), prefix: 'N' })
  const cookie = await signIn(app, 'analyst')
  const get = async (url: string) => rowsOf((await app.inject({ url, headers: { cookie } })).body)
  const sheet = async (url: string, name: string) => {
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await app.inject({ url, headers: { cookie } })).rawPayload as unknown as ArrayBuffer)
    const rows: unknown[][] = []
    book.getWorksheet(name)?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
    return { rows, names: book.worksheets.map((w) => w.name), notes: book.getWorksheet('Notes') }
  }
  const marks = (values: unknown[]) => values.map((v) => (v === '[c]' ? '[c]' : 'shown'))

  let suppressed = 0
  for (const [label, waveId] of [['W1', first.waveId], ['W2', second.waveId]]) {
    const truth = statisticsSums(await get(`/admin/analysis/waves/${waveId}/statistics.csv`), 14)
    const rows = await get(`/admin/analysis/waves/${waveId}/statistics.csv?publication=1`)
    const published = statisticsSums(rows, 14)
    const hidden = [...published.cells].filter(([, v]) => v === null).length
    suppressed += hidden
    t.same(recovered(published.cells, truth.cells, published.equations), [], `statistics of ${label}: none of its ${hidden} [c] recovered`)
    t.ok(rows.filter((r) => r.code !== '').every((r) => (r.count !== '[c]' && r.base !== '[c]') || [r.percent, r.ci95_low, r.ci95_high].every((v) => v === '[c]')), `${label}: no percentage or interval beside a [c]`)
    // The workbook for publication hides the same counts, and says how.
    const book = await sheet(`/admin/analysis/waves/${waveId}/statistics.xlsx?publication=1`, 'Main')
    const choiceLines = book.rows.slice(1).filter((r) => typeof r[6] === 'number')
    t.same(choiceLines.map((r) => marks(r.slice(2, 5).concat(r.slice(8, 11)))), rows.filter((r) => r.code !== '').map((r) => marks([r.asked, r.answered, r.missing, r.count, r.base, r.percent])), `${label}: the workbook hides what the CSV hides`)
    const notes: unknown[] = []
    book.notes?.eachRow((row) => notes.push(row.getCell(1).value))
    t.match(notes.join(' '), /^For publication: counts below 5 suppressed as \[c\].*could be worked back/, 'the rule is in the Notes sheet')
    if (label === 'W1') {
      // The attacker has teeth: hiding only the counts below 5 (the old rule's first step) gives many back.
      const naive: Cells = new Map([...truth.cells].map(([k, v]) => [k, v !== null && v > 0 && v < 5 && /:(-?\d+|asked|dk)$/.test(k) ? null : v]))
      t.ok(recovered(naive, truth.cells, truth.equations).length > 5, 'primary suppression alone is worked back')
    }
  }

  const query = `waves=${first.waveId}&waves=${second.waveId}`
  const truth = comparisonSums(await get(`/admin/analysis/compare.csv?${query}`))
  const rows = await get(`/admin/analysis/compare.csv?${query}&publication=1`)
  const published = comparisonSums(rows)
  const hidden = [...published.cells].filter(([, v]) => v === null).length
  suppressed += hidden
  t.same(recovered(published.cells, truth.cells, published.equations), [], `comparison: none of its ${hidden} [c] recovered`)
  for (const r of rows.filter((r) => r.option !== 'mean' && r.option !== 'median' && r.option !== 'answered')) {
    const question = rows.filter((x) => x.population === r.population && x.question_id === r.question_id && x.row === r.row)
    const own = r.question_id === 'tasks' ? [r] : question
    const anyHidden = own.some((x) => ['W1_count', 'W2_count', 'W1_base', 'W2_base'].some((c) => x[c] === '[c]'))
    if (anyHidden && r.p_value !== '') t.equal(r.p_value, '[c]', `${r.population} ${r.question_id} ${r.row} ${r.code}: no p-value computed from a [c]`)
    if ([r.W1_count, r.W2_count, r.W1_base, r.W2_base].includes('[c]')) t.equal(r.change_pp, '[c]', `${r.population} ${r.question_id} ${r.code}: no change beside a [c]`)
  }
  const book = await sheet(`/admin/analysis/compare.xlsx?${query}&publication=1`, 'Comparison')
  t.notOk(book.names.includes('Main'), 'no statistics sheet beside a published comparison')
  const header = book.rows[0] as string[]
  const columns = ['W1 count', 'W1 base', 'W2 count', 'W2 base', 'Change (points)', 'p'].map((h) => header.indexOf(h))
  const choice = rows.filter((r) => r.population === 'all' && r.code !== '')
  t.same(book.rows.slice(1).filter((r) => typeof r[4] === 'number').map((r) => marks(columns.map((c) => r[c]))), choice.map((r) => marks([r.W1_count, r.W1_base, r.W2_count, r.W2_base, r.change_pp, r.p_value])), 'the comparison workbook hides what the CSV hides')
  const panelSheet = await sheet(`/admin/analysis/compare.xlsx?${query}&publication=1`, 'Same organisations')
  const panelLines = rows.filter((r) => r.population === 'panel')
  t.same(panelSheet.rows.slice(3).map((r) => marks([r[7], r[9], r[11], r[13]])), panelLines.map((r) => marks([r.W1_count, r.W2_count, r.change_pp, r.p_value])), 'and so does its panel sheet')
  t.ok(suppressed > 20, `the fixture has small counts to hide (${suppressed} [c])`)
})
