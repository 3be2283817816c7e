// Which of a wave's questions can start from an organisation's answer in an earlier wave, and
// that answer as it reads in this wave's version: traced back through the lineage (the same id,
// reworded but comparable, options recoded), never across a break (a question added, split,
// merged, or reworded so that it is no longer comparable). An option with no single equivalent
// now (recoded to none, or split in two) cannot be carried: the respondent answers afresh.
import { traceBack, type Trace } from '../analysis/comparison.js'
import { sanitizeAnswers, type Answer } from '../questionnaire/answers.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { lineageSources } from '../questionnaire/check-lineage.js'
import { isAnswerable, placedQuestions } from '../questionnaire/model.js'
import type { AnswerableQuestion, Definition } from '../questionnaire/schema.js'

/** Why a chosen question cannot start from the earlier answer (admin.carry.refused.<reason>). */
export type CarryRefusal = 'added' | 'split' | 'merged' | 'not_comparable' | 'later_version' | 'not_a_question'

export interface CarryPlan {
  question: AnswerableQuestion
  /** Its id in the earlier wave's version. */
  sourceId: string
  trace: Trace
}

export interface CarryPlans {
  plans: Map<string, CarryPlan>
  refused: { questionId: string; reason: CarryRefusal; sourceId?: string }[]
}

/** The plan of each chosen question of `target` against the earlier wave's version `sourceVersion`. */
export function carryPlans(catalogue: Catalogue, target: Definition, sourceVersion: string, chosen: readonly string[]): CarryPlans {
  const questions = new Map(placedQuestions(target).filter((p) => isAnswerable(p.question)).map((p) => [p.question.id, p.question as AnswerableQuestion]))
  const versions = catalogue.surveys.find((s) => s.id === target.survey)?.versions.map((v) => v.definition.version) ?? []
  const laterSource = versions.indexOf(sourceVersion) > versions.indexOf(target.version)
  const plans = new Map<string, CarryPlan>()
  const refused: CarryPlans['refused'] = []
  for (const id of chosen) {
    const question = questions.get(id)
    if (!question) {
      refused.push({ questionId: id, reason: 'not_a_question' })
      continue
    }
    if (laterSource) {
      refused.push({ questionId: id, reason: 'later_version' })
      continue
    }
    const trace = traceBack(catalogue, target.survey, sourceVersion, target.version, id)
    if ((trace.link === 'comparable' || trace.link === 'reworded') && trace.sourceId) {
      plans.set(id, { question, sourceId: trace.sourceId, trace })
      continue
    }
    const { kind, sources } = lineageSources(question)
    const reason: CarryRefusal = trace.link === 'new' ? 'added' : kind === 'split' ? 'split' : kind === 'merged' ? 'merged' : 'not_comparable'
    refused.push({ questionId: id, reason, sourceId: trace.sourceId ?? sources[0] })
  }
  return { plans, refused }
}

/** An option code of the earlier version as one code of this version, or undefined when it has none (or several). */
function mappedCode(trace: Trace, code: number): number | undefined {
  if (!trace.codes) return code
  const to = trace.codes.get(code) ?? []
  return to.length === 1 ? to[0] : undefined
}

/**
 * The earlier answer as an answer to this version's question, or undefined when it cannot be
 * carried (an option without a single equivalent, a number now out of range, "don't know" no
 * longer offered): it goes through the same checks as a saved page, so it is always valid here.
 */
export function carriedAnswer(plan: CarryPlan, earlier: Answer | undefined): Answer | undefined {
  if (!earlier) return undefined
  const { question, trace } = plan
  let mapped: Answer | undefined
  if ('code' in earlier) {
    const code = mappedCode(trace, earlier.code)
    mapped = code === undefined ? undefined : { code, ...(earlier.other ? { other: earlier.other } : {}) }
  } else if ('codes' in earlier) {
    const codes = earlier.codes.map((c) => mappedCode(trace, c))
    mapped = codes.some((c) => c === undefined) ? undefined : { codes: [...new Set(codes as number[])], ...(earlier.other ? { other: earlier.other } : {}) }
  } else if ('rows' in earlier) {
    const rows = Object.entries(earlier.rows).map(([row, code]) => [row, mappedCode(trace, code)] as const)
    mapped = rows.some(([, c]) => c === undefined) ? undefined : { rows: Object.fromEntries(rows) as Record<string, number> }
  } else {
    mapped = 'dont_know' in earlier ? { dont_know: true } : ({ value: earlier.value } as Answer)
  }
  return mapped && normalised(question, mapped)
}

/** An answer as a saved page would store it (option order, no confirmations): two equal answers compare equal. */
export function normalised(question: AnswerableQuestion, answer: Answer): Answer | undefined {
  const clean = sanitizeAnswers(new Map([[question.id, question]]), { [question.id]: answer })[question.id]
  if (!clean) return undefined
  const { confirmed: _confirmed, ...plain } = clean
  return plain as Answer
}

/** Whether the answer saved is the earlier answer, unchanged. */
export function sameAnswer(question: AnswerableQuestion, saved: Answer | undefined, earlier: Answer): boolean {
  if (!saved) return false
  const a = normalised(question, saved)
  return a !== undefined && JSON.stringify(a) === JSON.stringify(earlier)
}
