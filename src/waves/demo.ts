// A ready-made wave with made-up organisations, so a developer (or a demo) can follow the
// respondent journey straight after `npm start`: `npm run cli -- demo-wave`.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { createOrganisation } from './organisations.js'
import { createWave, inviteOrganisations } from './waves.js'

const DEMO_AUTHORITIES = [
  { code: 'DEMO-E06000001', name: 'Hartside Borough Council', region: 'North East' },
  { code: 'DEMO-E08000002', name: 'Marlow Vale Metropolitan Borough Council', region: 'North West' },
  { code: 'DEMO-E10000003', name: 'Westmere County Council', region: 'South West' },
]

export async function createDemoWave(db: Kysely<Database>, surveyId = 'la-release-social-care', version = '2020'): Promise<{ waveId: string; links: { organisation: string; token: string }[] }> {
  const suffix = Date.now().toString(36).toUpperCase()
  const organisations: { id: string; name: string }[] = []
  for (const authority of DEMO_AUTHORITIES) {
    const id = await createOrganisation(db, {
      code: `${authority.code}-${suffix}`,
      name: authority.name,
      type: 'local authority',
      attributes: { region: authority.region },
      contacts: [{ name: 'Demo Contact', email: `adult.social.care@${authority.name.toLowerCase().split(' ')[0]}.example`, role: 'Head of service' }],
    })
    organisations.push({ id, name: authority.name })
  }
  const closes = new Date(Date.now() + 28 * 24 * 3600 * 1000).toISOString()
  const waveId = await createWave(db, { surveyId, version, label: `Demo ${version}`, closesAt: closes, teamName: 'The survey research team', teamEmail: 'survey-team@example.org' })
  const tokens = await inviteOrganisations(db, waveId, organisations.map((o) => o.id))
  return { waveId, links: organisations.map((o) => ({ organisation: o.name, token: tokens.get(o.id)! })) }
}
