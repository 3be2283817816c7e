// Erasure for data-protection requests: an organisation's contacts, or a whole wave, removed with
// the personal data that came with them (names, e-mail addresses, personal links, the e-mails
// sent), and a record in the audit log of what was removed, not of the data itself.
import type { Kysely } from 'kysely'
import { audit, type Actor } from '../accounts/audit.js'
import { nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'

export interface ErasureRecord {
  contacts: number
  links: number
  emails: number
  responses?: number
}

/** Removes an organisation's contacts and everything that identifies them; its answers stay. */
export async function eraseOrganisationContacts(db: Kysely<Database>, organisationId: string, actor: Actor | null): Promise<ErasureRecord> {
  return db.transaction().execute(async (trx) => {
    const contacts = await trx.deleteFrom('contacts').where('organisation_id', '=', organisationId).executeTakeFirst()
    // Links were sent to the erased people: every one of them stops working (an unknown link from
    // now on), and the invitations are revoked.
    await trx.deleteFrom('link_tokens').where('invitation_id', 'in', trx.selectFrom('invitations').select('id').where('organisation_id', '=', organisationId)).execute()
    const invitations = await trx.updateTable('invitations').set({ status: 'revoked', revoked_at: nowIso(), contact_email: null }).where('organisation_id', '=', organisationId).executeTakeFirst()
    const emails = await trx
      .updateTable('outbox')
      .set({ to_address: '[erased]', subject: '[erased]', text_body: '[erased]', html_body: '[erased]', status: 'failed', last_error: 'erased on request' })
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst()
    const record = { contacts: Number(contacts.numDeletedRows), links: Number(invitations.numUpdatedRows), emails: Number(emails.numUpdatedRows) }
    await audit(trx, actor, 'erasure_organisation_contacts', { organisationId, removed: record })
    return record
  })
}

/** Deletes a wave with its links, responses, answers and e-mails. */
export async function eraseWave(db: Kysely<Database>, waveId: string, actor: Actor | null): Promise<ErasureRecord> {
  return db.transaction().execute(async (trx) => {
    const wave = await trx.selectFrom('waves').select(['label', 'survey_id', 'version']).where('id', '=', waveId).executeTakeFirst()
    if (!wave) throw new Error('No such wave')
    const links = await trx.selectFrom('invitations').select((eb) => eb.fn.countAll<string | number>().as('n')).where('wave_id', '=', waveId).executeTakeFirstOrThrow()
    const responses = await trx.selectFrom('responses').select((eb) => eb.fn.countAll<string | number>().as('n')).where('wave_id', '=', waveId).executeTakeFirstOrThrow()
    const emails = await trx.deleteFrom('outbox').where('wave_id', '=', waveId).executeTakeFirst()
    const responseIds = (await trx.selectFrom('responses').select('id').where('wave_id', '=', waveId).execute()).map((r) => r.id)
    if (responseIds.length) {
      await trx.deleteFrom('answer_values').where('response_id', 'in', responseIds).execute()
      await trx.deleteFrom('asked_questions').where('response_id', 'in', responseIds).execute()
      await trx.deleteFrom('response_answers').where('response_id', 'in', responseIds).execute()
      await trx.deleteFrom('response_pages').where('response_id', 'in', responseIds).execute()
    }
    await trx.deleteFrom('responses').where('wave_id', '=', waveId).execute()
    await trx.deleteFrom('link_tokens').where('invitation_id', 'in', trx.selectFrom('invitations').select('id').where('wave_id', '=', waveId)).execute()
    await trx.deleteFrom('invitations').where('wave_id', '=', waveId).execute()
    await trx.deleteFrom('waves').where('id', '=', waveId).execute()
    const record = { contacts: 0, links: Number(links.n), emails: Number(emails.numDeletedRows), responses: Number(responses.n) }
    await audit(trx, actor, 'erasure_wave', { waveId, label: wave.label, survey: wave.survey_id, version: wave.version, removed: record })
    return record
  })
}
