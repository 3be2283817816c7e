// Server-side sessions stored in the database, so several app processes share them. The cookie
// holds a random secret; the database holds only its hash.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { newSecretToken, nowIso } from '../db/ids.js'
import type { Database, Role } from '../db/schema.js'

export { SESSION_COOKIE } from '../web/secure-context.js'
const SESSION_HOURS = 12

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

export interface SessionUser {
  id: string
  email: string
  name: string
  role: Role
}

export async function startSession(db: Kysely<Database>, userId: string, now = new Date()): Promise<string> {
  const secret = newSecretToken()
  await db
    .insertInto('sessions')
    .values({ id: sha256(secret), user_id: userId, created_at: nowIso(now), last_seen_at: nowIso(now), expires_at: nowIso(new Date(now.getTime() + SESSION_HOURS * 3600_000)) })
    .execute()
  return secret
}

export async function sessionUser(db: Kysely<Database>, secret: string | undefined, now = new Date()): Promise<SessionUser | undefined> {
  if (!secret || secret.length > 100) return undefined
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.role', 'users.disabled', 'sessions.expires_at'])
    .where('sessions.id', '=', sha256(secret))
    .executeTakeFirst()
  if (!row || row.disabled || row.expires_at <= nowIso(now)) return undefined
  return { id: row.id, email: row.email, name: row.name, role: row.role }
}

export async function endSession(db: Kysely<Database>, secret: string | undefined): Promise<void> {
  if (secret) await db.deleteFrom('sessions').where('id', '=', sha256(secret)).execute()
}

/** Ends every session of a person (disabled, reset, or signed out everywhere), except `keepSecret`'s. */
export async function endSessionsOf(db: Kysely<Database>, userId: string, keepSecret?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (keepSecret) query = query.where('id', '<>', sha256(keepSecret))
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}
