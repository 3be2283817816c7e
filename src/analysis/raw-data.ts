// The raw data for R, SPSS or Stata: one row per responding organisation, one column per
// question (one per option for multiple choice, per row for grids, plus "other" text), with a
// codebook and an SPSS syntax file that share one description of the variables. Rows are
// produced a batch of responses at a time, so memory stays flat however large the wave. Every
// row says whether the response was submitted or kept as partial when the wave closed.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { partialResponses } from './partial.js'
import { isAnswerable, localize, placedQuestions, questionOptions } from '../questionnaire/model.js'
import type { AnswerableQuestion, Definition } from '../questionnaire/schema.js'
import { unitLabel } from '../questionnaire/units.js'
import { LONG_TEXT_LIMIT, SHORT_TEXT_LIMIT } from '../questionnaire/answers.js'
import { decimalsOf } from '../questionnaire/answer-types.js'
import { exportCode, MISSING_CODES, MISSING_LABELS, RESERVED_CODES, type MissingReason } from '../questionnaire/missing-codes.js'
import { VariableNames } from './variable-names.js'
import { carriedFlagCells, carriedFlagVariables, carriedStatusesOf, NO_CARRIED_COLUMNS, type CarriedColumns } from '../carry/raw-flags.js'


/** Asked, but left unanswered: a user-missing value, declared in the codebook and SPSS syntax. */
const NOT_ANSWERED = MISSING_CODES.not_answered

/** Where a variable's value comes from in a question's answer. */
type Source =
  | { kind: 'answer' }
  | { kind: 'option'; code: number }
  | { kind: 'special'; special: MissingReason }
  | { kind: 'row'; rowId: string }
  | { kind: 'other' }
  | { kind: 'items'; groupId: string }

export interface Variable {
  name: string
  questionId: string
  label: string
  type: 'code' | 'flag' | 'number' | 'date' | 'text'
  /** Value labels, for codes and flags (codes as exported: "Don't know" is -8 whatever its code in the questionnaire). */
  values: { code: number; label: string }[]
  /** The missing-value codes this variable can hold (blank, not asked, aside). */
  missing: MissingReason[]
  /** SPSS's measurement level. */
  level: 'nominal' | 'scale'
  /** The longest text, in bytes of UTF-8, for text variables. */
  width?: number
  /** Decimal places of a number variable (money 2): SPSS reads it as F18.<decimals>. */
  decimals?: number
  /** How this variable derives from the question (for the codebook). */
  derivation: string
  lineage: string
  source?: Source
}


const CONTACT_DETAIL_WIDTH = { email: 320, phone: 13, postcode: 8 } as const
const CONTACT_DETAIL_DERIVATION = {
  email: 'e-mail address, as typed (spaces at either end removed)',
  phone: 'UK telephone number, +44 written as 0, grouped as 020 7946 0000 or 07700 900982',
  postcode: 'UK postcode in capitals with one space, as SW1A 1AA',
} as const

type NumberQuestion = Extract<AnswerableQuestion, { type: 'number' }>

function numberDerivation(q: NumberQuestion): string {
  const decimals = decimalsOf(q)
  const places = decimals === 0 ? 'whole' : `up to ${decimals} decimal place${decimals === 1 ? '' : 's'}`
  if (q.format === 'money') return decimals === 0 ? 'amount in whole pounds' : 'amount in pounds (pence as decimals)'
  if (q.format === 'percentage') return `percentage, 0 to 100, ${places === 'whole' ? 'whole numbers' : places}`
  return decimals === 0 ? 'whole number' : `number, ${places}`
}

const numberLabelSuffix = (q: NumberQuestion) => (q.format === 'money' ? ' (£)' : q.format === 'percentage' ? ' (%)' : '')

function lineageText(q: AnswerableQuestion): string {
  const l = q.lineage
  if (!l) return ''
  const parts: string[] = []
  if (l.added) parts.push('added in this version')
  if (l.split_from) parts.push(`split from ${l.split_from}`)
  if (l.merged_from) parts.push(`merged from ${l.merged_from.join(', ')}`)
  if (l.reworded) parts.push('reworded')
  if (l.comparable === false) parts.push('not comparable with the previous version')
  if (l.recode) parts.push(`recoded from the previous version: ${Object.entries(l.recode).map(([a, b]) => `${a}->${b === null ? 'none' : ([] as number[]).concat(b).join('+')}`).join(', ')}`)
  if (l.note) parts.push(l.note)
  return parts.join('; ')
}

