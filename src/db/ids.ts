import { randomBytes, randomUUID } from 'node:crypto'

export const newId = (): string => randomUUID()

/** What newId makes, for validating ids in URLs and forms. */
export const ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

export const nowIso = (now = new Date()): string => now.toISOString()

/**
 * A secret that cannot be guessed: 256 random bits, URL-safe. It is the personal link a
 * respondent gets, the session cookie and the one-time setup link.
 */
export const newSecretToken = (): string => randomBytes(32).toString('base64url')

/** What newSecretToken makes: anything else can be refused without a database look-up. */
export const SECRET_TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$'
export const SECRET_TOKEN = new RegExp(SECRET_TOKEN_PATTERN)

// Letters and digits that cannot be mistaken for each other when read out on the phone.
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

export function newReference(): string {
  const bytes = randomBytes(8)
  const chars = [...bytes].map((b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length])
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`
}
