// Every branch of a questionnaire, as a population of respondents would take them: the answers
// of every question that any condition reads (each option, don't know, not applicable, left
// unanswered where that is allowed, numbers on both sides of every threshold), combined, and a
// simulated respondent who fills every visible required question and nothing else.
//
// The oracle here (which questions a respondent sees) is written from the definition's rules
// directly and on purpose shares no code with src/questionnaire/skip-logic.ts.
import type { Answer, Answers } from '../../src/questionnaire/answers.js'
import { isAnswerable, questionOptions, YES_NO_CODES } from '../../src/questionnaire/model.js'
import type { AnswerableQuestion, Condition, Definition, Question } from '../../src/questionnaire/schema.js'

/** One way of answering a question, or `undefined` for leaving it unanswered. */
export type Choice = Answer | undefined

export interface Driver {
  question: AnswerableQuestion
  choices: Choice[]
}

export interface Branch {
  /** The driver questions' answers in this branch (a missing key: left unanswered). */
  drivers: Record<string, Choice>
  label: string
}

function questionsOf(definition: Definition): Question[] {
  return definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions))
}

function conditionsOf(definition: Definition): Condition[] {
  const leaves: Condition[] = []
  const visit = (c: Condition | undefined) => {
    if (!c) return
    if (c.all || c.any) for (const part of [...(c.all ?? []), ...(c.any ?? [])]) visit(part)
    else leaves.push(c)
  }
  for (const section of definition.sections) {
    visit(section.show_if)
    for (const page of section.pages) {
      visit(page.show_if)
      for (const q of page.questions) {
        visit(q.show_if)
        // A follow-up is a branch too: its option chosen or not.
        if (q.type !== 'info' && q.follow_up_of) visit({ question: q.follow_up_of.question, in: [q.follow_up_of.option] })
      }
      // A soft check's condition is a branch: the respondent who is asked "is that right?".
      for (const check of page.checks ?? []) if (check.kind === 'confirm') visit(check.when)
    }
  }
  return leaves
}

/** A valid answer for any question, used for the questions that drive no condition. */
export function typicalAnswer(question: AnswerableQuestion): Answer {
  switch (question.type) {
    case 'single_choice':
    case 'yes_no': {
      const option = questionOptions(question).find((o) => !o.special) ?? questionOptions(question)[0]
      return option.other ? { code: option.code, other: 'Something else' } : { code: option.code }
    }
    case 'multiple_choice': {
      // As few ordinary options as the question accepts (min_selected), at least one.
      const ordinary = question.options.filter((o) => !o.exclusive && !o.special && !o.other)
      const chosen = ordinary.length ? ordinary.slice(0, Math.max(1, question.min_selected ?? 1)) : [question.options[0]]
      return { codes: chosen.map((o) => o.code) }
    }
    case 'number':
      return { value: Math.max(question.min ?? 0, Math.min(question.max ?? 3, 3)) }
    case 'date':
      return { value: question.precision === 'month' ? '2021-04' : '2021-04-01' }
    case 'email':
      return { value: 'care.team@example.org' }
    case 'phone':
      return { value: '020 7946 0000' }
    case 'postcode':
      return { value: 'CF10 1AA' }
    case 'short_text':
    case 'long_text':
      return { value: `An answer to ${question.id}` }
    case 'grid':
      return { rows: Object.fromEntries(question.rows.map((r) => [r.id, question.options[0].code])) }
  }
}

function optionAnswer(question: AnswerableQuestion, code: number): Answer {
  const option = questionOptions(question).find((o) => o.code === code)!
  if (question.type === 'multiple_choice') return option.other ? { codes: [code], other: 'Another route' } : { codes: [code] }
  return option.other ? { code, other: 'Someone else' } : { code }
}

