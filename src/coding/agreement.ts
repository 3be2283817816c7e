// How far two coders agree on one code, measured per answer (the unit a respondent wrote), not
// per character: an answer either carries the code (anywhere in it) or it does not. Per-character
// agreement, as NVivo and QualCoder report it, is inflated by the uncoded bulk of every text.
import { wilson, Z95 } from '../analysis/tests-of-difference.js'

/** Answers both coders have coded, split by whether each applied the code. */
export interface AgreementTable {
  both: number
  firstOnly: number
  secondOnly: number
  neither: number
}

export interface Agreement extends AgreementTable {
  answers: number
  /** Share of answers on which the two coders made the same decision. */
  percent: number | null
  percentInterval: { low: number; high: number } | undefined
  /** Cohen's kappa: agreement beyond what the coders' own rates would give by chance. */
  kappa: number | null
  kappaInterval: { low: number; high: number } | undefined
  /** Why kappa cannot be given, when it cannot: both coders made one decision for every answer. */
  kappaUndefined?: 'no_variation'
}

/**
 * Cohen's kappa with its large-sample standard error (Fleiss, Cohen and Everitt, 1969: the one
 * R's psych::cohen.kappa reports), and percentage agreement with a Wilson interval.
 */
export function agreementOf(table: AgreementTable): Agreement {
  const { both, firstOnly, secondOnly, neither } = table
  const n = both + firstOnly + secondOnly + neither
  const base = { ...table, answers: n }
  if (n === 0) return { ...base, percent: null, percentInterval: undefined, kappa: null, kappaInterval: undefined }
  const observed = (both + neither) / n
  const percentInterval = wilson(both + neither, n)
  // Cells as proportions: rows are the first coder (applied, not), columns the second.
  const cells = [
    [both / n, firstOnly / n],
    [secondOnly / n, neither / n],
  ]
  const rows = [cells[0][0] + cells[0][1], cells[1][0] + cells[1][1]]
  const columns = [cells[0][0] + cells[1][0], cells[0][1] + cells[1][1]]
  const chance = rows[0] * columns[0] + rows[1] * columns[1]
  if (chance >= 1 - 1e-12) return { ...base, percent: observed, percentInterval, kappa: null, kappaInterval: undefined, kappaUndefined: 'no_variation' }
  const kappa = (observed - chance) / (1 - chance)
  let diagonal = 0
  let offDiagonal = 0
  for (let i = 0; i < 2; i++) {
    diagonal += cells[i][i] * (1 - (rows[i] + columns[i]) * (1 - kappa)) ** 2
    const j = 1 - i
    offDiagonal += cells[i][j] * (columns[i] + rows[j]) ** 2
  }
  const variance = (diagonal + (1 - kappa) ** 2 * offDiagonal - (kappa - chance * (1 - kappa)) ** 2) / (n * (1 - chance) ** 2)
  const se = Math.sqrt(Math.max(variance, 0))
  const kappaInterval = { low: Math.max(-1, kappa - Z95 * se), high: Math.min(1, kappa + Z95 * se) }
  return { ...base, percent: observed, percentInterval, kappa, kappaInterval }
}
