// Decides which sections, pages and questions a respondent sees, from the answers given so far.
// Conditions only look at earlier pages (the validator enforces it), so one forward pass works,
// and answers to questions that end up hidden are dropped so they never reach the data.
import { optionChosen, type Answer, type Answers } from './answers.js'
import { conditionCode } from './check-definition.js'
import { isAnswerable } from './model.js'
import type { Condition, Definition, FollowUpOf, Page, Question, Section } from './schema.js'

export interface VisiblePage {
  section: Section
  page: Page
  questions: Question[]
}

function matches(answer: Answer | undefined, question: Question | undefined, condition: Condition, codes: Set<number>): boolean {
  if (!answer || !question) return false
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
      return 'code' in answer && codes.has(answer.code)
    case 'multiple_choice':
      return 'codes' in answer && answer.codes.some((c) => codes.has(c))
    case 'grid': {
      const code = 'rows' in answer && condition.row ? answer.rows[condition.row] : undefined
      return code !== undefined && codes.has(code)
    }
    default:
      return false
  }
}

function isAnswered(answer: Answer | undefined, condition: Condition): boolean {
  if (!answer) return false
  if (condition.row) return 'rows' in answer && answer.rows[condition.row] !== undefined
  return true
}

export function evaluate(condition: Condition, answers: Answers, questions: ReadonlyMap<string, Question>): boolean {
  if (condition.all) return condition.all.every((c) => evaluate(c, answers, questions))
  if (condition.any) return condition.any.some((c) => evaluate(c, answers, questions))
  const id = condition.question as string
  const answer = answers[id]
  const question = questions.get(id)
  if (condition.answered !== undefined) return isAnswered(answer, condition) === condition.answered
  if (condition.in) return matches(answer, question, condition, new Set(condition.in.map(conditionCode)))
  if (condition.not_in) {
    return isAnswered(answer, condition) && !matches(answer, question, condition, new Set(condition.not_in.map(conditionCode)))
  }
  if (condition.min !== undefined || condition.max !== undefined) {
    if (!answer || !('value' in answer) || typeof answer.value !== 'number') return false
    return (condition.min === undefined || answer.value >= condition.min) && (condition.max === undefined || answer.value <= condition.max)
  }
  return false
}

// A loaded definition never changes, and every respondent request walks it: index it once.
const indexes = new WeakMap<Definition, Map<string, Question>>()

export function questionIndex(definition: Definition): ReadonlyMap<string, Question> {
  let map = indexes.get(definition)
  if (!map) {
    map = new Map<string, Question>()
    for (const section of definition.sections) for (const page of section.pages) for (const q of page.questions) map.set(q.id, q)
    indexes.set(definition, map)
  }
  return map
}

/**
 * Whether something is shown: 'pending' when the answer it depends on could still be given (its
 * question is, or may become, visible and its page has not been completed), so it is neither
 * shown nor known to be unneeded yet.
 */
export type Visibility = 'shown' | 'hidden' | 'pending'

type Truth = boolean | 'unknown'

/**
 * Kleene's three-valued logic over the answers: a condition on a question whose answer may yet
 * come is unknown, unless the other parts of an all/any already decide it.
 */
function evaluate3(condition: Condition, answers: Answers, questions: ReadonlyMap<string, Question>, pending: ReadonlySet<string>): Truth {
  if (condition.all) {
    const parts = condition.all.map((c) => evaluate3(c, answers, questions, pending))
    return parts.includes(false) ? false : parts.includes('unknown') ? 'unknown' : true
  }
  if (condition.any) {
    const parts = condition.any.map((c) => evaluate3(c, answers, questions, pending))
    return parts.includes(true) ? true : parts.includes('unknown') ? 'unknown' : false
  }
  if (condition.question && pending.has(condition.question)) return 'unknown'
  return evaluate(condition, answers, questions)
}

function visibilityOf(container: Visibility, condition: Condition | undefined, answers: Answers, questions: ReadonlyMap<string, Question>, pending: ReadonlySet<string>): Visibility {
  if (container === 'hidden' || !condition) return container
  const truth = evaluate3(condition, answers, questions, pending)
  if (truth === false) return 'hidden'
  return truth === 'unknown' || container === 'pending' ? 'pending' : 'shown'
}

