import type { Kysely } from 'kysely'
import { sql } from 'kysely'

// Partial responses: when a wave closes, the team may keep responses in progress as 'partial'
// (responses.status is free text, so the new status needs no change there). Their facts carry
// `partial` = 1 so that every statistic can leave them out, or take them in, from the covering
// indexes alone: a join to responses for every fact would visit six million rows for 100,000
// responses of 60 questions. The flag goes last in each index, so the grouping order is kept.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('asked_questions').addColumn('partial', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.alterTable('answer_values').addColumn('partial', 'integer', (c) => c.notNull().defaultTo(0)).execute()

  await db.schema.dropIndex('answer_values_wave_question').execute()
  await db.schema.createIndex('answer_values_wave_question').on('answer_values').columns(['wave_id', 'question_id', 'row_id', 'code', 'special', 'partial']).execute()
  await db.schema.dropIndex('answer_values_numbers').execute()
  await db.schema.createIndex('answer_values_numbers').on('answer_values').columns(['wave_id', 'question_id', 'number_value', 'partial']).execute()
  await db.schema.dropIndex('answer_values_texts').execute()
  await db.schema.createIndex('answer_values_texts').on('answer_values').columns(['wave_id', 'question_id', 'code', 'partial']).where(sql.ref('text_value'), 'is not', null).execute()
  await db.schema.dropIndex('asked_questions_wave').execute()
  await db.schema.createIndex('asked_questions_wave').on('asked_questions').columns(['wave_id', 'question_id', 'answered', 'partial']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Without the flag a partial response's facts would count as submitted: they go back to in progress.
  await sql`delete from answer_values where partial = 1`.execute(db)
  await sql`delete from asked_questions where partial = 1`.execute(db)
  await sql`update responses set status = 'in_progress' where status = 'partial'`.execute(db)
  await db.schema.dropIndex('asked_questions_wave').execute()
  await db.schema.createIndex('asked_questions_wave').on('asked_questions').columns(['wave_id', 'question_id', 'answered']).execute()
  await db.schema.dropIndex('answer_values_texts').execute()
  await db.schema.createIndex('answer_values_texts').on('answer_values').columns(['wave_id', 'question_id', 'code']).where(sql.ref('text_value'), 'is not', null).execute()
  await db.schema.dropIndex('answer_values_numbers').execute()
  await db.schema.createIndex('answer_values_numbers').on('answer_values').columns(['wave_id', 'question_id', 'number_value']).execute()
  await db.schema.dropIndex('answer_values_wave_question').execute()
  await db.schema.createIndex('answer_values_wave_question').on('answer_values').columns(['wave_id', 'question_id', 'row_id', 'code', 'special']).execute()
  await db.schema.alterTable('answer_values').dropColumn('partial').execute()
  await db.schema.alterTable('asked_questions').dropColumn('partial').execute()
}
