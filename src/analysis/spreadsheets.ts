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
import { addPanelSheet } from './panel-sheet.js'
import { SUPPRESSION_RULE, type hiddenInComparison } from './publication.js'
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

type Published = ReturnType<typeof hiddenInComparison>

/**
 * A workbook for publication: `statistics` hides counts of the (one) wave's statistics, `comparison`
 * those of the comparison (see publication.ts). A published comparison leaves out the statistics
 * sheets, whose counts would otherwise stand beside the comparison's hidden ones.
 */
export interface PublishedWorkbook {
  threshold: number
  statistics?: Set<string>
  comparison?: Published
}

/** A sheet of its own after the statistics (such as the split by answers carried forward). */
export interface ExtraSheet {
  name: string
  header: string[]
  rows: unknown[][]
}

export async function statisticsWorkbook(title: string, waves: { label: string; stats: WaveStatistics }[], comparison?: { waves: ComparedWave[]; rows: ComparisonRow[]; panelSize?: number }, published?: PublishedWorkbook, extra: ExtraSheet[] = []): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const shown = (key: string, value: unknown) => (published?.statistics?.has(key) ? '[c]' : value)
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
  const sections = published?.comparison ? [] : [...new Set(latest.stats.questions.map((q) => q.section))]
  for (const section of sections) {
    const sheet = book.addWorksheet(sheetName(replaced.text(section), used))
    const rows: unknown[][] = []
    for (const q of latest.stats.questions.filter((x) => x.section === section)) {
      const common = [q.id, q.text, shown(`${q.id}:asked`, q.asked), shown(`${q.id}:answered`, q.answered), shown(`${q.id}:missing`, q.missing)]
      for (const [rowId, rowText, choice] of [...(q.choice ? [['', '', q.choice] as const] : []), ...(q.rows ?? []).map((r) => [r.id, r.text, r.choice] as const)]) {
        const base = `${q.id}|${rowId}:base`
        for (const o of choice.options) {
          const count = `${q.id}|${rowId}:${o.code}`
          const out = published?.statistics?.has(count) || published?.statistics?.has(base)
          rows.push([...common, rowText, exportCode(o), o.label, shown(count, o.count), shown(base, choice.base), out ? '[c]' : pct(o.percent), out ? '[c]' : pct(o.ci?.low), out ? '[c]' : pct(o.ci?.high), ...noNumbers])
        }
      }
      // Each figure in a cell of its own, so a spreadsheet can compute with it.
      const n = q.number
      if (n) rows.push([...common, '', null, null, null, null, null, null, null, shown(`${q.id}:n`, n.n), n.mean, n.sd, n.median, n.q1, n.q3, n.min, n.max, shown(`${q.id}:dk`, n.dontKnow)])
      if (q.texts !== undefined) rows.push([...common, '', null, published?.statistics?.has(`${q.id}:texts`) ? '[c]' : translator('en')(q.group ? 'admin.analysis.texts_items' : 'admin.analysis.texts', { count: q.texts }), shown(`${q.id}:texts`, q.texts), null, null, null, null, ...noNumbers])
    }
    addRows(sheet, ['Question id', 'Question', 'Asked', 'Answered', 'Missing', 'Row', 'Code', 'Answer', 'Count', 'Base', '%', '95% CI low', '95% CI high', ...NUMBER_COLUMNS], rows, replaced)
  }
  for (const sheet of extra) addRows(book.addWorksheet(sheetName(sheet.name, used)), sheet.header, sheet.rows, replaced)
  if (comparison) {
    const sheet = book.addWorksheet(sheetName('Comparison', used))
    const header = ['Question id', 'Row', 'Question', 'Status', 'Code', 'Answer', ...comparison.waves.flatMap((w) => [`${w.label} count`, `${w.label} base`, `${w.label} %`, `${w.label} value`]), 'Change (points)', 'Change (value)', 'Test', 'p', 'p (Holm)', 'p (Benjamini–Hochberg)', 'Note']
    const rows: unknown[][] = []
    const hidden = published?.comparison
    const masked = (key: string, value: unknown) => (hidden?.cells.has(key) ? '[c]' : value)
    for (const row of comparison.rows) {
      const r = `${row.id}|${row.rowId ?? ''}`
      const note = [row.test?.warning, ...row.notes].filter(Boolean).join(' ')
      const unavailable = () => (row.status === 'not_comparable' ? ['[b]', '[b]', '[b]', '[b]'] : ['[x]', '[x]', '[x]', '[x]'])
      const head = (code: number | null, answer: string) => [row.id, row.rowId ?? '', row.text, row.status, code, answer]
      const tests = (test?: { kind: string; p: number; adjusted?: { holm: number; bh: number } }, key = '') =>
        test && hidden?.tests.has(key) ? [test.kind, '[c]', '[c]', '[c]', note] : [test?.kind ?? '', test?.p ?? null, hidden?.adjusted.has(key) ? '[c]' : (test?.adjusted?.holm ?? null), hidden?.adjusted.has(key) ? '[c]' : (test?.adjusted?.bh ?? null), note]
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
        rows.push([...head(null, 'answered'), ...row.waves.flatMap((w, i) => (!w.available || !w.answers ? unavailable() : [masked(`${r}|${i}:answered`, w.answers.answered), masked(`${r}|${i}:asked`, w.answers.asked), '[z]', null])), null, null, ...tests()])
        continue
      }
      for (const option of row.options) {
        let anyHidden = false
        rows.push([
          ...head(exportCode(option), option.label),
          ...row.waves.flatMap((w, i) => {
            if (!w.available) return unavailable()
            const o = w.options.find((x) => x.code === option.code)
            const [count, base] = [`${r}|${i}:${option.code}`, `${r}|${i}:base`]
            if (o?.asked === false) return ['[x]', masked(base, w.base), '[x]', null]
            if (hidden?.cells.has(count) || hidden?.cells.has(base)) anyHidden = true
            return [masked(count, o?.count ?? 0), masked(base, w.base), anyHidden && (hidden?.cells.has(count) || hidden?.cells.has(base)) ? '[c]' : o?.percent === null || o?.percent === undefined ? '[z]' : pct(o.percent), null]
          }),
          anyHidden ? '[c]' : option.changePp === null ? null : Math.round(option.changePp * 10) / 10,
          null,
          ...tests(testForOption(row, option), row.test ? r : `${r}:${option.code}`),
        ])
      }
    }
    addRows(sheet, header, rows, replaced)
    if (comparison.panelSize !== undefined) addPanelSheet(book.addWorksheet(sheetName('Same organisations', used)), comparison.waves, comparison.rows, comparison.panelSize, hidden)
  }
  if (published) {
    // The rule of the published table, and (counted last) the characters the workbook could not hold.
    const notes = book.addWorksheet(sheetName('Notes', used))
    notes.addRow([translator('en')('admin.analysis.publication.threshold', { threshold: published.threshold })]).font = { bold: true }
    for (const line of SUPPRESSION_RULE) notes.addRow([line])
    const replacedNote = replaced.note()
    if (replacedNote) notes.addRow([replacedNote])
    notes.getColumn(1).width = 120
    return Buffer.from(await book.xlsx.writeBuffer())
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
