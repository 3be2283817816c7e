import type { Kysely } from 'kysely'

// The privacy notice the research team writes for a wave, one text per language of its
// questionnaire. A table of its own rather than a column on waves: the link look-up every
// respondent page makes reads waves, and has no use for several kilobytes of notice. A wave
// without a row shows the default notice (src/waves/privacy-notices.ts), so existing waves need
// nothing here.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wave_privacy_notices')
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('language', 'varchar(10)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(320)')
    .addPrimaryKeyConstraint('wave_privacy_notices_pk', ['wave_id', 'language'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('wave_privacy_notices').execute()
}
