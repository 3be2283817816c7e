// A past wave's file as it arrives: the template filled in, or another tool's export, saved by
// Excel as CSV (UTF-8 with or without a byte-order mark, or Windows-1252) or as the workbook. It
// is read the way an organisations file is (src/waves/organisation-file.ts), its columns matched
// to the version's variables, then every row checked and its organisation found by code. The
// whole file is checked before anything is written: every problem comes back with its row and
// column, and a file with any problem imports nothing.
import type { Kysely } from 'kysely'
import { batches } from '../db/batches.js'
import type { Database } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import type { Definition } from '../questionnaire/schema.js'
import { readOrganisationFile, type FileRecord } from '../waves/organisation-file.js'
import { rowChecker, type CellProblem, type ImportedRow } from './check-rows.js'
import { CODE_COLUMN, importVariables, NAME_COLUMN } from './columns.js'

export type { CellProblem, ImportedRow }

const t = translator('en')

/** The file as read, kept while the team matches its columns and confirms. */
export interface PastWaveFile {
  header: string[]
  headerLine: number
  rows: FileRecord[]
}

export async function readPastWaveFile(bytes: Buffer): Promise<{ file?: PastWaveFile; problems: CellProblem[] }> {
  const reading = await readOrganisationFile(bytes)
  if ('problem' in reading) return { problems: [{ line: reading.line ?? 0, column: '', message: reading.problem }] }
  const [first, ...rest] = reading.records
  if (!first) return { problems: [{ line: 0, column: '', message: t('admin.past_wave.file.empty') }] }
  const header = first.cells.map((h) => h.replace(/^\uFEFF/, '').trim())
  // A worksheet leaves out empty cells at the end of a row: pad every row to the header's width.
  const rows = rest.map((r) => ({ line: r.line, cells: r.cells.length < header.length ? [...r.cells, ...Array<string>(header.length - r.cells.length).fill('')] : r.cells }))
  if (!rows.length) return { problems: [{ line: first.line + 1, column: '', message: t('admin.past_wave.file.no_rows') }] }
  return { file: { header, headerLine: first.line, rows }, problems: [] }
}

export interface CheckedFile {
  rows: ImportedRow[]
  /** Organisation ids by code, for the rows. */
  organisations: Map<string, string>
  problems: CellProblem[]
}

/** `matches[i]` says what column i holds: a variable's name, CODE_COLUMN, NAME_COLUMN, or '' (left out). */
export async function checkPastWaveFile(db: Kysely<Database>, definition: Definition, file: PastWaveFile, matches: string[]): Promise<CheckedFile> {
  const problems: CellProblem[] = []
  const headerProblem = (column: string, message: string) => problems.push({ line: file.headerLine, column, message })
  const columnOf = new Map<string, number>()
  matches.forEach((match, i) => {
    if (!match) return
    if (columnOf.has(match)) headerProblem(file.header[i], t('admin.past_wave.file.column_twice', { variable: match, other: file.header[columnOf.get(match)!] }))
    else columnOf.set(match, i)
  })
  if (!columnOf.has(CODE_COLUMN)) headerProblem('', t('admin.past_wave.file.no_code_column', { column: CODE_COLUMN }))
  for (const v of importVariables(definition)) {
    if (!columnOf.has(v.name)) headerProblem('', t('admin.past_wave.file.missing_column', { variable: v.name, label: v.label }))
  }
  if (problems.length) return { rows: [], organisations: new Map(), problems }

  const codeIndex = columnOf.get(CODE_COLUMN)!
  const codeHeading = file.header[codeIndex]
  const checker = rowChecker(definition)
  const rows: ImportedRow[] = []
  const seen = new Map<string, number>()
  for (const record of file.rows) {
    if (record.cells.length > file.header.length && record.cells.slice(file.header.length).some((c) => c !== '')) {
      problems.push({ line: record.line, column: '', message: t('admin.past_wave.file.too_many_values', { columns: file.header.length }) })
      continue
    }
    const code = (record.cells[codeIndex] ?? '').trim()
    if (!code) problems.push({ line: record.line, column: codeHeading, message: t('admin.past_wave.file.code_missing') })
    else if (seen.has(code)) problems.push({ line: record.line, column: codeHeading, message: t('admin.past_wave.file.code_twice', { code, line: seen.get(code)! }) })
    else seen.set(code, record.line)
    const result = checker.check(record.line, code, (variable) => {
      const index = columnOf.get(variable)!
      return { text: (record.cells[index] ?? '').trim(), column: file.header[index] }
    })
    problems.push(...result.problems)
    if (result.row && code) rows.push(result.row)
  }
  // Organisations are matched by code; every code the database does not know is listed.
  const organisations = new Map<string, string>()
  for (const batch of batches([...seen.keys()])) {
    for (const o of await db.selectFrom('organisations').select(['id', 'code']).where('code', 'in', batch).execute()) organisations.set(o.code, o.id)
  }
  for (const [code, line] of seen) {
    if (!organisations.has(code)) problems.push({ line, column: codeHeading, message: t('admin.past_wave.file.unknown_code', { code }) })
  }
  const order = new Map(file.header.map((h, i) => [h, i]))
  problems.sort((a, b) => a.line - b.line || (order.get(a.column) ?? -1) - (order.get(b.column) ?? -1))
  return { rows, organisations, problems }
}

/** The template's own headings, matched to themselves; any other column is left out. */
export function templateMatches(definition: Definition, header: string[]): string[] {
  const known = new Set([CODE_COLUMN, ...importVariables(definition).map((v) => v.name)])
  return header.map((h) => (known.has(h) ? h : h === NAME_COLUMN ? NAME_COLUMN : ''))
}
