// The team's page for carrying answers forward (admins only; analysts read the choice on the
// wave's page): an earlier wave of the same survey, and the questions or whole sections that
// start from each organisation's answer in it. It can change before or after launch, while the
// wave is open; the chosen questions that cannot be carried are listed with the reason.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { WaveTable } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { isAnswerable, localize } from '../questionnaire/model.js'
import { redirectDone } from '../web/done-notice.js'
import { renderTeamPage } from '../web/render.js'
import { waveParams, type WaveParams } from '../waves/params.js'
import { getWave } from '../waves/waves.js'
import { importMarks } from '../imports/import-mark.js'
import { carryForward, earlierWaves, removeCarrySetting, saveCarrySetting } from './carry-forward.js'
import { carryPlans, type CarryPlans } from './lineage-map.js'

const NONE = 'none'

interface CarryBody {
  source?: string
  questions?: string | string[]
  sections?: string | string[]
}

const carryBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string' },
    source: { type: 'string', maxLength: 40 },
    questions: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'array', maxItems: 2000, items: { type: 'string', maxLength: 64 } }] },
    sections: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'array', maxItems: 500, items: { type: 'string', maxLength: 64 } }] },
  },
} as const

const list = (value: string | string[] | undefined) => ([] as string[]).concat(value ?? [])

export async function carryRoutes(app: FastifyInstance) {
  const t = translator('en')

  async function render(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, form: { source: string; chosen: string[] }, errors: Record<string, string>, status = 200) {
    const definition = app.catalogue.find(wave.survey_id, wave.version)!.definition
    const waves = await earlierWaves(app.db, app.catalogue, wave)
    const saved = await carryForward(app.db, app.catalogue, wave)
    const imported = await importMarks(app.db, waves.map((w) => w.id))
    const chosen = new Set(form.chosen)
    // Against the wave chosen on the form (or saved): which questions could not be carried from it, and why.
    const source = waves.find((w) => w.id === form.source)
    const everyQuestion = definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions.filter(isAnswerable).map((q) => q.id)))
    const cannot = new Map(source ? refusedView(carryPlans(app.catalogue, definition, source.version, everyQuestion), source).map((r) => [r.id, r.reason]) : [])
    const sections = definition.sections.map((section) => {
      const questions = section.pages.flatMap((page) => page.questions.filter(isAnswerable)).map((q) => ({ id: q.id, text: localize(q.text, 'en'), checked: chosen.has(q.id), cannot: cannot.get(q.id) }))
      return { id: section.id, title: localize(section.title, 'en'), questions, whole: questions.length > 0 && questions.every((q) => q.checked) }
    })
    return renderTeamPage(
      request,
      reply,
      'admin/wave-carry-forward',
      {
        wave,
        open: wave.status !== 'closed',
        sourceLabel: source?.label,
        sources: waves.map((w) => ({ id: w.id, label: w.label, version: w.version, imported: imported.has(w.id) })),
        source: form.source,
        sections,
        saved: saved ? { label: saved.source.label, carried: saved.plans.size, refused: refusedView(saved, saved.source) } : undefined,
        errors,
      },
      status,
    )
  }

  /** Each chosen question that cannot be carried, with the reason in words. */
  function refusedView(plans: CarryPlans, source: WaveTable) {
    return plans.refused.map((r) => ({ id: r.questionId, reason: t(`admin.carry.refused.${r.reason}`, { wave: source.label, version: source.version, source: r.sourceId ?? r.questionId }) }))
  }

  async function loadWave(request: FastifyRequest<{ Params: WaveParams }>, reply: FastifyReply) {
    const wave = await getWave(app.db, request.params.waveId)
    if (!wave || !app.catalogue.find(wave.survey_id, wave.version)) {
      await reply.callNotFound()
      return undefined
    }
    return wave
  }

  app.get<{ Params: WaveParams }>('/admin/waves/:waveId/carry-forward', { schema: { params: waveParams }, onRequest: app.requireAdmin }, async (request, reply) => {
    const wave = await loadWave(request, reply)
    if (!wave) return reply
    const saved = await carryForward(app.db, app.catalogue, wave)
    return render(request, reply, wave, { source: saved?.source.id ?? '', chosen: saved?.chosen ?? [] }, {})
  })

  app.post<{ Params: WaveParams; Body: CarryBody }>(
    '/admin/waves/:waveId/carry-forward',
    { schema: { params: waveParams, body: carryBody }, onRequest: app.requireAdmin, preHandler: app.csrfProtection },
    async (request, reply) => {
      const wave = await loadWave(request, reply)
      if (!wave) return reply
      const definition = app.catalogue.find(wave.survey_id, wave.version)!.definition
      // Whole sections first, then single questions, kept in the questionnaire's order.
      const sectionIds = new Set(list(request.body.sections))
      const picked = new Set(list(request.body.questions))
      const chosen = definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions.filter(isAnswerable)).filter((q) => sectionIds.has(s.id) || picked.has(q.id)).map((q) => q.id))
      const source = (request.body.source ?? '').trim()
      const form = { source, chosen }
      // The page itself says the wave is closed, and offers no form.
      if (wave.status === 'closed') return render(request, reply, wave, form, {}, 409)
      if (source === NONE) {
        const removed = await removeCarrySetting(app.db, wave, request.user!)
        return redirectDone(reply, `/admin/waves/${wave.id}/carry-forward`, removed ? 'carry_forward_removed' : 'carry_forward_unchanged')
      }
      const errors: Record<string, string> = {}
      const earlier = (await earlierWaves(app.db, app.catalogue, wave)).find((w) => w.id === source)
      if (!source) errors.source = t('admin.carry.error.choose_wave')
      else if (!earlier) errors.source = t('admin.carry.error.unknown_wave')
      if (chosen.length === 0) errors.questions = t('admin.carry.error.choose_questions')
      if (Object.keys(errors).length || !earlier) return render(request, reply, wave, form, errors, 400)
      await saveCarrySetting(app.db, wave, earlier, chosen, request.user!)
      const carried = carryPlans(app.catalogue, definition, earlier.version, chosen).plans.size
      return redirectDone(reply, `/admin/waves/${wave.id}/carry-forward`, 'carry_forward_saved', carried)
    },
  )
}
