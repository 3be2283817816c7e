// One organisation's answers wave by wave, for analysts and the team. Read from the facts recorded
// at submission, as every figure of the analysis is (a reopened response shows again once it is
// resubmitted, a partial one once it is kept at closing). Each question of the newest version is
// traced back through the lineage, so a question reworded but still comparable sits on one line
// across the waves; a question not comparable (or no longer asked) is shown apart, each wave with
// its own wording, so the two are never read as one series.
import type { FastifyInstance } from 'fastify'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { ID_PATTERN } from '../db/ids.js'
import { translator } from '../i18n/catalogue.js'
import type { Kysely } from 'kysely'
import type { AnswerValueTable, Database } from '../db/schema.js'
import { describeAnswer, type Answer } from '../questionnaire/answers.js'
import { isAnswerable, localize, placedQuestions } from '../questionnaire/model.js'
import type { AnswerableQuestion, Definition } from '../questionnaire/schema.js'
import { renderTeamPage } from '../web/render.js'
import { traceBack, type Link } from './comparison.js'

export interface AnsweredWave {
  id: string
  label: string
  status: 'submitted' | 'partial'
  definition: Definition
  /** Answers to the questions this response was asked (after skip logic). */
  answers: Map<string, string[]>
}

/** A cell: the answer's lines, "not asked" (skip logic), or not in that wave's version ([x]). */
export type AnswerCell = { lines: string[] } | { notAsked: true } | { notInVersion: true }

export interface SurveyAnswers {
  id: string
  title: string
  waves: { id: string; label: string; status: 'submitted' | 'partial' }[]
  /** Comparable (or reworded) questions of the newest version: one line across the waves. */
  lines: { id: string; text: string; link: Link; cells: AnswerCell[] }[]
  /** Not comparable, or no longer asked: each wave's own question and answer. */
  apart: { id: string; text: string; waveLabel: string; reason: 'not_comparable' | 'dropped'; answer: string[] }[]
}

function byId(definition: Definition): Map<string, AnswerableQuestion> {
  return new Map(placedQuestions(definition).filter((p) => isAnswerable(p.question)).map((p) => [p.question.id, p.question as AnswerableQuestion]))
}

export function answersWaveByWave(catalogue: Catalogue, surveyId: string, waves: AnsweredWave[]): SurveyAnswers {
  const newest = waves[waves.length - 1].definition
  const lines: SurveyAnswers['lines'] = []
  const apart: SurveyAnswers['apart'] = []
  const traced = waves.map(() => new Set<string>())
  for (const q of byId(newest).values()) {
    const traces = waves.map((w) => traceBack(catalogue, surveyId, w.definition.version, newest.version, q.id))
    traces.forEach((tr, i) => tr.sourceId && traced[i].add(tr.sourceId))
    const cellOf = (i: number): AnswerCell => {
      const sourceId = traces[i].sourceId
      if (traces[i].link === 'new' || !sourceId) return { notInVersion: true }
      const answer = waves[i].answers.get(sourceId)
      return answer ? { lines: answer } : { notAsked: true }
    }
    if (traces.some((tr) => tr.link === 'not_comparable')) {
      waves.forEach((w, i) => {
        const source = traces[i].sourceId ? byId(w.definition).get(traces[i].sourceId!) : undefined
        const cell = cellOf(i)
        if (source && 'lines' in cell) apart.push({ id: source.id, text: localize(source.text, 'en'), waveLabel: w.label, reason: 'not_comparable', answer: cell.lines })
      })
      continue
    }
    const link: Link = traces.some((tr) => tr.link === 'reworded') ? 'reworded' : traces.slice(0, -1).every((tr) => tr.link === 'new') ? 'new' : 'comparable'
    lines.push({ id: q.id, text: localize(q.text, 'en'), link, cells: waves.map((_, i) => cellOf(i)) })
  }
  // Asked in an earlier wave, not in the newest version at all.
  waves.forEach((w, i) => {
    for (const question of byId(w.definition).values()) {
      const answer = w.answers.get(question.id)
      if (!traced[i].has(question.id) && answer) apart.push({ id: question.id, text: localize(question.text, 'en'), waveLabel: w.label, reason: 'dropped', answer })
    }
  })
  return { id: surveyId, title: localize(newest.title, 'en'), waves: waves.map((w) => ({ id: w.id, label: w.label, status: w.status })), lines, apart }
}

