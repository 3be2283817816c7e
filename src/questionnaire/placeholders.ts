// Placeholders in questionnaire text: a check's message names the answers it reads
// ({assessments_completed}), and piped text names an earlier answer or the organisation
// ({referrals_received|the}, {organisation.region}). One reading of the braces for both, and one
// rule that the English and Welsh must name the same things.
import type { Language, Text } from './schema.js'

/** `{name}` or `{name|fallback}`: nothing inside may be a brace. */
const PLACEHOLDER = /\{([^{}|]*)(?:\|([^{}]*))?\}/g

export interface Placeholder {
  name: string
  /** The words shown instead when there is no answer (piping only). */
  fallback?: string
}

/** The placeholders of a text, in order; `withFallback: false` reads `{a|b}` as the name "a|b". */
export function placeholdersIn(text: string, { withFallback = true }: { withFallback?: boolean } = {}): Placeholder[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => {
    if (!withFallback) return { name: m[1] }
    const bar = m[1].indexOf('|')
    return bar < 0 ? { name: m[1] } : { name: m[1].slice(0, bar), fallback: m[1].slice(bar + 1) }
  })
}

/** The text with each placeholder replaced by what `value` gives for it (left as typed when nothing). */
export function fillPlaceholders(text: string, value: (placeholder: Placeholder) => string | undefined): string {
  return text.replace(PLACEHOLDER, (whole, name: string, fallback: string | undefined) => value({ name, fallback }) ?? whole)
}

/** Each language's text of a Text, English first. */
export function textsByLanguage(text: Text): [Language, string][] {
  return typeof text === 'string' ? [['en', text]] : (Object.entries(text) as [Language, string][])
}

export interface LanguageMismatch {
  name: string
  /** missing: the English has it and the Welsh does not; extra: the Welsh has it and the English does not. */
  kind: 'missing' | 'extra'
}

/**
 * Where the Welsh names other things than the English: a placeholder one language leaves out
 * says something different in the other. `counts` limits the comparison to names that matter.
 */
export function languageMismatches(text: Text, options: { withFallback?: boolean; counts?: (name: string) => boolean } = {}): LanguageMismatch[] {
  const texts = new Map(textsByLanguage(text))
  const en = texts.get('en')
  const cy = texts.get('cy')
  if (en === undefined || cy === undefined) return []
  const counts = options.counts ?? (() => true)
  const names = (s: string) => new Set(placeholdersIn(s, options).map((p) => p.name))
  const inEnglish = names(en)
  const inWelsh = names(cy)
  return [
    ...[...inEnglish].filter((n) => !inWelsh.has(n) && counts(n)).map((name) => ({ name, kind: 'missing' as const })),
    ...[...inWelsh].filter((n) => !inEnglish.has(n) && counts(n)).map((name) => ({ name, kind: 'extra' as const })),
  ]
}

/** The validator's words for a mismatch, `what` being what placeholders name there ("answers"). */
export function mismatchMessage(mismatch: LanguageMismatch, what: string): string {
  return mismatch.kind === 'missing'
    ? `has no {${mismatch.name}}, which the English text has: the Welsh must name the same ${what}`
    : `names {${mismatch.name}}, which the English text does not: the Welsh must name the same ${what}`
}
