// A problem of a past wave's file in words, the same on the page and on the command line.
import { translator } from '../i18n/catalogue.js'
import type { CellProblem } from './check-rows.js'

const t = translator('en')

/** "Row 12, column prisons_in_area: …", "Row 12: …", or the file's own problem. */
export function describeProblem(p: CellProblem): string {
  if (p.line && p.column) return t('admin.past_wave.problem.cell', { line: p.line, column: p.column, message: p.message })
  if (p.line) return t('admin.past_wave.problem.row', { line: p.line, message: p.message })
  return p.message
}
