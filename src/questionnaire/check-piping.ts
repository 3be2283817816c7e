// The validator's checks of piped text: every placeholder names the organisation, one of its
// attributes, or a question answered on an earlier page whose answer reads well in a sentence;
// the Welsh names the same things as the English; and nothing is piped where it would be shown
// as typed (titles, grid rows, units, check messages have their own placeholders).
import type { PlacedQuestion } from './model.js'
import { isAnswerable } from './model.js'
import { ORGANISATION, PIPEABLE_TYPES, pipeSource } from './piping.js'
import { languageMismatches, mismatchMessage, placeholdersIn, textsByLanguage } from './placeholders.js'
import type { Path } from './problems.js'
import type { Definition, Text } from './schema.js'

type Report = (path: Path, message: string) => void

const ID = /^[a-z](?:_?[a-z0-9])*$/

/** Where text may pipe, and from which page on it is shown (answers must come from before it). */
interface PipedText {
  text: Text | undefined
  path: Path
  pageOrder: number
}

export function checkPiping(definition: Definition, byId: Map<string, PlacedQuestion>, error: Report, unchecked: Set<string>): void {
  const piped: PipedText[] = []
  const notPiped: { text: Text | undefined; path: Path; where: string }[] = [
    { text: definition.title, path: ['title'], where: 'the title' },
    { text: definition.intro, path: ['intro'], where: 'the start page, before any answer' },
  ]
  let pageOrder = 0
  definition.sections.forEach((section, s) => {
    const sectionPath: Path = ['sections', s]
    notPiped.push({ text: section.title, path: [...sectionPath, 'title'], where: 'a section title (the task list shows it)' })
    // A section's introduction is shown on its first page.
    piped.push({ text: section.intro, path: [...sectionPath, 'intro'], pageOrder })
    section.pages.forEach((page, p) => {
      const pagePath: Path = [...sectionPath, 'pages', p]
      notPiped.push({ text: page.title, path: [...pagePath, 'title'], where: 'a page title' })
      piped.push({ text: page.intro, path: [...pagePath, 'intro'], pageOrder })
      page.questions.forEach((q, i) => {
        const qPath: Path = [...pagePath, 'questions', i]
        piped.push({ text: q.text, path: [...qPath, 'text'], pageOrder })
        if (q.type === 'info') return
        piped.push({ text: q.hint, path: [...qPath, 'hint'], pageOrder })
        if (q.type === 'single_choice' || q.type === 'multiple_choice') q.options.forEach((o, j) => piped.push({ text: o.label, path: [...qPath, 'options', j, 'label'], pageOrder }))
        if (q.type === 'grid') {
          q.options.forEach((o, j) => notPiped.push({ text: o.label, path: [...qPath, 'options', j, 'label'], where: 'a grid' }))
          q.rows.forEach((r, j) => notPiped.push({ text: r.text, path: [...qPath, 'rows', j, 'text'], where: 'a grid' }))
        }
      })
      pageOrder++
    })
  })

  for (const { text, path, where } of notPiped) {
    if (text === undefined) continue
    for (const [language, words] of textsByLanguage(text)) {
      const first = placeholdersIn(words)[0]
      if (first) error(typeof text === 'string' ? path : [...path, language], `{${first.name}}: nothing is piped into ${where}; the braces would be shown as typed`)
    }
  }

  for (const { text, path, pageOrder: shownOn } of piped) {
    if (text === undefined) continue
    for (const [language, words] of textsByLanguage(text)) {
      const at = typeof text === 'string' ? path : [...path, language]
      for (const placeholder of placeholdersIn(words)) {
        const problem = pipeProblem(placeholder.name, shownOn, byId, unchecked)
        if (problem) error(at, `{${placeholder.name}}${placeholder.fallback !== undefined ? ` (in {${placeholder.name}|${placeholder.fallback}})` : ''} ${problem}`)
      }
    }
    for (const mismatch of languageMismatches(text)) error([...path, 'cy'], mismatchMessage(mismatch, 'answers and details'))
  }
}

function pipeProblem(name: string, shownOn: number, byId: Map<string, PlacedQuestion>, unchecked: Set<string>): string | undefined {
  const source = pipeSource(name)
  if (source.kind === 'organisation') {
    return source.attribute === undefined || source.attribute.trim() !== '' ? undefined : `names no attribute: write {${ORGANISATION}} for the name, or {${ORGANISATION}.region} for an attribute as imported`
  }
  if (unchecked.has(name)) return undefined
  if (!ID.test(name)) return `is not a question id, {${ORGANISATION}} or {${ORGANISATION}.attribute}: write an earlier question’s id in braces`
  const target = byId.get(name)
  if (!target) return `names "${name}", which is not a question in this version`
  if (!isAnswerable(target.question)) return `names "${name}", which is explanatory text, not a question`
  if (target.pageOrder === shownOn) return `names "${name}", which is on the same page: piped text can only show answers given on earlier pages`
  if (target.pageOrder > shownOn) return `names "${name}", which is later in the questionnaire: piped text can only show answers given on earlier pages`
  if (!PIPEABLE_TYPES.has(target.question.type)) return `names "${name}", a ${target.question.type} question, whose answer cannot be piped: pipe a choice, yes/no, number, date or short text answer`
  return undefined
}
