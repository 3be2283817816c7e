// Tests the comparison needs beyond proportions: numbers (Welch's t, Mann–Whitney), the same
// organisations in two waves (McNemar's exact test, Stuart–Maxwell), and many tests at once
// (Holm's and Benjamini–Hochberg's adjusted p-values). Each is checked against R in the tests.
import { chiSquareSurvival, normalTwoSided, studentTTwoSided } from './tests-of-difference.js'

export interface TestResult {
  statistic: number
  df?: number
  p: number
}

function meanAndVariance(values: number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length
  return { mean, variance: values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) }
}

/** Welch's two-sample t-test (unequal variances), as R's t.test(x, y). */
export function welch(x: number[], y: number[]): TestResult | undefined {
  if (x.length < 2 || y.length < 2) return undefined
  const a = meanAndVariance(x)
  const b = meanAndVariance(y)
  const vx = a.variance / x.length
  const vy = b.variance / y.length
  if (vx + vy === 0) return undefined
  const statistic = (a.mean - b.mean) / Math.sqrt(vx + vy)
  const df = (vx + vy) ** 2 / (vx ** 2 / (x.length - 1) + vy ** 2 / (y.length - 1))
  return { statistic, df, p: studentTTwoSided(statistic, df) }
}

/**
 * Mann–Whitney U (Wilcoxon rank-sum) with the normal approximation, corrected for ties and for
 * continuity, as R's wilcox.test(x, y, exact = FALSE). The statistic is R's W (the U of x).
 */
export function mannWhitney(x: number[], y: number[]): TestResult | undefined {
  const n1 = x.length
  const n2 = y.length
  if (n1 === 0 || n2 === 0) return undefined
  const all = [...x.map((v) => ({ v, first: true })), ...y.map((v) => ({ v, first: false }))].sort((p, q) => p.v - q.v)
  const ranks = new Array<number>(all.length)
  let tieTerm = 0
  for (let i = 0; i < all.length; ) {
    let j = i
    while (j + 1 < all.length && all[j + 1].v === all[i].v) j++
    const rank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) ranks[k] = rank
    const t = j - i + 1
    tieTerm += t ** 3 - t
    i = j + 1
  }
  const rankSum = all.reduce((s, e, i) => (e.first ? s + ranks[i] : s), 0)
  const statistic = rankSum - (n1 * (n1 + 1)) / 2
  const n = n1 + n2
  const sigma = Math.sqrt((n1 * n2 / 12) * (n + 1 - tieTerm / (n * (n - 1))))
  if (sigma === 0) return undefined
  const centred = statistic - (n1 * n2) / 2
  const z = (centred - Math.sign(centred) * 0.5) / sigma
  return { statistic, p: normalTwoSided(z) }
}

/**
 * McNemar's exact test for the same organisations in two waves: of those that changed, b went one
 * way and c the other; two-sided binomial test of b against (b + c) / 2, as R's
 * binom.test(min(b, c), b + c). Exact, because discordant pairs are few in a survey of organisations.
 */
export function mcnemarExact(b: number, c: number): TestResult | undefined {
  const n = b + c
  if (n === 0) return undefined
  const k = Math.min(b, c)
  let tail = 0
  let term = 0.5 ** n
  for (let i = 0; i <= k; i++) {
    tail += term
    term = (term * (n - i)) / (i + 1)
  }
  return { statistic: b, p: Math.min(1, 2 * tail) }
}

/**
 * Stuart–Maxwell test of marginal homogeneity for a k×k table of the same organisations' answers
 * in two waves (rows: first wave, columns: second), as R's coin/DescTools StuartMaxwellTest.
 * Categories nobody used in either wave are left out; one category (the last) is dropped from d and V.
 */
export function stuartMaxwell(table: number[][]): TestResult | undefined {
  const used = table.map((_, i) => i).filter((i) => table[i].some((v) => v > 0) || table.some((r) => r[i] > 0))
  const t = used.map((i) => used.map((j) => table[i][j]))
  const k = t.length
  if (k < 2) return undefined
  const rowSum = t.map((r) => r.reduce((s, v) => s + v, 0))
  const colSum = t[0].map((_, j) => t.reduce((s, r) => s + r[j], 0))
  const d = rowSum.slice(0, k - 1).map((r, i) => r - colSum[i])
  const v: number[][] = []
  for (let i = 0; i < k - 1; i++) {
    v.push([])
    for (let j = 0; j < k - 1; j++) v[i].push(i === j ? rowSum[i] + colSum[i] - 2 * t[i][i] : -(t[i][j] + t[j][i]))
  }
  const solved = solve(v, d)
  if (!solved) return undefined
  const statistic = d.reduce((s, di, i) => s + di * solved[i], 0)
  return { statistic, df: k - 1, p: chiSquareSurvival(statistic, k - 1) }
}

/** Solves A·x = b by Gaussian elimination with partial pivoting; undefined when A is singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length
  const m = a.map((row, i) => [...row, b[i]])
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r
    if (Math.abs(m[pivot][col]) < 1e-12) return undefined
    ;[m[col], m[pivot]] = [m[pivot], m[col]]
    for (let r = 0; r < n; r++) {
      if (r === col) continue
      const f = m[r][col] / m[col][col]
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c]
    }
  }
  return m.map((row, i) => row[n] / row[i])
}

/** Holm's step-down adjusted p-values (family-wise error), in the order given, as R's p.adjust(p, "holm"). */
export function holm(p: number[]): number[] {
  const order = p.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v)
  const adjusted = new Array<number>(p.length)
  let running = 0
  order.forEach(({ v, i }, rank) => {
    running = Math.max(running, Math.min(1, (p.length - rank) * v))
    adjusted[i] = running
  })
  return adjusted
}

/** Benjamini–Hochberg adjusted p-values (false discovery rate), as R's p.adjust(p, "BH"). */
export function benjaminiHochberg(p: number[]): number[] {
  const order = p.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v)
  const adjusted = new Array<number>(p.length)
  let running = 1
  order.forEach(({ v, i }, index) => {
    const rank = p.length - index
    running = Math.min(running, (p.length / rank) * v)
    adjusted[i] = Math.min(1, running)
  })
  return adjusted
}
