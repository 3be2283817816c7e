// Runs the outbox worker inside the app process (each process may run one: a message is
// claimed by exactly one), and stops it cleanly when the app closes.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createMailTransport, type MailTransport } from './transport.js'
import { issueLinkFor } from '../respond/link-tokens.js'
import { sendDueMessages } from './worker.js'

declare module 'fastify' {
  interface FastifyInstance {
    mailTransport: MailTransport
    /** Sends what is due now; the timer calls it, and tests and the CLI can too. */
    sendMail(): Promise<{ sent: number; failed: number; retrying: number }>
  }
}

export const mailWorker = fp(async (app: FastifyInstance) => {
  const transport = createMailTransport({ smtpUrl: app.config.smtpUrl, mailDir: app.config.mailDir })
  app.decorate('mailTransport', transport)
  let running: Promise<unknown> = Promise.resolve()
  let stopping = false
  app.decorate('sendMail', async () => {
    const batch = sendDueMessages(app.db, { transport, from: app.config.mailFrom, publicUrl: app.config.publicUrl,
      linkTokenFor: (m) => issueLinkFor(app.db, app.linkTokenKey, m.waveId, m.organisationId),
      ratePerMinute: app.config.mailRatePerMinute, claimLeaseMs: app.config.mailClaimLeaseMs, shouldStop: () => stopping, log: app.log })
    running = batch.catch(() => undefined)
    return batch
  })
  let timer: NodeJS.Timeout | undefined
  if (app.config.mailWorker) {
    const tick = () => {
      app
        .sendMail()
        .catch((err: unknown) => app.log.error({ err }, 'outbox worker failed'))
        .finally(() => {
          if (timer) timer = setTimeout(tick, app.config.mailPollMs)
        })
    }
    app.addHook('onReady', async () => {
      timer = setTimeout(tick, app.config.mailPollMs)
    })
  }
  app.addHook('onClose', async () => {
    stopping = true
    if (timer) clearTimeout(timer)
    timer = undefined
    await running
    transport.close()
  })
})
