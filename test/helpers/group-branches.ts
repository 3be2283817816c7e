// Repeating groups on every branch: how many items a simulated organisation adds (none, one or
// three, and a fourth removed again), and which questions each item is asked, written from the
// definition's rules directly (the oracle shares no code with src/questionnaire/groups.ts).
import type { Answers } from '../../src/questionnaire/answers.js'
import { isAnswerable } from '../../src/questionnaire/model.js'
import type { AnswerableQuestion, Definition, Question, Section } from '../../src/questionnaire/schema.js'
import { answerOnBranch, holds, type Branch } from './branches.js'

/** The items a branch adds to a group: cycling through the fewest allowed, one and three, by the branch's label. */
export function itemCountOnBranch(branch: Branch, section: Section): number {
  const min = section.repeat?.min_items ?? 0
  const max = section.repeat?.max_items ?? 50
  let hash = 0
  for (const ch of branch.label) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
  return Math.min(max, [min, Math.max(min, 1), Math.max(min, 3)][hash % 3])
}

/** The item's name on a branch: each one different, and one Welsh. */
export function itemNameOnBranch(number: number): string {
  return ['HMP Leeds', 'Carchar Caerdydd', 'HMP Wakefield', 'HMP Doncaster'][(number - 1) % 4] + (number > 4 ? ` ${number}` : '')
}

/** The answer an item gives to one of its questions on a branch. */
export function itemAnswerOnBranch(question: AnswerableQuestion, section: Section, branch: Branch, number: number, definition: Definition) {
  if (question.id === section.repeat?.item_label) return { value: itemNameOnBranch(number) }
  return answerOnBranch(question, branch, definition)
}

/** The questions item `number` of a group is asked, and its answers, given the organisation's answers. */
export function expectedItem(definition: Definition, section: Section, organisation: Answers, branch: Branch, number: number): { questions: AnswerableQuestion[]; answers: Answers } {
  const questions = new Map<string, Question>(definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions.map((q) => [q.id, q] as const))))
  const seen: Answers = { ...organisation }
  const visible: AnswerableQuestion[] = []
  const answers: Answers = {}
  for (const page of section.pages) {
    if (page.show_if && !holds(page.show_if, seen, questions)) continue
    const asked = new Set<string>()
    for (const q of page.questions) {
      if (!isAnswerable(q)) continue
      if (q.show_if && !holds(q.show_if, seen, questions)) continue
      if (q.follow_up_of && !(asked.has(q.follow_up_of.question) && holds({ question: q.follow_up_of.question, in: [q.follow_up_of.option] }, seen, questions))) continue
      asked.add(q.id)
      visible.push(q)
      const answer = itemAnswerOnBranch(q, section, branch, number, definition)
      if (answer !== undefined) seen[q.id] = answers[q.id] = answer
    }
  }
  return { questions: visible, answers }
}
