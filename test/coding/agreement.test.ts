// Cohen's kappa and percentage agreement per code, against values worked out by hand and checked
// in R with the variance psych::cohen.kappa uses (Fleiss, Cohen and Everitt, 1969):
//   x <- matrix(c(6,1,2,11), 2, 2) / 20; rs <- rowSums(x); cs <- colSums(x); po <- sum(diag(x))
//   pc <- sum(rs*cs); k <- (po-pc)/(1-pc)
//   v <- (1/(20*(1-pc)^4))*(sum(diag(x*((1-pc) - outer(rs,cs,"+")*(1-po))^2)) +
//        (1-po)^2*(sum(x*outer(cs,rs,"+")^2) - sum(diag(x*outer(cs,rs,"+")^2))) - (po*pc - 2*pc + po)^2)
// gives po 0.85, pc 0.53, kappa 0.680851, se 0.168369; prop.test(17, 20, correct = FALSE)$conf.int
// gives the Wilson interval 0.639581 to 0.947631.
import t from 'tap'
import { agreementOf } from '../../src/coding/agreement.js'

const close = (t: { ok: (value: boolean, message: string) => void }, actual: number | null | undefined, expected: number, message: string) =>
  t.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 5e-6, `${message}: ${actual} ≈ ${expected}`)

t.test('twenty answers: 6 coded by both, 2 by the first coder only, 1 by the second only, 11 by neither', async (t) => {
  const a = agreementOf({ both: 6, firstOnly: 2, secondOnly: 1, neither: 11 })
  t.equal(a.answers, 20)
  close(t, a.percent, 0.85, 'percentage agreement: 17 of 20')
  // (0.85 - 0.53) / (1 - 0.53), where 0.53 = 0.4 × 0.35 + 0.6 × 0.65
  close(t, a.kappa, 0.680851, 'kappa')
  // 0.680851 ± 1.959964 × 0.168369: the upper end is capped at 1
  close(t, a.kappaInterval?.low, 0.680851 - 1.959964 * 0.168369, 'kappa interval, lower')
  t.equal(a.kappaInterval?.high, 1, 'kappa interval capped at 1')
  close(t, a.percentInterval?.low, 0.639581, 'Wilson interval, lower')
  close(t, a.percentInterval?.high, 0.947631, 'Wilson interval, upper')
})

t.test('perfect agreement, agreement no better than chance, and no variation at all', async (t) => {
  const perfect = agreementOf({ both: 3, firstOnly: 0, secondOnly: 0, neither: 7 })
  t.equal(perfect.kappa, 1)
  t.equal(perfect.percent, 1)
  // po = 0.5 and pc = 0.5 × 0.5 + 0.5 × 0.5 = 0.5: kappa 0 although half the decisions agree
  const chance = agreementOf({ both: 2, firstOnly: 2, secondOnly: 2, neither: 2 })
  close(t, chance.kappa, 0, 'kappa at chance')
  close(t, chance.percent, 0.5, 'percentage agreement')
  // Neither coder ever applied the code: they agree on every answer, and kappa is undefined.
  const never = agreementOf({ both: 0, firstOnly: 0, secondOnly: 0, neither: 12 })
  t.equal(never.kappa, null)
  t.equal(never.kappaUndefined, 'no_variation')
  t.equal(never.percent, 1)
  const none = agreementOf({ both: 0, firstOnly: 0, secondOnly: 0, neither: 0 })
  t.equal(none.percent, null, 'no answers coded by both: nothing to measure')
  t.equal(none.kappa, null)
})

t.test('worse than chance: kappa is negative', async (t) => {
  // po = 2/10; row (first coder) yes 5, column (second) yes 5: pc = 0.5; kappa = (0.2 - 0.5) / 0.5 = -0.6
  const a = agreementOf({ both: 1, firstOnly: 4, secondOnly: 4, neither: 1 })
  close(t, a.kappa, -0.6, 'kappa')
})
