// Configuration comes only from the environment, with defaults that work on a fresh machine.
import { isIP } from 'node:net'
import { resolve } from 'node:path'

export interface AppConfig {
  port: number
  host: string
  /** postgres://… for PostgreSQL; otherwise a SQLite file (sqlite:path or a plain path). */
  databaseUrl: string
  surveysDir: string
  dataDir: string
  logLevel: string
  /** Largest request body accepted, in bytes; larger ones get a 413 page. */
  bodyLimit: number
  /** The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or CIDR ranges); false for none. */
  trustProxy: false | string[]
  /** The key of the personal links' hashes, base64 (LINK_TOKEN_KEY); without it, a key file in the data folder (src/respond/link-key.ts). */
  linkTokenKey?: string
  /** Where links in e-mails point: the address respondents reach the server at. */
  publicUrl: string
  /** smtp://user:pass@host:587 (or smtps://); without it, e-mails are written as .eml files. */
  smtpUrl?: string
  mailFrom: string
  mailDir: string
  /** Whether this process sends queued e-mails (every process may; a message is claimed by one). */
  mailWorker: boolean
  /** Pause between looks at the outbox, in milliseconds. */
  mailPollMs: number
  /** Throttle: at most this many e-mails a minute, across all processes. */
  mailRatePerMinute: number
  /** How long a claimed e-mail may stay "sending" before another worker presumes its sender died. */
  mailClaimLeaseMs: number
  /** Whether this process queues scheduled reminders and closes waves at their deadline (every process may; each time is claimed by one). */
  scheduleWorker: boolean
  /** Pause between looks at the wave schedule, in milliseconds. */
  schedulePollMs: number
  /** Requests a minute one client address may make to respondent links (council offices share addresses). */
  linkRatePerMinute: number
  /** An unknown link is answered after this many milliseconds for each unknown link its address tried lately. */
  linkGuessDelayMs: number
  /** A failed sign-in is answered after this many milliseconds for each failure its address (or account) had lately. */
  loginGuessDelayMs: number
}

/** How long a claimed e-mail may stay "sending" before another worker presumes its sender died. */
export const DEFAULT_MAIL_CLAIM_LEASE_MS = 5 * 60_000

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = resolve(env.DATA_DIR ?? 'data')
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`)
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL ?? `sqlite:${resolve(dataDir, 'survey.db')}`,
    surveysDir: resolve(env.SURVEYS_DIR ?? 'surveys'),
    dataDir,
    logLevel: env.LOG_LEVEL ?? 'info',
    bodyLimit: Number(env.BODY_LIMIT_BYTES ?? 1024 * 1024),
    trustProxy: trustedProxies(env.TRUST_PROXY),
    linkTokenKey: env.LINK_TOKEN_KEY || undefined,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Survey Waves <no-reply@localhost>',
    mailDir: resolve(env.MAIL_DIR ?? resolve(dataDir, 'mail')),
    mailWorker: env.MAIL_WORKER !== 'false',
    mailPollMs: Number(env.MAIL_POLL_MS ?? 2000),
    mailRatePerMinute: Number(env.MAIL_RATE_PER_MINUTE ?? 120),
    scheduleWorker: env.SCHEDULE_WORKER !== 'false',
    schedulePollMs: Number(env.SCHEDULE_POLL_MS ?? 30_000),
    linkRatePerMinute: Number(env.LINK_RATE_PER_MINUTE ?? 300),
    linkGuessDelayMs: Number(env.LINK_GUESS_DELAY_MS ?? 100),
    loginGuessDelayMs: Number(env.LOGIN_GUESS_DELAY_MS ?? 200),
    mailClaimLeaseMs: Number(env.MAIL_CLAIM_LEASE_MS ?? DEFAULT_MAIL_CLAIM_LEASE_MS),
  }
}

/** Names proxy-addr gives to ranges (Fastify's trustProxy accepts them as well as addresses). */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal']

/**
 * TRUST_PROXY names the proxies, never "anyone": with `true`, a client's own X-Forwarded-For would
 * be believed, so it could dodge the guessing limits or turn them on any address it names.
 */
export function trustedProxies(value: string | undefined): false | string[] {
  if (value === undefined || value.trim() === '' || value.trim() === 'false') return false
  if (value.trim() === 'true') {
    throw new Error('TRUST_PROXY=true would believe the X-Forwarded-For header of any client: give the addresses or CIDR ranges of your reverse proxies instead, separated by commas (for example TRUST_PROXY=10.0.0.5 or TRUST_PROXY=10.0.0.0/24,loopback)')
  }
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean)
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/')
    const family = isIP(address)
    const goodBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))
    if (!NAMED_RANGES.includes(entry) && (!family || !goodBits || rest.length)) {
      throw new Error(`TRUST_PROXY: "${entry}" is not an IP address or CIDR range (such as 10.0.0.5, 10.0.0.0/24 or loopback)`)
    }
  }
  return entries.length ? entries : false
}
