import type { Kysely } from 'kysely'

// Answers carried forward from an earlier wave. wave_carry_forward holds a wave's choice: the
// earlier wave of the same survey whose answers start each organisation's response, and which of
// this wave's questions start from them. carried_answers records, per answer, what the respondent
// did with it (confirmed unchanged, changed, or new: there was no earlier answer to carry), written
// when the page is saved. It is a table of its own, keyed by response and question, so the answers
// themselves (response_answers) stay as every other feature reads them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wave_carry_forward')
    .addColumn('wave_id', 'varchar(36)', (c) => c.primaryKey().references('waves.id').onDelete('cascade'))
    .addColumn('source_wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('questions_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(320)')
    .execute()
  await db.schema
    .createTable('carried_answers')
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('question_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('source_wave_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('carried_answers_pk', ['response_id', 'question_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['carried_answers', 'wave_carry_forward']) await db.schema.dropTable(table).execute()
}
