// Descriptive statistics for every question of a wave, computed in the database with grouped
// queries over the answer facts: the base (organisations asked, after skip logic), answered and
// missing; counts and percentages per option with "don't know" and "not applicable" shown but left
// out of the percentage base unless asked; numbers' n, mean, standard deviation, median, quartiles,
// minimum and maximum; grids per row; free text counted. Partial responses (kept when the wave
// closed) are left out unless asked for: their facts carry a flag every query filters on.
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { isAnswerable, localize, placedQuestions, questionOptions } from '../questionnaire/model.js'
import type { AnswerableQuestion, Definition, Option } from '../questionnaire/schema.js'
import { quantilePosition, wilson } from './tests-of-difference.js'
import { groupOfQuestion } from '../questionnaire/groups.js'

export interface OptionStat {
  code: number
  label: string
  special?: string
  count: number
  /** Share of the percentage base (null for special options left out of it). */
  percent: number | null
  ci?: { low: number; high: number }
}

export interface ChoiceStats {
  /** Organisations in the percentage base: those who answered, less "don't know" / "not applicable" unless included. */
  base: number
  options: OptionStat[]
}

export interface NumberStats {
  n: number
  dontKnow: number
  mean: number | null
  sd: number | null
  median: number | null
  q1: number | null
  q3: number | null
  min: number | null
  max: number | null
}

export interface QuestionStats {
  id: string
  type: AnswerableQuestion['type']
  text: string
  section: string
  asked: number
  answered: number
  missing: number
  choice?: ChoiceStats
  rows?: { id: string; text: string; answered: number; choice: ChoiceStats }[]
  number?: NumberStats
  texts?: number
  /** A question of this repeating group: asked, answered and every figure count its items (n = items). */
  group?: string
  /** For a group's question, per organisation: how many gave items, and how many gave at least one item each answer code. */
  organisations?: { withItems: number; byCode: Map<number, number> }
}

export interface WaveStatistics {
  invited: number
  submitted: number
  /** Partial responses in the wave, whether or not they are included. */
  partial: number
  questions: QuestionStats[]
  includeSpecial: boolean
  includePartial: boolean
}

export interface StatisticsOptions {
  includeSpecial?: boolean
  includePartial?: boolean
}

type CodeCounts = Map<string, Map<number, number>>

function choiceStats(options: Option[], counts: Map<number, number> | undefined, answered: number, includeSpecial: boolean): ChoiceStats {
  const specialCodes = new Set(options.filter((o) => o.special).map((o) => o.code))
  const specialCount = [...specialCodes].reduce((n, code) => n + (counts?.get(code) ?? 0), 0)
  // Multiple choice: a special option ("Don't know") is chosen on its own, so each such count is one respondent.
  const base = includeSpecial ? answered : answered - specialCount
  return {
    base,
    options: options.map((o) => {
      const count = counts?.get(o.code) ?? 0
      const inBase = includeSpecial || !o.special
      return {
        code: o.code,
        label: localize(o.label, 'en'),
        special: o.special,
        count,
        percent: inBase && base > 0 ? count / base : null,
        ci: inBase ? wilson(count, base) : undefined,
      }
    }),
  }
}

