// Tables that leave the team must not single out a small group of organisations: counts below
// the threshold are suppressed ([c]), and where options add up to a published total, one more
// cell (the smallest other) is suppressed too, so the hidden count cannot be worked out by
// subtraction.
export const DEFAULT_THRESHOLD = 5

/**
 * Which cells to hide. `additive` says the cells add up to a published total (single choice,
 * grid rows); multiple choice cells do not, so only primary suppression applies there.
 */
export function suppressedCells(counts: number[], threshold: number, additive: boolean): boolean[] {
  const hidden = counts.map((n) => n > 0 && n < threshold)
  if (additive && hidden.filter(Boolean).length === 1) {
    const candidates = counts.map((n, i) => ({ n, i })).filter(({ i }) => !hidden[i])
    const next = candidates.filter(({ n }) => n > 0).sort((a, b) => a.n - b.n)[0] ?? candidates.sort((a, b) => a.n - b.n)[0]
    if (next) hidden[next.i] = true
  }
  return hidden
}

export interface Publication {
  threshold: number
}
