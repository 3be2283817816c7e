// Builds what the question templates need (labels in the chosen language, checked states, what
// was typed, the error for each field) so the templates stay free of logic. Used by the preview
// now and by the respondent journey.
import type { Translate } from '../i18n/catalogue.js'
import { fieldIds, fieldNames, isRequired, type FieldError, type FormFields } from '../questionnaire/answers.js'
import type { SoftWarning } from '../questionnaire/checks.js'
import { isAnswerable, localize, questionOptions, YES_NO_CODES } from '../questionnaire/model.js'
import type { Language, Question } from '../questionnaire/schema.js'
import { unitLabel } from '../questionnaire/units.js'
import { noPiping, type Pipe } from '../questionnaire/piping.js'
import { CONTACT_DETAIL_TYPES, inputHints } from '../questionnaire/answer-types.js'

export interface OptionView {
  id: string
  value: string
  label: string
  checked: boolean
  exclusive: boolean
  other: boolean
  /** Follow-up questions asked beneath this option (the conditional reveal, open without JavaScript). */
  followUps?: QuestionView[]
  followUpsId?: string
}

export interface WarningView {
  message: string
  field: { id: string; name: string; value: string }
}

export interface QuestionView {
  id: string
  type: Question['type']
  text: string
  hint: string
  optional: boolean
  error?: string
  options: OptionView[]
  /** "Please specify" box, shown under the option that asks for it. */
  other?: { id: string; name: string; value: string; error?: string }
  input?: { id: string; name: string; value: string; unit: string; maxLength?: number; type?: string; inputmode?: string; autocomplete?: string; spellcheck?: boolean; prefix?: string; suffix?: string; width?: number }
  dontKnow?: { id: string; name: string; checked: boolean }
  date?: { day?: { id: string; name: string; value: string }; month: { id: string; name: string; value: string }; year: { id: string; name: string; value: string } }
  rows?: { id: string; text: string; name: string; error?: string; options: OptionView[] }[]
  /** For a follow-up: when it applies, said in its label ("if you chose Yes"). */
  appliesWhen?: string
  /** Soft checks to confirm at this question ("is that right?"). */
  warnings?: WarningView[]
}

function first(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
}

export function questionView(question: Question, values: FormFields, errors: FieldError[], language: Language, pipe: Pipe = noPiping): QuestionView {
  const id = question.id
  const mine = errors.filter((e) => e.questionId === id)
  const otherError = mine.find((e) => e.fieldId === fieldIds.other(id))
  const mainError = mine.find((e) => e !== otherError && !e.fieldId.includes('__'))
  const base: QuestionView = {
    id,
    type: question.type,
    text: pipe(localize(question.text, language)),
    hint: isAnswerable(question) ? pipe(localize(question.hint, language)) : '',
    optional: isAnswerable(question) && !isRequired(question),
    error: (mainError ?? (question.type === 'date' || question.type === 'number' || CONTACT_DETAIL_TYPES.has(question.type) ? mine[0] : undefined))?.message,
    options: [],
  }
  if (!isAnswerable(question)) return base
  const chosen = new Set(
    ([] as string[]).concat(values[id] ?? []).filter((v) => v !== ''),
  )
  const options = questionOptions(question).map<OptionView>((option, index) => ({
    id: fieldIds.option(id, index),
    value: String(option.code),
    label: pipe(localize(option.label, language)),
    checked: chosen.has(String(option.code)),
    exclusive: Boolean(option.exclusive || (question.type === 'multiple_choice' && option.special)),
    other: Boolean(option.other),
  }))
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
    case 'multiple_choice':
      base.options = options
      if (options.some((o) => o.other)) {
        base.other = { id: fieldIds.other(id), name: fieldNames.other(id), value: first(values[fieldNames.other(id)]), error: otherError?.message }
      }
      break
    case 'number':
      base.input = { id: fieldIds.input(id), name: id, value: first(values[id]), unit: unitLabel(question.unit, language), ...inputHints(question) }
      if (question.dont_know) {
        base.dontKnow = { id: fieldIds.dontKnow(id), name: fieldNames.dontKnow(id), checked: first(values[fieldNames.dontKnow(id)]) === 'yes' }
      }
      break
    case 'short_text':
    case 'long_text':
      base.input = { id: fieldIds.input(id), name: id, value: first(values[id]), unit: '', maxLength: question.max_length }
      break
    case 'email':
    case 'phone':
    case 'postcode':
      // GOV.UK's widths: a postcode box fits 10 characters, a telephone number 20.
      base.input = { id: fieldIds.input(id), name: id, value: first(values[id]), unit: '', ...inputHints(question), width: question.type === 'postcode' ? 10 : question.type === 'phone' ? 20 : undefined }
      break
    case 'date':
      base.date = {
        day: question.precision === 'month' ? undefined : { id: fieldIds.day(id), name: fieldNames.day(id), value: first(values[fieldNames.day(id)]) },
        month: { id: fieldIds.month(id), name: fieldNames.month(id), value: first(values[fieldNames.month(id)]) },
        year: { id: fieldIds.year(id), name: fieldNames.year(id), value: first(values[fieldNames.year(id)]) },
      }
      break
    case 'grid':
      base.rows = question.rows.map((row) => {
        const name = fieldNames.gridRow(id, row.id)
        const value = first(values[name])
        return {
          id: row.id,
          text: localize(row.text, language),
          name,
          error: mine.find((e) => e.fieldId === fieldIds.gridRow(id, row.id))?.message,
          options: question.options.map((option, index) => ({
            id: fieldIds.gridRow(id, row.id, index),
            value: String(option.code),
            label: localize(option.label, language),
            checked: value === String(option.code),
            exclusive: false,
            other: false,
          })),
        }
      })
      break
  }
  return base
}

