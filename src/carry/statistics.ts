// Statistics split by what happened to answers carried forward: for each carried question, the
// organisations that confirmed last time's answer unchanged, changed it, or answered it new, and
// their answers in each group (options' shares, or the mean of a number). Counted from the
// answer facts of submitted responses (and partial ones when asked), as the wave's statistics are.
import type { Kysely } from 'kysely'
import type { Database, WaveTable } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { exportCode } from '../questionnaire/missing-codes.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { localize, questionOptions } from '../questionnaire/model.js'
import { toCsv } from '../web/csv.js'
import { CARRIED_STATUSES, carryForward } from './carry-forward.js'

export type SplitStatus = (typeof CARRIED_STATUSES)[number] | 'unknown'

export interface SplitGroup {
  status: SplitStatus
  label: string
  organisations: number
  /** Share of the organisations that answered the question. */
  percent: number | null
  /** Choice questions: the options' counts in this group, over `base` (special answers left out unless included). */
  base?: number
  options?: { code: number; label: string; special?: string; count: number; percent: number | null }[]
  mean?: number | null
}

export interface SplitQuestion {
  id: string
  text: string
  type: string
  answered: number
  groups: SplitGroup[]
}

export interface CarriedSplit {
  source: string
  questions: SplitQuestion[]
}

export async function carriedSplit(db: Kysely<Database>, catalogue: Catalogue, wave: WaveTable, options: { includeSpecial?: boolean; includePartial?: boolean } = {}): Promise<CarriedSplit | undefined> {
  const carry = await carryForward(db, catalogue, wave)
  if (!carry || carry.plans.size === 0) return undefined
  const ids = [...carry.plans.keys()]
  const t = translator('en')
  const excludePartial = !options.includePartial
  const answered = await db
    .selectFrom('asked_questions as a')
    .leftJoin('carried_answers as c', (join) => join.onRef('c.response_id', '=', 'a.response_id').onRef('c.question_id', '=', 'a.question_id'))
    .select(['a.question_id', 'c.status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('a.wave_id', '=', wave.id)
    .where('a.question_id', 'in', ids)
    .where('a.answered', '=', 1)
    .$if(excludePartial, (qb) => qb.where('a.partial', '=', 0))
    .groupBy(['a.question_id', 'c.status'])
    .execute()
  const facts = await db
    .selectFrom('answer_values as v')
    .leftJoin('carried_answers as c', (join) => join.onRef('c.response_id', '=', 'v.response_id').onRef('c.question_id', '=', 'v.question_id'))
    .select(['v.question_id', 'c.status', 'v.code', (eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.avg<string | number>('v.number_value').as('mean')])
    .where('v.wave_id', '=', wave.id)
    .where('v.question_id', 'in', ids)
    .where('v.row_id', '=', '')
    .$if(excludePartial, (qb) => qb.where('v.partial', '=', 0))
    .groupBy(['v.question_id', 'c.status', 'v.code'])
    .execute()
  const questions: SplitQuestion[] = []
  for (const [id, plan] of carry.plans) {
    const q = plan.question
    const mine = answered.filter((r) => r.question_id === id)
    const total = mine.reduce((n, r) => n + Number(r.n), 0)
    const statuses: SplitStatus[] = [...CARRIED_STATUSES, ...(mine.some((r) => r.status === null) ? (['unknown'] as const) : [])]
    const groups = statuses.map<SplitGroup>((status) => {
      const inGroup = (r: { status: string | null }) => (r.status ?? 'unknown') === status
      const organisations = mine.filter(inGroup).reduce((n, r) => n + Number(r.n), 0)
      const group: SplitGroup = { status, label: t(`admin.carry.status.${status}`), organisations, percent: total ? organisations / total : null }
      const groupFacts = facts.filter((f) => f.question_id === id && inGroup(f))
      if (q.type === 'single_choice' || q.type === 'yes_no' || q.type === 'multiple_choice') {
        const choices = questionOptions(q)
        const count = (code: number) => groupFacts.filter((f) => f.code === code).reduce((n, f) => n + Number(f.n), 0)
        const special = choices.filter((o) => o.special).reduce((n, o) => n + count(o.code), 0)
        const base = options.includeSpecial ? organisations : organisations - special
        group.base = base
        group.options = choices.map((o) => ({ code: o.code, label: localize(o.label, 'en'), special: o.special, count: count(o.code), percent: (options.includeSpecial || !o.special) && base > 0 ? count(o.code) / base : null }))
      } else if (q.type === 'number') {
        const withValue = groupFacts.filter((f) => f.code === null && f.mean !== null)
        group.mean = withValue.length ? Number(withValue[0].mean) : null
      }
      return group
    })
    questions.push({ id, text: localize(q.text, 'en'), type: q.type, answered: total, groups })
  }
  return { source: carry.source.label, questions }
}

const percentText = (p: number | null | undefined) => (p === null || p === undefined ? '' : (p * 100).toFixed(1))

/** The split as a table: a row per question and group, and per option of a choice question (the CSV, and a sheet of the statistics workbook). */
export function carriedSplitTable(split: CarriedSplit, includePartial: boolean): { header: string[]; rows: unknown[][] } {
  const rows: unknown[][] = []
  for (const q of split.questions) {
    for (const g of q.groups) {
      const head = [q.id, q.text, q.type, split.source, g.status, g.organisations, q.answered, percentText(g.percent)]
      if (g.options) for (const o of g.options) rows.push([...head, exportCode(o), o.label, o.count, g.base, percentText(o.percent), ''])
      else rows.push([...head, '', '', '', '', '', g.mean === null || g.mean === undefined ? '' : g.mean.toFixed(4)])
    }
  }
  return {
    header: ['question_id', 'question', 'type', 'carried_from', 'carried_forward', 'organisations', 'answered', 'percent_of_answered', 'code', 'label', 'count', 'base', 'percent', 'mean', 'partial_included'],
    rows: rows.map((r) => [...r, includePartial ? 'yes' : 'no']),
  }
}

export function carriedSplitCsv(split: CarriedSplit, includePartial: boolean): string {
  const { header, rows } = carriedSplitTable(split, includePartial)
  return toCsv(header, rows)
}
