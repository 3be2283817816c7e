// Builds what the question templates need (labels in the chosen language, checked states, what
// was typed, the error for each field) so the templates stay free of logic. Used by the preview
// now and by the respondent journey.
import type { Translate } from '../i18n/catalogue.js'
import { fieldIds, fieldNames, isRequired, type FieldError, type FormFields } from '../questionnaire/answers.js'
import { isAnswerable, localize, questionOptions } from '../questionnaire/model.js'
import type { Language, Question } from '../questionnaire/schema.js'
import { unitLabel } from '../questionnaire/units.js'

export interface OptionView {
  id: string
  value: string
  label: string
  checked: boolean
  exclusive: boolean
  other: boolean
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
  input?: { id: string; name: string; value: string; unit: string; maxLength?: number }
  dontKnow?: { id: string; name: string; checked: boolean }
  date?: { day: { id: string; name: string; value: string }; month: { id: string; name: string; value: string }; year: { id: string; name: string; value: string } }
  rows?: { id: string; text: string; name: string; error?: string; options: OptionView[] }[]
}

function first(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
}

export function questionView(question: Question, values: FormFields, errors: FieldError[], language: Language): QuestionView {
  const id = question.id
  const mine = errors.filter((e) => e.questionId === id)
  const otherError = mine.find((e) => e.fieldId === fieldIds.other(id))
  const mainError = mine.find((e) => e !== otherError && !e.fieldId.includes('__'))
  const base: QuestionView = {
    id,
    type: question.type,
    text: localize(question.text, language),
    hint: isAnswerable(question) ? localize(question.hint, language) : '',
    optional: isAnswerable(question) && !isRequired(question),
    error: (mainError ?? (question.type === 'date' || question.type === 'number' ? mine[0] : undefined))?.message,
    options: [],
  }
  if (!isAnswerable(question)) return base
  const chosen = new Set(
    ([] as string[]).concat(values[id] ?? []).filter((v) => v !== ''),
  )
  const options = questionOptions(question).map<OptionView>((option, index) => ({
    id: fieldIds.option(id, index),
    value: String(option.code),
    label: localize(option.label, language),
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
      base.input = { id: fieldIds.input(id), name: id, value: first(values[id]), unit: unitLabel(question.unit, language) }
      if (question.dont_know) {
        base.dontKnow = { id: fieldIds.dontKnow(id), name: fieldNames.dontKnow(id), checked: first(values[fieldNames.dontKnow(id)]) === 'yes' }
      }
      break
    case 'short_text':
    case 'long_text':
      base.input = { id: fieldIds.input(id), name: id, value: first(values[id]), unit: '', maxLength: question.max_length }
      break
    case 'date':
      base.date = {
        day: { id: fieldIds.day(id), name: fieldNames.day(id), value: first(values[fieldNames.day(id)]) },
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

export interface ErrorSummaryItem {
  href: string
  text: string
}

export function errorSummary(errors: FieldError[], questions: Question[], language: Language, t: Translate): ErrorSummaryItem[] {
  return errors.map((e) => {
    const question = questions.find((q) => q.id === e.questionId)
    const label = question ? localize(question.text, language) : ''
    return { href: `#${e.fieldId}`, text: label ? t('error.summary_item', { question: label, message: e.message }) : e.message }
  })
}
