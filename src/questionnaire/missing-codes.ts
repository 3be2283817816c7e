// Why a value is missing, said one way in every export and every type of question: blank when the
// question was not asked (skip logic), and these fixed negative codes otherwise. They are fixed,
// whatever code the questionnaire gives its "Don't know" option (9 in one question, 8 in another),
// so an analyst can declare them missing once for every variable; the validator keeps substantive
// option codes and number ranges clear of them.
export const MISSING_CODES = { not_answered: -9, dont_know: -8, not_applicable: -7 } as const

export type MissingReason = keyof typeof MISSING_CODES

/** Their labels, in the codebook and the SPSS syntax. */
export const MISSING_LABELS: Record<MissingReason, string> = { not_answered: 'Not answered', dont_know: "Don't know", not_applicable: 'Not applicable' }

export const RESERVED_CODES: readonly number[] = Object.values(MISSING_CODES)

/** The code an option has in the exports: its own, or the fixed code of "Don't know" and "Not applicable". */
export function exportCode(option: { code: number; special?: string }): number {
  return option.special === 'dont_know' || option.special === 'not_applicable' ? MISSING_CODES[option.special] : option.code
}
