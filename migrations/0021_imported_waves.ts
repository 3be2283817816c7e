import type { Kysely } from 'kysely'

// Past waves brought in from another tool or a spreadsheet. wave_imports marks a wave as
// imported (from which file, by whom, when), so its pages and exports can say so. A file the
// team has uploaded waits in pending_wave_imports (its rows as read, with the columns matched)
// while they match its columns and read the check before confirming. import_column_matches
// remembers, per survey, which variable a heading of another tool's export was matched to, so
// the next file from that tool is matched without asking again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wave_imports')
    .addColumn('wave_id', 'varchar(36)', (c) => c.primaryKey().references('waves.id').onDelete('cascade'))
    .addColumn('source_file', 'varchar(300)', (c) => c.notNull())
    .addColumn('imported_by', 'varchar(320)', (c) => c.notNull())
    .addColumn('imported_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('organisations', 'integer', (c) => c.notNull())
    .addColumn('answers', 'integer', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('pending_wave_imports')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('survey_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('version', 'varchar(50)', (c) => c.notNull())
    .addColumn('label', 'varchar(100)', (c) => c.notNull())
    .addColumn('source_file', 'varchar(300)', (c) => c.notNull())
    .addColumn('file_json', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('import_column_matches')
    .addColumn('survey_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('heading', 'varchar(300)', (c) => c.notNull())
    // A variable name of the raw data, or '' for a column the team chose to leave out.
    .addColumn('variable', 'varchar(64)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(320)')
    .addPrimaryKeyConstraint('import_column_matches_pk', ['survey_id', 'heading'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['import_column_matches', 'pending_wave_imports', 'wave_imports']) await db.schema.dropTable(table).execute()
}
