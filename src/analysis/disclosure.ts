// Suppression that holds. A published table is a set of counts tied by sums the reader knows
// (options add up to those who answered, answered and missing to those asked, a follow-up was
// asked of those who chose an answer…). Hiding the small counts is not enough: the reader can
// subtract. So the table is attacked as a reader would (every equation, combined by elimination,
// with the bounds it implies: counts are whole numbers, hidden ones at least 1 since zeros are
// shown), and while any hidden count can be pinned to one value, one more count of an equation
// that pins it is hidden.

export interface DisclosureTable {
  /** Every published count, by key. */
  values: Map<string, number>
  /** total = sum of parts, as the reader of the table knows. */
  equations: { total: string; parts: string[] }[]
  /** Cells hidden together or not at all (the same count published twice, or nearly). */
  linked?: [string, string][]
  /** Counts published elsewhere anyway (the responses submitted): never worth hiding. */
  known?: Set<string>
}

const EPSILON = 1e-7

/** The bounds a reader can put on each hidden count; `lower` is what they assume of one (1: zeros are shown). */
export function boundsOfHidden(table: DisclosureTable, hidden: Set<string>, lower: (key: string) => number): Map<string, { low: number; high: number }> {
  // Hidden counts tied by no sum cannot say anything about each other: each group is solved on its
  // own, which keeps a national questionnaire's tables (thousands of counts) quick.
  const bounds = new Map<string, { low: number; high: number }>()
  const seen = new Set<string>()
  for (const start of hidden) {
    if (seen.has(start) || !table.values.has(start)) continue
    const group = [start]
    seen.add(start)
    for (let i = 0; i < group.length; i++) {
      for (const e of table.equations) {
        if (e.total !== group[i] && !e.parts.includes(group[i])) continue
        for (const k of [e.total, ...e.parts]) if (hidden.has(k) && table.values.has(k) && !seen.has(k)) { seen.add(k); group.push(k) }
      }
    }
    for (const [k, b] of boundsInGroup(table, group, lower)) bounds.set(k, b)
  }
  return bounds
}

function boundsInGroup(table: DisclosureTable, unknowns: string[], lower: (key: string) => number): Map<string, { low: number; high: number }> {
  const index = new Map(unknowns.map((k, i) => [k, i]))
  // Each equation as a row over the hidden counts: sum(coefficient × count) = constant.
  const rows: { a: number[]; b: number }[] = []
  for (const e of table.equations) {
    if (!index.has(e.total) && !e.parts.some((k) => index.has(k))) continue
    const a = new Array<number>(unknowns.length).fill(0)
    let b = 0
    let touches = false
    for (const [key, sign] of [[e.total, -1], ...e.parts.map((p) => [p, 1] as const)] as const) {
      const i = index.get(key)
      if (i === undefined) b -= sign * (table.values.get(key) ?? 0)
      else {
        a[i] += sign
        touches = true
      }
    }
    if (touches) rows.push({ a, b })
  }
  // Elimination gives the differences of totals (answered − base = don't know) as rows of their own.
  const reduced = eliminate(rows.map((r) => ({ a: [...r.a], b: r.b })))
  const all = [...rows, ...reduced]
  const low = unknowns.map((k) => lower(k))
  const high = unknowns.map(() => Infinity)
  for (let round = 0; round < 100; round++) {
    let changed = false
    for (const { a, b } of all) {
      for (let i = 0; i < a.length; i++) {
        if (Math.abs(a[i]) < EPSILON) continue
        // a_i x_i = b − Σ a_j x_j, bounded by the others' bounds.
        let min = b
        let max = b
        for (let j = 0; j < a.length; j++) {
          if (j === i || Math.abs(a[j]) < EPSILON) continue
          const [lo, hi] = a[j] > 0 ? [a[j] * low[j], a[j] * high[j]] : [a[j] * high[j], a[j] * low[j]]
          min -= hi
          max -= lo
        }
        const [from, to] = a[i] > 0 ? [min / a[i], max / a[i]] : [max / a[i], min / a[i]]
        const newLow = Math.ceil(from - EPSILON)
        const newHigh = Math.floor(to + EPSILON)
        if (Number.isFinite(newLow) && newLow > low[i]) {
          low[i] = newLow
          changed = true
        }
        if (Number.isFinite(newHigh) && newHigh < high[i]) {
          high[i] = newHigh
          changed = true
        }
      }
    }
    if (!changed) break
  }
  return new Map(unknowns.map((k, i) => [k, { low: low[i], high: high[i] }]))
}

