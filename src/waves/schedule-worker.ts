// Runs the wave schedule (reminders at their time, closing at the deadline) in every app process,
// as the mail worker runs the outbox: a small timer, the time read from app.now so that tests can
// set the clock, and a clean stop when the app closes.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { runWaveSchedule, type ScheduleRun } from './schedule.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Does what is due by app.now(); the timer calls it, and tests can too. */
    runWaveSchedule(): Promise<ScheduleRun>
  }
}

export const scheduleWorker = fp(async (app: FastifyInstance) => {
  let running: Promise<unknown> = Promise.resolve()
  app.decorate('runWaveSchedule', async () => {
    const run = runWaveSchedule(app.db, { catalogue: app.catalogue }, app.now())
    running = run.catch(() => undefined)
    const done = await run
    for (const r of done.reminders) app.log.info({ waveId: r.waveId, dueAt: r.dueAt, queued: r.queued, missed: r.missed }, 'scheduled reminders queued')
    for (const id of done.closed) app.log.info({ waveId: id }, 'wave closed at its deadline')
    return done
  })
  let timer: NodeJS.Timeout | undefined
  if (app.config.scheduleWorker) {
    const tick = () => {
      app
        .runWaveSchedule()
        .catch((err: unknown) => app.log.error({ err }, 'wave schedule failed'))
        .finally(() => {
          if (timer) timer = setTimeout(tick, app.config.schedulePollMs)
        })
    }
    app.addHook('onReady', async () => {
      timer = setTimeout(tick, app.config.schedulePollMs)
    })
  }
  app.addHook('onClose', async () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    await running
  })
})
