// Password reset links an admin sends: a random secret in the link, only its hash in the database,
// good once and for a day. Sending a new link spends the older ones. Using it sets the new password
// and ends every session of that person, so whoever knew the old password is signed out too.
import type { Kysely } from 'kysely'
import { newSecretToken, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { escapeHtml } from '../mail/html.js'
import { PUBLIC_URL_MARK, queueMessage } from '../mail/outbox.js'
import type { Translate } from '../i18n/catalogue.js'
import { formatUkTime } from '../i18n/uk-dates.js'
import { hashPassword } from './passwords.js'
import { endSessionsOf, sha256 } from './sessions.js'
import type { Account } from './account-rules.js'

export const RESET_HOURS = 24

/** Queues the e-mail with a new link (through the outbox, like all mail) and returns when it expires. */
export async function sendPasswordReset(db: Kysely<Database>, account: Account, sentBy: string, t: Translate, now = new Date()): Promise<string> {
  const token = newSecretToken()
  const expiresAt = nowIso(new Date(now.getTime() + RESET_HOURS * 3600_000))
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('password_resets').set({ used_at: nowIso(now) }).where('user_id', '=', account.id).where('used_at', 'is', null).execute()
    await trx.insertInto('password_resets').values({ id: sha256(token), user_id: account.id, created_at: nowIso(now), expires_at: expiresAt, used_at: null, created_by: sentBy }).execute()
    // The link is stored with the mark: the process that sends it fills in its own public address.
    const link = `${PUBLIC_URL_MARK}/password-reset/${token}`
    const params = { name: account.name, hours: RESET_HOURS, expires: formatUkTime(expiresAt, t) }
    const lines = [t('admin.mail.password_reset.greeting', params), t('admin.mail.password_reset.body', params), t('admin.mail.password_reset.expiry', params), t('admin.mail.password_reset.not_you')]
    await queueMessage(trx, {
      dedupeKey: `password_reset:${sha256(token)}`,
      kind: 'password_reset',
      to: [account.email],
      subject: t('admin.mail.password_reset.subject'),
      text: [lines[0], '', lines[1], '', link, '', lines[2], '', lines[3]].join('\n'),
      html: [`<p>${escapeHtml(lines[0])}</p>`, `<p>${escapeHtml(lines[1])}</p>`, `<p><a href="${link}">${link}</a></p>`, `<p>${escapeHtml(lines[2])}</p>`, `<p>${escapeHtml(lines[3])}</p>`].join('\n'),
    })
  })
  return expiresAt
}

/** The account a link resets, while it is unused, unexpired and the account active. */
export async function resetAccount(db: Kysely<Database>, token: string, now = new Date()): Promise<{ userId: string; email: string; name: string } | undefined> {
  return db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select(['users.id as userId', 'users.email', 'users.name'])
    .where('password_resets.id', '=', sha256(token))
    .where('password_resets.used_at', 'is', null)
    .where('password_resets.expires_at', '>', nowIso(now))
    .where('users.disabled', '=', 0)
    .executeTakeFirst()
}

/** Sets the new password with the link, once: a second use (or a race) finds it spent. */
export async function useReset(db: Kysely<Database>, token: string, password: string, now = new Date()): Promise<{ userId: string; email: string } | undefined> {
  const account = await resetAccount(db, token, now)
  if (!account) return undefined
  const hash = await hashPassword(password)
  return db.transaction().execute(async (trx) => {
    const spent = await trx
      .updateTable('password_resets')
      .set({ used_at: nowIso(now) })
      .where('id', '=', sha256(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', nowIso(now))
      .executeTakeFirst()
    if (Number(spent.numUpdatedRows) !== 1) return undefined
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', account.userId).execute()
    await endSessionsOf(trx, account.userId)
    return { userId: account.userId, email: account.email }
  })
}
