// Turns one page's form fields into answers, checking them against the definition: required
// answers, option codes, number ranges, real dates, text lengths, "other, please specify".
// Whatever was typed comes back too, so a page with errors is shown again with nothing lost.
import type { Translate } from '../i18n/catalogue.js'
import { isAnswerable, localize, questionOptions, YES_NO_CODES } from './model.js'
import type { AnswerableQuestion, Language, Question } from './schema.js'
import { numberWithUnit } from './units.js'
import { ENTER_CONTACT_DETAIL, enterNumberError, formatDate, formatNumber, isFutureDate, isMonthPrecision, parseEmail, parseMonth, parseNumber, parsePhone, parsePostcode } from './answer-types.js'

export type Answer = (
  | { code: number; other?: string }
  | { codes: number[]; other?: string }
  | { value: number }
  | { dont_know: true }
  | { value: string }
  | { rows: Record<string, number> }
) & {
  /** Soft checks the respondent confirmed for this answer: check id to the answers' fingerprint (checks.ts). */
  confirmed?: Record<string, string>
}

export type Answers = Record<string, Answer>

export type FormFields = Record<string, string | string[] | undefined>

export interface FieldError {
  questionId: string
  /** The id of the input the error summary links to. */
  fieldId: string
  message: string
}

export const SHORT_TEXT_LIMIT = 500
export const LONG_TEXT_LIMIT = 20000
const OTHER_TEXT_LIMIT = 500

/** Input ids, shared by the views and the error summary so every link lands on its field. */
export const fieldIds = {
  option: (questionId: string, index: number) => `${questionId}-${index}`,
  other: (questionId: string) => `${questionId}__other`,
  input: (questionId: string) => questionId,
  dontKnow: (questionId: string) => `${questionId}__dont_know`,
  day: (questionId: string) => `${questionId}__day`,
  month: (questionId: string) => `${questionId}__month`,
  year: (questionId: string) => `${questionId}__year`,
  gridRow: (questionId: string, rowId: string, index = 0) => `${questionId}__${rowId}-${index}`,
}

export const fieldNames = {
  other: (questionId: string) => `${questionId}__other`,
  dontKnow: (questionId: string) => `${questionId}__dont_know`,
  day: (questionId: string) => `${questionId}__day`,
  month: (questionId: string) => `${questionId}__month`,
  year: (questionId: string) => `${questionId}__year`,
  gridRow: (questionId: string, rowId: string) => `${questionId}__${rowId}`,
}

function first(value: string | string[] | undefined): string {
  if (Array.isArray(value)) return value[0] ?? ''
  return value ?? ''
}

