import { sql, type Kysely } from 'kysely'

// Covering indexes for the statistics and export queries: with 100,000 responses of 60 questions every
// grouped count must be answered from an index, not by visiting six million table rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('answer_values_wave_question').execute()
  await db.schema.createIndex('answer_values_wave_question').on('answer_values').columns(['wave_id', 'question_id', 'row_id', 'code', 'special']).execute()
  await db.schema.createIndex('answer_values_numbers').on('answer_values').columns(['wave_id', 'question_id', 'number_value']).execute()
  await db.schema.createIndex('answer_values_texts').on('answer_values').columns(['wave_id', 'question_id', 'code']).where(sql.ref('text_value'), 'is not', null).execute()
  await db.schema.dropIndex('asked_questions_wave').execute()
  await db.schema.createIndex('asked_questions_wave').on('asked_questions').columns(['wave_id', 'question_id', 'answered']).execute()
  // The raw-data export pages through a wave's submitted responses by id.
  await db.schema.createIndex('responses_wave_status_id').on('responses').columns(['wave_id', 'status', 'id']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('responses_wave_status_id').execute()
  await db.schema.dropIndex('asked_questions_wave').execute()
  await db.schema.createIndex('asked_questions_wave').on('asked_questions').columns(['wave_id', 'question_id']).execute()
  await db.schema.dropIndex('answer_values_texts').execute()
  await db.schema.dropIndex('answer_values_numbers').execute()
  await db.schema.dropIndex('answer_values_wave_question').execute()
  await db.schema.createIndex('answer_values_wave_question').on('answer_values').columns(['wave_id', 'question_id', 'row_id', 'code']).execute()
}
