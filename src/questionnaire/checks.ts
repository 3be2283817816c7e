// Checks across answers, as a page declares them: "of which" (assessments completed cannot be
// more than referrals received), parts that add up to a total, and soft checks the respondent
// may confirm ("You said 0 assessments: is that right?"). Pure: the respondent journey and the
// preview run the same checks on the answers of the page being saved and the pages before it.
import { createHash } from 'node:crypto'
import type { Translate } from '../i18n/catalogue.js'
import { describeAnswer, fieldIds, type Answer, type Answers, type FieldError } from './answers.js'
import { canonicalJson } from './content-hash.js'
import { isAnswerable, localize } from './model.js'
import type { Check, Condition, Definition, Language, Page, Question } from './schema.js'
import { evaluate, questionIndex } from './skip-logic.js'
import { fillPlaceholders } from './placeholders.js'

/** The questions a check reads, in the order the definition names them. */
export function checkOperands(check: Check): string[] {
  switch (check.kind) {
    case 'at_most':
    case 'at_least':
      return [check.question, check.limit]
    case 'sum_equals':
    case 'sum_at_most':
      return [...check.parts, check.total]
    case 'confirm':
      return [...new Set([check.question, ...conditionQuestions(check.when)])]
  }
}

export function conditionQuestions(condition: Condition): string[] {
  if (condition.all || condition.any) return [...(condition.all ?? []), ...(condition.any ?? [])].flatMap(conditionQuestions)
  return condition.question === undefined ? [] : [condition.question]
}

/** The placeholders a check's message may use: its questions' answers, and {sum} of the parts. */
export function checkPlaceholders(check: Check): string[] {
  const names = checkOperands(check)
  return check.kind === 'sum_equals' || check.kind === 'sum_at_most' ? [...names, 'sum'] : names
}

export function isSoft(check: Check): boolean {
  return check.kind === 'confirm' || check.soft === true
}

/**
 * The question a check's message is shown at: the question checked (the "of which", the total
 * the parts must add up to) when it is on this page, or else the first other one that is.
 */
export function checkSubject(check: Check, page: Page): string | undefined {
  const onPage = new Set(page.questions.map((q) => q.id))
  const preferred = check.kind === 'sum_equals' || check.kind === 'sum_at_most' ? [check.total, ...check.parts] : checkOperands(check)
  return preferred.find((id) => onPage.has(id))
}

const numberOf = (answer: Answer | undefined): number | undefined => (answer && 'value' in answer && typeof answer.value === 'number' ? answer.value : undefined)

/** Whether the check fails on these answers; a check whose numbers are not all given does not apply. */
function fails(check: Check, answers: Answers, questions: ReadonlyMap<string, Question>): boolean {
  switch (check.kind) {
    case 'at_most':
    case 'at_least': {
      const value = numberOf(answers[check.question])
      const limit = numberOf(answers[check.limit])
      if (value === undefined || limit === undefined) return false
      return check.kind === 'at_most' ? value > limit : value < limit
    }
    case 'sum_equals':
    case 'sum_at_most': {
      const total = numberOf(answers[check.total])
      const parts = check.parts.map((id) => numberOf(answers[id]))
      if (total === undefined) return false
      // Parts must all be given to add up; any given parts already say whether they exceed the total.
      if (check.kind === 'sum_equals') return parts.every((p) => p !== undefined) && sumOf(parts) !== total
      return parts.some((p) => p !== undefined) && sumOf(parts) > total
    }
    case 'confirm':
      return answers[check.question] !== undefined && evaluate(check.when, answers, questions)
  }
}

const sumOf = (parts: (number | undefined)[]) => parts.reduce<number>((sum, p) => sum + (p ?? 0), 0)

/**
 * Identifies the answers a soft check was confirmed for: a changed answer (on this page or an
 * earlier one) asks again, the same answers never do.
 */
export function checkFingerprint(check: Check, answers: Answers): string {
  const values = checkOperands(check).map((id) => {
    const answer = answers[id]
    if (!answer) return null
    const { confirmed: _confirmed, ...rest } = answer as Answer & { confirmed?: unknown }
    return rest
  })
  return createHash('sha256').update(`${check.id}:${canonicalJson(values)}`).digest('hex').slice(0, 16)
}

export const confirmField = (checkId: string) => `_confirm__${checkId}`

export interface SoftWarning {
  checkId: string
  questionId: string
  message: string
  /** The checkbox that confirms it: its value is the fingerprint of the answers it was shown for. */
  field: { id: string; name: string; value: string }
}

export interface CheckOutcome {
  errors: FieldError[]
  warnings: SoftWarning[]
  /** Soft checks confirmed, by the question they are recorded with: check id to fingerprint. */
  confirmed: Record<string, Record<string, string>>
}