function all(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

export function isRequired(question: AnswerableQuestion): boolean {
  return question.required !== false
}

export interface ParsedPage {
  answers: Answers
  /** Questions on the page left unanswered (optional ones), so a saved answer can be cleared. */
  cleared: string[]
  errors: FieldError[]
  /** What was typed, by field name, to show again with the errors. */
  values: FormFields
}

export interface ParseOptions {
  /** "Save and come back later": unanswered required questions are not errors yet. */
  partial?: boolean
}

export function parsePage(questions: Question[], form: FormFields, t: Translate, language: Language, options: ParseOptions = {}): ParsedPage {
  const answers: Answers = {}
  const cleared: string[] = []
  const errors: FieldError[] = []
  const values: FormFields = {}
  for (const question of questions) {
    if (!isAnswerable(question)) continue
    if (question.follow_up_of && !optionChosen(answers[question.follow_up_of.question], question.follow_up_of.option)) {
      // Not asked: what was typed is kept to show again, but it is neither an answer nor an error.
      parseQuestion(question, form, t, language, values, true)
      cleared.push(question.id)
      continue
    }
    const result = parseQuestion(question, form, t, language, values, options.partial === true)
    errors.push(...result.errors)
    if (result.answer) answers[question.id] = result.answer
    else if (result.errors.length === 0) cleared.push(question.id)
  }
  return { answers, cleared, errors, values }
}

/** Whether an answer includes the option a follow-up hangs on (yes/no by name or any code). */
export function optionChosen(answer: Answer | undefined, option: number | string): boolean {
  if (!answer) return false
  const code = typeof option === 'number' ? option : YES_NO_CODES[option as keyof typeof YES_NO_CODES]
  if ('code' in answer) return answer.code === code
  if ('codes' in answer) return answer.codes.includes(code)
  return false
}

function parseQuestion(
  question: AnswerableQuestion,
  form: FormFields,
  t: Translate,
  language: Language,
  values: FormFields,
  partial = false,
): { answer?: Answer; errors: FieldError[] } {
  const id = question.id
  const errors: FieldError[] = []
  const fail = (fieldId: string, key: string, params?: Record<string, string | number>) => {
    errors.push({ questionId: id, fieldId, message: t(key, params) })
    return { errors }
  }
  const required = isRequired(question) && !partial
  switch (question.type) {
    case 'single_choice':
    case 'yes_no': {
      const raw = first(form[id]).trim()
      values[id] = raw
      const options = questionOptions(question)
      const otherRaw = first(form[fieldNames.other(id)])
      values[fieldNames.other(id)] = otherRaw
      if (raw === '') return required ? fail(fieldIds.option(id, 0), 'error.select_one') : { errors }
      const option = options.find((o) => String(o.code) === raw)
      if (!option) return fail(fieldIds.option(id, 0), 'error.invalid_option')
      if (option.other) {
        const other = otherRaw.trim()
        if (other === '') return fail(fieldIds.other(id), 'error.other_required')
        if (other.length > OTHER_TEXT_LIMIT) return fail(fieldIds.other(id), 'error.too_long', { count: OTHER_TEXT_LIMIT })
        return { answer: { code: option.code, other }, errors }
      }
      return { answer: { code: option.code }, errors }
    }
    case 'multiple_choice': {
      const raws = all(form[id]).map((v) => v.trim()).filter((v) => v !== '')
      values[id] = raws
      const otherRaw = first(form[fieldNames.other(id)])
      values[fieldNames.other(id)] = otherRaw
      if (raws.length === 0) return required ? fail(fieldIds.option(id, 0), 'error.select_at_least_one') : { errors }
      const chosen = question.options.filter((o) => raws.includes(String(o.code)))
      if (chosen.length !== new Set(raws).size) return fail(fieldIds.option(id, 0), 'error.invalid_option')
      const exclusive = chosen.find((o) => o.exclusive || o.special)
      if (exclusive && chosen.length > 1) {
        return fail(fieldIds.option(id, 0), 'error.exclusive', { option: localize(exclusive.label, language) })
      }
      // "None of these" on its own is a whole answer, whatever the least number of ticks.
      if (!exclusive && question.min_selected !== undefined && chosen.length < question.min_selected) return fail(fieldIds.option(id, 0), 'error.select_at_least', { count: question.min_selected })
      if (question.max_selected !== undefined && chosen.length > question.max_selected) return fail(fieldIds.option(id, 0), 'error.select_at_most', { count: question.max_selected })
      const answer: { codes: number[]; other?: string } = { codes: chosen.map((o) => o.code) }
      if (chosen.some((o) => o.other)) {
        const other = otherRaw.trim()
        if (other === '') return fail(fieldIds.other(id), 'error.other_required')
        if (other.length > OTHER_TEXT_LIMIT) return fail(fieldIds.other(id), 'error.too_long', { count: OTHER_TEXT_LIMIT })
        answer.other = other
      }
      return { answer, errors }
    }
    case 'number': {
      const raw = first(form[id])
      const dontKnow = question.dont_know === true && first(form[fieldNames.dontKnow(id)]) === 'yes'
      values[id] = raw
      values[fieldNames.dontKnow(id)] = dontKnow ? 'yes' : ''
      const cleaned = raw.replace(/[\s,]/g, '')
      if (dontKnow && cleaned !== '') return fail(fieldIds.input(id), 'error.number_or_dont_know')
      if (dontKnow) return { answer: { dont_know: true }, errors }
      if (cleaned === '') return required ? fail(fieldIds.input(id), enterNumberError(question)) : { errors }
      const parsed = parseNumber(raw, question, language)
      if ('error' in parsed) return fail(fieldIds.input(id), parsed.error, parsed.params)
      return { answer: { value: parsed.value }, errors }
    }
    case 'date': {
      if (isMonthPrecision(question)) {
        const month = first(form[fieldNames.month(id)]).trim()
        const year = first(form[fieldNames.year(id)]).trim()
        values[fieldNames.month(id)] = month
        values[fieldNames.year(id)] = year
        if (!month && !year) return required ? fail(fieldIds.month(id), 'error.enter_month') : { errors }
        if (!month) return fail(fieldIds.month(id), 'error.month_needs_month')
        if (!year) return fail(fieldIds.year(id), 'error.month_needs_year')
        const parsed = parseMonth(month, year, question)
        if ('error' in parsed) return fail(fieldIds.month(id), parsed.error)
        return { answer: { value: parsed.value }, errors }
      }
      const day = first(form[fieldNames.day(id)]).trim()
      const month = first(form[fieldNames.month(id)]).trim()
      const year = first(form[fieldNames.year(id)]).trim()
      values[fieldNames.day(id)] = day
      values[fieldNames.month(id)] = month
      values[fieldNames.year(id)] = year
      if (!day && !month && !year) return required ? fail(fieldIds.day(id), 'error.enter_date') : { errors }
      const missing = !day ? fieldIds.day(id) : !month ? fieldIds.month(id) : !year ? fieldIds.year(id) : undefined
      if (missing) return fail(missing, 'error.date_incomplete')
      if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return fail(fieldIds.day(id), 'error.real_date')
      const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
      if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) {
        return fail(fieldIds.day(id), 'error.real_date')
      }
      if (Number(year) < 1900 || Number(year) > 2100) return fail(fieldIds.year(id), 'error.real_date')
      const iso = date.toISOString().slice(0, 10)
      if (question.not_future && isFutureDate(iso)) return fail(fieldIds.day(id), 'error.date_not_future')
      return { answer: { value: iso }, errors }
    }
    case 'email':
    case 'phone':
    case 'postcode': {
      const raw = first(form[id])
      values[id] = raw
      if (raw.trim() === '') return required ? fail(fieldIds.input(id), ENTER_CONTACT_DETAIL[question.type]) : { errors }
      const parsed = question.type === 'email' ? parseEmail(raw) : question.type === 'phone' ? parsePhone(raw) : parsePostcode(raw)
      if ('error' in parsed) return fail(fieldIds.input(id), parsed.error)
      return { answer: { value: parsed.value }, errors }
    }
    case 'short_text':
    case 'long_text': {
      const raw = first(form[id])
      values[id] = raw
      // Browsers send CRLF for textarea line breaks; store one form so lengths and exports agree.
      const text = raw.replace(/\r\n?/g, '\n').trim()
      const limit = question.max_length ?? (question.type === 'short_text' ? SHORT_TEXT_LIMIT : LONG_TEXT_LIMIT)
      if (text === '') return required ? fail(fieldIds.input(id), 'error.enter_text') : { errors }
      if (text.length > limit) return fail(fieldIds.input(id), 'error.too_long', { count: limit })
      return { answer: { value: text }, errors }
    }
    case 'grid': {
      const rows: Record<string, number> = {}
      question.rows.forEach((row) => {
        const name = fieldNames.gridRow(id, row.id)
        const raw = first(form[name]).trim()
        values[name] = raw
        if (raw === '') {
          if (required) errors.push({ questionId: id, fieldId: fieldIds.gridRow(id, row.id), message: t('error.grid_row', { row: localize(row.text, language) }) })
          return
        }
        const option = question.options.find((o) => String(o.code) === raw)
        if (!option) errors.push({ questionId: id, fieldId: fieldIds.gridRow(id, row.id), message: t('error.invalid_option') })
        else rows[row.id] = option.code
      })
      if (errors.length) return { errors }
      return Object.keys(rows).length ? { answer: { rows }, errors } : { errors }
    }
  }
}

