// The research team's view of the questionnaires: every survey and version, what each asks,
// and what changed between two versions (to check the lineage before a wave goes out).
import { DEFAULT_MAX_ITEMS } from '../questionnaire/groups.js'
import { unitLabel } from '../questionnaire/units.js'
import type { FastifyInstance } from 'fastify'
import { describeCheck, describeCondition } from '../questionnaire/diff.js'
import { followUpCondition, isAnswerable, languagesOf, localize } from '../questionnaire/model.js'
import { renderTeamPage } from '../web/render.js'
import { surveyVersionParams, type SurveyVersionParams } from './params.js'
import { registeredVersions } from './version-registry.js'
import { versionDiffs } from './version-diffs.js'
import { questionProperties } from './question-properties.js'

export async function surveyRoutes(app: FastifyInstance) {
  // The research team's pages: signed-in users only (analysts may look, as may admins).
  app.addHook('onRequest', app.requireUser)
  app.get('/surveys', async (request, reply) => {
    const registry = await registeredVersions(app.db)
    const surveys = app.catalogue.surveys.map((survey) => ({
      id: survey.id,
      title: localize(survey.versions[survey.versions.length - 1].definition.title, 'en'),
      versions: survey.versions.map(({ definition, file, contentHash }) => {
        const row = registry.find((r) => r.survey_id === survey.id && r.version === definition.version)
        return {
          version: definition.version,
          previous: definition.previous,
          file,
          hash: contentHash.slice(0, 12),
          languages: languagesOf(definition).join(', '),
          questions: definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions.filter(isAnswerable))).length,
          lockedBy: row?.locked_by ?? null,
        }
      }),
    }))
    return renderTeamPage(request, reply, 'surveys/list', { surveys })
  })

  app.get<{ Params: SurveyVersionParams }>('/surveys/:survey/:version', { schema: { params: surveyVersionParams } }, async (request, reply) => {
    const version = app.catalogue.find(request.params.survey, request.params.version)
    if (!version) return reply.callNotFound()
    const definition = version.definition
    const sections = definition.sections.map((section) => ({
      id: section.id,
      title: localize(section.title, 'en'),
      condition: describeCondition(section.show_if, definition),
      repeat: section.repeat && {
        itemLabel: section.repeat.item_label,
        items: unitLabel(section.repeat.items, 'en'),
        min: section.repeat.min_items ?? 0,
        max: section.repeat.max_items ?? DEFAULT_MAX_ITEMS,
        addAnother: localize(section.repeat.add_another, 'en'),
      },
      pages: section.pages.map((page) => ({
        id: page.id,
        title: localize(page.title, 'en'),
        condition: describeCondition(page.show_if, definition),
        questions: page.questions.map((q) => ({
          id: q.id,
          type: q.type,
          text: localize(q.text, 'en'),
          required: isAnswerable(q) ? q.required !== false : false,
          condition: describeCondition(q.show_if ?? followUpCondition(q), definition),
          properties: questionProperties(q),
        })),
        checks: (page.checks ?? []).map((check) => ({ id: check.id, text: describeCheck(check, definition) })),
      })),
    }))
    return renderTeamPage(request, reply, 'surveys/version', {
      survey: definition.survey,
      version: definition.version,
      previous: definition.previous,
      title: localize(definition.title, 'en'),
      file: version.file,
      hash: version.contentHash,
      languages: languagesOf(definition).join(', '),
      sections,
    })
  })

  app.get<{ Params: SurveyVersionParams; Querystring: { from?: string } }>(
    '/surveys/:survey/:version/changes',
    {
      schema: {
        params: surveyVersionParams,
        querystring: { type: 'object', properties: { from: surveyVersionParams.properties.version } },
      },
    },
    async (request, reply) => {
      const to = app.catalogue.find(request.params.survey, request.params.version)
      if (!to) return reply.callNotFound()
      const fromName = request.query.from ?? to.definition.previous
      const from = fromName ? app.catalogue.find(request.params.survey, fromName) : undefined
      const others = app.catalogue.surveys.find((s) => s.id === request.params.survey)!.versions.map((v) => v.definition.version).filter((v) => v !== to.definition.version)
      if (!from) {
        return renderTeamPage(request, reply, 'surveys/changes', { survey: to.definition.survey, to: to.definition.version, diff: null, others, fromName: fromName ?? null }, fromName ? 404 : 200)
      }
      const diff = versionDiffs.get(from, to)
      return renderTeamPage(request, reply, 'surveys/changes', { survey: to.definition.survey, to: to.definition.version, diff, others, fromName })
    },
  )
}
