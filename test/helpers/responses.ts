// Submits answers for an organisation directly through the services (no browser), for tests
// that need many submitted responses.
import type { FastifyInstance } from 'fastify'
import { recordFacts } from '../../src/analysis/facts.js'
import type { Answers } from '../../src/questionnaire/answers.js'
import { walkVisible } from '../../src/questionnaire/skip-logic.js'
import { submitResponse } from '../../src/respond/responses.js'

export async function submitAnswers(app: FastifyInstance, waveId: string, organisationId: string, answers: Answers): Promise<void> {
  const wave = await app.db.selectFrom('waves').selectAll().where('id', '=', waveId).executeTakeFirstOrThrow()
  const definition = app.catalogue.find(wave.survey_id, wave.version)!.definition
  const response = await app.db.selectFrom('responses').select('id').where('wave_id', '=', waveId).where('organisation_id', '=', organisationId).executeTakeFirstOrThrow()
  const visible = walkVisible(definition, answers)
  await submitResponse(app.db, response.id, Object.keys(visible.answers), (trx) => recordFacts(trx, waveId, response.id, visible.pages.flatMap((p) => p.questions), visible.answers))
}
