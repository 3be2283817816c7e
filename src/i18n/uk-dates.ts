// Dates as people in the UK read them. A deadline of "31 March 2027" means the end of that day on
// UK clocks (23:59 Europe/London), whether the clocks are on GMT or BST, and every date shown to a
// person is the UK date of the instant, not the UTC one.
import type { Translate } from './catalogue.js'

const LONDON = 'Europe/London'

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** The UK wall-clock reading of an instant: year, month (1-12), day, hour, minute, second. */
export function ukParts(instant: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(wallClock.formatToParts(instant).map((p) => [p.type, p.value]))
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) }
}

/** The UK offset from UTC at an instant, in milliseconds (0 on GMT, 3,600,000 on BST). */
function ukOffsetMs(instant: number): number {
  const p = ukParts(new Date(instant))
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000
}

/**
 * The last millisecond of a day on UK clocks, as an ISO instant, or undefined for a date that
 * does not exist. UK clocks change at 01:00 UTC, never in the last hour of a day, so the offset
 * at 23:59 UTC of that date is the offset at 23:59 UK time.
 */
export function endOfUkDay(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return undefined
  const wall = Date.UTC(year, month - 1, day, 23, 59, 59, 999)
  const date = new Date(wall)
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return new Date(wall - ukOffsetMs(wall)).toISOString()
}

/** "31 March 2027": the UK date of an instant, with the month from the catalogue. */
export function formatUkDate(iso: string | null | undefined, t: Translate): string {
  if (!iso) return ''
  const { year, month, day } = ukParts(new Date(iso))
  return `${day} ${t(`month.${month}`)} ${year}`
}

/** "14:05 on 31 March 2027": the UK wall-clock time and date of an instant. */
export function formatUkTime(iso: string, t: Translate): string {
  const { hour, minute } = ukParts(new Date(iso))
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`
  return t('respond.conflict_time', { time, date: formatUkDate(iso, t) })
}

/** Today's date on UK clocks, as year, month and day. */
export function ukToday(now = new Date()): { year: number; month: number; day: number } {
  const { year, month, day } = ukParts(now)
  return { year, month, day }
}

/**
 * A time of day on UK clocks (hour 2 to 23), as an ISO instant, or undefined for a date that does
 * not exist. The clocks change at 01:00 UTC, so from 02:00 the day's offset is already settled and
 * the offset at that hour in UTC is the offset at that hour in the UK.
 */
export function ukTimeOnDay(year: number, month: number, day: number, hour: number, minute = 0): string | undefined {
  if (![year, month, day, hour, minute].every(Number.isInteger) || hour < 2 || hour > 23) return undefined
  const wall = Date.UTC(year, month - 1, day, hour, minute)
  const date = new Date(wall)
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return new Date(wall - ukOffsetMs(wall)).toISOString()
}

/** The calendar date `days` after a date (no clocks involved: a day in the calendar, not 24 hours). */
export function addDays(date: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}
