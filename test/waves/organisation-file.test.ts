// Files of organisations as they really arrive: Excel's Windows-1252 CSV with CRLF, UTF-8 with a
// byte-order mark, semicolons and tabs, the .xlsx itself; and files that are none of these get a
// sentence saying what to do.
import JSZip from 'jszip'
import t from 'tap'
import { detectDelimiter, readOrganisationFile } from '../../src/waves/organisation-file.js'
import { readOrganisations } from '../../src/waves/organisation-import.js'
import { excelCsv, excelUtf8Csv, workbook } from '../helpers/excel-files.js'

const HEADER = ['code', 'name', 'type', 'region', 'note', 'contact_name', 'contact_email']
const WELSH = [
  ['W06000001', 'Cyngor Sir Ynys Môn', 'local authority', 'Wales', 'Budget £1.2m', 'Siân Hughes', 'sian.hughes@ynysmon.example'],
  ['W06000014', 'Bro Morgannwg – Vale of Glamorgan', 'local authority', 'Wales', '“Shared” service, with Cardiff', 'Rhodri Ap Dafydd', 'rhodri@valeofglamorgan.example'],
]

t.test("Excel's CSV (Comma delimited) is Windows-1252: â, ô, the en dash, curly quotes and £ come out right", async (t) => {
  const bytes = excelCsv([HEADER, ...WELSH])
  // What Excel writes: one byte each for â (0xE2), ô (0xF4), – (0x96), “ (0x93), £ (0xA3); CRLF.
  t.ok(bytes.includes(Buffer.from([0x53, 0x69, 0xe2, 0x6e])), 'Siân as Excel writes it')
  t.ok(bytes.includes(Buffer.from([0x20, 0x96, 0x20])), 'the en dash is byte 0x96')
  t.ok(bytes.includes(Buffer.from('\r\n')), 'CRLF line ends')
  const { organisations, problems } = await readOrganisations(bytes)
  t.same(problems, [])
  t.same(organisations.map((o) => [o.name, o.contacts[0].name, o.attributes.note]), [
    ['Cyngor Sir Ynys Môn', 'Siân Hughes', 'Budget £1.2m'],
    ['Bro Morgannwg – Vale of Glamorgan', 'Rhodri Ap Dafydd', '“Shared” service, with Cardiff'],
  ])
})

t.test('UTF-8 with a byte-order mark: the first column is still "code"', async (t) => {
  const { organisations, problems } = await readOrganisations(excelUtf8Csv([HEADER, ...WELSH]))
  t.same(problems, [])
  t.same(organisations.map((o) => o.code), ['W06000001', 'W06000014'])
  t.equal(organisations[1].name, 'Bro Morgannwg – Vale of Glamorgan')
})

t.test('a semicolon file (Excel in many European locales), with commas inside values, and a tab file', async (t) => {
  const rows = [
    ['code', 'name', 'type', 'population', 'contact_name', 'contact_email'],
    ['E06000001', 'Hartlepool', 'local authority', '92,3', 'Ann Example', 'ann@hartlepool.example'],
    ['E06000002', 'Middlesbrough, Borough of', 'local authority', '143,9', 'Bob Example', 'bob@middlesbrough.example'],
  ]
  t.equal(detectDelimiter('code;name;type,x;contact_name\r\n'), ';')
  const semicolons = await readOrganisations(excelCsv(rows, ';'))
  t.same(semicolons.problems, [])
  t.same(semicolons.organisations.map((o) => [o.name, o.attributes.population]), [['Hartlepool', '92,3'], ['Middlesbrough, Borough of', '143,9']])
  const tabs = await readOrganisations(excelUtf8Csv(rows, '\t'))
  t.same(tabs.organisations.map((o) => o.name), ['Hartlepool', 'Middlesbrough, Borough of'])
})

t.test('an empty row Excel kept as separators only is skipped, and line numbers stay those of the file', async (t) => {
  const bytes = excelCsv([HEADER, WELSH[0], ['', '', '', '', '', '', ''], ['W06000015', 'Cardiff', 'local authority', 'Wales', '', 'Ceri', 'not-an-email']], ';')
  const { problems } = await readOrganisations(bytes)
  t.same(problems, [{ line: 4, message: '"not-an-email" is not a valid e-mail address' }])
})

t.test('the .xlsx workbook: first worksheet, rich text, formula results, dates and numbers as Excel shows them', async (t) => {
  const bytes = await workbook([
    ['Code', 'Name', 'Type', 'Opened', 'Prison number', 'Capacity', 'Contact name', 'Contact email', 'Language'],
    ['W99', { richText: [{ text: 'CEM ' }, { text: 'Abertawe', font: { bold: true } }] }, 'prison', { value: new Date(Date.UTC(1861, 0, 1)), numFmt: 'dd/mm/yyyy' }, { value: 7, numFmt: '000' }, { formula: '400+55', result: 455 }, 'Siân Hughes', 'sian@abertawe.example', 'both'],
    ['E42', 'HMP Example', 'prison', { value: new Date(Date.UTC(2001, 11, 25)), numFmt: 'd mmmm yyyy' }, 12, 1.1 + 2.2, 'Al Example', { text: 'al@example.org', hyperlink: 'mailto:al@example.org' }],
  ])
  const { organisations, problems } = await readOrganisations(bytes)
  t.same(problems, [])
  t.same(
    organisations.map((o) => [o.code, o.name, o.language, o.attributes, o.contacts[0].email]),
    [
      ['W99', 'CEM Abertawe', 'both', { opened: '01/01/1861', prison_number: '007', capacity: '455' }, 'sian@abertawe.example'],
      ['E42', 'HMP Example', 'en', { opened: '25 December 2001', prison_number: '12', capacity: '3.3' }, 'al@example.org'],
    ],
  )
})

t.test('files that are not organisation lists get a plain sentence saying what to do', async (t) => {
  const zip = new JSZip()
  zip.file('organisations.csv', 'code,name\n')
  const cases: [string, Buffer, string][] = [
    ['empty', Buffer.alloc(0), 'The file is empty. Choose a file with a header row and one row for each contact.'],
    ['blank lines only', Buffer.from('\r\n\r\n'), 'The file is empty. Choose a file with a header row and one row for each contact.'],
    ['an Excel 97-2003 .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), 'This is an Excel 97-2003 workbook (.xls), which cannot be read. In Excel, choose Save As, save it as an Excel workbook (.xlsx) or “CSV UTF-8 (Comma delimited) (.csv)”, and choose the new file.'],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'This is a PDF, which cannot be imported. Choose the spreadsheet the list was made from, saved as an Excel workbook (.xlsx) or as CSV.'],
    ['a zip that is not a workbook', await zip.generateAsync({ type: 'nodebuffer' }), 'This is a compressed (zip) file but not an Excel workbook. Choose the workbook (.xlsx) or a CSV file itself.'],
    ['a picture', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'This file is not a spreadsheet or a CSV file. Choose the organisations file saved from Excel as “CSV UTF-8 (Comma delimited) (.csv)” or as an Excel workbook (.xlsx).'],
  ]
  for (const [what, bytes, sentence] of cases) {
    const reading = await readOrganisationFile(bytes)
    t.same(reading, { problem: sentence }, what)
  }
  const unclosed = await readOrganisations(Buffer.from('code,name,type,contact_name,contact_email\r\nA1,"Alpha,la,Ann,ann@alpha.example\r\n'))
  t.same(unclosed.problems.map((p) => p.message), ['A value starts with a quotation mark that is never closed. Check the line for a stray " or save the file from Excel again.'])
})
