// Checks every cell of a past wave's file against the questionnaire version, as the pages check
// a respondent's answers: option codes, number ranges, real dates, text lengths, "please specify",
// options that exclude the others; and the skip logic: a question the answers show must have a
// value (its answer, or a missing-value code), and a question they hide must be blank (an answer
// to it would be dropped on a page, so in a file it is an error to report, not to drop quietly).
// Each row becomes the answers of one organisation; every problem names its row and column.
import type { Variable } from '../analysis/raw-data.js'
import { translator } from '../i18n/catalogue.js'
import type { Answer, Answers } from '../questionnaire/answers.js'
import { LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT } from '../questionnaire/answers.js'
import { decimalsOf, parseEmail, parseMonth, parsePhone, parsePostcode } from '../questionnaire/answer-types.js'
import { exportCode, MISSING_CODES } from '../questionnaire/missing-codes.js'
import { allPages, isAnswerable, localize, placedQuestions, questionOptions } from '../questionnaire/model.js'
import type { AnswerableQuestion, Condition, Definition } from '../questionnaire/schema.js'
import { walkVisible } from '../questionnaire/skip-logic.js'
import { askedWhen, importVariables } from './columns.js'

/** A problem with one cell (or a whole row, named by its code column): shown as "Row 12, column q3: …". */
export interface CellProblem {
  line: number
  column: string
  message: string
}

/** One organisation's row, as read: its code, and its answers and the questions it was asked. */
export interface ImportedRow {
  line: number
  code: string
  answers: Answers
}

const OTHER_TEXT_LIMIT = 500
const NOT_ANSWERED = String(MISSING_CODES.not_answered)
const NA = { na: NOT_ANSWERED }
// The team's pages and the command line are in English; the sentences live in the catalogue.
const t = translator('en')

interface Cell {
  text: string
  column: string
}

interface QuestionReading {
  answer?: Answer
  /** Some cell of the question holds a value: the question was asked. */
  given: boolean
  problems: { column: string; message: string }[]
}

const integer = (text: string) => {
  const cleaned = text.replace(/[\s,]/g, '')
  return /^-?\d+$/.test(cleaned) && Number.isSafeInteger(Number(cleaned)) ? Number(cleaned) : undefined
}

/** A number with up to `places` decimals, as the raw data holds it ("1234.5"). */
function decimal(text: string, places: number): number | undefined {
  const cleaned = text.replace(/[\s,]/g, '')
  if (!/^-?\d+(\.\d+)?$/.test(cleaned) || (cleaned.split('.')[1]?.length ?? 0) > places) return undefined
  return Number(cleaned)
}

const codeList = (codes: number[]) => codes.join(', ')

