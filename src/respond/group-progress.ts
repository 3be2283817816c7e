// Where a repeating group stands: each item's pages and status for the task list (an entry per
// item), and the group's own status: completed once the respondent has said there is nothing
// more to add, every item is complete and the number of items is within the group's limits.
import type { Answers } from '../questionnaire/answers.js'
import { itemLimits, itemName, walkItem, type GroupSection } from '../questionnaire/groups.js'
import type { Definition } from '../questionnaire/schema.js'
import type { VisiblePage } from '../questionnaire/skip-logic.js'
import { NO_ITEMS, type StoredItem, type StoredItems } from './group-items.js'
import { pageDone, type SectionStatus } from './progress.js'

export interface ItemProgress {
  item: StoredItem
  /** 1, 2, 3… in the order added, among the group's items. */
  number: number
  /** The answer to the group's label question, once given. */
  name: string | undefined
  pages: VisiblePage[]
  /** The item's answers that count. */
  answers: Answers
  status: Exclude<SectionStatus, 'not_needed' | 'cannot_start'>
  /** The first page still to do, or the first page when all are done. */
  resumePageId: string
}

export interface GroupProgress {
  group: GroupSection
  items: ItemProgress[]
  finished: boolean
  status: Exclude<SectionStatus, 'not_needed' | 'cannot_start'>
  /** Room for another item. */
  canAdd: boolean
  /** Fewer items than the group asks for. */
  tooFew: boolean
}

export function itemProgress(definition: Definition, group: GroupSection, organisationAnswers: Answers, item: StoredItem, number: number): ItemProgress {
  const settled = new Set([...item.pages].filter(([, state]) => state.completed).map(([id]) => id))
  const walk = walkItem(definition, group, organisationAnswers, item.answers, settled)
  const stored = { answers: item.answers, pages: item.pages }
  const done = walk.pages.map((p) => pageDone(p, stored, walk.answers))
  const touched = item.pages.size > 0 || Object.keys(walk.answers).length > 0
  const status = done.every(Boolean) ? 'completed' : touched ? 'in_progress' : 'not_started'
  const resume = walk.pages[done.indexOf(false)] ?? walk.pages[0]
  return { item, number, name: itemName(group, walk.answers), pages: walk.pages, answers: walk.answers, status, resumePageId: resume?.page.id ?? group.pages[0].id }
}

export function groupProgress(definition: Definition, group: GroupSection, organisationAnswers: Answers, stored: StoredItems = NO_ITEMS): GroupProgress {
  const items = stored.items.filter((i) => i.groupId === group.id).map((item, i) => itemProgress(definition, group, organisationAnswers, item, i + 1))
  const finished = stored.finished.has(group.id)
  const { min, max } = itemLimits(group)
  const tooFew = items.length < min
  const complete = finished && !tooFew && items.length <= max && items.every((i) => i.status === 'completed')
  const status = complete ? 'completed' : finished || items.length > 0 ? 'in_progress' : 'not_started'
  return { group, items, finished, status, canAdd: items.length < max, tooFew }
}
