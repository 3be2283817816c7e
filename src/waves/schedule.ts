// What happens to waves by the clock: scheduled reminders are queued at their time, and a wave
// closes itself at its deadline. Every app process runs this (schedule-worker.ts); whichever gets
// to a reminder time first claims it by inserting its reminder_slots row, in the transaction that
// queues the reminders, so two processes never send it twice. The outbox's dedupe key (one per
// time and organisation) makes queuing idempotent besides.
import type { Kysely } from 'kysely'
import { audit, type Actor } from '../accounts/audit.js'
import { nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { parseRule, reminderTimes, type ReminderRule } from './reminder-schedule.js'
import { closeWave, getWave, queueReminders, WaveStateError, type WaveContext } from './waves.js'

/** Who the audit log names for what the clock does. */
export const SYSTEM_ACTOR: Actor = { id: 'system', email: 'the system' }

export interface ScheduleRun {
  /** Waves closed because their deadline passed. */
  closed: string[]
  /** Reminder times dealt with by this run. */
  reminders: { waveId: string; dueAt: string; queued: number; missed: number }[]
}

export async function runWaveSchedule(db: Kysely<Database>, context: WaveContext, now: Date): Promise<ScheduleRun> {
  const run: ScheduleRun = { closed: [], reminders: [] }
  const nowText = nowIso(now)
  // Reminders first: one due at the same moment as the deadline would otherwise be lost.
  const scheduled = await db
    .selectFrom('reminder_schedules')
    .innerJoin('waves', 'waves.id', 'reminder_schedules.wave_id')
    .select(['waves.id', 'reminder_schedules.rule_json'])
    .where('waves.status', '=', 'open')
    .execute()
  for (const { id, rule_json } of scheduled) {
    const rule = parseRule(rule_json)
    if (!rule) continue
    const done = await remindWave(db, context, id, rule, nowText)
    if (done) run.reminders.push(done)
  }
  const due = await db.selectFrom('waves').select('id').where('status', '=', 'open').where('closes_at', 'is not', null).where('closes_at', '<', nowText).execute()
  for (const { id } of due) {
    try {
      // What closing without the team's choice has always done: responses in progress stay as they are.
      await closeWave(db, id, { catalogue: context.catalogue, actor: SYSTEM_ACTOR, atDeadline: nowText })
      run.closed.push(id)
    } catch (err) {
      // Another process (or a person) closed it first.
      if (!(err instanceof WaveStateError)) throw err
    }
  }
  return run
}

/**
 * The latest reminder time that is due and not yet dealt with is sent; earlier ones still
 * waiting (the server was stopped over them) are recorded as missed, so nobody gets several
 * reminders at once.
 */
async function remindWave(db: Kysely<Database>, context: WaveContext, waveId: string, rule: ReminderRule, now: string) {
  const wave = await getWave(db, waveId)
  if (!wave || wave.status !== 'open') return undefined
  const handled = new Set((await db.selectFrom('reminder_slots').select('due_at').where('wave_id', '=', waveId).execute()).map((r) => r.due_at))
  const waiting = reminderTimes(rule, wave).filter((at) => at <= now && !handled.has(at))
  if (waiting.length === 0) return undefined
  const dueAt = waiting[waiting.length - 1]
  return db.transaction().execute(async (trx) => {
    // The claim comes first, as a write, so that on SQLite the transaction takes the write lock at
    // once and a second process waits for this one to finish, then finds the time taken.
    const claimed = await trx
      .insertInto('reminder_slots')
      .values({ wave_id: waveId, due_at: dueAt, target: rule.target, status: 'queued', queued: 0, done_at: now })
      .onConflict((oc) => oc.columns(['wave_id', 'due_at']).doNothing())
      .executeTakeFirst()
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) !== 1) return undefined
    const current = await getWave(trx, waveId)
    if (!current || current.status !== 'open') return undefined
    const queued = await queueReminders(trx, context, current, rule.target, (invitation) => `reminder:scheduled:${dueAt}:${invitation.organisation_id}:${waveId}`)
    await trx.updateTable('reminder_slots').set({ queued }).where('wave_id', '=', waveId).where('due_at', '=', dueAt).execute()
    const missed = waiting.slice(0, -1)
    for (const at of missed) {
      await trx
        .insertInto('reminder_slots')
        .values({ wave_id: waveId, due_at: at, target: rule.target, status: 'missed', queued: 0, done_at: now })
        .onConflict((oc) => oc.columns(['wave_id', 'due_at']).doNothing())
        .execute()
    }
    await audit(trx, SYSTEM_ACTOR, 'scheduled_reminders_queued', { waveId, label: current.label, dueAt, target: rule.target, queued, missed })
    return { waveId, dueAt, queued, missed: missed.length }
  })
}