/** What a question's cells hold: its answer, nothing (blank: not asked; -9: not answered), or problems. */
function readQuestion(q: AnswerableQuestion, vars: Variable[], cells: (v: Variable) => Cell): QuestionReading {
  const problems: QuestionReading['problems'] = []
  const fail = (cell: Cell, message: string): QuestionReading => ({ given: true, problems: [...problems, { column: cell.column, message }] })
  const all = vars.map(cells)
  const given = all.some((c) => c.text !== '')
  if (!given) return { given: false, problems }
  const otherVar = vars.find((v) => v.source?.kind === 'other')
  const other = otherVar ? cells(otherVar) : undefined
  const options = questionOptions(q)
  const allowed = options.map(exportCode)

  /** The "please specify" text: needed with its option, blank without it. */
  const otherText = (chosen: boolean): string | QuestionReading | undefined => {
    if (!other) return undefined
    if (!chosen) return other.text === '' ? undefined : fail(other, t('admin.past_wave.cell.other_not_chosen', { option: localize(options.find((o) => o.other)?.label, 'en') }))
    if (other.text === '' || other.text === NOT_ANSWERED) return fail(other, t('admin.past_wave.cell.other_missing', { option: localize(options.find((o) => o.other)?.label, 'en') }))
    if (other.text.length > OTHER_TEXT_LIMIT) return fail(other, t('admin.past_wave.cell.too_long', { max: OTHER_TEXT_LIMIT }))
    return other.text
  }

  switch (q.type) {
    case 'single_choice':
    case 'yes_no': {
      const cell = cells(vars[0])
      if (cell.text === '') return fail(cell, t('admin.past_wave.cell.blank_with_others', NA))
      const n = integer(cell.text)
      if (n === MISSING_CODES.not_answered) {
        const text = otherText(false)
        return typeof text === 'object' ? text : { given: true, problems }
      }
      const option = n === undefined ? undefined : options.find((o) => exportCode(o) === n)
      if (!option) return fail(cell, t('admin.past_wave.cell.not_a_code', { ...NA, value: cell.text, codes: codeList(allowed) }))
      const text = otherText(option.other === true)
      if (typeof text === 'object') return text
      return { given: true, answer: text === undefined ? { code: option.code } : { code: option.code, other: text }, problems }
    }
    case 'multiple_choice': {
      const flags = vars.filter((v) => v.source?.kind === 'option' || v.source?.kind === 'special')
      const values = flags.map((v) => ({ v, cell: cells(v), n: integer(cells(v).text) }))
      for (const { cell, n } of values) {
        if (cell.text === '') problems.push({ column: cell.column, message: t('admin.past_wave.cell.flag_blank', NA) })
        else if (n === undefined || ![0, 1, ...Object.values(MISSING_CODES)].includes(n)) problems.push({ column: cell.column, message: t('admin.past_wave.cell.not_a_flag', { value: cell.text }) })
      }
      if (problems.length) return { given: true, problems }
      if (values.every((x) => x.n === MISSING_CODES.not_answered)) {
        const text = otherText(false)
        return typeof text === 'object' ? text : { given: true, problems }
      }
      const chosen = values.filter((x) => x.n === 1).map((x) => (x.v.source?.kind === 'special' ? options.find((o) => o.special === (x.v.source as { special: string }).special)! : options.find((o) => o.code === (x.v.source as { code: number }).code)!))
      const alone = chosen.find((o) => o.special)
      // The raw data writes -8 (or -7) in every option's column when "Don't know" (or "Not applicable") was the answer.
      for (const x of values) {
        if (x.n !== 0 && x.n !== 1 && !(alone && x.v.source?.kind === 'option' && x.n === exportCode(alone))) {
          problems.push({ column: x.cell.column, message: t(x.n === MISSING_CODES.not_answered ? 'admin.past_wave.cell.flag_mixed' : 'admin.past_wave.cell.not_a_flag', { ...NA, value: x.cell.text }) })
        }
      }
      if (problems.length) return { given: true, problems }
      if (!chosen.length) return fail(values[0].cell, t('admin.past_wave.cell.none_chosen', NA))
      const exclusive = chosen.find((o) => o.exclusive || o.special)
      if (exclusive && chosen.length > 1) return fail(values[0].cell, t('admin.past_wave.cell.exclusive', { option: localize(exclusive.label, 'en') }))
      const text = otherText(chosen.some((o) => o.other))
      if (typeof text === 'object') return text
      return { given: true, answer: text === undefined ? { codes: chosen.map((o) => o.code) } : { codes: chosen.map((o) => o.code), other: text }, problems }
    }
    case 'grid': {
      const rows: Record<string, number> = {}
      for (const v of vars) {
        const cell = cells(v)
        const n = integer(cell.text)
        if (cell.text === '') problems.push({ column: cell.column, message: t('admin.past_wave.cell.grid_row_blank', NA) })
        else if (n === MISSING_CODES.not_answered) continue
        else {
          const option = n === undefined ? undefined : options.find((o) => exportCode(o) === n)
          if (!option) problems.push({ column: cell.column, message: t('admin.past_wave.cell.not_a_code', { ...NA, value: cell.text, codes: codeList(allowed) }) })
          else rows[(v.source as { rowId: string }).rowId] = option.code
        }
      }
      if (problems.length) return { given: true, problems }
      return Object.keys(rows).length ? { given: true, answer: { rows }, problems } : { given: true, problems }
    }
    case 'number': {
      const cell = cells(vars[0])
      const n = decimalsOf(q) > 0 ? decimal(cell.text, decimalsOf(q)) : integer(cell.text)
      if (n === MISSING_CODES.not_answered) return { given: true, problems }
      if (n === MISSING_CODES.dont_know && q.dont_know) return { given: true, answer: { dont_know: true }, problems }
      if (n === undefined) return fail(cell, t('admin.past_wave.cell.not_a_number', { value: cell.text }))
      const { min, max } = q
      if ((min !== undefined && n < min) || (max !== undefined && n > max) || Object.values(MISSING_CODES).includes(n as never)) {
        const range = min !== undefined && max !== undefined ? t('admin.past_wave.cell.range_between', { min, max }) : min !== undefined ? t('admin.past_wave.cell.range_min', { min }) : max !== undefined ? t('admin.past_wave.cell.range_max', { max }) : t('admin.past_wave.cell.range_any')
        return fail(cell, t(q.dont_know ? 'admin.past_wave.cell.out_of_range_dont_know' : 'admin.past_wave.cell.out_of_range', { ...NA, value: n, range, dk: MISSING_CODES.dont_know }))
      }
      return { given: true, answer: { value: n }, problems }
    }
    case 'date': {
      const cell = cells(vars[0])
      if (cell.text === NOT_ANSWERED) return { given: true, problems }
      if (q.precision === 'month') {
        const month = /^(\d{4})-(\d{1,2})$/.exec(cell.text)
        const parsed = month ? parseMonth(month[2], month[1], { ...q, not_future: false }) : undefined
        if (!parsed || 'error' in parsed) return fail(cell, t('admin.past_wave.cell.not_a_month', { value: cell.text }))
        return { given: true, answer: { value: parsed.value }, problems }
      }
      const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(cell.text)
      const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(cell.text)
      const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : uk ? [uk[3], uk[2], uk[1]] : []
      const date = year ? new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))) : undefined
      if (!date || date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day) || Number(year) < 1900 || Number(year) > 2100) {
        return fail(cell, t('admin.past_wave.cell.not_a_date', { value: cell.text }))
      }
      return { given: true, answer: { value: date.toISOString().slice(0, 10) }, problems }
    }
    case 'email':
    case 'phone':
    case 'postcode': {
      const cell = cells(vars[0])
      if (cell.text === NOT_ANSWERED || cell.text.trim() === '') return { given: true, problems }
      const parsed = q.type === 'email' ? parseEmail(cell.text) : q.type === 'phone' ? parsePhone(cell.text) : parsePostcode(cell.text)
      if ('error' in parsed) return fail(cell, t(`admin.past_wave.cell.not_a_${q.type}`, { value: cell.text }))
      return { given: true, answer: { value: parsed.value }, problems }
    }
    case 'short_text':
    case 'long_text': {
      const cell = cells(vars[0])
      if (cell.text === NOT_ANSWERED) return { given: true, problems }
      const text = cell.text.replace(/\r\n?/g, '\n').trim()
      const limit = q.max_length ?? (q.type === 'short_text' ? SHORT_TEXT_LIMIT : LONG_TEXT_LIMIT)
      if (text.length > limit) return fail(cell, t('admin.past_wave.cell.too_long', { max: limit }))
      return { given: true, answer: { value: text }, problems }
    }
  }
}

