import type { Kysely } from 'kysely'

// Accounts an admin can look after, and an audit log a person can read:
// - password_resets: one-time links an admin sends; only the hash of the link's secret is kept,
//   so a copy of the database does not give working links.
// - form_drafts: what a team member typed into a form when their session had ended, kept for the
//   new session (once, for a short while) so the form comes back filled after signing in again.
// - audit_log.wave_id / organisation_id: which wave or organisation an entry is about, copied out
//   of its details so the log can be filtered by them with an index rather than by reading every
//   row's JSON. Entries already written are filled in here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('password_resets')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(30)')
    .addColumn('created_by', 'varchar(36)')
    .execute()
  await db.schema.createIndex('password_resets_user').on('password_resets').column('user_id').execute()

  await db.schema
    .createTable('form_drafts')
    .addColumn('session_id', 'varchar(64)', (c) => c.primaryKey().references('sessions.id').onDelete('cascade'))
    .addColumn('path', 'varchar(500)', (c) => c.notNull())
    .addColumn('fields_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()

  await db.schema.alterTable('audit_log').addColumn('wave_id', 'varchar(36)').execute()
  await db.schema.alterTable('audit_log').addColumn('organisation_id', 'varchar(36)').execute()
  const rows: { id: string; details_json: string }[] = await db
    .selectFrom('audit_log')
    .select(['id', 'details_json'])
    .where((eb) => eb.or([eb('details_json', 'like', '%"waveId"%'), eb('details_json', 'like', '%"organisationId"%')]))
    .execute()
  for (const row of rows) {
    let details: Record<string, unknown>
    try {
      details = JSON.parse(row.details_json) as Record<string, unknown>
    } catch {
      continue
    }
    const text = (v: unknown) => (typeof v === 'string' && v.length <= 36 ? v : null)
    await db.updateTable('audit_log').set({ wave_id: text(details.waveId), organisation_id: text(details.organisationId) }).where('id', '=', row.id).execute()
  }
  // Newest first within each filter: every filter the page offers reads one of these in order.
  for (const column of ['user_id', 'action', 'wave_id', 'organisation_id']) {
    await db.schema.createIndex(`audit_log_${column}_at`).on('audit_log').columns([column, 'at', 'id']).execute()
  }
  await db.schema.createIndex('audit_log_at_id').on('audit_log').columns(['at', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_at_id').execute()
  for (const column of ['user_id', 'action', 'wave_id', 'organisation_id']) await db.schema.dropIndex(`audit_log_${column}_at`).execute()
  await db.schema.alterTable('audit_log').dropColumn('organisation_id').execute()
  await db.schema.alterTable('audit_log').dropColumn('wave_id').execute()
  await db.schema.dropTable('form_drafts').execute()
  await db.schema.dropTable('password_resets').execute()
}
