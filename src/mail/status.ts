// How the outbox is doing, for the team: how many e-mails are queued, sent, retrying and failed
// (for the whole outbox or one wave), and, while invitations or reminders are going out, how far
// the sending has got and how long it will take at the rate measured from recent sent_at times.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import { nowIso } from '../db/ids.js'
import type { Database, OutboxStatus } from '../db/schema.js'
import { PRIORITY_BULK } from './priority.js'

/**
 * What the team sees of a message. "Retrying" is a message that failed at least once and will be
 * tried again: still queued (or being sent) with the error of its last attempt recorded. The
 * worker clears last_error when a message is sent, and a message left "sending" by a process that
 * died is queued again with an error saying so, which is a retry too.
 */
export type MailState = 'queued' | 'sending' | 'retrying' | 'sent' | 'failed'

/** The four states counted and offered as filters ("sending" is counted with queued, or retrying). */
export const COUNTED_STATES = ['queued', 'retrying', 'sent', 'failed'] as const
export type CountedState = (typeof COUNTED_STATES)[number]

export function stateOf(message: { status: OutboxStatus; last_error: string | null }): MailState {
  if (message.status === 'sent' || message.status === 'failed') return message.status
  if (message.last_error) return 'retrying'
  return message.status === 'sending' ? 'sending' : 'queued'
}

/** Narrows a query on the outbox to the messages in a counted state. */
export function whereState<O>(query: SelectQueryBuilder<Database, 'outbox', O>, state: CountedState): SelectQueryBuilder<Database, 'outbox', O> {
  switch (state) {
    case 'sent':
    case 'failed':
      return query.where('status', '=', state)
    case 'queued':
      return query.where('status', 'in', ['queued', 'sending']).where('last_error', 'is', null)
    case 'retrying':
      return query.where('status', 'in', ['queued', 'sending']).where('last_error', 'is not', null)
  }
}

export type MailCounts = Record<CountedState, number>

export async function mailCounts(db: Kysely<Database>, options: { waveId?: string } = {}): Promise<MailCounts> {
  let query = db
    .selectFrom('outbox')
    .select(['status', sql<number>`case when last_error is null then 0 else 1 end`.as('had_error'), (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(['status', sql`case when last_error is null then 0 else 1 end`])
  if (options.waveId) query = query.where('wave_id', '=', options.waveId)
  const counts: MailCounts = { queued: 0, retrying: 0, sent: 0, failed: 0 }
  for (const row of await query.execute()) {
    const state = stateOf({ status: row.status, last_error: Number(row.had_error) ? 'x' : null })
    counts[state === 'sending' ? 'queued' : state] += Number(row.n)
  }
  return counts
}

/** The sending rate is measured over this many minutes before now. */
export const RATE_WINDOW_MINUTES = 5

/**
 * E-mails sent a minute, across the whole outbox (every wave shares the worker and its limit):
 * those sent in the last five minutes, over the time since the first of them, counted as at least
 * a minute so that the first few seconds of a launch do not promise thousands a minute. Null when
 * nothing was sent in the window: no rate yet, or sending has stopped.
 */
export async function sendingRate(db: Kysely<Database>, now = new Date()): Promise<number | null> {
  const since = new Date(now.getTime() - RATE_WINDOW_MINUTES * 60_000)
  const row = await db
    .selectFrom('outbox')
    .select([(eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.min('sent_at').as('first')])
    .where('sent_at', '>', nowIso(since))
    .where('sent_at', '<=', nowIso(now))
    .executeTakeFirstOrThrow()
  const n = Number(row.n)
  if (n === 0 || !row.first) return null
  const minutes = Math.max(1, (now.getTime() - new Date(row.first).getTime()) / 60_000)
  return n / minutes
}

/** Messages queued one after another with no pause longer than this belong to one launch or round. */
const BATCH_GAP_MS = 60_000

export interface BulkProgress {
  waveId: string
  kind: string
  /** Messages of this launch or round of reminders. */
  total: number
  sent: number
  failed: number
  /** Still to go: queued, being sent, or retrying. */
  remaining: number
}

/**
 * Invitations or reminders still going out, per wave and kind. A launch (or a round of reminders)
 * is the run of messages of one kind for one wave queued one after another, with no pause longer
 * than a minute, that contains the oldest message still to go; messages of that kind queued later
 * are counted with it. Mail a person is waiting for is never "a launch".
 */
export async function bulkProgress(db: Kysely<Database>, options: { waveId?: string } = {}): Promise<BulkProgress[]> {
  let active = db
    .selectFrom('outbox')
    .select(['wave_id', 'kind'])
    .where('status', 'in', ['queued', 'sending'])
    .where('priority', '>=', PRIORITY_BULK)
    .where('wave_id', 'is not', null)
    .groupBy(['wave_id', 'kind'])
    .orderBy('wave_id')
    .orderBy('kind')
  if (options.waveId) active = active.where('wave_id', '=', options.waveId)
  const out: BulkProgress[] = []
  for (const { wave_id: waveId, kind } of await active.execute()) {
    const rows = await db.selectFrom('outbox').select(['created_at', 'status']).where('wave_id', '=', waveId!).where('kind', '=', kind).orderBy('created_at').orderBy('id').execute()
    const oldest = rows.findIndex((r) => r.status === 'queued' || r.status === 'sending')
    if (oldest < 0) continue
    let start = oldest
    while (start > 0 && new Date(rows[start].created_at).getTime() - new Date(rows[start - 1].created_at).getTime() <= BATCH_GAP_MS) start--
    const batch = rows.slice(start)
    const sent = batch.filter((r) => r.status === 'sent').length
    const failed = batch.filter((r) => r.status === 'failed').length
    out.push({ waveId: waveId!, kind, total: batch.length, sent, failed, remaining: batch.length - sent - failed })
  }
  return out
}

/** Whole minutes left at a rate, or null when there is no rate to go by. */
export function minutesLeft(remaining: number, ratePerMinute: number | null): number | null {
  if (ratePerMinute === null || ratePerMinute < 1) return null
  // Measured rates are floating point: 1,800 at 120.00000000000001 a minute is 15 minutes, not 16.
  return Math.ceil(remaining / ratePerMinute - 1e-9)
}
