// Whether one version only corrects another's words. A live wave may move to such a version,
// because every answer already given keeps its meaning: the same sections, pages and questions
// in the same order, the same types, codes, options, skip logic and validation. Only wording
// (question text, hints, titles, introductions, option labels, row texts, units) may differ.
import { canonicalJson, questionMeaning } from './content-hash.js'
import type { Finding } from './check-definition.js'
import { languagesOf } from './model.js'
import type { Path } from './problems.js'
import type { Definition, Question, Section } from './schema.js'
import { DEFAULT_MAX_ITEMS } from './groups.js'

const WORDING = new Set(['text', 'hint', 'title', 'intro', 'label', 'unit'])

/**
 * The question without its wording or lineage: what an answer's meaning depends on. Defaults
 * written out or left out mean the same, as for the content hash (content-hash.ts).
 */
function substance(question: Question): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(questionMeaning(question))) {
    if (WORDING.has(key) || key === 'lineage') continue
    if (key === 'options') out.options = (value as Record<string, unknown>[]).map(({ label: _label, ...rest }) => rest)
    else if (key === 'rows') out.rows = (value as { id: string }[]).map((r) => r.id)
    else out[key] = value
  }
  return out
}

/** A repeating group without its wording (items, add_item, add_another) or lineage. */
function groupSubstance(section: Section): unknown {
  if (!section.repeat) return undefined
  const { item_label, min_items, max_items } = section.repeat
  return { item_label, min_items: min_items ?? 0, max_items: max_items ?? DEFAULT_MAX_ITEMS }
}

const shown = (value: unknown) => (value === undefined ? 'nothing' : canonicalJson(value))

/** Every change that is more than wording, in words; empty when `to` only corrects `from`. */
export function nonEditorialChanges(from: Definition, to: Definition): string[] {
  const changes: string[] = []
  if (canonicalJson(languagesOf(from)) !== canonicalJson(languagesOf(to))) changes.push(`the languages changed from ${languagesOf(from).join(', ')} to ${languagesOf(to).join(', ')}`)
  const layout = (d: Definition) => d.sections.map((s) => `${s.id}(${s.pages.map((p) => `${p.id}[${p.questions.map((q) => q.id).join(',')}]`).join(' ')})`).join(' ')
  if (layout(from) !== layout(to)) {
    const ids = (d: Definition) => d.sections.flatMap((s) => s.pages.flatMap((p) => p.questions.map((q) => q.id)))
    const before = new Set(ids(from))
    const after = new Set(ids(to))
    for (const id of after) if (!before.has(id)) changes.push(`question "${id}" was added`)
    for (const id of before) if (!after.has(id)) changes.push(`question "${id}" was removed`)
    if (!changes.some((c) => c.startsWith('question'))) changes.push('sections, pages or questions were renamed, added, removed or put in another order')
    return changes
  }
  from.sections.forEach((section, s) => {
    const other = to.sections[s]
    if (canonicalJson(section.show_if) !== canonicalJson(other.show_if)) changes.push(`the skip logic of section "${section.id}" changed`)
    if (canonicalJson(groupSubstance(section)) !== canonicalJson(groupSubstance(other))) changes.push(`the repeating group of section "${section.id}" changed (repeat: its item_label, min_items or max_items, or whether it repeats)`)
    section.pages.forEach((page, p) => {
      const otherPage = other.pages[p]
      if (canonicalJson(page.show_if) !== canonicalJson(otherPage.show_if)) changes.push(`the skip logic of page "${page.id}" changed`)
      const checks = (list: typeof page.checks) => (list ?? []).map(({ message: _message, ...test }) => test)
      if (canonicalJson(checks(page.checks)) !== canonicalJson(checks(otherPage.checks))) changes.push(`the checks across answers of page "${page.id}" changed`)
      page.questions.forEach((question, q) => {
        const before = substance(question)
        const after = substance(otherPage.questions[q])
        for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
          if (canonicalJson(before[key]) !== canonicalJson(after[key])) {
            const what = key === 'show_if' ? 'skip logic (show_if)' : key
            changes.push(`question "${question.id}": ${what} changed from ${shown(before[key])} to ${shown(after[key])}`)
          }
        }
      })
    })
  })
  return changes
}

/**
 * The checks of a version declared editorial, against the version it corrects: it must name it
 * as previous, declare no lineage of its own, and change nothing but wording.
 */
export function checkEditorial(current: Definition, previous: Definition): Finding[] {
  const findings: Finding[] = []
  const error = (path: Path, message: string) => findings.push({ path, message, severity: 'error' })
  if (current.dropped?.length) error(['dropped'], 'an editorial version drops no question: remove dropped, or remove editorial: true')
  current.sections.forEach((section, s) =>
    section.pages.forEach((page, p) =>
      page.questions.forEach((question, q) => {
        if (question.type !== 'info' && question.lineage) error(['sections', s, 'pages', p, 'questions', q, 'lineage'], `an editorial version keeps the lineage of version ${previous.version}: remove lineage here`)
      }),
    ),
  )
  for (const change of nonEditorialChanges(previous, current))
    error(['editorial'], `is declared, but against version ${previous.version} ${change}: only wording, hints and typo fixes are editorial (make this a new version without editorial: true)`)
  return findings
}
