// Every property of a question, in words, for the version page: what the respondent is asked in
// each language, what is accepted (ranges, units, lengths, exclusive options) and the lineage
// (the skip logic is shown beside it, as for sections and pages). The team checks a version here
// before a wave goes out, so nothing is left out.
import { translator } from '../i18n/catalogue.js'
import { isAnswerable, questionOptions, textIn } from '../questionnaire/model.js'
import type { Language, Question, Text, Unit } from '../questionnaire/schema.js'
import { LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT } from '../questionnaire/answers.js'
import { decimalsOf } from '../questionnaire/answer-types.js'

export interface Property {
  label: string
  /** Each line of the value; `lang` marks Welsh text for screen readers. */
  lines: { text: string; lang?: Language }[]
}

const t = translator('en')

function inLanguages(text: Text | undefined): { text: string; lang?: Language }[] {
  if (text === undefined) return []
  const lines: { text: string; lang?: Language }[] = []
  const english = textIn(text, 'en')
  const welsh = textIn(text, 'cy')
  if (english !== undefined) lines.push({ text: english })
  if (welsh !== undefined) lines.push({ text: welsh, lang: 'cy' })
  return lines
}

function unitLines(unit: Unit): { text: string; lang?: Language }[] {
  if (typeof unit === 'string') return [{ text: unit }]
  return (['en', 'cy'] as const).flatMap((language) => {
    const forms = unit[language]
    if (forms === undefined) return []
    const text = typeof forms === 'string' ? forms : Object.entries(forms).map(([category, form]) => `${category}: ${form}`).join(', ')
    return [{ text, lang: language === 'cy' ? ('cy' as const) : undefined }]
  })
}

export function questionProperties(question: Question): Property[] {
  const properties: Property[] = []
  const add = (key: string, lines: { text: string; lang?: Language }[]) => {
    if (lines.length) properties.push({ label: t(`admin.surveys.property.${key}`), lines })
  }
  const welsh = textIn(question.text, 'cy')
  if (welsh !== undefined) add('welsh', [{ text: welsh, lang: 'cy' }])
  if (!isAnswerable(question)) return properties
  add('hint', inLanguages(question.hint))
  if (question.type === 'number') {
    const range = question.min !== undefined && question.max !== undefined ? t('admin.surveys.range_between', { min: question.min, max: question.max }) : question.min !== undefined ? t('admin.surveys.range_min', { min: question.min }) : question.max !== undefined ? t('admin.surveys.range_max', { max: question.max }) : t('admin.surveys.range_any')
    add('range', [{ text: range }])
    if (question.unit !== undefined) add('unit', unitLines(question.unit))
  }
  if (question.type === 'short_text' || question.type === 'long_text') {
    const limit = question.max_length ?? (question.type === 'short_text' ? SHORT_TEXT_LIMIT : LONG_TEXT_LIMIT)
    add('max_length', [{ text: t(question.max_length === undefined ? 'admin.surveys.max_length_default' : 'admin.surveys.max_length', { count: limit }) }])
  }
  add('answer_format', answerFormat(question).map((key) => ({ text: key })))
  if ((question.type === 'yes_no' || question.type === 'number') && question.dont_know) add('offers', [{ text: t('admin.surveys.offers_dont_know') }])
  if (question.type === 'yes_no' && question.not_applicable) add('offers', [{ text: t('admin.surveys.offers_not_applicable') }])
  const options = questionOptions(question)
  if (options.length) {
    add(
      'options',
      options.flatMap((o) => {
        const flags = [o.special && t(`admin.surveys.flag.${o.special}`), o.other && t('admin.surveys.flag.other'), o.exclusive && t('admin.surveys.flag.exclusive')].filter(Boolean)
        const lines: { text: string; lang?: Language }[] = [{ text: `${o.code} ${textIn(o.label, 'en') ?? ''}${flags.length ? ` (${flags.join('; ')})` : ''}` }]
        const cy = textIn(o.label, 'cy')
        if (cy !== undefined && question.type !== 'yes_no') lines.push({ text: `${o.code} ${cy}`, lang: 'cy' })
        return lines
      }),
    )
  }
  if (question.type === 'grid') add('rows', question.rows.flatMap((r) => inLanguages(r.text).map((line) => ({ ...line, text: `${r.id}: ${line.text}` }))))
  const lineage = question.lineage
  if (lineage) {
    const lines: string[] = []
    if (lineage.added) lines.push(t('admin.surveys.lineage.added'))
    if (lineage.reworded) lines.push(t('admin.surveys.lineage.reworded'))
    if (lineage.split_from) lines.push(t('admin.surveys.lineage.split_from', { from: lineage.split_from }))
    if (lineage.merged_from) lines.push(t('admin.surveys.lineage.merged_from', { from: lineage.merged_from.join(', ') }))
    if (lineage.comparable !== undefined) lines.push(t(lineage.comparable ? 'admin.surveys.lineage.comparable' : 'admin.surveys.lineage.not_comparable'))
    for (const [from, to] of Object.entries(lineage.recode ?? {}))
      lines.push(t('admin.surveys.lineage.recode', { from, to: to === null ? t('admin.surveys.lineage.no_equivalent') : ([] as number[]).concat(to).join(' + ') }))
    if (lineage.note) lines.push(t('admin.changes.note', { note: lineage.note }))
    add('lineage', lines.map((text) => ({ text })))
  }
  return properties
}

/** What the answer types' options accept, in words (answer-types.ts). */
function answerFormat(question: Question): string[] {
  const lines: string[] = []
  if (question.type === 'number') {
    if (question.format) lines.push(t(`admin.surveys.format.${question.format}`))
    const decimals = decimalsOf(question)
    if (decimals > 0) lines.push(t('admin.surveys.decimals', { count: decimals }))
  }
  if (question.type === 'date') {
    if (question.precision === 'month') lines.push(t('admin.surveys.format.month'))
    if (question.not_future) lines.push(t('admin.surveys.format.not_future'))
  }
  if (question.type === 'email' || question.type === 'phone' || question.type === 'postcode') lines.push(t(`admin.surveys.format.${question.type}`))
  if (question.type === 'multiple_choice') {
    if (question.min_selected !== undefined) lines.push(t('admin.surveys.min_selected', { count: question.min_selected }))
    if (question.max_selected !== undefined) lines.push(t('admin.surveys.max_selected', { count: question.max_selected }))
  }
  return lines
}
