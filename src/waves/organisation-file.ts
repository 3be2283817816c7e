// Reads a file of organisations as it really arrives from a research team: a CSV saved by Excel
// (UTF-8, UTF-8 with a byte-order mark, or Windows-1252, Excel's "CSV (Comma delimited)"; comma,
// semicolon in many European locales, or tab), or the .xlsx workbook itself. What comes out is
// rows of text as a person sees them in Excel, with the line (row) each came from. A file that
// is none of these gets a sentence saying what to do, never a parser's message.
import ExcelJS from 'exceljs'
import { parse, type Options } from 'csv-parse'
import iconv from 'iconv-lite'
import { translator } from '../i18n/catalogue.js'

export interface FileRecord {
  /** The line of the CSV file, or the row of the worksheet. */
  line: number
  cells: string[]
}

export type FileReading = { records: FileRecord[]; format: 'csv' | 'xlsx' } | { problem: string; line?: number }

const t = translator('en')

const startsWith = (bytes: Buffer, signature: number[]) => signature.every((b, i) => bytes[i] === b)
const ZIP = [0x50, 0x4b, 0x03, 0x04]
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const PDF = [0x25, 0x50, 0x44, 0x46]
const UTF8_BOM = [0xef, 0xbb, 0xbf]
const UTF16LE_BOM = [0xff, 0xfe]
const UTF16BE_BOM = [0xfe, 0xff]

export async function readOrganisationFile(bytes: Buffer): Promise<FileReading> {
  if (bytes.length === 0) return { problem: t('admin.import.file.empty') }
  if (startsWith(bytes, ZIP)) return readWorkbook(bytes)
  if (startsWith(bytes, OLE2)) return { problem: t('admin.import.file.xls') }
  if (startsWith(bytes, PDF)) return { problem: t('admin.import.file.pdf') }
  const text = decodeText(bytes)
  if (text === undefined) return { problem: t('admin.import.file.binary') }
  if (!text.trim()) return { problem: t('admin.import.file.empty') }
  return readCsv(text)
}

/** UTF-8 when the bytes are valid UTF-8 (a byte-order mark or not), UTF-16 with its mark, else Windows-1252. */
export function decodeText(bytes: Buffer): string | undefined {
  if (startsWith(bytes, UTF16LE_BOM)) return iconv.decode(bytes.subarray(2), 'utf16le')
  if (startsWith(bytes, UTF16BE_BOM)) return iconv.decode(bytes.subarray(2), 'utf16be')
  // Text files have no NUL bytes; images, archives and databases nearly always do.
  if (bytes.subarray(0, 8192).includes(0)) return undefined
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(3) : bytes
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body)
  } catch {
    // Not UTF-8, so Excel's "CSV (Comma delimited)": Windows-1252. Node's own TextDecoder decodes
    // that label as Latin-1 since 20.18.3 (nodejs/node#60888), turning – “ ” € into control
    // characters, so iconv-lite's table is used.
    return iconv.decode(body, 'win1252')
  }
}

/** The separator of the header row: the one of comma, semicolon and tab it has most of, outside quotes. */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 }
  let quoted = false
  for (const char of text) {
    if (char === '"') quoted = !quoted
    else if (!quoted && (char === '\n' || char === '\r')) break
    else if (!quoted && char in counts) counts[char as keyof typeof counts]++
  }
  const best = (Object.entries(counts) as [keyof typeof counts, number][]).sort((a, b) => b[1] - a[1])[0]
  return best[1] > 0 ? best[0] : ','
}

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'admin.import.file.quote_not_closed',
  INVALID_OPENING_QUOTE: 'admin.import.file.stray_quote',
  CSV_INVALID_CLOSING_QUOTE: 'admin.import.file.stray_quote',
}

/** A piece of the file parsed at a time: between pieces other requests get the event loop. */
const CSV_PIECE = 256 * 1024