/** The response-status variable's codes: numeric, so R, SPSS and Stata read it with value labels. */
export const RESPONSE_STATUS_CODES = { submitted: 1, partial: 2 } as const

/** The raw data's response_status column, described like a question's variable for the codebook and SPSS syntax. */
export function responseStatusVariable(): Variable {
  const t = translator('en')
  return {
    name: 'response_status',
    questionId: '',
    label: t('admin.partial.status_variable'),
    type: 'code',
    values: [
      { code: RESPONSE_STATUS_CODES.submitted, label: t('admin.partial.status.submitted') },
      { code: RESPONSE_STATUS_CODES.partial, label: t('admin.partial.status.partial') },
    ],
    missing: [],
    level: 'nominal',
    derivation: `${RESPONSE_STATUS_CODES.submitted} submitted; ${RESPONSE_STATUS_CODES.partial} partial: in progress when the wave closed, kept by the research team (questions not reached are ${NOT_ANSWERED})`,
    lineage: '',
  }
}

/**
 * Wave-level columns at the end of every row: how many partial responses the wave has, and whether
 * this file has them. The file must say so, and a note line would break R, SPSS and Stata readers.
 */
export function partialVariables(): Variable[] {
  const t = translator('en')
  return [
    { name: 'partial_responses', questionId: '', label: t('admin.partial.count_variable'), type: 'number', values: [], missing: [], level: 'scale', derivation: 'partial responses in the wave, the same on every row', lineage: '' },
    {
      name: 'partial_included',
      questionId: '',
      label: t('admin.partial.included_variable'),
      type: 'flag',
      values: [
        { code: 0, label: t('admin.partial.no') },
        { code: 1, label: t('admin.partial.yes') },
      ],
      missing: [],
      level: 'nominal',
      derivation: '1 when the partial responses are rows of this file, the same on every row',
      lineage: '',
    },
  ]
}

/** The columns before the questions (names only with ?names=1); with the last two, never a question's name. */
export const FIXED_COLUMNS = ['respondent_id', 'organisation_code', 'organisation_name', 'response_status', 'organisation_type', 'partial_responses', 'partial_included']

/** Names for the raw data's columns, the fixed ones taken first so no question can take them. */
export function namesWithFixedColumns(): VariableNames {
  const names = new VariableNames()
  for (const column of FIXED_COLUMNS) names.take(column)
  return names
}

const textWidth = (characters: number) => Math.min(32767, characters * 4)

