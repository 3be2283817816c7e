// The numbers behind a comparison: Wilson score intervals for proportions, Fisher's exact test
// for 2x2 tables and Pearson's chi-square otherwise. Written out here (a few dozen lines, checked
// against values worked out by hand in the tests) rather than pulled in from a large library.

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054

/** Wilson score interval for k successes out of n. */
export function wilson(k: number, n: number, z = Z95): { low: number; high: number } | undefined {
  if (n === 0) return undefined
  const p = k / n
  const z2 = z * z
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) }
}

const logFactorials: number[] = [0]
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials[i] = logFactorials[i - 1] + Math.log(i)
  return logFactorials[n]
}

/** Two-sided Fisher's exact test for the table [[a, b], [c, d]]: the sum of the probabilities of all tables with the same margins no more likely than this one. */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const row1 = a + b
  const row2 = c + d
  const col1 = a + c
  const n = row1 + row2
  const logP = (x: number) => logFactorial(row1) + logFactorial(row2) + logFactorial(col1) + logFactorial(n - col1) - logFactorial(n) - logFactorial(x) - logFactorial(row1 - x) - logFactorial(col1 - x) - logFactorial(row2 - col1 + x)
  const observed = logP(a)
  let p = 0
  for (let x = Math.max(0, col1 - row2); x <= Math.min(row1, col1); x++) {
    const lp = logP(x)
    // A relative tolerance, as R's fisher.test uses, so tables as likely as the observed one count.
    if (lp <= observed + 1e-7) p += Math.exp(lp)
  }
  return Math.min(1, p)
}

/** Regularised upper incomplete gamma Q(s, x), for the chi-square survival function. */
function gammaQ(s: number, x: number): number {
  if (x <= 0) return 1
  const lgammaS = logGamma(s)
  if (x < s + 1) {
    let sum = 1 / s
    let term = sum
    for (let k = 1; k < 1000; k++) {
      term *= x / (s + k)
      sum += term
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break
    }
    return 1 - sum * Math.exp(-x + s * Math.log(x) - lgammaS)
  }
  // Continued fraction (modified Lentz).
  let b = x + 1 - s
  let c = 1 / 1e-300
  let d = 1 / b
  let h = d
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - s)
    b += 2
    d = an * d + b
    if (Math.abs(d) < 1e-300) d = 1e-300
    c = b + an / c
    if (Math.abs(c) < 1e-300) c = 1e-300
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-15) break
  }
  return Math.exp(-x + s * Math.log(x) - lgammaS) * h
}

function logGamma(x: number): number {
  const g = 7
  const coefficients = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  x -= 1
  let a = coefficients[0]
  const t = x + g + 0.5
  for (let i = 1; i < g + 2; i++) a += coefficients[i] / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

/** P(X ≥ x) for a chi-square variable with df degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  return gammaQ(df / 2, x / 2)
}

/** Regularised incomplete beta I_x(a, b), by its continued fraction: for Student's t. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x))
  // The fraction converges fast only below the mean of the distribution; use the symmetry above it.
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a)
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < 1e-300) d = 1e-300
  d = 1 / d
  let h = d
  for (let m = 1; m < 1000; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < 1e-300) d = 1e-300
    c = 1 + aa / c
    if (Math.abs(c) < 1e-300) c = 1e-300
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < 1e-300) d = 1e-300
    c = 1 + aa / c
    if (Math.abs(c) < 1e-300) c = 1e-300
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-15) break
  }
  return (front * h) / a
}

/** Two-sided p-value of Student's t with df degrees of freedom (df need not be whole). */
export function studentTTwoSided(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5)
}

/** Two-sided p-value of a standard normal z, through the chi-square with 1 degree of freedom. */
export function normalTwoSided(z: number): number {
  return chiSquareSurvival(z * z, 1)
}

export interface ChiSquare {
  statistic: number
  df: number
  p: number
  minExpected: number
  /** True when an expected count is below 5: the test is then unreliable. */
  smallExpected: boolean
}

/** Pearson's chi-square test of independence (no continuity correction), ignoring empty rows and columns. */
export function chiSquare(table: number[][]): ChiSquare | undefined {
  const rows = table.filter((r) => r.reduce((s, v) => s + v, 0) > 0)
  if (rows.length < 2) return undefined
  const columns = rows[0].map((_, j) => j).filter((j) => rows.some((r) => r[j] > 0))
  if (columns.length < 2) return undefined
  const t = rows.map((r) => columns.map((j) => r[j]))
  const rowSums = t.map((r) => r.reduce((s, v) => s + v, 0))
  const colSums = columns.map((_, j) => t.reduce((s, r) => s + r[j], 0))
  const n = rowSums.reduce((s, v) => s + v, 0)
  let statistic = 0
  let minExpected = Infinity
  t.forEach((r, i) =>
    r.forEach((observed, j) => {
      const expected = (rowSums[i] * colSums[j]) / n
      minExpected = Math.min(minExpected, expected)
      statistic += (observed - expected) ** 2 / expected
    }),
  )
  const df = (t.length - 1) * (columns.length - 1)
  return { statistic, df, p: gammaQ(df / 2, statistic / 2), minExpected, smallExpected: minExpected < 5 }
}

/** Quantile by linear interpolation between order statistics (R's type 7, Excel's PERCENTILE.INC). */
export function quantilePosition(n: number, p: number): { lower: number; upper: number; fraction: number } {
  const h = (n - 1) * p
  const lower = Math.floor(h)
  return { lower, upper: Math.min(n - 1, lower + 1), fraction: h - lower }
}