function choicesFor(question: AnswerableQuestion, leaves: Condition[]): Choice[] {
  const choices: Choice[] = []
  const optional = question.required === false
  switch (question.type) {
    case 'single_choice':
    case 'yes_no':
    case 'multiple_choice':
      for (const option of questionOptions(question)) choices.push(optionAnswer(question, option.code))
      break
    case 'number': {
      const values = new Set<number>()
      for (const c of leaves) {
        if (c.min !== undefined) values.add(Math.ceil(c.min) - 1).add(Math.ceil(c.min))
        if (c.max !== undefined) values.add(Math.floor(c.max)).add(Math.floor(c.max) + 1)
      }
      if (values.size === 0) values.add(question.min ?? 0)
      for (const v of [...values].sort((a, b) => a - b)) {
        if ((question.min === undefined || v >= question.min) && (question.max === undefined || v <= question.max)) choices.push({ value: v })
      }
      if (question.dont_know) choices.push({ dont_know: true })
      break
    }
    case 'grid': {
      const rows = [...new Set(leaves.map((c) => c.row).filter((r): r is string => r !== undefined))]
      const base = typicalAnswer(question) as { rows: Record<string, number> }
      if (rows.length === 0) choices.push(base)
      for (const row of rows) for (const option of question.options) choices.push({ rows: { ...base.rows, [row]: option.code } })
      break
    }
    default:
      choices.push(typicalAnswer(question))
  }
  // Unanswered is a real branch only where the respondent may leave it so.
  if (optional) choices.push(undefined)
  return choices
}

/** The questions any condition reads, with every answer that can take a branch. */
export function driversOf(definition: Definition): Driver[] {
  const leaves = conditionsOf(definition)
  const byQuestion = new Map<string, Condition[]>()
  for (const leaf of leaves) if (leaf.question) byQuestion.set(leaf.question, [...(byQuestion.get(leaf.question) ?? []), leaf])
  return questionsOf(definition)
    .filter((q): q is AnswerableQuestion => isAnswerable(q) && byQuestion.has(q.id))
    .map((question) => ({ question, choices: choicesFor(question, byQuestion.get(question.id)!) }))
}

/** A small deterministic generator, so a failing sampled branch can be run again. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

function describeChoice(choice: Choice): string {
  return choice === undefined ? 'unanswered' : JSON.stringify(choice)
}

/**
 * Every combination of the drivers' answers when there are at most `cap`; beyond that, each
 * answer of each driver once (the others at their first answer) plus a seeded sample.
 */
export function branchesOf(definition: Definition, options: { cap?: number; sample?: number; seed?: number } = {}): { branches: Branch[]; exhaustive: boolean; combinations: number } {
  const cap = options.cap ?? 5000
  const drivers = driversOf(definition)
  const combinations = drivers.reduce((n, d) => n * d.choices.length, 1)
  const make = (picks: number[]): Branch => {
    const chosen: Record<string, Choice> = {}
    drivers.forEach((d, i) => (chosen[d.question.id] = d.choices[picks[i]]))
    return { drivers: chosen, label: drivers.map((d, i) => `${d.question.id}=${describeChoice(d.choices[picks[i]])}`).join(' ') }
  }
  if (combinations <= cap) {
    const branches: Branch[] = []
    const picks = drivers.map(() => 0)
    for (let n = 0; n < combinations; n++) {
      branches.push(make(picks))
      for (let i = drivers.length - 1; i >= 0; i--) {
        picks[i]++
        if (picks[i] < drivers[i].choices.length) break
        picks[i] = 0
      }
    }
    return { branches, exhaustive: true, combinations }
  }
  const branches: Branch[] = []
  drivers.forEach((d, i) => d.choices.forEach((_, c) => branches.push(make(drivers.map((_, j) => (j === i ? c : 0))))))
  const random = seededRandom(options.seed ?? 20261126)
  for (let n = 0; n < (options.sample ?? 1500); n++) branches.push(make(drivers.map((d) => Math.floor(random() * d.choices.length))))
  return { branches, exhaustive: false, combinations }
}

/**
 * The answer a respondent on this branch gives to a question they see. With the definition, a
 * total that parts must add up to is given as their sum, as a respondent whose figures agree would.
 */
