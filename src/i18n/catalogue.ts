// Every interface string lives in one catalogue per language (en.json, cy.json), never in
// templates, so a Welsh-speaking respondent sees Welsh throughout.
import { readFileSync } from 'node:fs'
import type { Language } from '../questionnaire/schema.js'

type Catalogue = Record<string, string>

function load(language: Language): Catalogue {
  return JSON.parse(readFileSync(new URL(`./${language}.json`, import.meta.url), 'utf8')) as Catalogue
}

export const messages: Record<Language, Catalogue> = { en: load('en'), cy: load('cy') }

export type Translate = (key: string, params?: Record<string, string | number>) => string

const translators = new Map<Language, Translate>()

export function translator(language: Language): Translate {
  let t = translators.get(language)
  if (!t) {
    // Pages call this dozens of times each: most messages have no placeholders to fill.
    t = (key, params) => {
      const template = messages[language][key] ?? messages.en[key]
      if (template === undefined) throw new Error(`No message "${key}" in the ${language} catalogue`)
      if (!params || !template.includes('{')) return template
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
    }
    translators.set(language, t)
  }
  return t
}
