// Where a response stands: each section's status for the task list, where to resume, and
// whether it can be submitted. Worked out from the definition and what is stored, never stored
// itself, so it is always right after a colleague's save or a change of an earlier answer.
import { isComplete, isRequired, type Answers } from '../questionnaire/answers.js'
import { isAnswerable } from '../questionnaire/model.js'
import type { Definition, Section } from '../questionnaire/schema.js'
import { walkVisible, type VisiblePage } from '../questionnaire/skip-logic.js'
import type { StoredResponse } from './responses.js'
import { groupProgress, type GroupProgress } from './group-progress.js'
import { isGroup } from '../questionnaire/groups.js'

export type SectionStatus = 'not_started' | 'in_progress' | 'completed' | 'not_needed' | 'cannot_start'

export interface SectionProgress {
  section: Section
  status: SectionStatus
  pages: VisiblePage[]
  /** The first page still to do, or the first page when all are done. */
  resumePageId?: string
  /** A repeating group that is asked: its items (group-progress.ts). Its entry leads to its list page. */
  group?: GroupProgress
}

export interface ResponseProgress {
  sections: SectionProgress[]
  /** The answers that count: those of questions the respondent can see. */
  answers: Answers
  pages: VisiblePage[]
  completedCount: number
  neededCount: number
  complete: boolean
}

export function pageDone(page: VisiblePage, stored: Pick<StoredResponse, 'pages'>, answers: Answers): boolean {
  if (!stored.pages.get(page.page.id)?.completed) return false
  return page.questions.every((q) => !isAnswerable(q) || !isRequired(q) || isComplete(q, answers[q.id]))
}

export function responseProgress(definition: Definition, stored: StoredResponse): ResponseProgress {
  const settled = new Set([...stored.pages].filter(([, state]) => state.completed).map(([id]) => id))
  const { pages, answers, waiting, groups } = walkVisible(definition, stored.answers, settled)
  const sections = definition.sections.map<SectionProgress>((section) => {
    if (isGroup(section) && groups.get(section.id) === 'shown') {
      const group = groupProgress(definition, section, answers, stored.items)
      return { section, status: group.status, pages: [], group }
    }
    const mine = pages.filter((p) => p.section.id === section.id)
    if (mine.length === 0) {
      // Nothing to show: either an answer still to come may open it, or the answers given close it.
      return { section, status: waiting.has(section.id) ? 'cannot_start' : 'not_needed', pages: mine }
    }
    const done = mine.map((p) => pageDone(p, stored, answers))
    const touched = mine.some((p) => stored.pages.has(p.page.id) || p.questions.some((q) => answers[q.id] !== undefined))
    const status: SectionStatus = done.every(Boolean) ? 'completed' : touched ? 'in_progress' : 'not_started'
    const resume = mine[done.indexOf(false)] ?? mine[0]
    return { section, status, pages: mine, resumePageId: resume.page.id }
  })
  const needed = sections.filter((s) => s.status !== 'not_needed')
  const completedCount = needed.filter((s) => s.status === 'completed').length
  return { sections, answers, pages, completedCount, neededCount: needed.length, complete: completedCount === needed.length }
}

/** The page after `pageId` in the same section, given the answers now stored. */
export function nextPageInSection(pages: VisiblePage[], pageId: string): VisiblePage | undefined {
  const index = pages.findIndex((p) => p.page.id === pageId)
  if (index < 0) return undefined
  const next = pages[index + 1]
  return next && next.section.id === pages[index].section.id ? next : undefined
}

export function previousPageInSection(pages: VisiblePage[], pageId: string): VisiblePage | undefined {
  const index = pages.findIndex((p) => p.page.id === pageId)
  if (index <= 0) return undefined
  const previous = pages[index - 1]
  return previous.section.id === pages[index].section.id ? previous : undefined
}