/** An answer put back together from the facts recorded at submission (see facts.ts). */
function answerFrom(question: AnswerableQuestion, facts: Pick<AnswerValueTable, 'row_id' | 'code' | 'number_value' | 'special' | 'text_value'>[]): Answer | undefined {
  if (!facts.length) return undefined
  const other = facts.find((f) => f.code !== null && f.text_value !== null)?.text_value ?? undefined
  if (question.type === 'grid') return { rows: Object.fromEntries(facts.filter((f) => f.code !== null).map((f) => [f.row_id, Number(f.code)])) }
  if (question.type === 'multiple_choice') return { codes: facts.filter((f) => f.code !== null).map((f) => Number(f.code)), ...(other ? { other } : {}) }
  const fact = facts[0]
  if (fact.code !== null) return { code: Number(fact.code), ...(other ? { other } : {}) }
  if (fact.special === 'dont_know') return { dont_know: true }
  if (fact.number_value !== null) return { value: Number(fact.number_value) }
  return fact.text_value === null ? undefined : { value: fact.text_value }
}

/** The questions one response was asked (after skip logic), each with its answer as the respondent would read it back. */
async function answersOf(db: Kysely<Database>, responseId: string, definition: Definition, t: ReturnType<typeof translator>): Promise<Map<string, string[]>> {
  const asked = await db.selectFrom('asked_questions').select('question_id').where('response_id', '=', responseId).execute()
  const facts = await db.selectFrom('answer_values').select(['question_id', 'row_id', 'code', 'number_value', 'special', 'text_value']).where('response_id', '=', responseId).execute()
  const questions = byId(definition)
  const answers = new Map<string, string[]>()
  for (const { question_id } of asked) {
    const question = questions.get(question_id)
    if (question) answers.set(question_id, describeAnswer(question, answerFrom(question, facts.filter((f) => f.question_id === question_id)), t, 'en'))
  }
  return answers
}

const params = { type: 'object', properties: { organisationId: { type: 'string', pattern: ID_PATTERN } }, required: ['organisationId'] } as const
const query = { type: 'object', properties: { survey: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$' } } } as const

/** Registered inside the analysis routes, so analysts and admins (any signed-in team member) see it. */
export async function organisationAnswerRoutes(app: FastifyInstance) {
  const t = translator('en')
  app.get<{ Params: { organisationId: string }; Querystring: { survey?: string } }>('/admin/analysis/organisations/:organisationId', { schema: { params, querystring: query } }, async (request, reply) => {
    const organisation = await app.db.selectFrom('organisations').select(['id', 'code', 'name']).where('id', '=', request.params.organisationId).executeTakeFirst()
    if (!organisation) return reply.callNotFound()
    const responses = await app.db
      .selectFrom('responses')
      .innerJoin('waves', 'waves.id', 'responses.wave_id')
      .select(['responses.id as responseId', 'responses.status', 'waves.id as waveId', 'waves.label', 'waves.survey_id', 'waves.version', 'waves.created_at'])
      .where('responses.organisation_id', '=', organisation.id)
      .where('responses.status', 'in', ['submitted', 'partial'])
      .$if(request.query.survey !== undefined, (qb) => qb.where('waves.survey_id', '=', request.query.survey!))
      .execute()
    const surveys: SurveyAnswers[] = []
    for (const survey of app.catalogue.surveys) {
      const mine = responses.filter((r) => r.survey_id === survey.id && app.catalogue.find(r.survey_id, r.version))
      if (!mine.length) continue
      const order = (version: string) => survey.versions.findIndex((v) => v.definition.version === version)
      mine.sort((a, b) => order(a.version) - order(b.version) || a.created_at.localeCompare(b.created_at))
      const waves: AnsweredWave[] = []
      for (const r of mine) {
        const definition = app.catalogue.find(r.survey_id, r.version)!.definition
        waves.push({ id: r.waveId, label: r.label, status: r.status as 'submitted' | 'partial', definition, answers: await answersOf(app.db, r.responseId, definition, t) })
      }
      surveys.push(answersWaveByWave(app.catalogue, survey.id, waves))
    }
    return renderTeamPage(request, reply, 'analysis/organisation', { organisation, surveys })
  })
}
