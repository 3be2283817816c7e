// Excel workbooks: the statistics (a summary sheet, one sheet per section, and the comparison),
// the free text one answer per row, and the free text shaped for NVivo's dataset import (one row
// per organisation, classifying attributes first, one column per free-text question). These are
// the files for spreadsheets: answers are text cells, never formulas, and a text that Excel would
// run as a formula once edited ("=HYPERLINK(…)") is kept as typed in a cell formatted as text,
// which Excel keeps as text even when it is edited. Characters a workbook cannot hold (control
// characters such as a vertical tab: XML 1.0 forbids them) are replaced with U+FFFD, visibly, and
// counted on a Notes sheet, never dropped silently.
import ExcelJS from 'exceljs'
import { translator } from '../i18n/catalogue.js'
import { exportCode } from '../questionnaire/missing-codes.js'
import { looksLikeFormula } from '../web/csv.js'
import { testForOption, type ComparedWave, type ComparisonRow } from './comparison.js'
import type { FreeTextSet } from './free-text.js'
import { partialNote } from './partial.js'
import type { WaveStatistics } from './statistics.js'
import { Replacements } from './unholdable.js'

const pct = (p: number | null | undefined) => (p === null || p === undefined ? null : Math.round(p * 1000) / 10)

function sheetName(name: string, used: Set<string>): string {
  // Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
  const base = name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28).trim() || 'Sheet'
  let candidate = base
  for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = `${base.slice(0, 26)} ${i}`
  used.add(candidate.toLowerCase())
  return candidate
}

/** A Notes sheet, when there is something to say: partial responses, characters replaced. */
function addNotes(book: ExcelJS.Workbook, notes: (string | undefined)[]) {
  const lines = notes.filter((n): n is string => !!n)
  if (lines.length) {
    const sheet = book.addWorksheet('Notes')
    for (const line of lines) sheet.addRow([line])
  }
}

function addRows(sheet: ExcelJS.Worksheet, header: string[], rows: unknown[][], replaced: Replacements) {
  sheet.addRow(header.map((h) => replaced.text(h))).font = { bold: true }
  for (const row of rows) {
    const added = sheet.addRow(row.map((v) => (v === undefined ? null : typeof v === 'string' ? replaced.text(v) : v)))
    added.eachCell((cell) => {
      if (typeof cell.value === 'string' && looksLikeFormula(cell.value)) cell.numFmt = '@'
    })
  }
  sheet.views = [{ state: 'frozen', ySplit: 1 }]
  sheet.columns.forEach((c) => (c.width = 18))
}

/** The statistics of a number question, each in its own column of a section's sheet. */
const NUMBER_COLUMNS = ['n', 'Mean', 'Standard deviation', 'Median', 'Lower quartile', 'Upper quartile', 'Minimum', 'Maximum', "Don't know"]
const noNumbers = NUMBER_COLUMNS.map(() => null)

