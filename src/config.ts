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
  /** The whole request (headers and body) must arrive within this; a stalled upload is cut off. */
  requestTimeoutMs: number
  /** The request's headers must arrive within this (never more than requestTimeoutMs). */
  headersTimeoutMs: number
  /** An idle kept-alive connection is closed after this: longer than a reverse proxy's own idle timeout. */
  keepAliveTimeoutMs: number
  /** A connection silent in both directions for this long is closed (0: never). */
  connectionTimeoutMs: number
  /** On SIGTERM or SIGINT, requests in flight get this long to finish before the process exits anyway. */
  shutdownTimeoutMs: number
}

/** How long a claimed e-mail may stay "sending" before another worker presumes its sender died. */
export const DEFAULT_MAIL_CLAIM_LEASE_MS = 5 * 60_000

export const LINK_KEY_BYTES = 32

/** The personal links' key from its base64 text; one too short to be secret is refused, naming where it came from. */
export function parseLinkKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64')
  if (key.length < LINK_KEY_BYTES) throw new Error(`${where} must hold at least ${LINK_KEY_BYTES} random bytes in base64 (make one with: openssl rand -base64 32)`)
  return key
}

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
    // Checked here, so that a bad key stops start-up with the other settings' sentences.
    linkTokenKey: env.LINK_TOKEN_KEY ? (parseLinkKey(env.LINK_TOKEN_KEY, 'LINK_TOKEN_KEY'), env.LINK_TOKEN_KEY) : undefined,
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
    ...timeoutsFromEnv(env),
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

/**
 * Without limits, a client that opens a connection and stops sending keeps it for ever: about a
 * thousand of them (POST /login needs no account) and the server answers nobody. The defaults
 * allow a 20 MB organisations file at 3 Mbit/s and a proxy's 60-second idle keep-alive.
 */
function timeoutsFromEnv(env: NodeJS.ProcessEnv) {
  const timeouts = {
    requestTimeoutMs: milliseconds(env, 'REQUEST_TIMEOUT_MS', 60_000),
    headersTimeoutMs: milliseconds(env, 'HEADERS_TIMEOUT_MS', 20_000),
    keepAliveTimeoutMs: milliseconds(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000),
    connectionTimeoutMs: milliseconds(env, 'CONNECTION_TIMEOUT_MS', 120_000),
    shutdownTimeoutMs: milliseconds(env, 'SHUTDOWN_TIMEOUT_MS', 25_000),
  }
  if (timeouts.requestTimeoutMs === 0 || timeouts.headersTimeoutMs === 0) throw new Error('REQUEST_TIMEOUT_MS and HEADERS_TIMEOUT_MS cannot be 0: a stalled client would hold its connection for ever')
  if (timeouts.headersTimeoutMs > timeouts.requestTimeoutMs) throw new Error(`HEADERS_TIMEOUT_MS (${timeouts.headersTimeoutMs}) cannot be longer than REQUEST_TIMEOUT_MS (${timeouts.requestTimeoutMs}): the headers are part of the request`)
  return timeouts
}

function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new Error(`${name} must be a whole number of milliseconds, not "${text}"`)
  return value
}
