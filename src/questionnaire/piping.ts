// Piping: an earlier answer or the organisation's details in a question's text, hint, option
// labels or a page's or section's introduction ("Of the {referrals_received} referrals…",
// "{organisation}", "{organisation.region}"). Answers are shown as on check your answers, in the
// page's language; a question not answered or not shown gives the fallback the text sets
// ({referrals_received|the}) or a fixed neutral wording. The result is plain text: the templates
// escape it like any other.
import type { Translate } from '../i18n/catalogue.js'
import { describeAnswer, type Answers } from './answers.js'
import { isAnswerable, localize, questionOptions } from './model.js'
import { fillPlaceholders, placeholdersIn, type Placeholder } from './placeholders.js'
import type { Language, Question, QuestionType } from './schema.js'

/** Types whose answer reads well inside a sentence; a grid or paragraphs of text do not. */
export const PIPEABLE_TYPES: ReadonlySet<QuestionType> = new Set(['single_choice', 'multiple_choice', 'yes_no', 'number', 'date', 'short_text', 'email', 'phone', 'postcode'])

export const ORGANISATION = 'organisation'

/** What a placeholder names: a question's answer, the organisation's name, or one of its attributes. */
export type PipeSource = { kind: 'answer'; questionId: string } | { kind: 'organisation'; attribute?: string }

export function pipeSource(name: string): PipeSource {
  if (name === ORGANISATION) return { kind: 'organisation' }
  if (name.startsWith(`${ORGANISATION}.`)) return { kind: 'organisation', attribute: name.slice(ORGANISATION.length + 1) }
  return { kind: 'answer', questionId: name }
}

export interface PipingContext {
  /** The answers that count so far (hidden questions' answers already dropped). */
  answers: Answers
  questions: ReadonlyMap<string, Question>
  /** The organisation answering; none in the preview. */
  organisation?: { name: string; attributes: Record<string, string> }
  t: Translate
  language: Language
  /** The preview: a placeholder with nothing to show says its own name ("[referrals_received]"). */
  showNames?: boolean
}

export type Pipe = (text: string) => string

/** A function that fills the placeholders of the texts of one page. */
export function piping(context: PipingContext): Pipe {
  return (text) => (text.includes('{') ? fillPlaceholders(text, (p) => pipedValue(p, context)) : text)
}

/** The identity pipe, for texts shown where nothing is known yet. */
export const noPiping: Pipe = (text) => text

function pipedValue(placeholder: Placeholder, context: PipingContext): string {
  const source = pipeSource(placeholder.name)
  const fallback = () => placeholder.fallback ?? (context.showNames ? `[${placeholder.name}]` : context.t(source.kind === 'organisation' ? 'piping.organisation' : 'piping.no_answer'))
  if (source.kind === 'organisation') {
    if (!context.organisation) return fallback()
    const value = source.attribute === undefined ? context.organisation.name : context.organisation.attributes[source.attribute]
    return value?.trim() ? value.trim() : fallback()
  }
  const question = context.questions.get(source.questionId)
  const answer = context.answers[source.questionId]
  if (!question || !isAnswerable(question) || !answer) return fallback()
  // "Don't know" or "not applicable" says no number or choice: a sentence reads better with the fallback.
  if ('dont_know' in answer || ('code' in answer && questionOptions(question).find((o) => o.code === answer.code)?.special)) return fallback()
  // An option label may itself pipe an answer from a page before it: the chain always ends.
  return describeAnswer(withPipedOptions(question, piping(context), context.language), answer, context.t, context.language).join(', ')
}

/** Whether a text has anything to pipe (so a page can say where its words come from). */
export const hasPlaceholders = (text: string) => placeholdersIn(text).length > 0

/** The question with its option labels piped, in one language: what check your answers reads an answer with. */
export function withPipedOptions<Q extends Question>(question: Q, pipe: Pipe, language: Language): Q {
  if (pipe === noPiping || (question.type !== 'single_choice' && question.type !== 'multiple_choice')) return question
  return { ...question, options: question.options.map((o) => ({ ...o, label: pipe(localize(o.label, language)) })) }
}
