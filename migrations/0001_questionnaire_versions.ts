import type { Kysely } from 'kysely'

// Every questionnaire version the server has loaded, with the hash of its content. Once a wave
// uses a version it is locked, and a file whose content no longer matches is refused.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('questionnaire_versions')
    .addColumn('survey_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('version', 'varchar(40)', (c) => c.notNull())
    .addColumn('content_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('source_file', 'varchar(500)', (c) => c.notNull())
    .addColumn('definition_json', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('locked_at', 'varchar(30)')
    .addColumn('locked_by', 'varchar(200)')
    .addPrimaryKeyConstraint('questionnaire_versions_pk', ['survey_id', 'version'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('questionnaire_versions').execute()
}