/** The question variables of the raw data, in questionnaire order, with names valid in SPSS, Stata and R. */
export function variables(definition: Definition, names = namesWithFixedColumns(), only: { group?: string } = {}): Variable[] {
  const out: Variable[] = []
  for (const { question, section } of placedQuestions(definition)) {
    // A repeating group's questions have one answer per item: they are the columns of its long
    // file (group-data.ts); the wide file counts the organisation's items instead.
    if (only.group === undefined && section.repeat && section.pages[0].questions[0] === question) out.push(itemCountVariable(section.id, names))
    if (!isAnswerable(question) || (section.repeat ? section.id : undefined) !== only.group) continue
    const q = question
    const text = localize(q.text, 'en')
    const lineage = lineageText(q)
    const options = questionOptions(q)
    const specials = options.flatMap((o) => (o.special ? [o.special] : []))
    const labels = options.map((o) => ({ code: exportCode(o), label: localize(o.label, 'en') }))
    const recoded = options.filter((o) => o.special).map((o) => `${MISSING_LABELS[o.special!]} (code ${o.code} in the questionnaire) is ${exportCode(o)}`)
    const codeDerivation = (what: string) => [what, ...recoded].join('; ')
    const other = options.find((o) => o.other)
    const base = { questionId: q.id, lineage }
    const missing = (...reasons: MissingReason[]): MissingReason[] => ['not_answered', ...reasons]
    switch (q.type) {
      case 'single_choice':
      case 'yes_no':
        out.push({ ...base, name: names.take(q.id), label: text, type: 'code', values: labels, missing: missing(...specials), level: 'nominal', derivation: codeDerivation('option code'), source: { kind: 'answer' } })
        break
      case 'multiple_choice': {
        const flags = [
          { code: 0, label: 'Not chosen' },
          { code: 1, label: 'Chosen' },
        ]
        const onlySpecial = specials.length ? `; ${specials.map((s) => `${MISSING_CODES[s]} when the answer was "${MISSING_LABELS[s]}" alone`).join('; ')}` : ''
        for (const o of q.options) {
          if (o.special) {
            out.push({ ...base, name: names.take(`${q.id}_${o.special === 'dont_know' ? 'dk' : 'na'}`), label: `${text}: ${localize(o.label, 'en')}`, type: 'flag', values: flags, missing: missing(), level: 'nominal', derivation: `1 when "${localize(o.label, 'en')}" (code ${o.code} in the questionnaire) was chosen`, source: { kind: 'special', special: o.special } })
          } else {
            const name = names.take(`${q.id}_${o.code < 0 ? `m${-o.code}` : o.code}`)
            out.push({ ...base, name, label: `${text}: ${localize(o.label, 'en')}`, type: 'flag', values: flags, missing: missing(...specials), level: 'nominal', derivation: `1 when option ${o.code} was chosen${onlySpecial}`, source: { kind: 'option', code: o.code } })
          }
        }
        break
      }
      case 'grid':
        for (const row of q.rows) out.push({ ...base, name: names.take(`${q.id}_${row.id}`), label: `${text}: ${localize(row.text, 'en')}`, type: 'code', values: labels, missing: missing(...specials), level: 'nominal', derivation: codeDerivation(`option code for row ${row.id}`), source: { kind: 'row', rowId: row.id } })
        break
      case 'number':
        out.push({
          ...base,
          name: names.take(q.id),
          label: `${text}${q.unit ? ` (${unitLabel(q.unit, 'en')})` : ''}${numberLabelSuffix(q)}`,
          type: 'number',
          decimals: decimalsOf(q),
          values: q.dont_know ? [{ code: MISSING_CODES.dont_know, label: MISSING_LABELS.dont_know }] : [],
          missing: missing(...(q.dont_know ? (['dont_know'] as const) : [])),
          level: 'scale',
          derivation: `${numberDerivation(q)}${q.dont_know ? `; ${MISSING_CODES.dont_know} when "Don't know" was chosen` : ''}`,
          source: { kind: 'answer' },
        })
        break
      case 'date':
        out.push({ ...base, name: names.take(q.id), label: text, type: 'date', values: [], missing: missing(), level: 'nominal', width: q.precision === 'month' ? 7 : 10, derivation: q.precision === 'month' ? 'month, YYYY-MM' : 'date, YYYY-MM-DD', source: { kind: 'answer' } })
        break
      case 'email':
      case 'phone':
      case 'postcode':
        out.push({ ...base, name: names.take(q.id), label: text, type: 'text', values: [], missing: missing(), level: 'nominal', width: CONTACT_DETAIL_WIDTH[q.type], derivation: CONTACT_DETAIL_DERIVATION[q.type], source: { kind: 'answer' } })
        break
      default:
        out.push({ ...base, name: names.take(q.id), label: text, type: 'text', values: [], missing: missing(), level: 'nominal', width: textWidth(q.max_length ?? (q.type === 'short_text' ? SHORT_TEXT_LIMIT : LONG_TEXT_LIMIT)), derivation: 'free text, as typed', source: { kind: 'answer' } })
    }
    if (other && (q.type === 'single_choice' || q.type === 'multiple_choice')) {
      out.push({ ...base, name: names.take(`${q.id}_other`), label: `${text}: other, please specify`, type: 'text', values: [], missing: missing(), level: 'nominal', width: textWidth(SHORT_TEXT_LIMIT), derivation: `text given with option ${other.code}, as typed; blank when that option was not chosen (the follow-up was not asked)`, source: { kind: 'other' } })
    }
  }
  return out
}

