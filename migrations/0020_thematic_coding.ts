import type { Kysely } from 'kysely'

// Thematic coding of the free text. A survey's codebook (codes, grouped under themes by
// parent_id) lives across its waves; its history (renames, merges, splits) is kept in
// code_events. Each coder's work on a wave is their own layer: codings (a code on a whole answer,
// or on a passage when the offsets are set) and coded_answers (the answers they have been
// through, so "not yet coded" also covers answers they read and left without a code). When two
// coders have both finished, their differences are settled in coding_decisions. Quotations are
// the answers or passages chosen for a report.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('codes')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('survey_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('parent_id', 'varchar(36)', (c) => c.references('codes.id'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('inclusion', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('exclusion', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('example', 'text', (c) => c.notNull().defaultTo(''))
    // 'active', or 'merged' (into merged_into_id), kept so old exports and the history still resolve.
    .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('active'))
    .addColumn('merged_into_id', 'varchar(36)')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('codes_survey').on('codes').columns(['survey_id', 'status']).execute()
  await db.schema
    .createTable('code_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('code_id', 'varchar(36)', (c) => c.notNull().references('codes.id'))
    .addColumn('at', 'varchar(30)', (c) => c.notNull())
    .addColumn('user_email', 'varchar(320)')
    .addColumn('action', 'varchar(40)', (c) => c.notNull())
    .addColumn('details_json', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('code_events_code').on('code_events').columns(['code_id', 'at']).execute()
  await db.schema
    .createTable('coders')
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('started_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('done_at', 'varchar(30)')
    .addPrimaryKeyConstraint('coders_pk', ['wave_id', 'user_id'])
    .execute()
  await db.schema
    .createTable('coded_answers')
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('organisation_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('question_key', 'varchar(120)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('coded_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('coded_answers_pk', ['wave_id', 'user_id', 'question_key', 'organisation_id'])
    .execute()
  await db.schema
    .createTable('codings')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('organisation_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('question_key', 'varchar(120)', (c) => c.notNull())
    .addColumn('code_id', 'varchar(36)', (c) => c.notNull().references('codes.id'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    // Character offsets of a passage in the answer (start inclusive, end exclusive); null for the whole answer.
    .addColumn('start_offset', 'integer')
    .addColumn('end_offset', 'integer')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('codings_wave_user').on('codings').columns(['wave_id', 'user_id', 'question_key', 'organisation_id']).execute()
  await db.schema.createIndex('codings_code').on('codings').columns(['code_id']).execute()
  await db.schema
    .createTable('coding_decisions')
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('organisation_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('question_key', 'varchar(120)', (c) => c.notNull())
    .addColumn('code_id', 'varchar(36)', (c) => c.notNull().references('codes.id'))
    .addColumn('applied', 'integer', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(320)', (c) => c.notNull())
    .addColumn('decided_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('coding_decisions_pk', ['wave_id', 'question_key', 'organisation_id', 'code_id'])
    .execute()
  // Answers (or passages) chosen for a report, shown pseudonymised with the organisation's type.
  await db.schema
    .createTable('quotations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('organisation_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('question_key', 'varchar(120)', (c) => c.notNull())
    .addColumn('start_offset', 'integer')
    .addColumn('end_offset', 'integer')
    .addColumn('chosen_by', 'varchar(320)', (c) => c.notNull())
    .addColumn('chosen_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('quotations_wave').on('quotations').columns(['wave_id']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['quotations', 'coding_decisions', 'codings', 'coded_answers', 'coders', 'code_events', 'codes']) await db.schema.dropTable(table).execute()
}
