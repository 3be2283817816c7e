// Scheduled reminders: the team chooses dates, or a rule ("every 7 days after the launch, at most
// 3 times, until the deadline"), and who is reminded. Each date means 09:00 on UK clocks that day,
// GMT or BST. This module is pure: what a rule means, and reading it from the team's form.
import { addDays, formatUkDate, ukParts, ukTimeOnDay } from '../i18n/uk-dates.js'
import type { Translate } from '../i18n/catalogue.js'

export type ReminderTarget = 'not_started' | 'not_submitted'

/** Reminders go out at this hour, UK time, on each chosen day: the start of a council's working day. */
export const REMINDER_HOUR = 9

export type ReminderRule =
  | { kind: 'dates'; dates: string[]; target: ReminderTarget }
  | { kind: 'every'; everyDays: number; maxTimes: number; target: ReminderTarget }

/** The most dates a list may hold, and the largest "at most" of a rule: more would be pestering. */
export const MAX_REMINDERS = 20

interface Day {
  year: number
  month: number
  day: number
}

const isoDay = ({ year, month, day }: Day) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`

function dayOf(iso: string): Day {
  const [year, month, day] = iso.split('-').map(Number)
  return { year, month, day }
}

/** 09:00 UK time on a day given as YYYY-MM-DD. */
export function reminderTime(isoDate: string): string | undefined {
  const { year, month, day } = dayOf(isoDate)
  return ukTimeOnDay(year, month, day, REMINDER_HOUR)
}

/**
 * The times a rule sends reminders, oldest first, up to the deadline: a time after the deadline is
 * never due, the wave being closed by then. A rule counted from the launch has no times before it.
 */
export function reminderTimes(rule: ReminderRule, wave: { launched_at: string | null; closes_at: string | null }): string[] {
  let times: string[]
  if (rule.kind === 'dates') times = rule.dates.map(reminderTime).filter((x): x is string => x !== undefined)
  else if (!wave.launched_at) times = []
  else {
    const launchDay = ukParts(new Date(wave.launched_at))
    times = []
    for (let i = 1; i <= rule.maxTimes; i++) {
      const at = reminderTime(isoDay(addDays(launchDay, i * rule.everyDays)))
      if (at) times.push(at)
    }
  }
  return [...new Set(times)].sort().filter((at) => !wave.closes_at || at < wave.closes_at)
}

export function parseRule(json: string): ReminderRule | undefined {
  try {
    const rule = JSON.parse(json) as ReminderRule
    return rule && (rule.kind === 'dates' || rule.kind === 'every') ? rule : undefined
  } catch {
    return undefined
  }
}

type Fields = Record<string, string | string[] | undefined>

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value ?? '').trim()

/** "3/3/2027", "03/03/2027", "3-3-2027" or "2027-03-03" as YYYY-MM-DD, or undefined. */
export function readDate(text: string): string | undefined {
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text)
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text)
  const [year, month, day] = uk ? [uk[3], uk[2], uk[1]].map(Number) : iso ? [iso[1], iso[2], iso[3]].map(Number) : []
  if (year === undefined) return undefined
  return ukTimeOnDay(year, month, day, REMINDER_HOUR) ? isoDay({ year, month, day }) : undefined
}

export interface RuleForm {
  /** undefined with no errors: the team chose no scheduled reminders. */
  rule?: ReminderRule
  /** By field, in the order of the form's fields. */
  errors: Record<string, string>
}

/** Reads the team's form. Dates must be on days still to come, before the deadline. */
export function readRuleForm(body: Fields, now: Date, closesAt: string | null, t: Translate): RuleForm {
  const errors: Record<string, string> = {}
  const kind = first(body.kind)
  const target = first(body.target)
  if (!['none', 'dates', 'every'].includes(kind)) errors.kind = t('admin.reminders.error.kind')
  let rule: ReminderRule | undefined
  if (kind === 'dates') {
    const lines = first(body.dates).split(/[\r\n,;]+/).map((l) => l.trim()).filter(Boolean)
    const wrong = lines.filter((l) => !readDate(l))
    const dates = [...new Set(lines.map(readDate).filter((d): d is string => d !== undefined))].sort()
    if (lines.length === 0) errors.dates = t('admin.reminders.error.dates_empty')
    else if (wrong.length) errors.dates = t('admin.reminders.error.dates_wrong', { dates: wrong.slice(0, 5).join(', ') })
    else if (dates.length > MAX_REMINDERS) errors.dates = t('admin.reminders.error.dates_too_many', { max: MAX_REMINDERS })
    else {
      const past = dates.filter((d) => reminderTime(d)! <= now.toISOString())
      const late = closesAt ? dates.filter((d) => reminderTime(d)! >= closesAt) : []
      const shown = (days: string[]) => days.map((d) => formatUkDate(reminderTime(d), t)).join(', ')
      if (past.length) errors.dates = t('admin.reminders.error.dates_past', { dates: shown(past) })
      else if (late.length) errors.dates = t('admin.reminders.error.dates_late', { dates: shown(late) })
    }
    rule = { kind, dates, target: target as ReminderTarget }
  }
  if (kind === 'every') {
    const everyText = first(body.every_days)
    const maxText = first(body.max_times)
    const everyDays = Number(everyText)
    const maxTimes = Number(maxText)
    if (!/^\d{1,3}$/.test(everyText) || everyDays < 1 || everyDays > 90) errors.every_days = t('admin.reminders.error.every_days')
    if (!/^\d{1,2}$/.test(maxText) || maxTimes < 1 || maxTimes > MAX_REMINDERS) errors.max_times = t('admin.reminders.error.max_times', { max: MAX_REMINDERS })
    rule = { kind, everyDays, maxTimes, target: target as ReminderTarget }
  }
  if (kind !== 'none' && target !== 'not_started' && target !== 'not_submitted') errors.target = t('admin.reminders.error.target')
  return Object.keys(errors).length ? { errors } : { rule: kind === 'none' ? undefined : rule, errors }
}

/** The rule as the form shows it again. */
export function ruleFormValues(rule: ReminderRule | undefined): Record<string, string> {
  if (!rule) return { kind: 'none', target: 'not_submitted' }
  if (rule.kind === 'dates') return { kind: 'dates', dates: rule.dates.map((d) => d.split('-').reverse().map(Number).join('/')).join('\n'), target: rule.target }
  return { kind: 'every', every_days: String(rule.everyDays), max_times: String(rule.maxTimes), target: rule.target }
}
