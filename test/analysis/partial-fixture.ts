// A wave of the partial-demo survey as it stands on the day the team closes it: three organisations
// have submitted, three are part-way through, one has not started. Chosen so that every figure,
// with and without partial responses, can be worked out by hand (see test/analysis/partial.test.ts).
//
//   S1 submitted   has_scheme yes, buddies 4, tasks Cleaning + Meals, role Manager, comments
//   S2 submitted   has_scheme no, role Staff
//   S3 submitted   has_scheme yes, buddies 6, tasks Cleaning, role Staff
//   P1 in progress has_scheme yes, buddies 2; tasks (same page) and the whole second section not reached
//   P2 in progress said yes and gave buddies 10 and Cleaning, then changed to no (so those answers are
//                  hidden and must never count); role Don't know, comments
//   E1 in progress a page saved with nothing on it: no answer at all
//   N1 not started
import type { FastifyInstance } from 'fastify'
import type { Answers } from '../../src/questionnaire/answers.js'
import { savePage } from '../../src/respond/responses.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations } from '../../src/waves/waves.js'
import { submitAnswers } from '../helpers/responses.js'
import { issueLinks } from '../helpers/waves.js'

export const PARTIAL_SURVEYS = 'test/fixtures/surveys-partial'

export const CODES = ['S1', 'S2', 'S3', 'P1', 'P2', 'E1', 'N1'] as const
type Code = (typeof CODES)[number]

const YES = { code: 1 }
const NO = { code: 2 }

const PAGES: Record<string, string[]> = { has_scheme_page: ['has_scheme'], buddies_page: ['buddies', 'tasks'], views_page: ['role', 'comments'] }

export interface PartlyAnsweredWave {
  waveId: string
  organisations: Record<Code, string>
  tokens: Record<Code, string>
  responses: Record<Code, string>
}

export async function partlyAnsweredWave(app: FastifyInstance, label = '2027'): Promise<PartlyAnsweredWave> {
  const organisations = {} as Record<Code, string>
  for (const code of CODES) {
    const existing = await app.db.selectFrom('organisations').select('id').where('code', '=', code).executeTakeFirst()
    organisations[code] =
      existing?.id ??
      (await createOrganisation(app.db, { code, name: `HMP ${code}`, type: 'prison', attributes: { region: code.startsWith('S') ? 'North' : 'South' }, contacts: [{ name: `Governor ${code}`, email: `${code.toLowerCase()}@prison.example` }] }))
  }
  const waveId = await createWave(app.db, { surveyId: 'partial-demo', version: '1', label, teamName: 'Peer Support Study', teamEmail: 'study@example.org' })
  await inviteOrganisations(app.db, waveId, Object.values(organisations))
  const links = await issueLinks(app, waveId, Object.values(organisations))
  const tokens = Object.fromEntries(CODES.map((code) => [code, links.get(organisations[code])!])) as Record<Code, string>
  const rows = await app.db.selectFrom('responses').select(['id', 'organisation_id']).where('wave_id', '=', waveId).execute()
  const responses = Object.fromEntries(CODES.map((code) => [code, rows.find((r) => r.organisation_id === organisations[code])!.id])) as Record<Code, string>

  await submitAnswers(app, waveId, organisations.S1, { has_scheme: YES, buddies: { value: 4 }, tasks: { codes: [1, 2] }, role: { code: 1 }, comments: { value: 'Works well' } })
  await submitAnswers(app, waveId, organisations.S2, { has_scheme: NO, role: { code: 2 } })
  await submitAnswers(app, waveId, organisations.S3, { has_scheme: YES, buddies: { value: 6 }, tasks: { codes: [1] }, role: { code: 2 } })

  const save = async (code: Code, pageId: string, answers: Answers, baseVersion = 0, completed = true) => {
    const result = await savePage(app.db, { responseId: responses[code], pageId, baseVersion, questionIds: PAGES[pageId], answers, completed })
    if (result.outcome !== 'saved') throw new Error(`${code} ${pageId}: ${result.outcome}`)
  }
  await save('P1', 'has_scheme_page', { has_scheme: YES })
  await save('P1', 'buddies_page', { buddies: { value: 2 } }, 0, false)
  await save('P2', 'has_scheme_page', { has_scheme: YES })
  await save('P2', 'buddies_page', { buddies: { value: 10 }, tasks: { codes: [1] } })
  await save('P2', 'has_scheme_page', { has_scheme: NO }, 1)
  await save('P2', 'views_page', { role: { code: 9 }, comments: { value: 'Not finished' } })
  await save('E1', 'has_scheme_page', {}, 0, false)
  return { waveId, organisations, tokens, responses }
}
