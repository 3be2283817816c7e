// An earlier wave whose organisations submitted their answers, stored as the respondent's pages
// store them (response_answers, one row per question) and recorded as facts, as a wave collected
// through the pages is: answers carried forward are read from the former.
import type { FastifyInstance } from 'fastify'
import type { Answers } from '../../src/questionnaire/answers.js'
import { placedQuestions } from '../../src/questionnaire/model.js'
import { submittedWave } from '../helpers/responses.js'

export async function earlierWave(app: FastifyInstance, options: { surveyId: string; version: string; label: string; organisations: string[]; answers: Answers[] }): Promise<string> {
  const { waveId } = await submittedWave(app, options)
  const pageOf = new Map(placedQuestions(app.catalogue.find(options.surveyId, options.version)!.definition).map((p) => [p.question.id, p.page.id]))
  for (const [i, answers] of options.answers.entries()) {
    const response = await app.db.selectFrom('responses').select('id').where('wave_id', '=', waveId).where('organisation_id', '=', options.organisations[i]).executeTakeFirstOrThrow()
    const rows = Object.entries(answers).map(([questionId, answer]) => ({ response_id: response.id, question_id: questionId, page_id: pageOf.get(questionId)!, answer_json: JSON.stringify(answer), updated_at: '2016-03-01T09:00:00.000Z' }))
    if (rows.length) await app.db.insertInto('response_answers').values(rows).execute()
  }
  return waveId
}
