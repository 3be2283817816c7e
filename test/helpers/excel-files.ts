// Organisation files as Excel writes them, built byte by byte in the tests: "CSV (Comma
// delimited)" is Windows-1252 with CRLF line ends and quotes only where a value needs them;
// European locales write semicolons; and the .xlsx workbook itself.
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'

function csvLine(cells: string[], delimiter: string): string {
  return cells.map((c) => (c.includes(delimiter) || c.includes('"') || /[\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(delimiter)
}

/** Excel's "CSV (Comma delimited)" (or its semicolon variant): Windows-1252, CRLF after every row. */
export function excelCsv(rows: string[][], delimiter = ','): Buffer {
  const text = rows.map((r) => `${csvLine(r, delimiter)}\r\n`).join('')
  return iconv.encode(text, 'win1252')
}

/** Excel's "CSV UTF-8 (Comma delimited)": UTF-8 with a byte-order mark, CRLF. */
export function excelUtf8Csv(rows: string[][], delimiter = ','): Buffer {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.map((r) => `${csvLine(r, delimiter)}\r\n`).join(''), 'utf8')])
}

export type WorkbookCell = ExcelJS.CellValue | { value: ExcelJS.CellValue; numFmt: string }

/** A workbook whose first worksheet holds the rows (an unrelated second sheet too, as real ones often have). */
export async function workbook(rows: WorkbookCell[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('Organisations')
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      const target = sheet.getCell(r + 1, c + 1)
      if (cell && typeof cell === 'object' && 'numFmt' in cell) {
        target.value = cell.value
        target.numFmt = cell.numFmt
      } else target.value = cell as ExcelJS.CellValue
    })
  })
  book.addWorksheet('Notes').getCell(1, 1).value = 'Not organisations'
  return Buffer.from(await book.xlsx.writeBuffer())
}

/** A multipart/form-data body carrying a file's bytes as a browser sends them. */
export function multipartFile(fields: Record<string, string>, file: { field: string; name: string; type: string; bytes: Buffer }): { payload: Buffer; contentType: string } {
  const boundary = `----test${Math.random().toString(16).slice(2)}`
  const parts = Object.entries(fields).map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), Buffer.from(file.bytes), Buffer.from(`\r\n--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}
