import type { Kysely } from 'kysely'
import { sql } from 'kysely'

// Organisations at national scale, and demo data kept apart from real data:
// - deactivated_at: an organisation that closed or merged is never invited again, yet its
//   history and responses stay (a row deleted would take them with it);
// - demo on organisations and waves: what `npm run cli -- demo-wave` makes up, never invited to a
//   real wave and removed by `remove-demo`;
// - indexes for the paged, searchable list (by name, by type then name) over 30,000 rows;
// - organisation_imports: a re-import's parsed file, kept for an hour so the preview the team
//   confirms is the one applied, without uploading the file again (and by any app process).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organisations').addColumn('deactivated_at', 'varchar(30)').execute()
  await db.schema.alterTable('organisations').addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.alterTable('waves').addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.createIndex('organisations_name').on('organisations').columns(['name', 'code']).execute()
  await db.schema.createIndex('organisations_type_name').on('organisations').columns(['type', 'name', 'code']).execute()

  await db.schema
    .createTable('organisation_imports')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('organisations_json', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .execute()

  // Demo data made before it was marked: the three made-up councils of src/waves/demo.ts (their
  // codes end with a suffix per run), and the "Demo …" waves that invited nobody else.
  await db
    .updateTable('organisations')
    .set({ demo: 1 })
    .where((eb) => eb.or(['DEMO-E06000001-%', 'DEMO-E08000002-%', 'DEMO-E10000003-%'].map((code) => eb('code', 'like', code))))
    .where('name', 'in', ['Hartside Borough Council', 'Marlow Vale Metropolitan Borough Council', 'Westmere County Council'])
    .execute()
  await sql`update waves set demo = 1 where label like 'Demo %'
    and exists (select 1 from invitations i where i.wave_id = waves.id)
    and not exists (select 1 from invitations i join organisations o on o.id = i.organisation_id where i.wave_id = waves.id and o.demo = 0)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('organisation_imports').execute()
  await db.schema.dropIndex('organisations_type_name').execute()
  await db.schema.dropIndex('organisations_name').execute()
  await db.schema.alterTable('waves').dropColumn('demo').execute()
  await db.schema.alterTable('organisations').dropColumn('demo').execute()
  await db.schema.alterTable('organisations').dropColumn('deactivated_at').execute()
}
