// The unit of a number question in a chosen language: after a given number, in the form that
// number takes ("1 buddy", "2 gyfaill"), or on its own as a label (the suffix of the input box,
// codebooks), where the "other" form reads right after whatever number is typed.
import { pluralForm } from '../i18n/plural.js'
import { LANGUAGES, type Language, type Unit, type UnitForms } from './schema.js'

interface UnitIn {
  forms: string | UnitForms
  /** The language the forms are in, whose plural rules pick among them. */
  language: Language
}

function given(unit: Unit, language: Language): UnitIn | undefined {
  if (typeof unit === 'string') return language === 'en' ? { forms: unit, language } : undefined
  const forms = unit[language]
  return forms === undefined ? undefined : { forms, language }
}

// As with question text: the language asked for, else English, else whatever there is.
function resolve(unit: Unit, language: Language): UnitIn | undefined {
  for (const l of [language, 'en', ...LANGUAGES] as Language[]) {
    const found = given(unit, l)
    if (found) return found
  }
  return undefined
}

export function unitLabel(unit: Unit | undefined, language: Language): string {
  const found = unit === undefined ? undefined : resolve(unit, language)
  if (!found) return ''
  return typeof found.forms === 'string' ? found.forms : found.forms.other
}

export function unitAfter(unit: Unit | undefined, count: number, language: Language): string {
  const found = unit === undefined ? undefined : resolve(unit, language)
  if (!found) return ''
  return typeof found.forms === 'string' ? found.forms : pluralForm(found.forms, found.language, count)
}

/** A number as a respondent reads it back: "12 buddies", "3 chyfaill", or the number alone. */
export function numberWithUnit(value: number, unit: Unit | undefined, language: Language): string {
  const after = unitAfter(unit, value, language)
  return after ? `${value} ${after}` : String(value)
}