/**
 * A follow-up is asked when the question it hangs on (earlier on the same page) is shown and its
 * option is chosen; while that question may still be answered, the follow-up may still be asked.
 */
function followUpVisibility(followUp: FollowUpOf, shown: Question[], kept: Answers, pending: ReadonlySet<string>): Visibility {
  if (!shown.some((q) => q.id === followUp.question)) return 'hidden'
  if (optionChosen(kept[followUp.question], followUp.option)) return 'shown'
  return pending.has(followUp.question) ? 'pending' : 'hidden'
}

/**
 * The questions a page's form shows: those asked, and every follow-up beneath an option of a
 * question asked (without JavaScript it is always there, saying when it applies).
 */
export function questionsOnForm(visible: VisiblePage): Question[] {
  const asked = new Set(visible.questions.map((q) => q.id))
  return visible.page.questions.filter((q) => asked.has(q.id) || (isAnswerable(q) && q.follow_up_of !== undefined && asked.has(q.follow_up_of.question)))
}

export interface Walk {
  /** The pages a respondent with these answers sees, in order. */
  pages: VisiblePage[]
  /** The answers that count: those of questions the respondent can see. */
  answers: Answers
  /**
   * Sections with something whose visibility still waits on an answer that may yet be given.
   * Nothing inside a hidden section or page ever counts here: its questions can never be answered.
   */
  waiting: Set<string>
  /** Repeating groups (by section id) and whether they are asked: their pages are walked per item (walkItem in groups.ts). */
  groups: Map<string, Visibility>
}

/** Walking the pages of one item of a repeating group: the organisation's answers that count are given, not walked. */
export interface ItemScope {
  group: Section
  given: Answers
}

/**
 * The pages a respondent with these answers sees, in order, and the answers that count (hidden
 * ones removed). `settledPages` are pages the respondent has completed: a question left
 * unanswered on such a page is taken as finally unanswered, not as an answer still to come.
 */
export function walkVisible(definition: Definition, answers: Answers, settledPages: ReadonlySet<string> = new Set(), item?: ItemScope): Walk {
  const questions = questionIndex(definition)
  const kept: Answers = { ...item?.given }
  const pages: VisiblePage[] = []
  const pending = new Set<string>()
  const waiting = new Set<string>()
  const groups = new Map<string, Visibility>()
  for (const section of item ? [item.group] : definition.sections) {
    // An item's group was asked (the organisation's walk decided it); otherwise a group's pages
    // belong to its items, and the organisation's walk only says whether it is asked.
    const sectionVisibility = item ? 'shown' : visibilityOf('shown', section.show_if, kept, questions, pending)
    if (sectionVisibility === 'pending') waiting.add(section.id)
    if (section.repeat && !item) {
      groups.set(section.id, sectionVisibility)
      continue
    }
    for (const page of section.pages) {
      const pageVisibility = visibilityOf(sectionVisibility, page.show_if, kept, questions, pending)
      if (pageVisibility === 'hidden') continue
      if (pageVisibility === 'pending') waiting.add(section.id)
      const shown: Question[] = []
      for (const q of page.questions) {
        const visibility = isAnswerable(q) && q.follow_up_of ? followUpVisibility(q.follow_up_of, shown, kept, pending) : visibilityOf(pageVisibility, q.show_if, kept, questions, pending)
        if (visibility === 'hidden') continue
        if (visibility === 'pending') waiting.add(section.id)
        else shown.push(q)
        if (!isAnswerable(q)) continue
        if (visibility === 'shown' && answers[q.id] !== undefined) kept[q.id] = answers[q.id]
        else if (visibility === 'pending' || !settledPages.has(page.id)) pending.add(q.id)
      }
      if (pageVisibility === 'pending') continue
      if (shown.some(isAnswerable) || (shown.length > 0 && page.questions.every((q) => !isAnswerable(q)))) {
        pages.push({ section, page, questions: shown })
      }
    }
  }
  for (const id of Object.keys(item?.given ?? {})) delete kept[id]
  return { pages, answers: kept, waiting, groups }
}
