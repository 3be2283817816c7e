import type { Kysely } from 'kysely'

// Mail someone is waiting for (a respondent's confirmation with the copy of the answers, a
// password reset) used to wait behind every invitation queued before it: with 3,000 organisations
// a confirmation waited behind 2,642 invitations. Each message now has a priority (lower goes
// first) and the worker claims by priority, then due time. Also:
// - sent_via records whether a message went to an SMTP server or was written to the mail folder,
//   so the team's pages can say which without showing where the folder is on the server;
// - indexes for the outbox page (30,000+ messages, paged, filtered by status and wave), its counts,
//   and the sending rate measured from recent sent_at times.

/** src/mail/priority.ts when this was written; a migration must not change meaning later. */
const WAITING = 1
const BULK = 5
const WAITING_KINDS = ['confirmation', 'copy', 'password_reset']

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('priority', 'integer', (c) => c.notNull().defaultTo(BULK)).execute()
  await db.schema.alterTable('outbox').addColumn('sent_via', 'varchar(10)').execute()
  await db.updateTable('outbox').set({ priority: WAITING }).where('kind', 'in', WAITING_KINDS).execute()
  await db.schema.dropIndex('outbox_due').execute()
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'priority', 'next_attempt_at']).execute()
  await db.schema.createIndex('outbox_wave_status').on('outbox').columns(['wave_id', 'status']).execute()
  await db.schema.createIndex('outbox_created').on('outbox').columns(['created_at', 'id']).execute()
  await db.schema.createIndex('outbox_sent_at').on('outbox').column('sent_at').execute()
  // Errors recorded before this kept the server's file paths (a .eml file that could not be
  // written, the mail folder): the team's pages show the last error, so the paths go.
  const withPaths: { id: string; last_error: string }[] = await db.selectFrom('outbox').select(['id', 'last_error']).where('last_error', 'like', '%/%').execute()
  for (const row of withPaths) {
    const cleaned = row.last_error.replace(/(^|[\s'"(=])(?:[A-Za-z]:)?[\\/][^\s'"),;]*/g, '$1[the mail folder]')
    if (cleaned !== row.last_error) await db.updateTable('outbox').set({ last_error: cleaned }).where('id', '=', row.id).execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['outbox_sent_at', 'outbox_created', 'outbox_wave_status', 'outbox_due']) await db.schema.dropIndex(index).execute()
  await db.schema.alterTable('outbox').dropColumn('sent_via').execute()
  await db.schema.alterTable('outbox').dropColumn('priority').execute()
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute()
}
