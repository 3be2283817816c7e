import { randomBytes, randomUUID } from 'node:crypto'

export const newId = (): string => randomUUID()

export const nowIso = (now = new Date()): string => now.toISOString()

/** The secret in a personal link: 256 random bits, URL-safe, so links cannot be guessed. */
export const newLinkToken = (): string => randomBytes(32).toString('base64url')

export const LINK_TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$'

// Letters and digits that cannot be mistaken for each other when read out on the phone.
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

export function newReference(): string {
  const bytes = randomBytes(8)
  const chars = [...bytes].map((b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length])
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`
}
