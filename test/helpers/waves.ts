// A wave with invited organisations on a test app's database, for the respondent journey.
import type { FastifyInstance } from 'fastify'
import { createOrganisation } from '../../src/waves/organisations.js'
import { issueLinkFor } from '../../src/respond/link-tokens.js'
import { createWave, inviteOrganisations } from '../../src/waves/waves.js'

export interface TestWave {
  waveId: string
  /** Personal link token per organisation code. */
  tokens: Record<string, string>
  organisationIds: Record<string, string>
}

export async function openTestWave(
  app: FastifyInstance,
  options: { surveyId?: string; version?: string; organisations?: string[]; closesAt?: string } = {},
): Promise<TestWave> {
  const codes = options.organisations ?? ['E06000001', 'E06000002']
  const organisationIds: Record<string, string> = {}
  for (const code of codes) {
    organisationIds[code] = await createOrganisation(app.db, {
      code,
      name: `Authority ${code}`,
      type: 'local authority',
      attributes: { region: 'North East' },
      contacts: [{ name: `Contact ${code}`, email: `contact-${code.toLowerCase()}@example.org` }],
    })
  }
  const waveId = await createWave(app.db, {
    surveyId: options.surveyId ?? 'la-release-social-care',
    version: options.version ?? '2020',
    label: '2020',
    closesAt: options.closesAt,
    teamName: 'Prison Social Care Study',
    teamEmail: 'study@example.org',
  })
  await inviteOrganisations(app.db, waveId, Object.values(organisationIds))
  const byId = await issueLinks(app, waveId, Object.values(organisationIds))
  const tokens = Object.fromEntries(codes.map((code) => [code, byId.get(organisationIds[code])!]))
  return { waveId, tokens, organisationIds }
}

/** A personal link (its token) for each organisation of a wave, as the team's "make a link" does: the database keeps only hashes. */
export async function issueLinks(app: FastifyInstance, waveId: string, organisationIds: string[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>()
  for (const id of organisationIds) {
    const token = await issueLinkFor(app.db, app.linkTokenKey, waveId, id)
    if (token) tokens.set(id, token)
  }
  return tokens
}
