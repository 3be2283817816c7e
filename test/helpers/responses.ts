// Submits answers for an organisation directly through the services (no browser), for tests
// that need many submitted responses.
import type { FastifyInstance } from 'fastify'
import { recordFacts } from '../../src/analysis/facts.js'
import type { Answers } from '../../src/questionnaire/answers.js'
import { walkVisible } from '../../src/questionnaire/skip-logic.js'
import { submitResponse } from '../../src/respond/responses.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations } from '../../src/waves/waves.js'
import { form, formSession } from './app.js'

export async function submitAnswers(app: FastifyInstance, waveId: string, organisationId: string, answers: Answers): Promise<void> {
  const wave = await app.db.selectFrom('waves').selectAll().where('id', '=', waveId).executeTakeFirstOrThrow()
  const definition = app.catalogue.find(wave.survey_id, wave.version)!.definition
  const response = await app.db.selectFrom('responses').select('id').where('wave_id', '=', waveId).where('organisation_id', '=', organisationId).executeTakeFirstOrThrow()
  const visible = walkVisible(definition, answers)
  await submitResponse(app.db, response.id, Object.keys(visible.answers), (trx) => recordFacts(trx, waveId, response.id, visible.pages.flatMap((p) => p.questions), visible.answers))
}

/**
 * A wave of `surveyId` `version` to which each set of answers was submitted by an organisation of
 * its own (prisons, codes `${prefix}1`…, created unless `organisations` gives their ids).
 */
export async function submittedWave(
  app: FastifyInstance,
  options: { surveyId: string; version: string; label: string; answers: Answers[]; prefix?: string; organisations?: string[]; attributes?: Record<string, string> },
): Promise<{ waveId: string; organisations: string[] }> {
  const organisations = options.organisations ?? []
  for (let i = organisations.length; i < options.answers.length; i++) {
    const code = `${options.prefix ?? 'P'}${i + 1}`
    organisations.push(await createOrganisation(app.db, { code, name: `Organisation ${code}`, type: 'prison', attributes: options.attributes, contacts: [{ name: 'C', email: `${code.toLowerCase()}@example.org` }] }))
  }
  const waveId = await createWave(app.db, { surveyId: options.surveyId, version: options.version, label: options.label, teamName: 'Team', teamEmail: 'team@example.org' })
  await inviteOrganisations(app.db, waveId, organisations)
  for (const [i, answers] of options.answers.entries()) await submitAnswers(app, waveId, organisations[i], answers)
  return { waveId, organisations }
}

/**
 * A respondent's journey through the three pages of the bilingual fixture (welsh-prisons 1) and
 * "Submit", through the same forms a browser posts: the confirmation e-mail is queued as for real.
 */
export async function submitWelshPrisonsThroughForms(app: FastifyInstance, token: string, options: { cookie?: string; copyTo?: string } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' }
  const base = `/r/${token}`
  const pages: [string, Record<string, string | string[]>][] = [
    ['scheme_page', { has_scheme: '1', buddies: '3' }],
    ['scheme_details', { tasks: ['1'] }],
    ['views_page', { comments: 'None' }],
  ]
  for (const [page, fields] of pages) {
    const s = await formSession(app, `${base}/pages/${page}`, options.cookie)
    await app.inject({ method: 'POST', url: `${base}/pages/${page}`, headers: { ...headers, cookie: s.cookie }, payload: form({ _csrf: s.token, _page_version: '0', ...fields }) })
  }
  const s = await formSession(app, `${base}/check`, options.cookie)
  return app.inject({ method: 'POST', url: `${base}/submit`, headers: { ...headers, cookie: s.cookie }, payload: form({ _csrf: s.token, ...(options.copyTo ? { copy_to: options.copyTo } : {}) }) })
}
