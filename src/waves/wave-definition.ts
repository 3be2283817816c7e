// The wave a team page names in its URL, with its questionnaire version's definition; a wave
// that does not exist (or whose version is not in the catalogue) is the not-found page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { WaveParams } from './params.js'

export async function waveWithDefinition(app: FastifyInstance, request: FastifyRequest<{ Params: WaveParams }>, reply: FastifyReply) {
  const wave = await app.db.selectFrom('waves').selectAll().where('id', '=', request.params.waveId).executeTakeFirst()
  const version = wave ? app.catalogue.find(wave.survey_id, wave.version) : undefined
  if (!wave || !version) {
    await reply.callNotFound()
    return undefined
  }
  return { wave, definition: version.definition }
}
