// The validator's rules for repeating groups: each item is named by a question of its own first
// page; a group's answers are only read inside the group (outside it there is one answer per
// item, not one per organisation); its id names its long file and so is unique; its lineage adds
// up against the previous version.
import { checkUnitForms, type Finding } from './check-definition.js'
import { groupOfQuestion, isGroup, repeatingGroups } from './groups.js'
import { isComparable, lineageSources } from './check-lineage.js'
import { isAnswerable, languagesOf, placedQuestions } from './model.js'
import { formatPath, type Path } from './problems.js'
import type { Condition, Definition, Language, Text, Unit } from './schema.js'

type Report = (path: Path, message: string) => void

/** Column names of a group's long file that a question of the group may not take. */
export const LONG_FILE_KEYS = ['respondent_id', 'item_number'] as const

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', cy: 'Welsh' }

export function checkGroups(definition: Definition): Finding[] {
  const findings: Finding[] = []
  const error: Report = (path, message) => findings.push({ path, message, severity: 'error' })
  const placed = placedQuestions(definition)
  const questionPaths = new Map(placed.map((p) => [p.question.id, p.path]))

  definition.sections.forEach((section, s) => {
    if (!isGroup(section)) return
    const at: Path = ['sections', s, 'repeat']
    const { repeat } = section
    const label = placed.find((p) => p.question.id === repeat.item_label)
    if (!label || label.section !== section) {
      error([...at, 'item_label'], `refers to "${repeat.item_label}", which is not a question of this repeating group: name the short_text question that names each item`)
    } else if (label.question.type !== 'short_text') {
      error([...at, 'item_label'], `refers to "${repeat.item_label}", a ${label.question.type === 'info' ? 'piece of explanatory text' : `${label.question.type} question`}: an item is named by a short_text question`)
    } else if (label.pageIndex !== 0) {
      error([...at, 'item_label'], `refers to "${repeat.item_label}", which is not on the group's first page: each item is named on its first page`)
    } else if (label.question.required === false || label.question.show_if || label.question.follow_up_of) {
      error([...at, 'item_label'], `refers to "${repeat.item_label}", which is not asked of every item: an item's name must be required, without show_if or follow_up_of`)
    }
    if (repeat.min_items !== undefined && repeat.max_items !== undefined && repeat.min_items > repeat.max_items) {
      error([...at, 'min_items'], `at least ${repeat.min_items} items is more than the most allowed (max_items: ${repeat.max_items})`)
    }
    if (repeat.lineage && definition.previous === undefined) error([...at, 'lineage'], 'describes changes but the version has no "previous" version')
    const clash = questionPaths.get(section.id)
    if (clash) error(['sections', s, 'id'], `repeating group id "${section.id}" is also the id of a question (at ${formatPath(clash)}): the group's id names its long file in the exports, so it needs one of its own`)
    const counter = questionPaths.get(itemCountVariable(section.id))
    if (counter) error(['sections', s, 'id'], `repeating group "${section.id}" counts its items in the variable "${itemCountVariable(section.id)}", which is also the id of a question (at ${formatPath(counter)}): rename one of them`)
    section.pages.forEach((page, p) =>
      page.questions.forEach((q, i) => {
        if ((LONG_FILE_KEYS as readonly string[]).includes(q.id)) {
          error(['sections', s, 'pages', p, 'questions', i, 'id'], `question id "${q.id}" is a column of the group's long file in the exports: choose another id`)
        }
      }),
    )
    checkGroupTexts(definition, [[repeat.add_item, [...at, 'add_item']], [repeat.add_another, [...at, 'add_another']], [repeat.items, [...at, 'items']]], findings)
    checkUnitForms(repeat.items, languagesOf(definition), [...at, 'items'], findings)
  })

  // Outside its group a group question has one answer per item, so nothing else may read it.
  const outside = (questionId: string, owner: string | undefined, path: Path) => {
    const group = groupOfQuestion(definition, questionId)
    if (group !== undefined && group !== owner) {
      error(path, `refers to "${questionId}", which is asked once per item of the repeating group "${group}": only questions of that group can use its answers`)
    }
  }
  definition.sections.forEach((section, s) => {
    const owner = isGroup(section) ? section.id : undefined
    // A section's own show_if is decided before any of its items: its group's answers are outside it.
    if (section.show_if) conditionQuestions(section.show_if, ['sections', s, 'show_if']).forEach(([id, path]) => groupOfQuestion(definition, id) !== section.id && outside(id, undefined, path))
    section.pages.forEach((page, p) => {
      const pagePath: Path = ['sections', s, 'pages', p]
      if (page.show_if) conditionQuestions(page.show_if, [...pagePath, 'show_if']).forEach(([id, path]) => outside(id, owner, path))
      page.questions.forEach((q, i) => {
        if (q.show_if) conditionQuestions(q.show_if, [...pagePath, 'questions', i, 'show_if']).forEach(([id, path]) => outside(id, owner, path))
      })
      page.checks?.forEach((check, c) => {
        const checkPath: Path = [...pagePath, 'checks', c]
        const named: [string, Path][] =
          check.kind === 'confirm'
            ? [[check.question, [...checkPath, 'question']], ...conditionQuestions(check.when, [...checkPath, 'when'])]
            : check.kind === 'at_most' || check.kind === 'at_least'
              ? [[check.question, [...checkPath, 'question']], [check.limit, [...checkPath, 'limit']]]
              : [...check.parts.map((id, k): [string, Path] => [id, [...checkPath, 'parts', k]]), [check.total, [...checkPath, 'total']]]
        for (const [id, path] of named) outside(id, owner, path)
      })
    })
  })
  return findings
}

