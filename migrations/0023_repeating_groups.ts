import type { Kysely } from 'kysely'

// Repeating groups: a section answered once per item the respondent adds (each prison in the
// area). Tables of their own, so the per-organisation answers, pages and facts keep their keys
// and every query over them is unchanged.
//   response_items         the items of a response, in the order they were added
//   response_item_answers  answers per item (as response_answers per organisation)
//   response_item_pages    page versions per item, for the same compare-and-set as response_pages
//   response_group_lists   whether the respondent said they had no more items to add
//   item_asked_questions, item_answer_values  the facts of submitted items, as asked_questions
//                          and answer_values, keyed by item
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('response_items')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('group_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('response_items_response').on('response_items').columns(['response_id', 'group_id', 'position']).execute()

  await db.schema
    .createTable('response_item_answers')
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('item_id', 'varchar(36)', (c) => c.notNull().references('response_items.id').onDelete('cascade'))
    .addColumn('question_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('page_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('answer_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('response_item_answers_pk', ['item_id', 'question_id'])
    .execute()
  await db.schema.createIndex('response_item_answers_response').on('response_item_answers').column('response_id').execute()

  await db.schema
    .createTable('response_item_pages')
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('item_id', 'varchar(36)', (c) => c.notNull().references('response_items.id').onDelete('cascade'))
    .addColumn('page_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('completed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('response_item_pages_pk', ['item_id', 'page_id'])
    .execute()
  await db.schema.createIndex('response_item_pages_response').on('response_item_pages').column('response_id').execute()

  await db.schema
    .createTable('response_group_lists')
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('group_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('finished', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addPrimaryKeyConstraint('response_group_lists_pk', ['response_id', 'group_id'])
    .execute()

  await db.schema
    .createTable('item_asked_questions')
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('group_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('item_id', 'varchar(36)', (c) => c.notNull())
    // 1, 2, 3… within the organisation's response, in the order the items were added.
    .addColumn('item_number', 'integer', (c) => c.notNull())
    .addColumn('question_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('answered', 'integer', (c) => c.notNull())
    .addColumn('partial', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('item_asked_questions_pk', ['response_id', 'item_id', 'question_id'])
    .execute()
  await db.schema.createIndex('item_asked_questions_wave').on('item_asked_questions').columns(['wave_id', 'question_id', 'partial']).execute()

  await db.schema
    .createTable('item_answer_values')
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('response_id', 'varchar(36)', (c) => c.notNull().references('responses.id').onDelete('cascade'))
    .addColumn('item_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('question_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('row_id', 'varchar(40)', (c) => c.notNull().defaultTo(''))
    .addColumn('code', 'integer')
    .addColumn('number_value', 'double precision')
    .addColumn('special', 'varchar(20)')
    .addColumn('text_value', 'text')
    .addColumn('partial', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.createIndex('item_answer_values_wave_question').on('item_answer_values').columns(['wave_id', 'question_id', 'row_id', 'code']).execute()
  await db.schema.createIndex('item_answer_values_response').on('item_answer_values').column('response_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['item_answer_values', 'item_asked_questions', 'response_group_lists', 'response_item_pages', 'response_item_answers', 'response_items']) {
    await db.schema.dropTable(table).execute()
  }
}