export function answerOnBranch(question: AnswerableQuestion, branch: Branch, definition?: Definition): Choice {
  if (question.id in branch.drivers) return branch.drivers[question.id]
  const sum = definition?.sections.flatMap((s) => s.pages.flatMap((p) => p.checks ?? [])).find((c) => c.kind === 'sum_equals' && c.total === question.id)
  if (sum && sum.kind === 'sum_equals') {
    const questions = new Map(questionsOf(definition!).map((q) => [q.id, q]))
    const parts = sum.parts.map((id) => answerOnBranch(questions.get(id) as AnswerableQuestion, branch, definition))
    return { value: parts.reduce((total, part) => total + (part && 'value' in part && typeof part.value === 'number' ? part.value : 0), 0) }
  }
  return question.required === false ? undefined : typicalAnswer(question)
}

// ---- the oracle: the definition's visibility rules, written out plainly ----

export function holds(condition: Condition, seen: Answers, questions: Map<string, Question>): boolean {
  if (condition.all) return condition.all.every((c) => holds(c, seen, questions))
  if (condition.any) return condition.any.some((c) => holds(c, seen, questions))
  const answer = seen[condition.question!] as Record<string, unknown> | undefined
  const question = questions.get(condition.question!)!
  const code = (v: number | string) => (typeof v === 'number' ? v : YES_NO_CODES[v as keyof typeof YES_NO_CODES])
  let value: number | number[] | undefined
  if (answer && condition.row) value = (answer.rows as Record<string, number>)[condition.row]
  else if (answer && 'code' in answer) value = answer.code as number
  else if (answer && 'codes' in answer) value = answer.codes as number[]
  const given = condition.row ? value !== undefined : answer !== undefined
  if (condition.answered !== undefined) return given === condition.answered
  const codes = (list: (number | string)[]) => list.map(code)
  const among = (list: (number | string)[]) => (Array.isArray(value) ? value.some((v) => codes(list).includes(v)) : value !== undefined && codes(list).includes(value))
  if (condition.in) return question.type !== 'number' && among(condition.in)
  if (condition.not_in) return given && !among(condition.not_in)
  if (condition.min !== undefined || condition.max !== undefined) {
    const n = answer && typeof answer.value === 'number' ? answer.value : undefined
    return n !== undefined && (condition.min === undefined || n >= condition.min) && (condition.max === undefined || n <= condition.max)
  }
  return false
}

/** Which questions a respondent who answers as the branch says would see, in order. */
export function expectedVisible(definition: Definition, branch: Branch): { questions: AnswerableQuestion[]; answers: Answers } {
  const questions = new Map(questionsOf(definition).map((q) => [q.id, q]))
  const seen: Answers = {}
  const visible: AnswerableQuestion[] = []
  for (const section of definition.sections) {
    // A repeating group's questions are asked per item (group-branches.ts), not of the organisation.
    if (section.repeat) continue
    if (section.show_if && !holds(section.show_if, seen, questions)) continue
    for (const page of section.pages) {
      if (page.show_if && !holds(page.show_if, seen, questions)) continue
      const onPage = page.questions.filter((q) => !q.show_if || holds(q.show_if, seen, questions))
      const asked = new Set<string>()
      for (const q of onPage) {
        if (!isAnswerable(q)) continue
        // A follow-up is asked only when the question it hangs on was asked and its option chosen.
        if (q.follow_up_of && !(asked.has(q.follow_up_of.question) && holds({ question: q.follow_up_of.question, in: [q.follow_up_of.option] }, seen, questions))) continue
        asked.add(q.id)
        visible.push(q)
        const answer = answerOnBranch(q, branch, definition)
        if (answer !== undefined) seen[q.id] = answer
      }
    }
  }
  return { questions: visible, answers: seen }
}

/** Answers for every question the branch hides, as if given earlier on another path. */
export function answersToHiddenQuestions(definition: Definition, branch: Branch): Answers {
  const visible = new Set(expectedVisible(definition, branch).questions.map((q) => q.id))
  const hidden: Answers = {}
  for (const q of questionsOf(definition)) if (isAnswerable(q) && !visible.has(q.id)) hidden[q.id] = typicalAnswer(q)
  return hidden
}
