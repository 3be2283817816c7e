// Every interface string lives in one catalogue per language (en.json, cy.json), never in
// templates, so a Welsh-speaking respondent sees Welsh throughout.
//
// A message that counts something is an object of plural forms instead of a string, chosen by
// the `count` parameter with the language's own rules:
//   "preview.page_count": { "one": "{count} page", "other": "{count} pages" }
// so nobody writes "page(s)" or picks a form with `count === 1` (wrong for Welsh).
import { readFileSync } from 'node:fs'
import { projectPath } from '../project-root.js'
import type { Language } from '../questionnaire/schema.js'
import { isPluralForms, pluralForm, type PluralForms } from './plural.js'

export type Message = string | PluralForms
type Catalogue = Record<string, Message>

function load(language: Language): Catalogue {
  return JSON.parse(readFileSync(projectPath('src', 'i18n', `${language}.json`), 'utf8')) as Catalogue
}

export const messages: Record<Language, Catalogue> = { en: load('en'), cy: load('cy') }

export type Translate = (key: string, params?: Record<string, string | number>) => string

const translators = new Map<Language, Translate>()

export function translator(language: Language): Translate {
  let t = translators.get(language)
  if (!t) {
    // Pages call this dozens of times each: most messages have no placeholders to fill.
    t = (key, params) => {
      const own = messages[language][key]
      // A message missing in Welsh falls back to English, and then English rules pick its form.
      const from: Language = own === undefined ? 'en' : language
      const message = own ?? messages.en[key]
      if (message === undefined) throw new Error(`No message "${key}" in the ${language} catalogue`)
      const template = typeof message === 'string' ? message : formFor(key, message, from, params)
      if (!params || !template.includes('{')) return template
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
    }
    translators.set(language, t)
  }
  return t
}

function formFor(key: string, message: Message, language: Language, params: Record<string, string | number> | undefined): string {
  if (!isPluralForms(message)) throw new Error(`Message "${key}" in the ${language} catalogue is neither text nor plural forms`)
  const count = params?.count
  // A plural message without its number would silently show the "other" form: refuse instead.
  if (typeof count !== 'number' || !Number.isFinite(count)) throw new Error(`Message "${key}" has plural forms: give it a number as {count}`)
  return pluralForm(message, language, count)
}