function itemCountVariable(groupId: string, names: VariableNames): Variable {
  return {
    name: names.take(`${groupId}_items`),
    questionId: '',
    label: `Items of the repeating group ${groupId} (one row each in its long file)`,
    type: 'number',
    values: [],
    missing: [],
    level: 'scale',
    derivation: `the number of items the organisation gave in the repeating group ${groupId}; 0 when it gave none or was not asked`,
    lineage: '',
    source: { kind: 'items', groupId },
  }
}

/** A stable pseudonym for an organisation: the same in every wave and export, meaningless outside. */
export function pseudonym(organisationId: string): string {
  return `R${createHash('sha256').update(`organisation:${organisationId}`).digest('hex').slice(0, 10)}`
}

export async function attributeNames(db: Kysely<Database>, waveId: string): Promise<string[]> {
  const rows = await db.selectFrom('responses').innerJoin('organisations', 'organisations.id', 'responses.organisation_id').select('organisations.attributes_json').where('responses.wave_id', '=', waveId).distinct().execute()
  return [...new Set(rows.flatMap((r) => Object.keys(JSON.parse(r.attributes_json) as Record<string, string>)))].sort()
}

/** The long file's item number: 1, 2, 3… within the organisation, in the order the items were added. */
export function itemNumberVariable(): Variable {
  return { name: 'item_number', questionId: '', label: 'Item number within the organisation (in the order added)', type: 'number', values: [], missing: [], level: 'scale', derivation: '1, 2, 3… in the order the organisation added its items', lineage: '' }
}

/** The raw data's columns: every name valid in SPSS, Stata and R, organisation attributes included. */
export interface RawLayout {
  header: string[]
  /** Each organisation attribute (as imported) and its column name. */
  attributes: { key: string; name: string }[]
  variables: Variable[]
}

export function rawLayout(definition: Definition, attributes: string[], withNames: boolean, carried: CarriedColumns = NO_CARRIED_COLUMNS): RawLayout {
  const names = namesWithFixedColumns()
  const questionVariables = variables(definition, names)
  // After every question: a flag per question carried forward (confirmed, changed or new).
  const flags = carriedFlagVariables(definition, carried, names)
  const attributeColumns = attributes.map((key) => ({ key, name: names.take(key) }))
  const header = ['respondent_id', ...(withNames ? ['organisation_code', 'organisation_name'] : []), 'response_status', 'organisation_type', ...attributeColumns.map((a) => a.name), ...questionVariables.map((v) => v.name), ...flags.map((v) => v.name), ...partialVariables().map((v) => v.name)]
  return { header, attributes: attributeColumns, variables: [...questionVariables, ...flags] }
}

export interface RawRowOptions {
  /** Partial responses too (after the submitted ones); by default only submitted responses. */
  includePartial?: boolean
  batchSize?: number
  /** The questions carried forward, whose flags follow the questions' columns (as rawLayout's header says). */
  carried?: CarriedColumns
}

/**
 * Rows of the raw data, a batch of responses at a time: the submitted ones, then (if included) the
 * partial ones. Batches of 100 (6,000 facts for 60 questions) measured best: batches of 500 lived
 * long enough to be promoted out of the young heap and grew the process by 200 MiB during an
 * export; 100 kept growth near 30 MiB and was faster.
 */
export async function* rawRows(db: Kysely<Database>, waveId: string, definition: Definition, attributes: string[], withNames: boolean, options: RawRowOptions = {}): AsyncGenerator<(string | number)[]> {
  // One status at a time: each pages through the (wave_id, status, id) index in order, where
  // "status in (…) order by id" would make the database sort what is left of the wave for every batch.
  const waveLevel = [await partialResponses(db, waveId), options.includePartial ? 1 : 0]
  for (const status of options.includePartial ? (['submitted', 'partial'] as const) : (['submitted'] as const)) {
    yield* rowsWithStatus(db, waveId, definition, attributes, withNames, status, options.batchSize ?? 100, waveLevel, options.carried ?? NO_CARRIED_COLUMNS)
  }
}

type Fact = { code: number | null; row_id: string; number_value: number | null; special: string | null; text_value: string | null }

/** Each option's code in the files (don't know and not applicable as their missing codes), worked out once per export, not per cell. */
const exportCodesOf = (q: AnswerableQuestion) => new Map(questionOptions(q).map((o) => [o.code, exportCode(o)]))

