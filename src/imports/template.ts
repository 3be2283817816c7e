// The template of a past wave for one questionnaire version: one row per organisation (its code
// and name filled in), one column per variable of the raw data, and an explanation of every
// variable's codes and of the missing-value codes (a second sheet of the workbook, or a CSV of
// its own beside the CSV template).
import ExcelJS from 'exceljs'
import type { Kysely } from 'kysely'
import type { Variable } from '../analysis/raw-data.js'
import type { Database } from '../db/schema.js'
import { MISSING_CODES, MISSING_LABELS } from '../questionnaire/missing-codes.js'
import type { Definition } from '../questionnaire/schema.js'
import { neutralise, toCsv } from '../web/csv.js'
import { askedWhen, CODE_COLUMN, importVariables, NAME_COLUMN, templateHeader } from './columns.js'

/** The organisations a template lists: active, real, and of the questionnaire's audience when it names one. */
export async function templateOrganisations(db: Kysely<Database>, definition: Definition): Promise<{ code: string; name: string }[]> {
  return db
    .selectFrom('organisations')
    .select(['code', 'name'])
    .where('demo', '=', 0)
    .where('deactivated_at', 'is', null)
    .$if(definition.audience !== undefined, (qb) => qb.where('type', '=', definition.audience!))
    .orderBy('code')
    .execute()
}

export async function templateCsv(db: Kysely<Database>, definition: Definition): Promise<string> {
  const header = templateHeader(definition)
  const blanks = Array<string>(header.length - 2).fill('')
  return toCsv(header, (await templateOrganisations(db, definition)).map((o) => [o.code, o.name, ...blanks]))
}

const TYPE_WORDS: Record<Variable['type'], string> = { code: 'code', flag: '1 chosen, 0 not chosen', number: 'whole number', date: 'date (2016-03-27 or 27/03/2016)', text: 'text' }

/** The explanation of the codes: the rules first, then one row per variable. */
export function codesRows(definition: Definition): { rules: string[]; header: string[]; rows: string[][] } {
  const when = askedWhen(definition)
  const rules = [
    `Codes of ${definition.survey} version ${definition.version}: one row per organisation, one column per variable, as in the raw data exported for this version.`,
    `${CODE_COLUMN}: the organisation's code, as imported with the organisations. ${NAME_COLUMN} is there to help you and is not read.`,
    'Blank: the question was not asked (the skip logic hid it). A question that was asked must not be blank, and one that was not asked must be blank.',
    `${MISSING_CODES.not_answered}: ${MISSING_LABELS.not_answered.toLowerCase()} (asked, left unanswered). ${MISSING_CODES.dont_know}: ${MISSING_LABELS.dont_know.toLowerCase()}. ${MISSING_CODES.not_applicable}: ${MISSING_LABELS.not_applicable.toLowerCase()}. Only where the variable lists them.`,
    `Multiple choice: one column per option, 1 when chosen and 0 when not; ${MISSING_CODES.not_answered} in every column when the question was not answered.`,
    'Nothing is imported until every cell is right: every problem is listed with its row and column.',
  ]
  const header = ['variable', 'question_id', 'question', 'type', 'values', 'missing_values', 'asked_when']
  const rows = importVariables(definition).map((v) => [
    v.name,
    v.questionId,
    v.label,
    TYPE_WORDS[v.type],
    v.values.map((x) => `${x.code} = ${x.label}`).join('; '),
    ['blank = not asked', ...v.missing.map((m) => `${MISSING_CODES[m]} = ${MISSING_LABELS[m].toLowerCase()}`)].join('; '),
    when.get(v.questionId) || 'always',
  ])
  return { rules, header, rows }
}

export function codesCsv(definition: Definition): string {
  const { header, rows } = codesRows(definition)
  return toCsv(header, rows)
}

export async function templateWorkbook(db: Kysely<Database>, definition: Definition): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  // The responses come first: an import reads the first worksheet.
  const sheet = book.addWorksheet('Responses')
  const header = templateHeader(definition)
  sheet.addRow(header)
  sheet.getRow(1).font = { bold: true }
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 1 }]
  // Codes stay text ("00123" keeps its zeros).
  sheet.getColumn(1).numFmt = '@'
  for (const o of await templateOrganisations(db, definition)) sheet.addRow([neutralise(o.code), neutralise(o.name)])
  const codes = book.addWorksheet('Codes')
  const { rules, header: codeHeader, rows } = codesRows(definition)
  for (const rule of rules) codes.addRow([rule])
  codes.addRow([])
  codes.addRow(codeHeader).font = { bold: true }
  for (const row of rows) codes.addRow(row.map(neutralise))
  codes.getColumn(1).width = 28
  codes.getColumn(3).width = 60
  codes.getColumn(5).width = 60
  return Buffer.from(await book.xlsx.writeBuffer())
}
