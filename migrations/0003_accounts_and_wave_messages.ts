import type { Kysely } from 'kysely'

// Research team accounts (admin, analyst), their sessions (in the database, so every app process
// shares them), the one-time link that creates the first admin, the audit log, and the texts of
// a wave's invitation and reminder e-mails.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('role', 'varchar(20)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(300)', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(30)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('setup_tokens')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(30)')
    .execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('at', 'varchar(30)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)')
    .addColumn('user_email', 'varchar(320)')
    .addColumn('action', 'varchar(100)', (c) => c.notNull())
    .addColumn('details_json', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute()

  await db.schema.alterTable('waves').addColumn('messages_json', 'text', (c) => c.notNull().defaultTo('{}')).execute()
  await db.schema.alterTable('waves').addColumn('sender_name', 'varchar(200)').execute()
  await db.schema.alterTable('waves').addColumn('launched_at', 'varchar(30)').execute()
  await db.schema.alterTable('invitations').addColumn('contact_email', 'varchar(320)').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('invitations').dropColumn('contact_email').execute()
  await db.schema.alterTable('waves').dropColumn('launched_at').execute()
  await db.schema.alterTable('waves').dropColumn('sender_name').execute()
  await db.schema.alterTable('waves').dropColumn('messages_json').execute()
  for (const table of ['audit_log', 'setup_tokens', 'sessions', 'users']) await db.schema.dropTable(table).execute()
}