/** One variable's cell for a question that was asked and answered (`exportCodes`: the question's, from exportCodesOf). */
export function answeredCell(v: Variable, q: AnswerableQuestion, facts: Fact[], exportCodes: Map<number, number>): string | number {
  const source = v.source!
  const coded = (code: number | null | undefined) => (code === null || code === undefined ? NOT_ANSWERED : (exportCodes.get(code) ?? code))
  switch (source.kind) {
    case 'other':
      return facts.find((f) => f.text_value !== null && f.code !== null)?.text_value ?? ''
    case 'special':
      return facts.some((f) => f.special === source.special) ? 1 : 0
    case 'option': {
      // "Don't know" (or "Not applicable") alone says nothing about each option: that, not "not chosen".
      const substantive = facts.filter((f) => !f.special)
      if (!substantive.length && facts.length) return MISSING_CODES[facts[0].special as MissingReason]
      return substantive.some((f) => f.code === source.code) ? 1 : 0
    }
    case 'row':
      return coded(facts.find((f) => f.row_id === source.rowId)?.code)
    case 'answer':
      if (q.type === 'single_choice' || q.type === 'yes_no') return coded(facts[0]?.code)
      if (q.type === 'number') {
        const value = facts.find((f) => f.number_value !== null)?.number_value
        if (value !== undefined && value !== null) return value
        return facts.some((f) => f.special === 'dont_know') ? MISSING_CODES.dont_know : NOT_ANSWERED
      }
      return facts[0]?.text_value ?? NOT_ANSWERED
    case 'items':
      return facts.length
  }
}

async function* rowsWithStatus(
  db: Kysely<Database>,
  waveId: string,
  definition: Definition,
  attributes: string[],
  withNames: boolean,
  status: 'submitted' | 'partial',
  batchSize: number,
  waveLevel: number[],
  carried: CarriedColumns,
): AsyncGenerator<(string | number)[]> {
  const names = namesWithFixedColumns()
  const vars = variables(definition, names)
  const flags = carriedFlagVariables(definition, carried, names)
  const questions = new Map(placedQuestions(definition).filter((p) => isAnswerable(p.question)).map((p) => [p.question.id, p.question as AnswerableQuestion]))
  const exportCodes = new Map([...questions].map(([id, q]) => [id, exportCodesOf(q)]))
  let after = ''
  for (;;) {
    const batch = await db
      .selectFrom('responses')
      .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
      .select(['responses.id', 'responses.organisation_id', 'organisations.code', 'organisations.name', 'organisations.type', 'organisations.attributes_json'])
      .where('responses.wave_id', '=', waveId)
      .where('responses.status', '=', status)
      .where('responses.id', '>', after)
      .orderBy('responses.id')
      .limit(batchSize)
      .execute()
    if (batch.length === 0) return
    after = batch[batch.length - 1].id
    const ids = batch.map((r) => r.id)
    const asked = await db.selectFrom('asked_questions').select(['response_id', 'question_id', 'answered']).where('response_id', 'in', ids).execute()
    const values = await db.selectFrom('answer_values').selectAll().where('response_id', 'in', ids).execute()
    const carriedStatuses = await carriedStatusesOf(db, ids, carried)
    const items = vars.some((v) => v.source?.kind === 'items') ? await itemCounts(db, ids) : new Map<string, Map<string, number>>()
    // Grouped once per batch: looking facts up per response must not scan the whole batch.
    const askedBy = new Map<string, Map<string, boolean>>()
    for (const a of asked) {
      const map = askedBy.get(a.response_id) ?? new Map<string, boolean>()
      map.set(a.question_id, a.answered === 1)
      askedBy.set(a.response_id, map)
    }
    const valuesBy = new Map<string, Map<string, typeof values>>()
    for (const v of values) {
      const byQuestion = valuesBy.get(v.response_id) ?? new Map<string, typeof values>()
      byQuestion.set(v.question_id, [...(byQuestion.get(v.question_id) ?? []), v])
      valuesBy.set(v.response_id, byQuestion)
    }
    for (const response of batch) {
      const askedHere = askedBy.get(response.id) ?? new Map<string, boolean>()
      const mine = valuesBy.get(response.id) ?? new Map<string, typeof values>()
      const attrs = JSON.parse(response.attributes_json) as Record<string, string>
      const cells: (string | number)[] = [pseudonym(response.organisation_id), ...(withNames ? [response.code, response.name] : []), RESPONSE_STATUS_CODES[status], response.type, ...attributes.map((a) => attrs[a] ?? '')]
      for (const v of vars) {
        if (v.source?.kind === 'items') {
          cells.push(items.get(response.id)?.get(v.source.groupId) ?? 0)
          continue
        }
        const wasAsked = askedHere.get(v.questionId)
        // Blank: not asked. The "please specify" text is asked only when its option was chosen.
        if (wasAsked === undefined || (!wasAsked && v.source?.kind === 'other')) cells.push('')
        else if (!wasAsked) cells.push(NOT_ANSWERED)
        else cells.push(answeredCell(v, questions.get(v.questionId)!, mine.get(v.questionId) ?? [], exportCodes.get(v.questionId)!))
      }
      cells.push(...carriedFlagCells(flags, askedHere, carriedStatuses.get(response.id)))
      cells.push(...waveLevel)
      yield cells
    }
  }
}