export async function statisticsWorkbook(title: string, waves: { label: string; stats: WaveStatistics }[], comparison?: { waves: ComparedWave[]; rows: ComparisonRow[] }): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  book.creator = 'Survey Waves'
  const replaced = new Replacements()
  const used = new Set<string>()
  const summary = book.addWorksheet(sheetName('Summary', used))
  addRows(
    summary,
    ['Wave', 'Organisations invited', 'Responses submitted', 'Response rate (%)', "Percentages include don't know / not applicable", 'Partial responses (not submitted)', 'Partial responses included'],
    waves.map((w) => [w.label, w.stats.invited, w.stats.submitted, w.stats.invited ? pct(w.stats.submitted / w.stats.invited) : null, w.stats.includeSpecial ? 'yes' : 'no', w.stats.partial, w.stats.includePartial ? 'yes' : 'no']),
    replaced,
  )
  summary.insertRow(1, [replaced.text(title)]).font = { bold: true, size: 14 }
  const latest = waves[waves.length - 1]
  const sections = [...new Set(latest.stats.questions.map((q) => q.section))]
  for (const section of sections) {
    const sheet = book.addWorksheet(sheetName(replaced.text(section), used))
    const rows: unknown[][] = []
    for (const q of latest.stats.questions.filter((x) => x.section === section)) {
      const common = [q.id, q.text, q.asked, q.answered, q.missing]
      for (const [rowText, choice] of [...(q.choice ? [['', q.choice] as const] : []), ...(q.rows ?? []).map((r) => [r.text, r.choice] as const)]) {
        for (const o of choice.options) rows.push([...common, rowText, exportCode(o), o.label, o.count, choice.base, pct(o.percent), pct(o.ci?.low), pct(o.ci?.high), ...noNumbers])
      }
      // Each figure in a cell of its own, so a spreadsheet can compute with it.
      const n = q.number
      if (n) rows.push([...common, '', null, null, null, null, null, null, null, n.n, n.mean, n.sd, n.median, n.q1, n.q3, n.min, n.max, n.dontKnow])
      if (q.texts !== undefined) rows.push([...common, '', null, translator('en')('admin.analysis.texts', { count: q.texts }), q.texts, null, null, null, null, ...noNumbers])
    }
    addRows(sheet, ['Question id', 'Question', 'Asked', 'Answered', 'Missing', 'Row', 'Code', 'Answer', 'Count', 'Base', '%', '95% CI low', '95% CI high', ...NUMBER_COLUMNS], rows, replaced)
  }
  if (comparison) {
    const sheet = book.addWorksheet(sheetName('Comparison', used))
    const header = ['Question id', 'Row', 'Question', 'Status', 'Code', 'Answer', ...comparison.waves.flatMap((w) => [`${w.label} count`, `${w.label} base`, `${w.label} %`, `${w.label} value`]), 'Change (points)', 'Change (value)', 'Test', 'p', 'p (Holm)', 'p (Benjamini–Hochberg)', 'Note']
    const rows: unknown[][] = []
    for (const row of comparison.rows) {
      const note = [row.test?.warning, ...row.notes].filter(Boolean).join(' ')
      const unavailable = () => (row.status === 'not_comparable' ? ['[b]', '[b]', '[b]', '[b]'] : ['[x]', '[x]', '[x]', '[x]'])
      const head = (code: number | null, answer: string) => [row.id, row.rowId ?? '', row.text, row.status, code, answer]
      const tests = (test?: { kind: string; p: number; adjusted?: { holm: number; bh: number } }) => [test?.kind ?? '', test?.p ?? null, test?.adjusted?.holm ?? null, test?.adjusted?.bh ?? null, note]
      if (row.type === 'number') {
        for (const [measure, test, kind] of [['mean', row.numbers?.welch, 'welch'], ['median', row.numbers?.mannWhitney, 'mann_whitney']] as const) {
          rows.push([
            ...head(null, measure),
            ...row.waves.flatMap((w) => (!w.available || !w.number ? unavailable() : [w.number.n, w.number.n, '[z]', w.number[measure]])),
            null,
            row.numbers?.change[measure] ?? null,
            ...tests(test ? { kind, ...test } : undefined),
          ])
        }
        continue
      }
      if (!row.options.length) {
        rows.push([...head(null, 'answered'), ...row.waves.flatMap((w) => (!w.available || !w.answers ? unavailable() : [w.answers.answered, w.answers.asked, '[z]', null])), null, null, ...tests()])
        continue
      }
      for (const option of row.options) {
        rows.push([
          ...head(exportCode(option), option.label),
          ...row.waves.flatMap((w) => {
            if (!w.available) return unavailable()
            const o = w.options.find((x) => x.code === option.code)
            if (o?.asked === false) return ['[x]', w.base, '[x]', null]
            return [o?.count ?? 0, w.base, o?.percent === null || o?.percent === undefined ? '[z]' : pct(o.percent), null]
          }),
          option.changePp === null ? null : Math.round(option.changePp * 10) / 10,
          null,
          ...tests(testForOption(row, option)),
        ])
      }
    }
    addRows(sheet, header, rows, replaced)
  }
  addNotes(book, [replaced.note()])
  return Buffer.from(await book.xlsx.writeBuffer())
}

export async function freeTextWorkbook(set: FreeTextSet, withNames: boolean): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('Free text')
  const replaced = new Replacements()
  addRows(
    sheet,
    ['respondent_id', ...(withNames ? ['organisation_code', 'organisation_name'] : []), 'response_status', 'wave', 'organisation_type', ...set.attributes, 'question_id', 'question', 'answer'],
    set.answers.map((a) => [a.respondentId, ...(withNames ? [a.organisationCode, a.organisationName] : []), a.responseStatus, a.wave, a.organisationType, ...set.attributes.map((k) => a.attributes[k] ?? ''), a.questionId, a.question, a.answer]),
    replaced,
  )
  addNotes(book, [partialNote(set.partial.count, set.partial.included), replaced.note()])
  return Buffer.from(await book.xlsx.writeBuffer())
}

/** NVivo's dataset import: one row per case, classifying fields first, then one codable column per question. */
export async function nvivoWorkbook(set: FreeTextSet, withNames: boolean): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet('Dataset')
  const replaced = new Replacements()
  const byRespondent = new Map<string, { first: (typeof set.answers)[number]; texts: Map<string, string> }>()
  for (const a of set.answers) {
    const entry = byRespondent.get(a.respondentId) ?? { first: a, texts: new Map<string, string>() }
    entry.texts.set(a.questionId, a.answer)
    byRespondent.set(a.respondentId, entry)
  }
  addRows(
    sheet,
    ['respondent_id', ...(withNames ? ['organisation_name'] : []), 'response_status', 'wave', 'organisation_type', ...set.attributes, ...set.questions.map((q) => `${q.id}: ${q.text}`)],
    [...byRespondent.values()].map(({ first, texts }) => [first.respondentId, ...(withNames ? [first.organisationName] : []), first.responseStatus, first.wave, first.organisationType, ...set.attributes.map((k) => first.attributes[k] ?? ''), ...set.questions.map((q) => texts.get(q.id) ?? '')]),
    replaced,
  )
  addNotes(book, [partialNote(set.partial.count, set.partial.included), replaced.note()])
  return Buffer.from(await book.xlsx.writeBuffer())
}
