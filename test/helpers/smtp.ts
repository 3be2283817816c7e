// A real SMTP server on loopback that keeps what it receives, parsed with mailparser.
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface TestSmtp {
  url: string
  received: ParsedMail[]
  /** Make the server refuse every recipient (a temporary failure) until set back to false. */
  failing: boolean
  close(): Promise<void>
}

export async function startSmtp(delayMs = 0): Promise<TestSmtp> {
  const state: TestSmtp = { url: '', received: [], failing: false, close: async () => {} }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.failing) {
        const err = new Error('Mailbox temporarily unavailable') as Error & { responseCode: number }
        err.responseCode = 450
        return callback(err)
      }
      callback()
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          // A slow server keeps a message in its SMTP conversation long enough to be interrupted.
          if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs))
          state.received.push(mail)
          callback()
        })
        .catch(callback)
    },
  })
  // A client killed mid-conversation (the crash tests SIGKILL the app while it sends) resets its
  // connection: that is the client's doing, not the server failing, so it must not throw.
  server.on('error', (err: Error & { code?: string }) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as { port: number }
  state.url = `smtp://127.0.0.1:${port}`
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return state
}