/** Form field values that show a saved answer again (the inverse of parsing). */
export function answerToFields(question: AnswerableQuestion, answer: Answer | undefined): FormFields {
  const id = question.id
  if (!answer) return {}
  if ('code' in answer) return { [id]: String(answer.code), [fieldNames.other(id)]: answer.other ?? '' }
  if ('codes' in answer) return { [id]: answer.codes.map(String), [fieldNames.other(id)]: answer.other ?? '' }
  if ('dont_know' in answer) return { [fieldNames.dontKnow(id)]: 'yes' }
  if ('rows' in answer) return Object.fromEntries(Object.entries(answer.rows).map(([row, code]) => [fieldNames.gridRow(id, row), String(code)]))
  if (question.type === 'date' && typeof answer.value === 'string') {
    const [year, month, day] = answer.value.split('-')
    if (day === undefined) return { [fieldNames.month(id)]: String(Number(month)), [fieldNames.year(id)]: year }
    return { [fieldNames.day(id)]: String(Number(day)), [fieldNames.month(id)]: String(Number(month)), [fieldNames.year(id)]: year }
  }
  return { [id]: String(answer.value) }
}

/** An answer as the respondent would read it back, one line per part. */
export function describeAnswer(question: AnswerableQuestion, answer: Answer | undefined, t: Translate, language: Language): string[] {
  if (!answer) return [t('answer.not_answered')]
  const label = (code: number) => localize(questionOptions(question).find((o) => o.code === code)?.label, language) || String(code)
  if ('code' in answer) return [answer.other ? `${label(answer.code)}: ${answer.other}` : label(answer.code)]
  if ('codes' in answer) return answer.codes.map((c) => (answer.other && question.type === 'multiple_choice' && question.options.find((o) => o.code === c)?.other ? `${label(c)}: ${answer.other}` : label(c)))
  if ('dont_know' in answer) return [t('answer.dont_know')]
  if ('rows' in answer && question.type === 'grid') {
    return question.rows.filter((r) => answer.rows[r.id] !== undefined).map((r) => `${localize(r.text, language)}: ${label(answer.rows[r.id])}`)
  }
  if ('value' in answer) {
    if (question.type === 'number' && typeof answer.value === 'number') {
      return [question.format || question.decimals ? formatNumber(answer.value, question, language) : numberWithUnit(answer.value, question.unit, language)]
    }
    if (question.type === 'date' && typeof answer.value === 'string') return [formatDate(answer.value, t)]
    return String(answer.value).split('\n')
  }
  return []
}

