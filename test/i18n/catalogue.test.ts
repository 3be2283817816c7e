// Every interface string exists in English and in Welsh, and templates use only the catalogue.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { messages, translator } from '../../src/i18n/catalogue.js'

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path, ext) : path.endsWith(ext) ? [path] : []
  })
}

// The research team's pages (admin.*) are in English only for now; everything a respondent
// sees, errors and e-mails included, must be in both.
t.test('English and Welsh catalogues have the same keys (but the team-only admin ones), none empty', async (t) => {
  t.same(Object.keys(messages.cy).sort(), Object.keys(messages.en).filter((k) => !k.startsWith('admin.')).sort())
  for (const [language, catalogue] of Object.entries(messages)) {
    for (const [key, value] of Object.entries(catalogue)) if (!value.trim()) t.fail(`${language} ${key} is empty`)
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join()
    for (const key of Object.keys(catalogue)) t.equal(placeholders(catalogue[key]), placeholders(messages.en[key]), `${language} ${key} has the same placeholders`)
    if (language === 'cy') t.notOk(Object.keys(catalogue).some((k) => k.startsWith('admin.')), 'no stray admin keys in Welsh')
  }
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