export interface CheckInput {
  page: Page
  /** The answers that count so far, with this page's as just given. */
  answers: Answers
  questions: ReadonlyMap<string, Question>
  /** The fingerprints ticked on the form, by check id. */
  ticked: Record<string, string | undefined>
  t: Translate
  language: Language
}

export function runPageChecks(input: CheckInput): CheckOutcome {
  const { page, answers, questions, ticked, t, language } = input
  const outcome: CheckOutcome = { errors: [], warnings: [], confirmed: {} }
  for (const check of page.checks ?? []) {
    const subject = checkSubject(check, page)
    if (subject === undefined) continue
    if (!fails(check, answers, questions)) continue
    const message = checkMessage(check, answers, questions, t, language)
    const fieldId = fieldIds.input(subject)
    if (!isSoft(check)) {
      outcome.errors.push({ questionId: subject, fieldId, message })
      continue
    }
    const fingerprint = checkFingerprint(check, answers)
    const recorded = (answers[subject] as { confirmed?: Record<string, string> } | undefined)?.confirmed?.[check.id]
    if (ticked[check.id] === fingerprint || recorded === fingerprint) {
      outcome.confirmed[subject] = { ...outcome.confirmed[subject], [check.id]: fingerprint }
      continue
    }
    outcome.warnings.push({ checkId: check.id, questionId: subject, message, field: { id: `${subject}__confirm_${check.id}`, name: confirmField(check.id), value: fingerprint } })
  }
  return outcome
}

/** The check's message in the respondent's language, with the answers it names filled in. */
export function checkMessage(check: Check, answers: Answers, questions: ReadonlyMap<string, Question>, t: Translate, language: Language): string {
  const format = new Intl.NumberFormat(language === 'cy' ? 'cy-GB' : 'en-GB')
  const values: Record<string, string> = {}
  for (const id of checkOperands(check)) {
    const question = questions.get(id)
    const answer = answers[id]
    const number = numberOf(answer)
    if (number !== undefined) values[id] = format.format(number)
    else if (question && isAnswerable(question)) values[id] = describeAnswer(question, answer, t, language).join(', ')
  }
  if (check.kind === 'sum_equals' || check.kind === 'sum_at_most') values.sum = format.format(sumOf(check.parts.map((id) => numberOf(answers[id]))))
  return fillPlaceholders(localize(check.message, language), ({ name, fallback }) => (fallback === undefined ? values[name] : undefined))
}

/** Adds the confirmations to the answers they are recorded with (a copy; the others untouched). */
export function withConfirmations(answers: Answers, confirmed: Record<string, Record<string, string>>): Answers {
  const out: Answers = { ...answers }
  for (const [id, answer] of Object.entries(out)) {
    const mine = confirmed[id]
    const { confirmed: _old, ...plain } = answer as Answer & { confirmed?: Record<string, string> }
    out[id] = (mine ? { ...plain, confirmed: mine } : plain) as Answer
  }
  return out
}

/** A page's answers as just given, with the confirmations recorded with the same questions before. */
export function withRecordedConfirmations(given: Answers, stored: Answers): Answers {
  const out: Answers = { ...given }
  for (const [id, answer] of Object.entries(out)) {
    const recorded = (stored[id] as { confirmed?: Record<string, string> } | undefined)?.confirmed
    if (recorded) out[id] = { ...answer, confirmed: recorded } as Answer
  }
  return out
}

/** The fingerprints the form's confirmation checkboxes carry, by check id. */
export function tickedConfirmations(page: Page, form: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const ticked: Record<string, string | undefined> = {}
  for (const check of page.checks ?? []) {
    const raw = form[confirmField(check.id)]
    ticked[check.id] = Array.isArray(raw) ? raw[0] : raw
  }
  return ticked
}

/** The answers that count with one page's replaced by those just given (a blank one removed). */
export function withPageAnswers(counted: Answers, page: Page, given: Answers): Answers {
  const out: Answers = { ...counted }
  for (const q of page.questions) if (isAnswerable(q)) delete out[q.id]
  return { ...out, ...given }
}

/**
 * The checks of a page being saved, on the answers given before it and on it, with the
 * confirmations ticked on the form or recorded with the same answers before.
 */
export function checkPage(definition: Definition, page: Page, given: Answers, stored: Answers, counted: Answers, form: Record<string, string | string[] | undefined>, t: Translate, language: Language): CheckOutcome {
  const answers = withPageAnswers(counted, page, withRecordedConfirmations(given, stored))
  return runPageChecks({ page, answers, questions: questionIndex(definition), ticked: tickedConfirmations(page, form), t, language })
}