/** Whether a required question has its full answer (every row of a grid). */
export function isComplete(question: AnswerableQuestion, answer: Answer | undefined): boolean {
  if (!answer) return false
  if (question.type === 'grid') return 'rows' in answer && question.rows.every((r) => answer.rows[r.id] !== undefined)
  return true
}

/** Drops anything in a stored or posted answer set that does not fit the definition. */
export function sanitizeAnswers(questions: ReadonlyMap<string, Question>, input: unknown): Answers {
  const clean: Answers = {}
  if (!input || typeof input !== 'object' || Array.isArray(input)) return clean
  for (const [id, value] of Object.entries(input as Record<string, unknown>)) {
    const question = questions.get(id)
    if (!question || !isAnswerable(question) || !value || typeof value !== 'object') continue
    const fields = answerToFields(question, value as Answer)
    const parsed = parseQuestion(question, fields, () => '', 'en', {}, true)
    if (!parsed.answer || parsed.errors.length > 0) continue
    const confirmed = (value as { confirmed?: unknown }).confirmed
    const kept = confirmed && typeof confirmed === 'object' && !Array.isArray(confirmed) ? Object.fromEntries(Object.entries(confirmed).filter(([k, v]) => typeof v === 'string' && /^[a-z0-9_]{1,24}$/.test(k))) : {}
    clean[id] = Object.keys(kept).length ? { ...parsed.answer, confirmed: kept as Record<string, string> } : parsed.answer
  }
  return clean
}
