// Stopping on SIGTERM (a deployment, systemd, a container runtime) or SIGINT (Ctrl-C) without
// cutting anyone off: no new connections, requests in flight finish (a respondent's save is
// answered), then the mail and schedule workers stop after the message in hand and the database
// closes. Fastify's close() does it in that order; this bounds how long it may take.
import type { FastifyInstance } from 'fastify'

export function closeOnSignals(app: FastifyInstance, timeoutMs: number, exit: (code: number) => void = (code) => process.exit(code)): void {
  let closing = false
  // A request in flight on a kept-alive connection is answered, then that connection closed:
  // the server stops listening at once, but idle clients would otherwise keep it open.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) {
        app.log.warn(`${signal} received again: exiting without waiting for requests in flight`)
        return exit(1)
      }
      closing = true
      app.log.info(`${signal} received: finishing requests in flight (at most ${timeoutMs} ms), then closing`)
      const deadline = setTimeout(() => {
        app.log.error(`requests still in flight after ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS): exiting anyway`)
        exit(1)
      }, timeoutMs)
      app.close().then(
        () => {
          clearTimeout(deadline)
          app.log.info('closed: requests finished, workers stopped, database closed')
          exit(0)
        },
        (err: unknown) => {
          clearTimeout(deadline)
          app.log.error({ err }, 'closing failed')
          exit(1)
        },
      )
    })
  }
}