/** What checking a row needs of the version, worked out once per file. */
export interface RowChecker {
  check(line: number, code: string, cellText: (variable: string) => Cell): { row?: ImportedRow; problems: CellProblem[] }
}

function conditionQuestions(condition: Condition | undefined, into: Set<string>) {
  if (!condition) return
  if (condition.question) into.add(condition.question)
  for (const c of [...(condition.all ?? []), ...(condition.any ?? [])]) conditionQuestions(c, into)
}

export function rowChecker(definition: Definition): RowChecker {
  const vars = importVariables(definition)
  const questions = placedQuestions(definition)
    .map((p) => p.question)
    .filter(isAnswerable)
    .map((q) => ({ q, vars: vars.filter((v) => v.questionId === q.id) }))
  const settled = new Set(allPages(definition).map((p) => p.page.id))
  const when = askedWhen(definition)
  // The questions the skip logic reads: while one of them has a wrong cell, what it shows or hides is not known.
  const deciding = new Set<string>()
  for (const { section, page } of allPages(definition)) {
    conditionQuestions(section.show_if, deciding)
    conditionQuestions(page.show_if, deciding)
    for (const q of page.questions) conditionQuestions(q.show_if, deciding)
  }
  return {
    check(line, code, cellText) {
      const problems: CellProblem[] = []
      const answers: Answers = {}
      const given = new Set<string>()
      const columnsOf = new Map<string, string[]>()
      for (const { q, vars: own } of questions) {
        columnsOf.set(q.id, own.map((v) => cellText(v.name).column))
        const reading = readQuestion(q, own, (v) => cellText(v.name))
        for (const p of reading.problems) problems.push({ line, ...p })
        if (reading.given) given.add(q.id)
        if (reading.answer) answers[q.id] = reading.answer
      }
      const wrong = new Set(problems.map((p) => p.column))
      const hasWrongCell = (questionId: string) => (columnsOf.get(questionId) ?? []).some((c) => wrong.has(c))
      if ([...deciding].some(hasWrongCell)) return { problems }
      const walk = walkVisible(definition, answers, settled)
      const shown = new Set(walk.pages.flatMap((p) => p.questions.map((q) => q.id)))
      for (const { q } of questions) {
        const column = columnsOf.get(q.id)![0]
        if (shown.has(q.id) && !given.has(q.id)) {
          problems.push({ line, column, message: t(when.get(q.id) ? 'admin.past_wave.cell.asked_blank_when' : 'admin.past_wave.cell.asked_blank', { ...NA, question: localize(q.text, 'en'), when: when.get(q.id) ?? '' }) })
        } else if (!shown.has(q.id) && given.has(q.id) && !hasWrongCell(q.id)) {
          problems.push({ line, column, message: t('admin.past_wave.cell.hidden_answered', { when: when.get(q.id) ?? '' }) })
        }
      }
      if (problems.length) return { problems }
      return { row: { line, code, answers: walk.answers }, problems }
    },
  }
}
