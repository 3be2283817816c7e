// The answer types that check and tidy what people type: numbers with decimals, money,
// percentages, months, dates not in the future, e-mail addresses, UK telephone numbers and
// postcodes. Each accepts the forms people really type ("£1,234.50", "12.5%", " sw1a 1aa ",
// "+44 7700 900982") and keeps one standard form, so exports and statistics agree.
import { ukToday } from '../i18n/uk-dates.js'
import type { Translate } from '../i18n/catalogue.js'
import type { Language, Question } from './schema.js'

type NumberQuestion = Extract<Question, { type: 'number' }>
type DateQuestion = Extract<Question, { type: 'date' }>

/** A problem with what was typed: the catalogue key of its message and the message's values. */
export interface TypedProblem {
  error: string
  params?: Record<string, string | number>
}

export type Parsed<T> = { value: T } | TypedProblem

/** Decimal places a number question accepts: money has pence unless it says otherwise. */
export function decimalsOf(question: NumberQuestion): number {
  return question.decimals ?? (question.format === 'money' ? 2 : 0)
}

/** The range a number question accepts; a percentage is 0 to 100 unless narrowed. */
export function rangeOf(question: NumberQuestion): { min?: number; max?: number } {
  if (question.format === 'percentage') return { min: question.min ?? 0, max: question.max ?? 100 }
  return { min: question.min, max: question.max }
}

const locale = (language: Language) => (language === 'cy' ? 'cy-GB' : 'en-GB')

/** A number as the question shows it: "£1,234.50", "12.5%", "3.25"; whole numbers with separators. */
export function formatNumber(value: number, question: NumberQuestion, language: Language): string {
  const decimals = decimalsOf(question)
  // Money shows its pence always (£12.50, never £12.5); other decimals only as many as given.
  const minimum = question.format === 'money' ? decimals : 0
  const digits = new Intl.NumberFormat(locale(language), { minimumFractionDigits: minimum, maximumFractionDigits: decimals }).format(Math.abs(value))
  const sign = value < 0 ? '-' : ''
  if (question.format === 'money') return `${sign}£${digits}`
  if (question.format === 'percentage') return `${sign}${digits}%`
  return `${sign}${digits}`
}

/** The number typed in a number, money or percentage box, or what is wrong with it. */
export function parseNumber(raw: string, question: NumberQuestion, language: Language): Parsed<number> {
  let cleaned = raw.replace(/[\s,]/g, '')
  if (question.format === 'money') cleaned = cleaned.replace(/^(-?)£/, '$1').replace(/^£/, '')
  if (question.format === 'percentage') cleaned = cleaned.replace(/%$/, '')
  const decimals = decimalsOf(question)
  const shape = question.format === 'money' ? 'error.money_format' : question.format === 'percentage' ? 'error.percentage_format' : decimals > 0 ? 'error.decimal_number' : 'error.whole_number'
  const shapeParams = question.format === 'money' ? { example: decimals > 0 ? '£1,234.50' : '£600' } : { example: decimals > 0 ? '12.5' : '12' }
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(cleaned)) return { error: shape, params: shapeParams }
  const places = cleaned.includes('.') ? cleaned.split('.')[1].length : 0
  if (places > decimals) {
    if (decimals === 0) return { error: shape, params: shapeParams }
    return question.format === 'money' ? { error: 'error.money_pence' } : { error: 'error.too_many_decimals', params: { count: decimals } }
  }
  const value = Number(cleaned)
  if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return { error: shape, params: shapeParams }
  const { min, max } = rangeOf(question)
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    // Whole-number limits read as they always have ("between 0 and 10000"); money and percentages with their signs.
    const shown = (n: number): string | number => (!question.format && Number.isInteger(n) ? n : formatNumber(n, { ...question, decimals: Number.isInteger(n) && question.format !== 'money' ? 0 : decimals }, language))
    const kind = question.format === 'money' ? 'amount' : question.format === 'percentage' ? 'percentage' : 'number'
    if (min !== undefined && max !== undefined) return { error: `error.${kind}_between`, params: { min: shown(min), max: shown(max) } }
    if (min !== undefined) return { error: `error.${kind}_min`, params: { min: shown(min) } }
    return { error: `error.${kind}_max`, params: { max: shown(max!) } }
  }
  return { value }
}

/** The message for an empty number box of this kind. */
export function enterNumberError(question: NumberQuestion): string {
  if (question.format === 'money') return question.dont_know ? 'error.enter_amount_or_dont_know' : 'error.enter_amount'
  if (question.format === 'percentage') return question.dont_know ? 'error.enter_percentage_or_dont_know' : 'error.enter_percentage'
  return question.dont_know ? 'error.enter_number_or_dont_know' : 'error.enter_number'
}