/**
 * The views of a page's questions: each follow-up placed beneath the option it hangs on, saying
 * when it applies, and each soft check's warning at its question.
 */
export function pageQuestionViews(questions: Question[], values: FormFields, errors: FieldError[], warnings: SoftWarning[], language: Language, t: Translate, pipe: Pipe = noPiping): QuestionView[] {
  const views = new Map(questions.map((q) => [q.id, questionView(q, values, errors, language, pipe)]))
  for (const warning of warnings) {
    const view = views.get(warning.questionId)
    if (view) view.warnings = [...(view.warnings ?? []), { message: warning.message, field: warning.field }]
  }
  const top: QuestionView[] = []
  for (const q of questions) {
    const view = views.get(q.id)!
    const followUp = isAnswerable(q) ? q.follow_up_of : undefined
    const parent = followUp && questions.find((p) => p.id === followUp.question)
    const parentView = parent && views.get(parent.id)
    const code = followUp && (typeof followUp.option === 'number' ? followUp.option : YES_NO_CODES[followUp.option as keyof typeof YES_NO_CODES])
    const option = parentView?.options.find((o) => o.value === String(code))
    if (!parent || !option) {
      top.push(view)
      continue
    }
    view.appliesWhen = t('question.follow_up_applies', { option: option.label })
    option.followUps = [...(option.followUps ?? []), view]
    option.followUpsId = `${parent.id}-follow-up-${option.value}`
  }
  return top
}

export interface ErrorSummaryItem {
  href: string
  text: string
}

export function errorSummary(errors: FieldError[], questions: Question[], language: Language, t: Translate, pipe: Pipe = noPiping): ErrorSummaryItem[] {
  // In the order of the fields on the page: a check across answers is listed at its question.
  const position = (e: FieldError) => questions.findIndex((q) => q.id === e.questionId)
  const ordered = errors.map((e, i) => ({ e, i })).sort((a, b) => position(a.e) - position(b.e) || a.i - b.i).map(({ e }) => e)
  return ordered.map((e) => {
    const question = questions.find((q) => q.id === e.questionId)
    const label = question ? pipe(localize(question.text, language)) : ''
    return { href: `#${e.fieldId}`, text: label ? t('error.summary_item', { question: label, message: e.message }) : e.message }
  })
}