export async function waveStatistics(db: Kysely<Database>, waveId: string, definition: Definition, options: StatisticsOptions = {}): Promise<WaveStatistics> {
  const includeSpecial = options.includeSpecial ?? false
  const includePartial = options.includePartial ?? false
  const excludePartial = !includePartial
  // The organisation's questions from its facts; a repeating group's from its items' (unit: item).
  const organisationFacts = await factAggregates(db, waveId, ORGANISATION_FACTS, excludePartial)
  const itemFacts = await factAggregates(db, waveId, ITEM_FACTS, excludePartial)
  const [asked, codes, rowAnswered, numbers, dontKnow, texts] = (['asked', 'codes', 'rowAnswered', 'numbers', 'dontKnow', 'texts'] as const).map((k) => [...organisationFacts[k], ...itemFacts[k]]) as [
    FactAggregates['asked'], FactAggregates['codes'], FactAggregates['rowAnswered'], FactAggregates['numbers'], FactAggregates['dontKnow'], FactAggregates['texts'],
  ]
  const reached = await itemsReached(db, waveId, excludePartial)
  const responses = await db
    .selectFrom('responses')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('wave_id', '=', waveId)
    .groupBy('status')
    .execute()

  const counts: CodeCounts = new Map()
  for (const row of codes) {
    const key = `${row.question_id}|${row.row_id}`
    const map = counts.get(key) ?? new Map<number, number>()
    map.set(Number(row.code), Number(row.n))
    counts.set(key, map)
  }

  const questions: QuestionStats[] = []
  for (const placed of placedQuestions(definition)) {
    const q = placed.question
    if (!isAnswerable(q)) continue
    const a = asked.find((r) => r.question_id === q.id)
    const askedCount = Number(a?.asked ?? 0)
    const answered = Number(a?.answered ?? 0)
    const group = groupOfQuestion(definition, q.id)
    const stats: QuestionStats = { id: q.id, type: q.type, text: localize(q.text, 'en'), section: localize(placed.section.title, 'en'), asked: askedCount, answered, missing: askedCount - answered }
    if (group) {
      stats.group = group
      const codesReached = new Map(reached.byCode.filter((r) => r.question_id === q.id).map((r) => [Number(r.code), Number(r.n)]))
      stats.organisations = { withItems: Number(reached.organisations.find((r) => r.question_id === q.id)?.n ?? 0), byCode: codesReached }
    }
    switch (q.type) {
      case 'single_choice':
      case 'yes_no':
      case 'multiple_choice':
        stats.choice = choiceStats(questionOptions(q), counts.get(`${q.id}|`), answered, includeSpecial)
        break
      case 'grid':
        stats.rows = q.rows.map((row) => {
          const rowCount = Number(rowAnswered.find((r) => r.question_id === q.id && r.row_id === row.id)?.n ?? 0)
          return { id: row.id, text: localize(row.text, 'en'), answered: rowCount, choice: choiceStats(q.options, counts.get(`${q.id}|${row.id}`), rowCount, includeSpecial) }
        })
        break
      case 'number': {
        const n = numbers.find((r) => r.question_id === q.id)
        stats.number = await numberStats(db, waveId, q.id, n, Number(dontKnow.find((r) => r.question_id === q.id)?.n ?? 0), includePartial, group ? ITEM_FACTS.values : ORGANISATION_FACTS.values)
        break
      }
      default:
        stats.texts = Number(texts.find((r) => r.question_id === q.id)?.n ?? 0)
    }
    questions.push(stats)
  }
  const invited = responses.reduce((s, r) => s + Number(r.n), 0)
  const submitted = Number(responses.find((r) => r.status === 'submitted')?.n ?? 0)
  const partial = Number(responses.find((r) => r.status === 'partial')?.n ?? 0)
  return { invited, submitted, partial, questions, includeSpecial, includePartial }
}

interface FactTables {
  asked: 'asked_questions' | 'item_asked_questions'
  values: 'answer_values' | 'item_answer_values'
  /** What one answer belongs to: an organisation's response, or an item of a repeating group. */
  unit: 'response_id' | 'item_id'
}
const ORGANISATION_FACTS: FactTables = { asked: 'asked_questions', values: 'answer_values', unit: 'response_id' }
const ITEM_FACTS: FactTables = { asked: 'item_asked_questions', values: 'item_answer_values', unit: 'item_id' }

type FactAggregates = Awaited<ReturnType<typeof factAggregates>>

