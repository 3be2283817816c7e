// Repeating groups: a section with `repeat:` is asked once per item the respondent adds (each
// prison in the area). Its questions keep ids, lineage and checks like any other; their answers
// are kept per item, and what an item sees is walked with the organisation's answers as given.
import type { Answers } from './answers.js'
import { walkVisible, type VisiblePage } from './skip-logic.js'
import type { Definition, Question, RepeatingGroup, Section } from './schema.js'

export const DEFAULT_MAX_ITEMS = 50

export interface GroupSection extends Section {
  repeat: RepeatingGroup
}

export function isGroup(section: Section): section is GroupSection {
  return section.repeat !== undefined
}

export function repeatingGroups(definition: Definition): GroupSection[] {
  return definition.sections.filter(isGroup)
}

export function findGroup(definition: Definition, groupId: string): GroupSection | undefined {
  return repeatingGroups(definition).find((s) => s.id === groupId)
}

export function groupQuestions(group: Section): Question[] {
  return group.pages.flatMap((p) => p.questions)
}

// A definition never changes once loaded: index which group each question belongs to once.
const groupIndexes = new WeakMap<Definition, Map<string, string>>()

/** The id of the repeating group a question is asked in, or undefined for an organisation's question. */
export function groupOfQuestion(definition: Definition, questionId: string): string | undefined {
  let index = groupIndexes.get(definition)
  if (!index) {
    index = new Map()
    for (const group of repeatingGroups(definition)) for (const q of groupQuestions(group)) index.set(q.id, group.id)
    groupIndexes.set(definition, index)
  }
  return index.get(questionId)
}

export function itemLimits(group: GroupSection): { min: number; max: number } {
  return { min: group.repeat.min_items ?? 0, max: group.repeat.max_items ?? DEFAULT_MAX_ITEMS }
}

export interface ItemWalk {
  pages: VisiblePage[]
  /** The item's answers that count (its visible questions'). */
  answers: Answers
}

/**
 * What one item asks, given the organisation's answers that count (a group's page or question
 * may depend on an earlier answer of the organisation, or of the same item).
 */
export function walkItem(definition: Definition, group: GroupSection, organisationAnswers: Answers, itemAnswers: Answers, settledPages: ReadonlySet<string> = new Set()): ItemWalk {
  const { pages, answers } = walkVisible(definition, itemAnswers, settledPages, { group, given: organisationAnswers })
  return { pages, answers }
}

/** The item's name as the respondent gave it (its label question's answer), or undefined before it is given. */
export function itemName(group: GroupSection, answers: Answers): string | undefined {
  const answer = answers[group.repeat.item_label]
  return answer && 'value' in answer && typeof answer.value === 'string' && answer.value.trim() !== '' ? answer.value.trim() : undefined
}

/**
 * The whole questionnaire as one respondent with one item of each group sees it, in order: what
 * the preview pages through (nothing is stored there, so a group is shown as its first item).
 */
export function walkWithOneItem(definition: Definition, answers: Answers): ItemWalk {
  const organisation = walkVisible(definition, answers)
  const pages: VisiblePage[] = []
  const counted: Answers = { ...organisation.answers }
  for (const section of definition.sections) {
    if (!isGroup(section)) {
      pages.push(...organisation.pages.filter((p) => p.section === section))
      continue
    }
    if (organisation.groups.get(section.id) !== 'shown') continue
    const item = walkItem(definition, section, organisation.answers, answers)
    pages.push(...item.pages)
    Object.assign(counted, item.answers)
  }
  return { pages, answers: counted }
}
