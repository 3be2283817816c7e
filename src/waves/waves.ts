// Waves of a survey, and the invitation (personal link) and response of each organisation.
import type { Kysely } from 'kysely'
import { newId, newLinkToken, newReference, nowIso } from '../db/ids.js'
import type { Database, WaveStatus } from '../db/schema.js'
import { lockVersion } from '../surveys/version-registry.js'

export interface NewWave {
  surveyId: string
  version: string
  label: string
  closesAt?: string
  teamName: string
  teamEmail: string
  status?: WaveStatus
}

export async function createWave(db: Kysely<Database>, input: NewWave): Promise<string> {
  const id = newId()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('waves')
      .values({
        id,
        survey_id: input.surveyId,
        version: input.version,
        label: input.label,
        status: input.status ?? 'open',
        opens_at: nowIso(),
        closes_at: input.closesAt ?? null,
        team_name: input.teamName,
        team_email: input.teamEmail,
        created_at: nowIso(),
      })
      .execute()
    // From now on the answers collected depend on this exact questionnaire.
    await lockVersion(trx, input.surveyId, input.version, `wave "${input.label}"`)
  })
  return id
}

export async function setWaveStatus(db: Kysely<Database>, waveId: string, status: WaveStatus): Promise<void> {
  await db.updateTable('waves').set({ status }).where('id', '=', waveId).execute()
}

/** Invites organisations to a wave: one link and one (empty) response each. Inviting twice keeps the first. */
export async function inviteOrganisations(db: Kysely<Database>, waveId: string, organisationIds: string[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>()
  await db.transaction().execute(async (trx) => {
    for (const organisationId of organisationIds) {
      const existing = await trx.selectFrom('invitations').select('token').where('wave_id', '=', waveId).where('organisation_id', '=', organisationId).where('status', '=', 'active').executeTakeFirst()
      if (existing) {
        tokens.set(organisationId, existing.token)
        continue
      }
      const token = newLinkToken()
      const created = nowIso()
      await trx.insertInto('invitations').values({ id: newId(), wave_id: waveId, organisation_id: organisationId, token, status: 'active', created_at: created, revoked_at: null, first_opened_at: null, last_opened_at: null }).execute()
      await trx
        .insertInto('responses')
        .values({ id: newId(), wave_id: waveId, organisation_id: organisationId, status: 'not_started', reference: newReference(), created_at: created, updated_at: created, submitted_at: null, reopened_at: null })
        .onConflict((oc) => oc.columns(['wave_id', 'organisation_id']).doNothing())
        .execute()
      tokens.set(organisationId, token)
    }
  })
  return tokens
}

export async function revokeInvitation(db: Kysely<Database>, token: string): Promise<void> {
  await db.updateTable('invitations').set({ status: 'revoked', revoked_at: nowIso() }).where('token', '=', token).execute()
}
