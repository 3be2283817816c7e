// The team's page for moving a wave to a corrected version of its questionnaire (admins only):
// the later versions of the survey to choose from, and, for one that is not a correction, the
// list of what it changes beyond wording.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { WaveTable } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { localize } from '../questionnaire/model.js'
import { redirectDone } from '../web/done-notice.js'
import { renderTeamPage } from '../web/render.js'
import { waveParams, type WaveParams } from './params.js'
import { laterVersions, moveToCorrectedVersion } from './version-move.js'
import { getWave } from './waves.js'

export async function versionMoveRoutes(app: FastifyInstance) {
  const t = translator('en')

  function render(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, errors: Record<string, string>, refused: string[] = [], chosen = '', status = 200) {
    const choices = laterVersions(app.catalogue, wave).map((v) => ({
      version: v.definition.version,
      title: localize(v.definition.title, 'en'),
      editorial: v.definition.editorial === true,
    }))
    return renderTeamPage(request, reply, 'admin/wave-version', { wave, choices, errors, refused, chosen }, status)
  }

  app.get<{ Params: WaveParams }>('/admin/waves/:waveId/version', { schema: { params: waveParams }, onRequest: app.requireAdmin }, async (request, reply) => {
    const wave = await getWave(app.db, request.params.waveId)
    if (!wave) return reply.callNotFound()
    return render(request, reply, wave, {})
  })

  app.post<{ Params: WaveParams; Body: { version?: string } }>(
    '/admin/waves/:waveId/version',
    {
      schema: { params: waveParams, body: { type: 'object', properties: { _csrf: { type: 'string' }, version: { type: 'string', maxLength: 40 } } } },
      onRequest: app.requireAdmin,
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const wave = await getWave(app.db, request.params.waveId)
      if (!wave) return reply.callNotFound()
      const chosen = (request.body.version ?? '').trim()
      if (!chosen) return render(request, reply, wave, { version: t('admin.wave_version.error.choose') }, [], '', 400)
      const result = await moveToCorrectedVersion(app.db, app.catalogue, wave.id, chosen, request.user!)
      if (!result.moved) {
        return render(request, reply, wave, { version: t('admin.wave_version.error.not_editorial', { version: chosen, count: result.reasons.length }) }, result.reasons, chosen, 400)
      }
      return redirectDone(reply, `/admin/waves/${wave.id}`, 'wave_version_corrected')
    },
  )
}