/** How many items each response gave in each repeating group, from the facts recorded at submission. */
async function itemCounts(db: Kysely<Database>, responseIds: string[]): Promise<Map<string, Map<string, number>>> {
  const rows = await db
    .selectFrom('item_asked_questions')
    .select(['response_id', 'group_id', (eb) => eb.fn.count<string | number>('item_id').distinct().as('n')])
    .where('response_id', 'in', responseIds)
    .groupBy(['response_id', 'group_id'])
    .execute()
  const out = new Map<string, Map<string, number>>()
  for (const r of rows) out.set(r.response_id, (out.get(r.response_id) ?? new Map()).set(r.group_id, Number(r.n)))
  return out
}

/** A quoted SPSS string on one line (labels are at most 255 bytes in SPSS; 250 characters leave room). */
const spssString = (s: string) => `"${s.replace(/"/g, '""').replace(/\s+/g, ' ').slice(0, 250)}"`

/** The columns before and after the questions, described for the SPSS syntax. */
function columnVariables(layout: RawLayout): Variable[] {
  const text = (name: string, label: string, width: number): Variable => ({ name, questionId: '', label, type: 'text', values: [], missing: [], level: 'nominal', width, derivation: '', lineage: '' })
  return [
    text('respondent_id', 'Respondent id (a pseudonym, the same in every wave)', 11),
    text('organisation_code', 'Organisation code', 200),
    text('organisation_name', 'Organisation name', 1000),
    responseStatusVariable(),
    itemNumberVariable(),
    text('organisation_type', 'Organisation type', 1000),
    ...layout.attributes.map((a) => text(a.name, `Organisation attribute: ${a.key}`, 2000)),
    ...layout.variables,
    ...partialVariables(),
  ].filter((v) => layout.header.includes(v.name))
}

/** Marks a line break inside an answer while SPSS joins an organisation's lines: the ASCII record separator, never typed. */
const JOIN_MARK = "X'1E'"

/**
 * SPSS syntax that reads the raw CSV and applies variable labels, value labels, missing values and
 * measurement levels. SPSS's GET DATA (and PSPP's) cannot read a quoted field that spans lines, so
 * the syntax first joins the lines of each organisation's row (a line break inside quotes leaves an
 * odd number of quotes on the line), writes the joined rows to a file beside the CSV, reads that
 * with GET DATA, deletes it, and puts the line breaks back. `note` (how many partial responses
 * there are, and whether the CSV has them) goes in a comment.
 */