async function readCsv(text: string): Promise<FileReading> {
  const records: FileRecord[] = []
  // on_record rather than info: true, which copies a whole info object per row (70% slower).
  // (The types say on_record returns a row of text; any value is passed on.)
  const options = { delimiter: detectDelimiter(text), relax_column_count: true, skip_empty_lines: true, trim: true, on_record: (cells: string[], context: { lines: number }) => ({ line: context.lines, cells }) }
  const parser = parse(options as unknown as Options)
  parser.on('data', (record: FileRecord) => records.push(record))
  const done = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve)
    parser.on('error', reject)
  })
  done.catch(() => {})
  try {
    for (let at = 0; at < text.length; at += CSV_PIECE) {
      parser.write(text.slice(at, at + CSV_PIECE))
      await new Promise((resolve) => setImmediate(resolve))
    }
    parser.end()
    await done
  } catch (err) {
    const { code, lines } = err as { code?: string; lines?: number }
    return { problem: t(CSV_PROBLEMS[code ?? ''] ?? 'admin.import.file.not_csv'), line: lines }
  }
  return { format: 'csv', records: withoutBlankRows(records) }
}

// Excel writes a row it once had as separators only (";;;;"), and a worksheet keeps formatted empty rows.
function withoutBlankRows(records: FileRecord[]): FileRecord[] {
  return records.filter((r) => r.cells.some((c) => c !== ''))
}

async function readWorkbook(bytes: Buffer): Promise<FileReading> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch {
    return { problem: t('admin.import.file.zip_not_xlsx') }
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) return { problem: t('admin.import.file.zip_not_xlsx') }
  const records: FileRecord[] = []
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = []
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = shownText(cell.value, cell.numFmt).trim()
    })
    records.push({ line: rowNumber, cells: Array.from(cells, (c) => c ?? '') })
  })
  if (records.length === 0) return { problem: t('admin.import.file.empty') }
  return { format: 'xlsx', records: withoutBlankRows(records) }
}

/** A cell's value as Excel shows it: rich text joined, a formula's result, numbers and dates in the cell's format. */
export function shownText(value: ExcelJS.CellValue, numFmt?: string): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (typeof value === 'number') return formatNumber(value, numFmt)
  if (value instanceof Date) return formatDate(value, numFmt)
  if ('richText' in value) return value.richText.map((part) => part.text).join('')
  if ('formula' in value || 'sharedFormula' in value) return shownText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue, numFmt)
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : shownText(value.text as ExcelJS.CellValue)
  if ('error' in value) return value.error
  return ''
}

function formatNumber(n: number, numFmt = 'General'): string {
  const format = numFmt.split(';')[0].replace(/"[^"]*"|\\.|_.|\*./g, '')
  const number = /^([#,0]*)(?:\.(0+))?(%?)$/.exec(format)
  if (!number || !format) return String(Number(n.toPrecision(15)))
  const [, whole, decimals = '', percent] = number
  const value = percent ? n * 100 : n
  let text = value.toFixed(decimals.length)
  const [int, frac] = text.replace('-', '').split('.')
  const padded = int.padStart((whole.match(/0/g) ?? []).length, '0')
  const grouped = whole.includes(',') ? padded.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : padded
  text = `${value < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}${percent}`
  return text
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

// Excel stores a date without a time zone; ExcelJS gives it as that moment in UTC.
function formatDate(date: Date, numFmt = ''): string {
  // The time of day, if the format shows one, is left out: organisation files hold dates.
  const dateOnly = numFmt.replace(/"[^"]*"|\\|\[[^\]]*\]/g, '').replace(/\s*h+:mm(:ss)?(\s*AM\/PM)?/i, '').trim()
  const format = /[dmy]/i.test(dateOnly) ? dateOnly : 'dd/mm/yyyy'
  const d = date.getUTCDate()
  const m = date.getUTCMonth()
  const y = date.getUTCFullYear()
  const tokens: Record<string, string> = {
    yyyy: String(y), yy: String(y).slice(-2),
    mmmm: MONTHS[m], mmm: MONTHS[m].slice(0, 3), mm: String(m + 1).padStart(2, '0'), m: String(m + 1),
    dd: String(d).padStart(2, '0'), d: String(d),
  }
  return format.replace(/yyyy|yy|mmmm|mmm|mm|m|dd|d/gi, (token) => tokens[token.toLowerCase()] ?? token)
}
