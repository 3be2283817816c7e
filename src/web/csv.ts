// CSV that opens correctly in Excel: UTF-8 with a byte-order mark, and every cell that a
// spreadsheet would read as a formula (=, +, -, @, tab, carriage return) neutralised with a
// leading apostrophe, so an answer can never run as a formula on a researcher's machine.
import { stringify } from 'csv-stringify/sync'

export const UTF8_BOM = '\uFEFF'

export function neutralise(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  // A plain number (a negative change, say) cannot run as a formula and must stay a number.
  if (/^-?\d+(\.\d+)?$/.test(text)) return text
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return UTF8_BOM + stringify([header.map(neutralise), ...rows.map((row) => row.map(neutralise))], { record_delimiter: '\r\n' })
}
