import type { Kysely } from 'kysely'

// Submitted answers as facts the database can count: one row per question asked (after skip
// logic), and one row per value given (several for multiple choice and grids). Statistics are
// grouped queries over these, the same on SQLite and PostgreSQL, whatever the size of the wave.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('asked_questions')
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('question_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('answered', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('asked_questions_pk', ['response_id', 'question_id'])
    .execute()
  await db.schema.createIndex('asked_questions_wave').on('asked_questions').columns(['wave_id', 'question_id']).execute()

  await db.schema
    .createTable('answer_values')
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('question_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('row_id', 'varchar(40)', (c) => c.notNull().defaultTo(''))
    .addColumn('code', 'integer')
    .addColumn('number_value', 'double precision')
    .addColumn('special', 'varchar(20)')
    .addColumn('text_value', 'text')
    .execute()
  await db.schema.createIndex('answer_values_wave_question').on('answer_values').columns(['wave_id', 'question_id', 'row_id', 'code']).execute()
  await db.schema.createIndex('answer_values_response').on('answer_values').column('response_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('answer_values').execute()
  await db.schema.dropTable('asked_questions').execute()
}
