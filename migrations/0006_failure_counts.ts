import type { Kysely } from 'kysely'

// Failed link look-ups and sign-ins, counted in the database so that every app process sharing it
// enforces the same limit (and a restart does not forget a client that was guessing). Rows expire
// with their window: they hold client addresses and attempted e-mail addresses, so none are kept
// longer than the block they serve.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('failure_counts')
    .addColumn('scope', 'varchar(20)', (c) => c.notNull())
    .addColumn('subject', 'varchar(400)', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('failure_counts_pk', ['scope', 'subject'])
    .execute()
  await db.schema.createIndex('failure_counts_reset_at').on('failure_counts').column('reset_at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('failure_counts').execute()
}
