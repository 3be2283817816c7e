// The content hash a wave's lock holds. It must change with any change of meaning and with
// nothing else: comments, layout, key order and quoting style are gone once the file is parsed,
// and a default written out (required: true, languages: [en], max_length: 500) or English text
// written as { en: … } means what leaving it out means, so both are brought to one form first.
import { createHash } from 'node:crypto'
import { LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT } from './answers.js'
import type { Definition, Lineage, Question, Text } from './schema.js'

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const DEFAULT_MAX_LENGTH: Partial<Record<Question['type'], number>> = { short_text: SHORT_TEXT_LIMIT, long_text: LONG_TEXT_LIMIT }

/** English alone, as { en: … }, is the plain string it would otherwise be. */
function plainText<T extends Text | Record<string, unknown> | undefined>(text: T): T | string {
  if (text && typeof text === 'object' && Object.keys(text).length === 1 && typeof (text as Record<string, unknown>).en === 'string') return (text as { en: string }).en
  return text
}

function withoutFalse<T extends object>(value: T, keys: string[]): T {
  const out = { ...value } as Record<string, unknown>
  for (const key of keys) if (out[key] === false) delete out[key]
  return out as T
}

function lineageMeaning(lineage: Lineage | undefined): Lineage | undefined {
  if (!lineage) return undefined
  const out = withoutFalse(lineage, ['added', 'reworded'])
  // comparable defaults to true for a continued question, false for a split or merged one, and
  // an added question has nothing to compare with.
  const comparableByDefault = !(out.split_from || out.merged_from || out.added)
  if (out.comparable === comparableByDefault || (out.added && out.comparable === false)) delete out.comparable
  if (out.note === '') delete out.note
  return Object.keys(out).length ? out : undefined
}

/** A question in one form for each meaning: defaults written out or left out, English as a plain string. */
export function questionMeaning(question: Question): Record<string, unknown> {
  const q = { ...question, text: plainText(question.text) } as Record<string, unknown>
  if (q.hint !== undefined) q.hint = plainText(q.hint as Text)
  if (q.required === true) delete q.required
  if (q.max_length !== undefined && q.max_length === DEFAULT_MAX_LENGTH[question.type]) delete q.max_length
  for (const key of ['dont_know', 'not_applicable', 'not_future']) if (q[key] === false) delete q[key]
  // The answer types' defaults (answer-types.ts): whole numbers, pence for money, a full date.
  if (question.type === 'number' && q.decimals === (question.format === 'money' ? 2 : 0)) delete q.decimals
  if (q.precision === 'day') delete q.precision
  if (q.unit !== undefined) q.unit = plainText(q.unit as Record<string, unknown>)
  if ('lineage' in q) q.lineage = lineageMeaning(q.lineage as Lineage | undefined)
  if (Array.isArray(q.options)) q.options = (q.options as Record<string, unknown>[]).map((o) => ({ ...withoutFalse(o, ['other', 'exclusive']), label: plainText(o.label as Text) }))
  if (Array.isArray(q.rows)) q.rows = (q.rows as { id: string; text: Text }[]).map((r) => ({ ...r, text: plainText(r.text) }))
  return q
}

/** The definition in one form for each meaning: what the content hash is taken of. */
function meaningOf(definition: Definition): unknown {
  const { $schema: _editorHint, ...content } = definition
  const root = { ...content, title: plainText(content.title), intro: plainText(content.intro) } as Record<string, unknown>
  if (canonicalJson(root.languages) === '["en"]') delete root.languages
  if (Array.isArray(root.dropped) && root.dropped.length === 0) delete root.dropped
  if (root.editorial === false) delete root.editorial
  root.sections = content.sections.map((section) => ({
    ...section,
    title: plainText(section.title),
    intro: plainText(section.intro),
    repeat: section.repeat && {
      ...section.repeat,
      items: plainText(section.repeat.items as Record<string, unknown>),
      add_item: plainText(section.repeat.add_item),
      add_another: plainText(section.repeat.add_another),
      lineage: lineageMeaning(section.repeat.lineage),
      min_items: section.repeat.min_items || undefined,
    },
    pages: section.pages.map((page) => ({
      ...page,
      title: plainText(page.title),
      intro: plainText(page.intro),
      questions: page.questions.map(questionMeaning),
      checks: page.checks?.map((check) => ({ ...withoutFalse(check as { soft?: boolean }, ['soft']), message: plainText(check.message) })),
    })),
  }))
  return root
}

export function contentHashOf(definition: Definition): string {
  return createHash('sha256').update(canonicalJson(meaningOf(definition))).digest('hex')
}
