// Welch, Mann–Whitney, McNemar, Stuart–Maxwell and the p-value adjustments against R 4.x
// (the R call that gave each value is in the comment beside it).
import t from 'tap'
import { benjaminiHochberg, holm, mannWhitney, mcnemarExact, stuartMaxwell, welch } from '../../src/analysis/more-tests.js'

const close = (t: { ok: (value: boolean, message: string) => void }, actual: number | undefined, expected: number, message: string, digits = 10) =>
  t.ok(actual !== undefined && Math.abs(actual - expected) < 10 ** -digits, `${message}: ${actual} ≈ ${expected}`)

t.test("Welch's t", async (t) => {
  // t.test(c(2,4,4,5,10), c(1,3,3,3,3,7))
  const r = welch([2, 4, 4, 5, 10], [1, 3, 3, 3, 3, 7])!
  close(t, r.statistic, 1.066003581778052, 't')
  close(t, r.df, 6.690812574303963, 'df')
  close(t, r.p, 0.323370161388694, 'p')
  // t.test(c(10000001, 10000003, 10000002.5), c(9999990, 10000000, 10000010, 10000020)): large values, few cases
  const big = welch([10000001, 10000003, 10000002.5], [9999990, 10000000, 10000010, 10000020])!
  close(t, big.statistic, -0.437048322315474, 't', 8)
  close(t, big.df, 3.051881488019017, 'df', 8)
  close(t, big.p, 0.691157748129573, 'p', 8)
  t.equal(welch([1], [2, 3]), undefined, 'no test with one value in a wave')
  t.equal(welch([5, 5], [5, 5]), undefined, 'no test when nothing varies')
})

t.test('Mann–Whitney', async (t) => {
  // wilcox.test(c(2,4,4,5,10), c(1,3,3,3,3,7), exact = FALSE): ties, continuity correction
  const r = mannWhitney([2, 4, 4, 5, 10], [1, 3, 3, 3, 3, 7])!
  t.equal(r.statistic, 22, 'W')
  close(t, r.p, 0.223390631424996, 'p')
  // wilcox.test(1:8, 9:18, exact = FALSE): complete separation
  const apart = mannWhitney([1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16, 17, 18])!
  t.equal(apart.statistic, 0)
  close(t, apart.p, 0.000448668040378312, 'p')
  t.equal(mannWhitney([], [1]), undefined)
})

t.test("McNemar's exact test", async (t) => {
  // binom.test(2, 11): 9 organisations moved one way, 2 the other
  close(t, mcnemarExact(9, 2)!.p, 0.0654296875, 'p')
  close(t, mcnemarExact(2, 9)!.p, 0.0654296875, 'p is symmetric')
  // binom.test(0, 3)
  close(t, mcnemarExact(3, 0)!.p, 0.25, 'p')
  t.equal(mcnemarExact(1, 1)!.p, 1, 'never above 1')
  t.equal(mcnemarExact(0, 0), undefined, 'no test when nobody changed')
})

t.test('Stuart–Maxwell', async (t) => {
  // 2×2: equals McNemar without correction, (5 − 2)² / (5 + 2) = 9/7; pchisq(9/7, 1, lower.tail = FALSE)
  const two = stuartMaxwell([[10, 5], [2, 13]])!
  close(t, two.statistic, 9 / 7, 'statistic')
  close(t, two.p, 0.256839257957857, 'p')
  // 3×3 by hand: d = (45 − 35, 35 − 39) = (10, −4); V = [[20, −12], [−12, 24]], det 336;
  // d'V⁻¹d = (24·100 − 2·12·40 + 20·16) / 336 = 1760/336 = 5.238095; pchisq(…, 2, lower.tail = FALSE) = 0.0728722319149267
  const three = stuartMaxwell([[30, 10, 5], [2, 25, 8], [3, 4, 20]])!
  close(t, three.statistic, 1760 / 336, 'statistic')
  t.equal(three.df, 2)
  close(t, three.p, 0.0728722319149267, 'p')
  // A category nobody chose in either wave is left out: same as the 3×3.
  close(t, stuartMaxwell([[30, 10, 0, 5], [2, 25, 0, 8], [0, 0, 0, 0], [3, 4, 0, 20]])!.statistic, 1760 / 336, 'empty category ignored')
  t.equal(stuartMaxwell([[5, 0], [0, 7]]), undefined, 'nobody changed: no test')
})

t.test('p-values adjusted for many tests', async (t) => {
  const p = [0.01, 0.04, 0.03, 0.005, 0.5, 0.049, 1]
  // p.adjust(p, "holm")
  t.same(holm(p).map((v) => Math.round(v * 1e12) / 1e12), [0.06, 0.16, 0.15, 0.035, 1, 0.16, 1])
  // p.adjust(p, "BH")
  t.same(benjaminiHochberg(p).map((v) => Math.round(v * 1e12) / 1e12), [0.035, 0.0686, 0.0686, 0.035, 0.583333333333, 0.0686, 1])
  t.same(holm([]), [])
  t.same(benjaminiHochberg([0.2]), [0.2], 'one test is its own adjustment')
})