/** A month and year ("2", "2020") as YYYY-MM, or what is wrong with them. */
export function parseMonth(month: string, year: string, question: DateQuestion, today = ukToday()): Parsed<string> {
  if (!/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year) || Number(month) < 1 || Number(month) > 12) return { error: 'error.real_month' }
  if (Number(year) < 1900 || Number(year) > 2100) return { error: 'error.real_month' }
  if (question.not_future && Number(year) * 12 + Number(month) > today.year * 12 + today.month) return { error: 'error.month_not_future' }
  return { value: `${year}-${month.padStart(2, '0')}` }
}

/** Whether a full date (YYYY-MM-DD) is after today's date on UK clocks. */
export function isFutureDate(iso: string, today = ukToday()): boolean {
  const todayIso = `${today.year}-${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`
  return iso > todayIso
}

export const isMonthPrecision = (question: DateQuestion) => question.precision === 'month'

/** A stored date as people read it: "27 March 2020", or "February 2020" for a month. */
export function formatDate(value: string, t: Translate): string {
  const [y, m, d] = value.split('-').map(Number)
  return d === undefined || Number.isNaN(d) ? `${t(`month.${m}`)} ${y}` : `${d} ${t(`month.${m}`)} ${y}`
}

// Deliberately plain: one @, something before it, a domain with a dot, no spaces. Whether the
// address exists is not ours to know; the common typos (a space, a missing @ or dot) are.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/

export function parseEmail(raw: string): Parsed<string> {
  const value = raw.trim()
  if (!EMAIL.test(value) || value.length > 320 || value.includes('..')) return { error: 'error.email_format' }
  return { value }
}

/**
 * A UK telephone number in one standard form: +44 or 0044 becomes 0, spaces, dashes, dots and
 * brackets go, and the digits are grouped as people write them ("020 7946 0000",
 * "07700 900982", "01632 960001").
 */
export function parsePhone(raw: string): Parsed<string> {
  let digits = raw.trim().replace(/[\s\-.()]/g, '')
  if (digits.startsWith('+44')) digits = `0${digits.slice(3).replace(/^0/, '')}`
  else if (digits.startsWith('0044')) digits = `0${digits.slice(4).replace(/^0/, '')}`
  if (!/^0\d{9,10}$/.test(digits)) return { error: 'error.phone_format' }
  if (digits.length === 11 && digits.startsWith('02')) return { value: `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}` }
  if (digits.length === 11) return { value: `${digits.slice(0, 5)} ${digits.slice(5)}` }
  return { value: `${digits.slice(0, 5)} ${digits.slice(5)}` }
}

// The shapes of a UK postcode's outward code (A9, A99, AA9, AA99, A9A, AA9A) and inward code (9AA).
const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/

/** A UK postcode in capitals with one space before the last three characters: " sw1a 1aa " is "SW1A 1AA". */
export function parsePostcode(raw: string): Parsed<string> {
  const compact = raw.toUpperCase().replace(/\s+/g, '')
  const match = POSTCODE.exec(compact)
  if (!match) return { error: 'error.postcode_format' }
  return { value: `${match[1]} ${match[2]}` }
}

/** The catalogue key of the message for an empty box of a contact-detail type. */
export const ENTER_CONTACT_DETAIL: Record<'email' | 'phone' | 'postcode', string> = {
  email: 'error.enter_email',
  phone: 'error.enter_phone',
  postcode: 'error.enter_postcode',
}

export const CONTACT_DETAIL_TYPES: ReadonlySet<string> = new Set(['email', 'phone', 'postcode'])

/** What the input box of a type says to browsers and phones: the keyboard, and what to fill in. */
export function inputHints(question: Question): { inputmode?: string; autocomplete?: string; type: string; prefix?: string; suffix?: string; spellcheck?: boolean } {
  switch (question.type) {
    case 'email':
      return { type: 'email', autocomplete: 'email', spellcheck: false }
    case 'phone':
      return { type: 'tel', autocomplete: 'tel', spellcheck: false }
    case 'postcode':
      return { type: 'text', autocomplete: 'postal-code', spellcheck: false }
    case 'number': {
      const decimals = decimalsOf(question) > 0
      return { type: 'text', inputmode: decimals ? 'decimal' : 'numeric', spellcheck: false, prefix: question.format === 'money' ? '£' : undefined, suffix: question.format === 'percentage' ? '%' : undefined }
    }
    default:
      return { type: 'text' }
  }
}