/** Reduced row echelon form (Gauss–Jordan), dropping rows that reduce to nothing. */
function eliminate(rows: { a: number[]; b: number }[]): { a: number[]; b: number }[] {
  const width = rows[0]?.a.length ?? 0
  let r = 0
  for (let col = 0; col < width && r < rows.length; col++) {
    let pivot = r
    for (let i = r + 1; i < rows.length; i++) if (Math.abs(rows[i].a[col]) > Math.abs(rows[pivot].a[col])) pivot = i
    if (Math.abs(rows[pivot].a[col]) < EPSILON) continue
    ;[rows[r], rows[pivot]] = [rows[pivot], rows[r]]
    const p = rows[r].a[col]
    rows[r].a = rows[r].a.map((v) => v / p)
    rows[r].b /= p
    for (let i = 0; i < rows.length; i++) {
      if (i === r || Math.abs(rows[i].a[col]) < EPSILON) continue
      const f = rows[i].a[col]
      rows[i].a = rows[i].a.map((v, j) => v - f * rows[r].a[j])
      rows[i].b -= f * rows[r].b
    }
    r++
  }
  return rows.slice(0, r)
}

/** Hidden counts a reader could work back exactly. */
export function recoverable(table: DisclosureTable, hidden: Set<string>): string[] {
  const lower = (key: string) => Math.min(1, table.values.get(key) ?? 0)
  return [...boundsOfHidden(table, hidden, lower)].filter(([, b]) => b.low === b.high).map(([k]) => k)
}

/**
 * Which counts to hide: those of `sensitive` cells from 1 to threshold − 1, then, while any hidden
 * count can be worked back, the smallest other count of an equation that pins it (a zero only
 * when nothing else is left), keeping linked cells together.
 */
export function protect(table: DisclosureTable, sensitive: (key: string) => boolean, threshold: number): Set<string> {
  const hidden = new Set([...table.values].filter(([k, v]) => sensitive(k) && v > 0 && v < threshold).map(([k]) => k))
  const link = () => {
    for (let again = true; again; ) {
      again = false
      for (const [a, b] of table.linked ?? []) {
        if (hidden.has(a) !== hidden.has(b) && table.values.has(a) && table.values.has(b)) {
          hidden.add(a)
          hidden.add(b)
          again = true
        }
      }
    }
  }
  link()
  for (let round = 0; round <= table.values.size; round++) {
    const exposed = recoverable(table, hidden)
    if (!exposed.length) break
    for (const key of exposed) {
      const candidate = nearestVisible(table, hidden, key)
      if (candidate) hidden.add(candidate)
    }
    link()
  }
  return hidden
}

/**
 * The count to hide next to protect `key`: in the equations around it first, then in those reached
 * through other hidden counts; in each, parts before totals (a total is the more useful number)
 * and the smallest non-zero first.
 */
function nearestVisible(table: DisclosureTable, hidden: Set<string>, key: string): string | undefined {
  const seen = new Set([key])
  let frontier = [key]
  const used = new Set<number>()
  while (frontier.length) {
    const around = table.equations.map((e, i) => ({ e, i })).filter(({ e, i }) => !used.has(i) && frontier.some((k) => e.total === k || e.parts.includes(k)))
    around.forEach(({ i }) => used.add(i))
    const candidates = around
      .flatMap(({ e }) => [...e.parts.map((k) => ({ k, total: false })), { k: e.total, total: true }])
      .filter(({ k }) => !hidden.has(k) && table.values.has(k) && !table.known?.has(k))
      .sort((x, y) => Number(x.total) - Number(y.total) || rank(table.values.get(x.k)!) - rank(table.values.get(y.k)!))
    if (candidates.length) return candidates[0].k
    // Onwards through hidden counts only: a published one ties nothing new to this count.
    frontier = around.flatMap(({ e }) => [e.total, ...e.parts]).filter((k) => hidden.has(k) && !seen.has(k))
    frontier.forEach((k) => seen.add(k))
  }
  return undefined
}

/** Smallest non-zero first, zeros last: hiding a zero protects less and costs the reader a true zero. */
const rank = (value: number) => (value === 0 ? Number.MAX_SAFE_INTEGER : value)
