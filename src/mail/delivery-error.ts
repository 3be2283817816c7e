// What a delivery failure says, to the team and to the log. The team's pages show the last error
// of every message, so it must never carry the server's file paths (where the mail folder is, the
// name of a .eml file that could not be written); the log gets the same words plus the SMTP codes,
// and never the recipient's link or the body.

/** A path starting a word (after a space, quote, bracket or =), so URLs and "4.2.0/450" stay. */
const PATH = /(^|[\s'"(=])(?:[A-Za-z]:)?[\\/][^\s'"),;]*/g

export function withoutPaths(text: string): string {
  return text.replace(PATH, '$1[the mail folder]')
}

export interface DeliveryError {
  /** Stored as the message's last error and shown to the team: at most 1,000 characters, no paths. */
  text: string
  /** The SMTP reply code (e.g. 450, 550) when the server gave one. */
  smtpCode?: number
  /** Node's or nodemailer's code: ECONNREFUSED, EENVELOPE, EACCES… */
  code?: string
}

export function describeDeliveryError(err: unknown, transport: 'smtp' | 'file'): DeliveryError {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown }
  const message = typeof e.message === 'string' && e.message ? e.message : String(err)
  const code = typeof e.code === 'string' ? e.code : undefined
  const smtpCode = typeof e.responseCode === 'number' ? e.responseCode : undefined
  const words = transport === 'file' ? `Could not write the message to the mail folder: ${withoutPaths(message)}` : withoutPaths(message)
  return { text: words.slice(0, 1000), smtpCode, code }
}