/** The wide file's variable counting an organisation's items of a group. */
export function itemCountVariable(groupId: string): string {
  return `${groupId}_items`
}

function conditionQuestions(condition: Condition, path: Path): [string, Path][] {
  const out: [string, Path][] = []
  if (condition.question) out.push([condition.question, [...path, 'question']])
  for (const key of ['all', 'any'] as const) condition[key]?.forEach((inner, i) => out.push(...conditionQuestions(inner, [...path, key, i])))
  return out
}

function checkGroupTexts(definition: Definition, texts: [Text | Unit, Path][], findings: Finding[]): void {
  for (const [text, path] of texts) {
    for (const language of languagesOf(definition)) {
      const given = typeof text === 'string' ? language === 'en' : text[language] !== undefined
      if (!given) findings.push({ path, message: `has no ${LANGUAGE_NAMES[language]} text (${language}), which this version declares`, severity: 'error' })
    }
  }
}

/**
 * Lineage across versions: a group continued keeps its id; a new one says added; and a question
 * moved into or out of a group (or between groups) now counts items instead of organisations, so
 * its figures are not comparable.
 */
export function checkGroupLineage(current: Definition, previous: Definition): Finding[] {
  const findings: Finding[] = []
  const error: Report = (path, message) => findings.push({ path, message, severity: 'error' })
  const before = new Set(repeatingGroups(previous).map((g) => g.id))
  const prev = `version ${previous.version}`
  current.sections.forEach((section, s) => {
    if (!isGroup(section)) return
    const at: Path = ['sections', s, 'repeat']
    if (section.repeat.lineage?.added && before.has(section.id)) error([...at, 'lineage', 'added'], `marks the repeating group "${section.id}" as added, but ${prev} already has it: remove added to continue it, or choose a new id`)
    if (!section.repeat.lineage?.added && !before.has(section.id)) error(at, `the repeating group "${section.id}" is not in ${prev}: mark it as new with lineage: { added: true }, or use the id it had in ${previous.version}`)
  })
  for (const p of placedQuestions(current)) {
    const q = p.question
    if (!isAnswerable(q) || !isComparable(q)) continue
    const { sources } = lineageSources(q)
    if (sources.length !== 1) continue
    const was = groupOfQuestion(previous, sources[0])
    const is = groupOfQuestion(current, q.id)
    if (was === is) continue
    const where = (group: string | undefined) => (group ? `per item of the repeating group "${group}"` : 'once per organisation')
    error(q.lineage ? [...p.path, 'lineage'] : [...p.path, 'id'], `"${q.id}" was asked ${where(was)} in ${prev} and is asked ${where(is)} now, so its figures count different things: set lineage.comparable: false`)
  }
  return findings
}
