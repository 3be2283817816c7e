// Decides which sections, pages and questions a respondent sees, from the answers given so far.
// Conditions only look at earlier pages (the validator enforces it), so one forward pass works,
// and answers to questions that end up hidden are dropped so they never reach the data.
import type { Answer, Answers } from './answers.js'
import { conditionCode } from './check-definition.js'
import { isAnswerable } from './model.js'
import type { Condition, Definition, Page, Question, Section } from './schema.js'

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

/** The pages a respondent with these answers sees, in order, and the answers that count (hidden ones removed). */
export function walkVisible(definition: Definition, answers: Answers): { pages: VisiblePage[]; answers: Answers } {
  const questions = questionIndex(definition)
  const kept: Answers = {}
  const pages: VisiblePage[] = []
  for (const section of definition.sections) {
    const sectionShown = !section.show_if || evaluate(section.show_if, kept, questions)
    for (const page of section.pages) {
      const pageShown = sectionShown && (!page.show_if || evaluate(page.show_if, kept, questions))
      if (!pageShown) continue
      const shown = page.questions.filter((q) => !q.show_if || evaluate(q.show_if, kept, questions))
      for (const q of shown) if (isAnswerable(q) && answers[q.id] !== undefined) kept[q.id] = answers[q.id]
      if (shown.some(isAnswerable) || (shown.length > 0 && page.questions.every((q) => !isAnswerable(q)))) {
        pages.push({ section, page, questions: shown })
      }
    }
  }
  return { pages, answers: kept }
}
