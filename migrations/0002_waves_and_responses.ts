import type { Kysely } from 'kysely'

// Organisations, their contacts, waves of a survey, one invitation (personal link) and one
// response per organisation in a wave, the answers by question, a version per page so two
// colleagues cannot silently overwrite each other, and the outbox of e-mails to send.
// Ids are random UUIDs made by the application: the same on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('code', 'varchar(50)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    .addColumn('type', 'varchar(100)', (c) => c.notNull())
    .addColumn('attributes_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('language', 'varchar(10)', (c) => c.notNull().defaultTo('en'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('organisation_id', 'varchar(36)', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    .addColumn('role', 'varchar(200)')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('contacts_organisation').on('contacts').column('organisation_id').execute()

  await db.schema
    .createTable('waves')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('survey_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('version', 'varchar(40)', (c) => c.notNull())
    .addColumn('label', 'varchar(100)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('opens_at', 'varchar(30)')
    .addColumn('closes_at', 'varchar(30)')
    .addColumn('team_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('team_email', 'varchar(320)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addForeignKeyConstraint('waves_version_fk', ['survey_id', 'version'], 'questionnaire_versions', ['survey_id', 'version'])
    .execute()

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('organisation_id', 'varchar(36)', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('token', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(30)')
    .addColumn('first_opened_at', 'varchar(30)')
    .addColumn('last_opened_at', 'varchar(30)')
    .execute()
  await db.schema.createIndex('invitations_wave_organisation').on('invitations').columns(['wave_id', 'organisation_id']).execute()

  await db.schema
    .createTable('responses')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('organisation_id', 'varchar(36)', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('reference', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('submitted_at', 'varchar(30)')
    .addColumn('reopened_at', 'varchar(30)')
    .addUniqueConstraint('responses_wave_organisation', ['wave_id', 'organisation_id'])
    .execute()

  await db.schema
    .createTable('response_answers')
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('question_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('page_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('answer_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('response_answers_pk', ['response_id', 'question_id'])
    .execute()

  await db.schema
    .createTable('response_pages')
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('page_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('completed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('response_pages_pk', ['response_id', 'page_id'])
    .execute()

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('dedupe_key', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('wave_id', 'varchar(36)')
    .addColumn('organisation_id', 'varchar(36)')
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('from_name', 'varchar(200)')
    .addColumn('reply_to', 'varchar(320)')
    .addColumn('subject', 'varchar(500)', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('claimed_by', 'varchar(100)')
    .addColumn('claimed_at', 'varchar(30)')
    .addColumn('sent_at', 'varchar(30)')
    .addColumn('message_id', 'varchar(300)')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['outbox', 'response_pages', 'response_answers', 'responses', 'invitations', 'waves', 'contacts', 'organisations']) {
    await db.schema.dropTable(table).execute()
  }
}
