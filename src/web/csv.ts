// CSV that opens correctly in Excel and R: UTF-8 with a byte-order mark; every field holding a
// comma, quote, CR or LF quoted (RFC 4180: csv-stringify on its own quotes a lone LF only when
// the record delimiter is LF, so R read an answer of two lines as two rows); and every cell that a
// spreadsheet would read as a formula (=, +, -, @, tab, carriage return, also after leading
// spaces or line breaks) neutralised with a leading apostrophe, so an answer can never run as a
// formula on a researcher's machine.
import { stringify } from 'csv-stringify/sync'

export const UTF8_BOM = '\uFEFF'

/** Whether a spreadsheet would run this text as a formula. A plain number (-5, a negative change) never. */
export function looksLikeFormula(text: string): boolean {
  return !/^-?\d+(\.\d+)?$/.test(text) && /^[\s]*[=+\-@\t\r]/.test(text)
}

export function neutralise(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return looksLikeFormula(text) ? `'${text}` : text
}

/** csv-stringify options for every CSV we write: CRLF records, and a field with CR or LF always quoted. */
export const CSV_OPTIONS = { record_delimiter: '\r\n', quoted_match: /[\r\n]/ } as const

export function toCsv(header: string[], rows: unknown[][]): string {
  return UTF8_BOM + stringify([header.map(neutralise), ...rows.map((row) => row.map(neutralise))], CSV_OPTIONS)
}