// The item tables have the columns of the organisation's (and an item id): the same grouped
// queries serve both, the table named by `tables`.
async function factAggregates(db: Kysely<Database>, waveId: string, tables: FactTables, excludePartial: boolean) {
  const asked = await db
    .selectFrom(tables.asked as 'asked_questions')
    .select(['question_id', (eb) => eb.fn.countAll<string | number>().as('asked'), (eb) => eb.fn.sum<string | number>('answered').as('answered')])
    .where('wave_id', '=', waveId)
    .$if(excludePartial, (qb) => qb.where('partial', '=', 0))
    .groupBy('question_id')
    .execute()
  const codes = await db
    .selectFrom(tables.values as 'answer_values')
    .select(['question_id', 'row_id', 'code', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('wave_id', '=', waveId)
    .where('code', 'is not', null)
    .$if(excludePartial, (qb) => qb.where('partial', '=', 0))
    .groupBy(['question_id', 'row_id', 'code'])
    .execute()
  const rowAnswered = await db
    .selectFrom(tables.values as 'answer_values')
    .select(['question_id', 'row_id', (eb) => eb.fn.count<string | number>(tables.unit as 'response_id').distinct().as('n')])
    .where('wave_id', '=', waveId)
    .where('row_id', '!=', '')
    .$if(excludePartial, (qb) => qb.where('partial', '=', 0))
    .groupBy(['question_id', 'row_id'])
    .execute()
  const numbers = await db
    .selectFrom(tables.values as 'answer_values')
    .select([
      'question_id',
      (eb) => eb.fn.count<string | number>('number_value').as('n'),
      (eb) => eb.fn.avg<string | number>('number_value').as('mean'),
      (eb) => eb.fn.min<number>('number_value').as('min'),
      (eb) => eb.fn.max<number>('number_value').as('max'),
    ])
    .where('wave_id', '=', waveId)
    .where('number_value', 'is not', null)
    .$if(excludePartial, (qb) => qb.where('partial', '=', 0))
    .groupBy('question_id')
    .execute()
  const dontKnow = await db
    .selectFrom(tables.values as 'answer_values')
    .select(['question_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('wave_id', '=', waveId)
    .where('code', 'is', null)
    .where('special', '=', 'dont_know')
    .$if(excludePartial, (qb) => qb.where('partial', '=', 0))
    .groupBy('question_id')
    .execute()
  const texts = await db
    .selectFrom(tables.values as 'answer_values')
    .select(['question_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('wave_id', '=', waveId)
    .where('code', 'is', null)
    .where('text_value', 'is not', null)
    .$if(excludePartial, (qb) => qb.where('partial', '=', 0))
    .groupBy('question_id')
    .execute()
  return { asked, codes, rowAnswered, numbers, dontKnow, texts }
}

/**
 * Per organisation, for each repeating group's choice questions: how many organisations gave at
 * least one item each answer ("authorities with at least one prison that has a named contact"), and
 * how many organisations gave items at all.
 */
async function itemsReached(db: Kysely<Database>, waveId: string, excludePartial: boolean) {
  const byCode = await db
    .selectFrom('item_answer_values')
    .select(['question_id', 'code', (eb) => eb.fn.count<string | number>('response_id').distinct().as('n')])
    .where('wave_id', '=', waveId)
    .where('code', 'is not', null)
    .where('row_id', '=', '')
    .$if(excludePartial, (qb) => qb.where('partial', '=', 0))
    .groupBy(['question_id', 'code'])
    .execute()
  const organisations = await db
    .selectFrom('item_asked_questions')
    .select(['question_id', (eb) => eb.fn.count<string | number>('response_id').distinct().as('n')])
    .where('wave_id', '=', waveId)
    .$if(excludePartial, (qb) => qb.where('partial', '=', 0))
    .groupBy('question_id')
    .execute()
  return { byCode, organisations }
}

async function numberStats(
  db: Kysely<Database>,
  waveId: string,
  questionId: string,
  row: { n: string | number; mean: string | number; min: number; max: number } | undefined,
  dontKnow: number,
  includePartial: boolean,
  table: FactTables['values'] = 'answer_values',
): Promise<NumberStats> {
  const n = Number(row?.n ?? 0)
  if (!row || n === 0) return { n: 0, dontKnow, mean: null, sd: null, median: null, q1: null, q3: null, min: null, max: null }
  const mean = Number(row.mean)
  // Two passes: the squared deviations from the mean, summed by the database. The one-pass
  // formula (sum of squares minus square of sum) cancels catastrophically for large values
  // (0.8336 for 0.8367 around ten million).
  const deviations = n > 1
    ? await db
        .selectFrom(table as 'answer_values')
        .select(sql<string | number>`sum((number_value - ${mean}) * (number_value - ${mean}))`.as('ss'))
        .where('wave_id', '=', waveId)
        .where('question_id', '=', questionId)
        .where('number_value', 'is not', null)
        .$if(!includePartial, (qb) => qb.where('partial', '=', 0))
        .executeTakeFirst()
    : undefined
  const sd = deviations ? Math.sqrt(Math.max(0, Number(deviations.ss) / (n - 1))) : null
  // Order statistics fetched one at a time from the database, so memory does not grow with n.
  const valueAt = async (index: number) =>
    Number(
      (
        await db
          .selectFrom(table as 'answer_values')
          .select('number_value')
          .where('wave_id', '=', waveId)
          .where('question_id', '=', questionId)
          .where('number_value', 'is not', null)
          .$if(!includePartial, (qb) => qb.where('partial', '=', 0))
          .orderBy('number_value')
          .limit(1)
          .offset(index)
          .executeTakeFirstOrThrow()
      ).number_value,
    )
  const quantile = async (p: number) => {
    const { lower, upper, fraction } = quantilePosition(n, p)
    const low = await valueAt(lower)
    return fraction === 0 ? low : low + fraction * ((await valueAt(upper)) - low)
  }
  return { n, dontKnow, mean, sd, median: await quantile(0.5), q1: await quantile(0.25), q3: await quantile(0.75), min: Number(row.min), max: Number(row.max) }
}

/** Every value given to the wave's number questions, for the tests of difference between waves. */
export async function numberValues(db: Kysely<Database>, waveId: string, questionIds: string[], options: StatisticsOptions = {}): Promise<Map<string, number[]>> {
  const values = new Map<string, number[]>(questionIds.map((id) => [id, []]))
  if (!questionIds.length) return values
  // A repeating group's numbers are its items' (one value per item).
  for (const tables of [ORGANISATION_FACTS, ITEM_FACTS]) {
    const rows = await db
      .selectFrom(tables.values as 'answer_values')
      .select(['question_id', 'number_value'])
      .where('wave_id', '=', waveId)
      .where('question_id', 'in', questionIds)
      .where('number_value', 'is not', null)
      .$if(!options.includePartial, (qb) => qb.where('partial', '=', 0))
      .execute()
    for (const row of rows) values.get(row.question_id)?.push(Number(row.number_value))
  }
  return values
}
