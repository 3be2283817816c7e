import type { Kysely } from 'kysely'

// Scheduled reminders and the indexes a wave of 30,000 organisations needs on the team's pages.
// A wave's reminder rule (dates, or "every N days, at most K times") has a table of its own, as
// the privacy notice has, so the link look-up every respondent page makes never reads it. Each
// reminder time the worker has dealt with is a row in reminder_slots: its primary key is what
// lets one of several app processes claim a time, and it is the record of what was sent.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reminder_schedules')
    .addColumn('wave_id', 'varchar(36)', (c) => c.primaryKey().references('waves.id').onDelete('cascade'))
    .addColumn('rule_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(320)')
    .execute()
  await db.schema
    .createTable('reminder_slots')
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('due_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('target', 'varchar(20)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('queued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('done_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('reminder_slots_pk', ['wave_id', 'due_at'])
    .execute()
  // The wave's page lists its organisations by status, a page at a time.
  await db.schema.createIndex('responses_wave_status').on('responses').columns(['wave_id', 'status']).execute()
  // The e-mails of the organisations on one page of that list, and of one organisation.
  await db.schema.createIndex('outbox_wave_organisation').on('outbox').columns(['wave_id', 'organisation_id']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_wave_organisation').execute()
  await db.schema.dropIndex('responses_wave_status').execute()
  await db.schema.dropTable('reminder_slots').execute()
  await db.schema.dropTable('reminder_schedules').execute()
}
