// Two waves of a small survey on two versions (rewording, a recode, a question no longer
// comparable, one dropped, one added), with answers chosen so every figure can be worked out by hand.
import type { FastifyInstance } from 'fastify'
import type { Answers } from '../../src/questionnaire/answers.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations } from '../../src/waves/waves.js'
import { submitAnswers } from '../helpers/responses.js'

export const WAVE1: Answers[] = [
  { q_role: { code: 1 }, q_scheme: { code: 1 }, q_tasks: { codes: [1, 2] }, q_staff: { value: 2 }, q_budget: { value: 100 }, q_rate: { rows: { a: 1 } }, q_views: { value: 'Good <b>work</b>' } },
  { q_role: { code: 1 }, q_scheme: { code: 1 }, q_tasks: { codes: [1] }, q_staff: { value: 4 }, q_rate: { rows: { a: 1 } } },
  { q_role: { code: 2 }, q_scheme: { code: 2 }, q_tasks: { codes: [2, 3], other: 'Laundry' }, q_staff: { value: 4 }, q_rate: { rows: { a: 2 } }, q_views: { value: '=HYPERLINK("http://example.com","click")' } },
  { q_role: { code: 3 }, q_scheme: { code: 1 }, q_tasks: { codes: [1] }, q_staff: { value: 5 }, q_rate: { rows: { a: 3 } } },
  { q_role: { code: 9 }, q_scheme: { code: 8 }, q_tasks: { codes: [3], other: 'Post' }, q_staff: { value: 10 }, q_rate: { rows: { a: 3 } } },
]

export const WAVE2: Answers[] = [
  { q_role: { code: 1 }, q_scheme: { code: 1 }, q_tasks: { codes: [1] }, q_staff: { value: 1 }, q_new: { code: 1 }, q_rate: { rows: { a: 1 } } },
  { q_role: { code: 2 }, q_scheme: { code: 2 }, q_tasks: { codes: [1, 2] }, q_staff: { dont_know: true }, q_new: { code: 2 }, q_rate: { rows: { a: 1 } } },
  { q_role: { code: 2 }, q_scheme: { code: 2 }, q_tasks: { codes: [2] }, q_staff: { value: 3 }, q_new: { code: 1 }, q_rate: { rows: { a: 1 } } },
  { q_role: { code: 2 }, q_scheme: { code: 1 }, q_tasks: { codes: [1] }, q_staff: { value: 3 }, q_new: { code: 1 }, q_rate: { rows: { a: 2 } } },
  { q_role: { code: 2 }, q_scheme: { code: 2 }, q_tasks: { codes: [2] }, q_staff: { value: 3 }, q_new: { code: 2 }, q_rate: { rows: { a: 2 } } },
  { q_role: { code: 9 }, q_scheme: { code: 2 }, q_tasks: { codes: [1] }, q_staff: { value: 3 }, q_new: { code: 1 }, q_rate: { rows: { a: 3 } } },
]

export async function twoWaves(app: FastifyInstance): Promise<{ wave1: string; wave2: string; organisations: string[] }> {
  const organisations: string[] = []
  for (let i = 1; i <= 6; i++) {
    organisations.push(
      await createOrganisation(app.db, { code: `ORG${i}`, name: `Organisation ${i}`, type: i <= 3 ? 'local authority' : 'prison', attributes: { region: i % 2 ? 'North' : 'South' }, contacts: [{ name: `C${i}`, email: `c${i}@example.org` }] }),
    )
  }
  const wave1 = await createWave(app.db, { surveyId: 'demo-analysis', version: '1', label: 'W1', teamName: 'Team', teamEmail: 'team@example.org' })
  await inviteOrganisations(app.db, wave1, organisations)
  for (const [i, answers] of WAVE1.entries()) await submitAnswers(app, wave1, organisations[i], answers)
  const wave2 = await createWave(app.db, { surveyId: 'demo-analysis', version: '2', label: 'W2', teamName: 'Team', teamEmail: 'team@example.org' })
  await inviteOrganisations(app.db, wave2, organisations)
  for (const [i, answers] of WAVE2.entries()) await submitAnswers(app, wave2, organisations[i], answers)
  return { wave1, wave2, organisations }
}
