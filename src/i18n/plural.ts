// Which form a noun takes after a number is the language's rule, not ours: English has two
// forms (one, other), Welsh six (zero, one, two, few, many, other: 0 carchardai, 1 carchar,
// 2 garchar, 3 charchar, 6 charchar). The rules come from the Unicode CLDR through Intl, so
// "1 prisons" and "3 carchar" cannot be produced by a hand-written `n === 1`.
import type { Language } from '../questionnaire/schema.js'

export type PluralCategory = Intl.LDMLPluralRule

/** The forms of one message or unit, by plural category; `other` is always there. */
export type PluralForms = Partial<Record<PluralCategory, string>> & { other: string }

// CLDR's order, so lists of forms read the same way in every message and error.
export const PLURAL_CATEGORIES: readonly PluralCategory[] = ['zero', 'one', 'two', 'few', 'many', 'other']

const rules = new Map<Language, Intl.PluralRules>()

function rulesOf(language: Language): Intl.PluralRules {
  let r = rules.get(language)
  if (!r) {
    r = new Intl.PluralRules(language)
    rules.set(language, r)
  }
  return r
}

/** The categories a language distinguishes, each of which a set of plural forms must give. */
export function pluralCategories(language: Language): PluralCategory[] {
  const used = new Set(rulesOf(language).resolvedOptions().pluralCategories)
  return PLURAL_CATEGORIES.filter((c) => used.has(c))
}

export function pluralCategory(language: Language, count: number): PluralCategory {
  return rulesOf(language).select(count)
}

export function isPluralForms(value: unknown): value is PluralForms {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>).other === 'string'
}

/** The form for `count` in `language`; `other` where a form is missing (checked elsewhere). */
export function pluralForm(forms: PluralForms, language: Language, count: number): string {
  return forms[pluralCategory(language, count)] ?? forms.other
}
