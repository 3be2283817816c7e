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

/** Asked, but left unanswered: a user-missing value, declared in the codebook and SPSS syntax. */
export const NOT_ANSWERED = -9

export interface Variable {
  name: string
  questionId: string
  label: string
  type: 'code' | 'flag' | 'number' | 'date' | 'text'
  /** Value labels, for codes and flags. */
  values: { code: number; label: string }[]
  /** How this variable derives from the question (for the codebook). */
  derivation: string
  lineage: string
}

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
    { name: 'partial_responses', questionId: '', label: t('admin.partial.count_variable'), type: 'number', values: [], derivation: 'partial responses in the wave, the same on every row', lineage: '' },
    {
      name: 'partial_included',
      questionId: '',
      label: t('admin.partial.included_variable'),
      type: 'flag',
      values: [
        { code: 0, label: t('admin.partial.no') },
        { code: 1, label: t('admin.partial.yes') },
      ],
      derivation: '1 when the partial responses are rows of this file, the same on every row',
      lineage: '',
    },
  ]
}

export function variables(definition: Definition): Variable[] {
  const out: Variable[] = []
  for (const { question } of placedQuestions(definition)) {
    if (!isAnswerable(question)) continue
    const q = question
    const text = localize(q.text, 'en')
    const lineage = lineageText(q)
    const labels = questionOptions(q).map((o) => ({ code: o.code, label: localize(o.label, 'en') }))
    const other = questionOptions(q).find((o) => o.other)
    switch (q.type) {
      case 'single_choice':
      case 'yes_no':
        out.push({ name: q.id, questionId: q.id, label: text, type: 'code', values: labels, derivation: 'option code', lineage })
        break
      case 'multiple_choice':
        for (const o of q.options) {
          out.push({ name: `${q.id}_${o.code}`, questionId: q.id, label: `${text}: ${localize(o.label, 'en')}`, type: 'flag', values: [{ code: 0, label: 'Not chosen' }, { code: 1, label: 'Chosen' }], derivation: `1 when option ${o.code} was chosen`, lineage })
        }
        break
      case 'grid':
        for (const row of q.rows) out.push({ name: `${q.id}_${row.id}`, questionId: q.id, label: `${text}: ${localize(row.text, 'en')}`, type: 'code', values: labels, derivation: `option code for row ${row.id}`, lineage })
        break
      case 'number':
        out.push({ name: q.id, questionId: q.id, label: `${text}${q.unit ? ` (${unitLabel(q.unit, 'en')})` : ''}`, type: 'number', values: [], derivation: 'whole number', lineage })
        if (q.dont_know) out.push({ name: `${q.id}_dk`, questionId: q.id, label: `${text}: don't know`, type: 'flag', values: [{ code: 0, label: 'A number was given' }, { code: 1, label: "Don't know" }], derivation: "1 when \"Don't know\" was chosen", lineage })
        break
      case 'date':
        out.push({ name: q.id, questionId: q.id, label: text, type: 'date', values: [], derivation: 'date, YYYY-MM-DD', lineage })
        break
      default:
        out.push({ name: q.id, questionId: q.id, label: text, type: 'text', values: [], derivation: 'free text', lineage })
    }
    if (other && (q.type === 'single_choice' || q.type === 'multiple_choice')) {
      out.push({ name: `${q.id}_other`, questionId: q.id, label: `${text}: other, please specify`, type: 'text', values: [], derivation: `text given with option ${other.code}`, lineage })
    }
  }
  return out
}

/** A stable pseudonym for an organisation: the same in every wave and export, meaningless outside. */
export function pseudonym(organisationId: string): string {
  return `R${createHash('sha256').update(`organisation:${organisationId}`).digest('hex').slice(0, 10)}`
}

export interface RawRowContext {
  attributes: string[]
}

export async function attributeNames(db: Kysely<Database>, waveId: string): Promise<string[]> {
  const rows = await db.selectFrom('responses').innerJoin('organisations', 'organisations.id', 'responses.organisation_id').select('organisations.attributes_json').where('responses.wave_id', '=', waveId).distinct().execute()
  return [...new Set(rows.flatMap((r) => Object.keys(JSON.parse(r.attributes_json) as Record<string, string>)))].sort()
}

export function rawHeader(definition: Definition, attributes: string[], withNames: boolean): string[] {
  return ['respondent_id', ...(withNames ? ['organisation_code', 'organisation_name'] : []), 'response_status', 'organisation_type', ...attributes, ...variables(definition).map((v) => v.name), ...partialVariables().map((v) => v.name)]
}

