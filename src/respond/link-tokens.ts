// A respondent's personal link is /r/<token>: 256 random bits. The database keeps only a keyed hash
// of each (HMAC-SHA-256 with the key of link-key.ts, kept outside the database), so a copy of the
// database opens no link. A link is therefore shown or sent when it is made, never again: each
// e-mail carries a link of its own, made by the worker that sends it; all the links of an
// invitation reach the same response, and are withdrawn together when the team replaces it.
import { createHmac } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { newSecretToken, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'

type Db = Kysely<Database> | Transaction<Database>

export const hashLinkToken = (key: Buffer, token: string): string => createHmac('sha256', key).update(token, 'utf8').digest('hex')

/** Makes a new link to an invitation's response and returns its token: the only time it is known. */
async function issueLinkToken(db: Db, key: Buffer, invitationId: string, now = new Date()): Promise<string> {
  const token = newSecretToken()
  await db.insertInto('link_tokens').values({ token_hash: hashLinkToken(key, token), invitation_id: invitationId, created_at: nowIso(now) }).execute()
  return token
}

/** A new link to an organisation's response in a wave; undefined when its link was withdrawn (erased, or the organisation is not in the wave). */
export async function issueLinkFor(db: Db, key: Buffer, waveId: string, organisationId: string): Promise<string | undefined> {
  const invitation = await db.selectFrom('invitations').select('id').where('wave_id', '=', waveId).where('organisation_id', '=', organisationId).where('status', '=', 'active').executeTakeFirst()
  return invitation ? issueLinkToken(db, key, invitation.id) : undefined
}
