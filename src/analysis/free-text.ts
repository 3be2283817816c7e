// Free-text answers ready for thematic coding: every "own words" answer (long and short text,
// and "other, please specify") with a pseudonymous respondent id, the wave, the organisation's
// type and attributes (names only when asked for), the question and its wording, and whether the
// response was submitted or kept as partial when the wave closed (partial ones only when asked for).
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { isAnswerable, localize, placedQuestions } from '../questionnaire/model.js'
import type { Definition } from '../questionnaire/schema.js'
import { partialResponses } from './partial.js'
import { attributeNames, pseudonym } from './raw-data.js'

export interface FreeTextAnswer {
  /** For linking an answer to its coding here; never written into the exports (respondentId is). */
  organisationId: string
  respondentId: string
  responseStatus: 'submitted' | 'partial'
  organisationCode?: string
  organisationName?: string
  wave: string
  organisationType: string
  attributes: Record<string, string>
  questionId: string
  question: string
  answer: string
}

export interface FreeTextSet {
  attributes: string[]
  /** The free-text questions, in questionnaire order (an "other" text is `<question>_other`). */
  questions: { id: string; text: string }[]
  answers: FreeTextAnswer[]
  /** How many partial responses the wave has, and whether their answers are among `answers`. */
  partial: { count: number; included: boolean }
}

export async function freeTextAnswers(db: Kysely<Database>, waveId: string, waveLabel: string, definition: Definition, withNames: boolean, options: { includePartial?: boolean; organisationId?: string } = {}): Promise<FreeTextSet> {
  const includePartial = options.includePartial ?? false
  const attributes = await attributeNames(db, waveId)
  const questions: { id: string; text: string }[] = []
  const source = new Map<string, { id: string; text: string }>()
  for (const { question } of placedQuestions(definition)) {
    if (!isAnswerable(question)) continue
    const text = localize(question.text, 'en')
    if (question.type === 'short_text' || question.type === 'long_text') {
      questions.push({ id: question.id, text })
      source.set(`${question.id}|text`, { id: question.id, text })
    } else if ((question.type === 'single_choice' || question.type === 'multiple_choice') && question.options.some((o) => o.other)) {
      const entry = { id: `${question.id}_other`, text: `${text} (other, please specify)` }
      questions.push(entry)
      source.set(`${question.id}|other`, entry)
    }
  }
  const rows = await db
    .selectFrom('answer_values')
    .innerJoin('responses', 'responses.id', 'answer_values.response_id')
    .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
    .select(['responses.organisation_id', 'organisations.code', 'organisations.name', 'organisations.type', 'organisations.attributes_json', 'answer_values.question_id', 'answer_values.code as option_code', 'answer_values.text_value', 'answer_values.partial'])
    .where('answer_values.wave_id', '=', waveId)
    .where('answer_values.text_value', 'is not', null)
    .$if(!includePartial, (qb) => qb.where('answer_values.partial', '=', 0))
    // One organisation's answers only: a coder's form names one answer, and the wave may hold thousands.
    .$if(options.organisationId !== undefined, (qb) => qb.where('responses.organisation_id', '=', options.organisationId!))
    .orderBy('responses.organisation_id')
    .execute()
  const answers: FreeTextAnswer[] = []
  for (const r of rows) {
    const q = source.get(`${r.question_id}|${r.option_code === null ? 'text' : 'other'}`)
    if (!q) continue
    answers.push({
      organisationId: r.organisation_id,
      respondentId: pseudonym(r.organisation_id),
      responseStatus: r.partial ? 'partial' : 'submitted',
      ...(withNames ? { organisationCode: r.code, organisationName: r.name } : {}),
      wave: waveLabel,
      organisationType: r.type,
      attributes: JSON.parse(r.attributes_json) as Record<string, string>,
      questionId: q.id,
      question: q.text,
      answer: r.text_value ?? '',
    })
  }
  const order = new Map(questions.map((q, i) => [q.id, i]))
  answers.sort((a, b) => order.get(a.questionId)! - order.get(b.questionId)! || a.respondentId.localeCompare(b.respondentId))
  return { attributes, questions, answers, partial: { count: await partialResponses(db, waveId), included: includePartial } }
}