export interface RawRowOptions {
  /** Partial responses too (after the submitted ones); by default only submitted responses. */
  includePartial?: boolean
  batchSize?: number
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
    yield* rowsWithStatus(db, waveId, definition, attributes, withNames, status, options.batchSize ?? 100, waveLevel)
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
): AsyncGenerator<(string | number)[]> {
  const vars = variables(definition)
  const questions = new Map(placedQuestions(definition).filter((p) => isAnswerable(p.question)).map((p) => [p.question.id, p.question as AnswerableQuestion]))
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
        const wasAsked = askedHere.get(v.questionId)
        if (wasAsked === undefined) {
          cells.push('')
          continue
        }
        if (!wasAsked) {
          cells.push(v.type === 'text' || v.type === 'date' ? '' : NOT_ANSWERED)
          continue
        }
        const q = questions.get(v.questionId)!
        const facts = mine.get(v.questionId) ?? []
        if (v.name === `${v.questionId}_other` && q.type !== 'short_text' && q.type !== 'long_text') cells.push(facts.find((f) => f.text_value !== null && f.code !== null)?.text_value ?? '')
        else if (q.type === 'multiple_choice') cells.push(facts.some((f) => `${q.id}_${f.code}` === v.name) ? 1 : 0)
        else if (q.type === 'grid') cells.push(facts.find((f) => `${q.id}_${f.row_id}` === v.name)?.code ?? '')
        else if (q.type === 'number' && v.name.endsWith('_dk')) cells.push(facts.some((f) => f.special === 'dont_know' && f.code === null) ? 1 : 0)
        else if (q.type === 'number') cells.push(facts.find((f) => f.number_value !== null)?.number_value ?? '')
        else if (q.type === 'single_choice' || q.type === 'yes_no') cells.push(facts[0]?.code ?? '')
        else cells.push(facts[0]?.text_value ?? '')
      }
      cells.push(...waveLevel)
      yield cells
    }
  }
}

/**
 * SPSS syntax that reads the raw CSV and applies variable labels, value labels and missing values.
 * `note` (how many partial responses there are, and whether the CSV has them) goes in a comment.
 */
export function spssSyntax(definition: Definition, header: string[], csvFile: string, note?: string): string {
  const vars = [responseStatusVariable(), ...variables(definition), ...partialVariables()]
  const byName = new Map(vars.map((v) => [v.name, v]))
  const quote = (s: string) => `"${s.replace(/"/g, '""').replace(/\s+/g, ' ').slice(0, 250)}"`
  const format = (name: string) => {
    const v = byName.get(name)
    if (!v) return 'A200'
    return v.type === 'text' ? 'A2000' : v.type === 'date' ? 'SDATE10' : 'F8.0'
  }
  const lines = [
    `* SPSS syntax for ${definition.survey} version ${definition.version}: reads the raw data CSV and applies labels.`,
    ...(note ? [`* ${note.replace(/\s+/g, ' ')}`] : []),
    `GET DATA /TYPE=TXT /FILE=${quote(csvFile)} /ENCODING='UTF8' /DELCASE=LINE /DELIMITERS="," /QUALIFIER='"' /ARRANGEMENT=DELIMITED /FIRSTCASE=2`,
    `  /VARIABLES=${header.map((h) => `${h} ${format(h)}`).join('\n    ')}.`,
    'VARIABLE LABELS',
    ...vars.map((v, i) => `  ${v.name} ${quote(v.label)}${i === vars.length - 1 ? '.' : ''}`),
  ]
  const labelled = vars.filter((v) => v.values.length)
  if (labelled.length) {
    lines.push('VALUE LABELS')
    labelled.forEach((v, i) => {
      // Every question variable may be asked but not answered; the response status is always known.
      const values = v.questionId ? [...v.values, { code: NOT_ANSWERED, label: 'Not answered' }] : v.values
      lines.push(`  /${v.name} ${values.map((x) => `${x.code} ${quote(x.label)}`).join(' ')}${i === labelled.length - 1 ? '.' : ''}`)
    })
  }
  const numeric = vars.filter((v) => v.questionId && (v.type === 'code' || v.type === 'flag' || v.type === 'number')).map((v) => v.name)
  if (numeric.length) lines.push(`MISSING VALUES ${numeric.join(' ')} (${NOT_ANSWERED}).`)
  lines.push('EXECUTE.', '')
  return lines.join('\n')
}
