// The comparison workbook's sheet for the same organisations in every wave: the panel's size on
// its first line, then one line per answer with the paired figures and McNemar's or
// Stuart–Maxwell's test, adjusted as a family of their own.
import type ExcelJS from 'exceljs'
import { translator } from '../i18n/catalogue.js'
import { panelTestForOption, type ComparedWave, type ComparisonRow } from './comparison.js'

const pct = (p: number | null) => (p === null ? null : Math.round(p * 1000) / 10)

/** `hidden`: in a workbook for publication, what the comparison hides (see publication.ts). */
export function addPanelSheet(sheet: ExcelJS.Worksheet, waves: ComparedWave[], rows: ComparisonRow[], panelSize: number, hidden?: { cells: Set<string>; panelTests: Set<string>; panelAdjusted: Set<string> }): void {
  const t = translator('en')
  sheet.addRow([t('admin.analysis.panel.heading', { count: panelSize })]).font = { bold: true, size: 14 }
  sheet.addRow([t('admin.analysis.panel.explained')])
  sheet.addRow(['Question id', 'Row', 'Question', 'Status', 'Code', 'Answer', 'Organisations paired', ...waves.flatMap((w) => [`${w.label} count`, `${w.label} %`]), 'Change (points)', 'Test', 'p', 'p (Holm)', 'p (Benjamini–Hochberg)', 'Note']).font = { bold: true }
  for (const row of rows) {
    const panel = row.panel
    if (!panel) continue
    const r = `${row.id}|${row.rowId ?? ''}`
    const pairsHidden = hidden?.cells.has(`P|${r}:pairs`) ?? false
    row.options.filter((o) => !o.special).forEach((option, index) => {
      const test = panelTestForOption(row, option)
      const key = panel.test ? r : `${r}:${option.code}`
      const [withheld, adjustedWithheld] = [hidden?.panelTests.has(key), hidden?.panelAdjusted.has(key)]
      const countHidden = (w: number) => pairsHidden || (hidden?.cells.has(`P|${r}|${w}:${option.code}`) ?? false)
      const change = panel.waves.some((_, w) => countHidden(w)) ? '[c]' : panel.options[index].changePp
      sheet.addRow([
        row.id,
        row.rowId ?? '',
        row.text,
        row.status,
        option.code,
        option.label,
        pairsHidden ? '[c]' : panel.pairs,
        ...panel.waves.flatMap((w, i): (string | number | null)[] => (!w.available || !w.options[index].asked ? ['[x]', '[x]'] : countHidden(i) ? [hidden?.cells.has(`P|${r}|${i}:${option.code}`) ? '[c]' : w.options[index].count, '[c]'] : [w.options[index].count, pct(w.options[index].percent)])),
        change === null ? '[x]' : typeof change === 'string' ? change : Math.round(change * 10) / 10,
        test?.kind ?? '',
        withheld ? '[c]' : (test?.p ?? null),
        withheld || adjustedWithheld ? '[c]' : (test?.adjusted?.holm ?? null),
        withheld || adjustedWithheld ? '[c]' : (test?.adjusted?.bh ?? null),
        panel.unchanged ? t('admin.analysis.panel.unchanged') : '',
      ])
    })
  }
  sheet.views = [{ state: 'frozen', ySplit: 3 }]
  sheet.columns.forEach((c) => (c.width = 18))
}
