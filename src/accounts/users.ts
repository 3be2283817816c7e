// Research team accounts: admins do everything, analysts read and export and change nothing.
import type { Kysely } from 'kysely'
import { newId, newSecretToken, nowIso } from '../db/ids.js'
import type { Database, Role } from '../db/schema.js'
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js'
import { sha256 } from './sessions.js'

export const ROLES: Role[] = ['admin', 'analyst']

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export interface NewUser {
  email: string
  name: string
  role: Role
  password: string
}

/** Problems with a new account, as message keys by field; empty when it can be created. */
export async function checkNewUser(db: Kysely<Database>, input: NewUser): Promise<Record<string, string>> {
  const problems: Record<string, string> = {}
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim())) problems.email = 'admin.user.error.email_format'
  else if (await db.selectFrom('users').select('id').where('email', '=', normaliseEmail(input.email)).executeTakeFirst()) problems.email = 'admin.user.error.email_taken'
  if (!input.name.trim()) problems.name = 'admin.user.error.name'
  if (!ROLES.includes(input.role)) problems.role = 'admin.user.error.role'
  if (input.password.length < MIN_PASSWORD_LENGTH) problems.password = 'admin.user.error.password'
  return problems
}

export async function createUser(db: Kysely<Database>, input: NewUser): Promise<string> {
  const id = newId()
  await db
    .insertInto('users')
    .values({ id, email: normaliseEmail(input.email), name: input.name.trim(), role: input.role, password_hash: await hashPassword(input.password), disabled: 0, created_at: nowIso() })
    .execute()
  return id
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * With no accounts yet there is no default password: a one-time link creates the first admin.
 * Returns the token to print, or undefined when accounts exist.
 */
export async function issueSetupToken(db: Kysely<Database>): Promise<string | undefined> {
  if ((await countUsers(db)) > 0) return undefined
  const token = newSecretToken()
  await db.insertInto('setup_tokens').values({ id: sha256(token), created_at: nowIso(), used_at: null }).execute()
  return token
}

export async function setupTokenValid(db: Kysely<Database>, token: string): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false
  const row = await db.selectFrom('setup_tokens').select('used_at').where('id', '=', sha256(token)).executeTakeFirst()
  return Boolean(row && !row.used_at)
}

/** Creates the first admin with a setup token, once: a second use or a race finds it spent. */
export async function useSetupToken(db: Kysely<Database>, token: string, input: NewUser): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    const spent = await trx.updateTable('setup_tokens').set({ used_at: nowIso() }).where('id', '=', sha256(token)).where('used_at', 'is', null).executeTakeFirst()
    if (Number(spent.numUpdatedRows) !== 1) return undefined
    if ((await countUsers(trx)) > 0) return undefined
    return createUser(trx, { ...input, role: 'admin' })
  })
}