export function spssSyntax(definition: Definition, layout: RawLayout, csvFile: string, note?: string): string {
  const vars = columnVariables(layout)
  const joined = `${csvFile.replace(/\.csv$/, '')}-joined-by-spss.csv`
  const end = 'end__' // "__" is in no generated name
  const format = (v: Variable) => (v.type === 'text' || v.type === 'date' ? `A${v.width ?? 2000}` : v.type === 'number' ? `F18.${v.decimals ?? 0}` : 'F8.0')
  const strings = vars.filter((v) => v.type === 'text' || v.type === 'date')
  const lines = [
    `* SPSS syntax for ${definition.survey} version ${definition.version}: reads ${csvFile} (in the working folder) and applies labels.`,
    ...(note ? [`* ${note.replace(/\s+/g, ' ')}`] : []),
    `* Missing values: blank = not asked (system-missing); ${MISSING_CODES.not_answered} = not answered, ${MISSING_CODES.dont_know} = don't know, ${MISSING_CODES.not_applicable} = not applicable.`,
    '* 1. Join the lines of each row: an answer of several lines is one quoted field over several lines.',
    `DATA LIST FILE=${spssString(csvFile)} ENCODING="UTF8" FIXED SKIP=1 /line 1-32767 (A).`,
    'STRING #row row (A32767).',
    'NUMERIC #open #quotes.',
    'COMPUTE #quotes = 0.',
    'LOOP #i = 1 TO LENGTH(RTRIM(line)).',
    `  IF (SUBSTR(line, #i, 1) = '"') #quotes = #quotes + 1.`,
    'END LOOP.',
    'DO IF #open = 1.',
    `  COMPUTE #row = CONCAT(RTRIM(#row), ${JOIN_MARK}, RTRIM(line)).`,
    'ELSE.',
    '  COMPUTE #row = RTRIM(line).',
    'END IF.',
    'COMPUTE #open = MOD(#open + #quotes, 2).',
    'SELECT IF #open = 0.',
    // A closing delimiter, so the padding WRITE adds is read as one more field, not as data.
    `COMPUTE row = CONCAT(RTRIM(#row), ',').`,
    `WRITE OUTFILE=${spssString(joined)} ENCODING="UTF8" /row.`,
    'EXECUTE.',
    '* 2. Read the joined rows, then delete them.',
    `GET DATA /TYPE=TXT /FILE=${spssString(joined)} /ENCODING='UTF8' /ARRANGEMENT=DELIMITED /DELCASE=LINE /DELIMITERS="," /QUALIFIER='"' /FIRSTCASE=1`,
    `  /VARIABLES=${[...vars.map((v) => `${v.name} ${format(v)}`), `${end} A1`].join('\n    ')}.`,
    'EXECUTE.',
    `ERASE FILE=${spssString(joined)}.`,
    `DELETE VARIABLES ${end}.`,
    ...strings.map((v) => `COMPUTE ${v.name} = REPLACE(${v.name}, ${JOIN_MARK}, X'0A').`),
    'VARIABLE LABELS',
    ...vars.map((v, i) => `  ${v.name} ${spssString(v.label)}${i === vars.length - 1 ? '.' : ''}`),
  ]
  const labelled = vars.filter((v) => v.values.length || v.missing.length)
  if (labelled.length) {
    lines.push('VALUE LABELS')
    labelled.forEach((v, i) => {
      const values = [...v.values.filter((x) => x.code >= 0 || !v.missing.length), ...v.missing.map((m) => ({ code: MISSING_CODES[m], label: MISSING_LABELS[m] }))]
      const unique = values.filter((x, j) => values.findIndex((y) => y.code === x.code) === j)
      const code = (c: number) => (v.type === 'text' || v.type === 'date' ? `"${c}"` : String(c))
      lines.push(`  /${v.name} ${unique.map((x) => `${code(x.code)} ${spssString(x.label)}`).join(' ')}${i === labelled.length - 1 ? '.' : ''}`)
    })
  }
  // Every question variable declares the three codes, whether or not it can hold them all: one rule.
  const numeric = vars.filter((v) => v.questionId && v.type !== 'text' && v.type !== 'date').map((v) => v.name)
  if (numeric.length) lines.push(`MISSING VALUES ${numeric.join(' ')} (${RESERVED_CODES.join(', ')}).`)
  const texts = vars.filter((v) => v.questionId && (v.type === 'text' || v.type === 'date')).map((v) => v.name)
  if (texts.length) lines.push(`MISSING VALUES ${texts.join(' ')} ("${MISSING_CODES.not_answered}").`)
  const levels = (['nominal', 'scale'] as const).map((level) => ({ level, names: vars.filter((v) => v.level === level).map((v) => v.name) })).filter((l) => l.names.length)
  lines.push(`VARIABLE LEVEL ${levels.map((l) => `${l.names.join(' ')} (${l.level.toUpperCase()})`).join('\n  /')}.`)
  lines.push('EXECUTE.', '')
  return lines.join('\n')
}
