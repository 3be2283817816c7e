// A ready-made wave with made-up organisations, so a developer (or a demo) can follow the
// respondent journey straight after `npm start`: `npm run cli -- demo-wave`. Its organisations
// and the wave are marked as demo: a real wave never invites them, and `npm run cli --
// remove-demo` takes all of it away again, leaving real data as it was.
import type { Kysely } from 'kysely'
import { audit, type Actor } from '../accounts/audit.js'
import { batches } from '../db/batches.js'
import type { Database } from '../db/schema.js'
import { issueLinkFor } from '../respond/link-tokens.js'
import { createOrganisation } from './organisations.js'
import { createWave, inviteOrganisations } from './waves.js'

const DEMO_AUTHORITIES = [
  { code: 'DEMO-E06000001', name: 'Hartside Borough Council', region: 'North East' },
  { code: 'DEMO-E08000002', name: 'Marlow Vale Metropolitan Borough Council', region: 'North West' },
  { code: 'DEMO-E10000003', name: 'Westmere County Council', region: 'South West' },
]

/** Makes the demo wave and returns each organisation's link: the only time it is known. */
export async function createDemoWave(db: Kysely<Database>, linkTokenKey: Buffer, surveyId = 'la-release-social-care', version = '2020'): Promise<{ waveId: string; links: { organisation: string; token: string }[] }> {
  const suffix = Date.now().toString(36).toUpperCase()
  const organisations: { id: string; name: string }[] = []
  for (const authority of DEMO_AUTHORITIES) {
    const id = await createOrganisation(db, {
      code: `${authority.code}-${suffix}`,
      name: authority.name,
      type: 'local authority',
      attributes: { region: authority.region },
      contacts: [{ name: 'Demo Contact', email: `adult.social.care@${authority.name.toLowerCase().split(' ')[0]}.example`, role: 'Head of service' }],
      demo: true,
    })
    organisations.push({ id, name: authority.name })
  }
  const closes = new Date(Date.now() + 28 * 24 * 3600 * 1000).toISOString()
  const waveId = await createWave(db, { surveyId, version, label: `Demo ${version}`, closesAt: closes, teamName: 'The survey research team', teamEmail: 'survey-team@example.org' })
  // Marked before inviting: only a demo wave may invite demo organisations.
  await db.updateTable('waves').set({ demo: 1 }).where('id', '=', waveId).execute()
  await inviteOrganisations(db, waveId, organisations.map((o) => o.id))
  const links = []
  for (const o of organisations) links.push({ organisation: o.name, token: (await issueLinkFor(db, linkTokenKey, waveId, o.id))! })
  return { waveId, links }
}

export interface RemovedDemoData {
  waves: number
  organisations: number
  responses: number
  emails: number
}

/**
 * Removes every demo wave and demo organisation with what hangs from them (links, responses and
 * their answers, e-mails), in one transaction. Real organisations a demo wave invited stay, as do
 * their other waves. A questionnaire version locked only by a demo wave is unlocked again.
 */
export async function removeDemoData(db: Kysely<Database>, actor: Actor | null): Promise<RemovedDemoData> {
  return db.transaction().execute(async (trx) => {
    const waves = await trx.selectFrom('waves').select(['id', 'label', 'survey_id', 'version']).where('demo', '=', 1).execute()
    const waveIds = waves.map((w) => w.id)
    const organisationIds = (await trx.selectFrom('organisations').select('id').where('demo', '=', 1).execute()).map((o) => o.id)
    const responseIds: string[] = []
    let emails = 0
    // Responses in a demo wave, or of a demo organisation (in a wave made before demo data was kept apart).
    for (const [column, ids] of [['wave_id', waveIds], ['organisation_id', organisationIds]] as const) {
      for (const batch of batches(ids)) {
        responseIds.push(...(await trx.selectFrom('responses').select('id').where(column, 'in', batch).execute()).map((r) => r.id))
        emails += Number((await trx.deleteFrom('outbox').where(column, 'in', batch).executeTakeFirst()).numDeletedRows)
        await trx.deleteFrom('link_tokens').where('invitation_id', 'in', trx.selectFrom('invitations').select('id').where(column, 'in', batch)).execute()
        await trx.deleteFrom('invitations').where(column, 'in', batch).execute()
      }
    }
    const responses = [...new Set(responseIds)]
    for (const batch of batches(responses)) {
      for (const table of ['answer_values', 'asked_questions', 'response_answers', 'response_pages'] as const) await trx.deleteFrom(table).where('response_id', 'in', batch).execute()
      await trx.deleteFrom('responses').where('id', 'in', batch).execute()
    }
    for (const batch of batches(waveIds)) {
      await trx.deleteFrom('wave_privacy_notices').where('wave_id', 'in', batch).execute()
      await trx.deleteFrom('waves').where('id', 'in', batch).execute()
    }
    for (const batch of batches(organisationIds)) {
      await trx.deleteFrom('contacts').where('organisation_id', 'in', batch).execute()
      await trx.deleteFrom('organisations').where('id', 'in', batch).execute()
    }
    for (const wave of waves) {
      const stillUsed = await trx.selectFrom('waves').select('id').where('survey_id', '=', wave.survey_id).where('version', '=', wave.version).executeTakeFirst()
      if (!stillUsed) {
        await trx.updateTable('questionnaire_versions').set({ locked_at: null, locked_by: null }).where('survey_id', '=', wave.survey_id).where('version', '=', wave.version).where('locked_by', '=', `wave "${wave.label}"`).execute()
      }
    }
    const removed = { waves: waves.length, organisations: organisationIds.length, responses: responses.length, emails }
    await audit(trx, actor, 'demo_data_removed', removed)
    return removed
  })
}
