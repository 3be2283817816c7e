// Every interface string exists in English and in Welsh, and templates use only the catalogue.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { messages, translator, type Message } from '../../src/i18n/catalogue.js'
import { pluralCategory } from '../../src/i18n/plural.js'

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path, ext) : path.endsWith(ext) ? [path] : []
  })
}

// A message is text, or plural forms by category (see src/i18n/catalogue.ts).
const forms = (message: Message): string[] => (typeof message === 'string' ? [message] : Object.values(message))
const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join()

// The research team's pages (admin.*, and the audit log's sentences, audit.*) are in English only
// for now; everything a respondent sees, errors and e-mails included, must be in both.
const teamOnly = (key: string) => key.startsWith('admin.') || key.startsWith('audit.')
t.test('English and Welsh catalogues have the same keys (but the team-only admin and audit ones), none empty', async (t) => {
  t.same(Object.keys(messages.cy).sort(), Object.keys(messages.en).filter((k) => !teamOnly(k)).sort())
  for (const [language, catalogue] of Object.entries(messages)) {
    for (const [key, value] of Object.entries(catalogue)) for (const form of forms(value)) if (!form.trim()) t.fail(`${language} ${key} is empty`)
    // Every form of a plural message fills the same placeholders as English, so no form drops the number.
    for (const key of Object.keys(catalogue)) {
      const english = placeholders(forms(messages.en[key]).at(-1)!)
      for (const form of forms(catalogue[key])) t.equal(placeholders(form), english, `${language} ${key} has the same placeholders`)
    }
    if (language === 'cy') t.notOk(Object.keys(catalogue).some(teamOnly), 'no stray admin or audit keys in Welsh')
  }
})

// Written out from CLDR's rules rather than asked of Intl, so a wrong rule table would show.
const CATEGORIES = { en: ['one', 'other'], cy: ['zero', 'one', 'two', 'few', 'many', 'other'] }

t.test('every plural message has every form its language needs, and no others', async (t) => {
  let plurals = 0
  for (const [language, catalogue] of Object.entries(messages) as [keyof typeof CATEGORIES, Record<string, Message>][]) {
    for (const [key, message] of Object.entries(catalogue)) {
      if (typeof message === 'string') continue
      plurals++
      t.same(Object.keys(message).sort(), [...CATEGORIES[language]].sort(), `${language} ${key} has the forms ${CATEGORIES[language].join(', ')}`)
      if (language === 'cy') t.not(typeof messages.en[key], 'string', `${key} counts in English too`)
    }
    for (const key of Object.keys(catalogue)) {
      if (language === 'cy' && typeof messages.en[key] !== 'string') t.not(typeof catalogue[key], 'string', `${key} counts in Welsh too`)
    }
  }
  t.ok(plurals >= 5, `found ${plurals} plural messages`)
})

t.test('the plural form follows the language: Welsh has six, English two', async (t) => {
  const cy = translator('cy')
  const en = translator('en')
  t.same([0, 1, 2, 3, 4, 6, 11, 13, 100].map((n) => pluralCategory('cy', n)), ['zero', 'one', 'two', 'few', 'other', 'many', 'other', 'other', 'other'])
  t.same([0, 1, 2, 3].map((n) => pluralCategory('en', n)), ['other', 'one', 'other', 'other'])
  t.same([1, 2, 3, 6, 7].map((count) => cy('preview.page_count', { count })), ['1 dudalen', '2 dudalen', '3 tudalen', '6 thudalen', '7 tudalen'], 'tudalen mutates after un, dwy and chwe')
  t.same([1, 2, 3, 6, 20].map((count) => cy('preview.question_count', { count })), ['1 cwestiwn.', '2 gwestiwn.', '3 chwestiwn.', '6 chwestiwn.', '20 cwestiwn.'])
  t.same([0, 1, 2].map((count) => en('preview.page_count', { count })), ['0 pages', '1 page', '2 pages'])
  t.equal(en('respond.progress', { done: 0, count: 1 }), 'You have completed 0 of 1 section')
  t.equal(en('respond.progress', { done: 1, count: 5 }), 'You have completed 1 of 5 sections')
  t.throws(() => en('preview.page_count'), /give it a number as \{count\}/, 'a plural message without its number is a mistake, not "other"')
  t.throws(() => en('preview.page_count', { count: '3' }), /give it a number/)
})

t.test('every message key used in templates and code is in the catalogue', async (t) => {
  const used = new Set<string>()
  for (const file of [...files('views', '.eta'), ...files('src', '.ts')]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\b(?:t|fail)\([^'`)]*'([a-z_]+(?:\.[a-z0-9_]+)+)'\s*[,)]/g)) used.add(match[1])
  }
  t.ok(used.size > 50, `found ${used.size} keys in use`)
  for (const key of used) t.ok(key in messages.en, `${key} is in the catalogue`)
})

t.test('templates hold no English sentences of their own', async (t) => {
  for (const file of files('views', '.eta')) {
    const text = readFileSync(file, 'utf8')
      .replace(/<%[\s\S]*?%>/g, '')
      .replace(/<[^>]+>/g, ' ')
    const words = text.match(/[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}/g) ?? []
    t.same(words, [], `${file} has no hard-coded wording`)
  }
})

t.test('a missing key is an error, not a blank on the page', async (t) => {
  t.throws(() => translator('cy')('no.such.key'), /No message "no.such.key"/)
  t.equal(translator('cy')('error.number_between', { min: 1, max: 9 }), 'Rhowch rif rhwng 1 a 9')
})
