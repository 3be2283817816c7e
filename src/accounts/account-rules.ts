// What an admin may do to an account, and the one rule that holds the team together: there is
// always at least one active admin, so nobody can lock the whole team out by disabling or demoting
// the last one (themselves included). Disabling ends the person's sessions at once; a role change
// takes effect on their next request, since every request reads the role afresh.
import type { Kysely } from 'kysely'
import type { Database, Role } from '../db/schema.js'
import { endSessionsOf } from './sessions.js'

export type AccountChange = { kind: 'disable' } | { kind: 'enable' } | { kind: 'role'; role: Role }

export interface Account {
  id: string
  email: string
  name: string
  role: Role
  disabled: number
}

export async function findAccount(db: Kysely<Database>, id: string): Promise<Account | undefined> {
  return db.selectFrom('users').select(['id', 'email', 'name', 'role', 'disabled']).where('id', '=', id).executeTakeFirst()
}

async function otherActiveAdmins(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .where('id', '<>', userId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Applies a change, or returns the message key saying why it cannot be made. Run in a
 * transaction so two admins demoting each other at once cannot both succeed on PostgreSQL's
 * default isolation: each sees the other still an admin, so the count is re-read under a lock
 * of the admins' rows.
 */
export async function changeAccount(db: Kysely<Database>, databaseKind: 'sqlite' | 'postgres', account: Account, change: AccountChange): Promise<string | undefined> {
  const losesAdmin = account.role === 'admin' && account.disabled === 0 && (change.kind === 'disable' || (change.kind === 'role' && change.role !== 'admin'))
  return db.transaction().execute(async (trx) => {
    if (losesAdmin) {
      // PostgreSQL: lock the active admins' rows so two such changes are taken one after the other.
      // SQLite: one writer at a time already.
      if (databaseKind === 'postgres') await trx.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).forUpdate().execute()
      if ((await otherActiveAdmins(trx, account.id)) === 0) return change.kind === 'disable' ? 'admin.account.error.last_admin_disable' : 'admin.account.error.last_admin_role'
    }
    if (change.kind === 'disable') {
      await trx.updateTable('users').set({ disabled: 1 }).where('id', '=', account.id).execute()
      await endSessionsOf(trx, account.id)
    } else if (change.kind === 'enable') {
      await trx.updateTable('users').set({ disabled: 0 }).where('id', '=', account.id).execute()
    } else {
      await trx.updateTable('users').set({ role: change.role }).where('id', '=', account.id).execute()
    }
    return undefined
  })
}
