// Under HTTPS every cookie is Secure and the browser is told to keep to HTTPS (HSTS): when the
// public address is https, or the request came over HTTPS (directly, or through a proxy named in
// TRUST_PROXY whose X-Forwarded-Proto says so: a client's own header is not believed). On plain
// HTTP on one's own machine, neither: a Secure cookie would never come back over http://localhost.
// The CSRF token of a form is bound to the browser's session cookie (when it has one), so a token
// taken from one session is refused in another, even with the CSRF cookie tossed in beside it.
import type { FastifyRequest } from 'fastify'

/** The session cookie's name: it holds a random secret, the database only its hash (accounts/sessions.ts). */
export const SESSION_COOKIE = 'sid'

export function overHttps(request: FastifyRequest): boolean {
  return request.server.config.publicUrl.startsWith('https://') || request.protocol === 'https'
}

export const HSTS = 'max-age=31536000'

/**
 * What a CSRF token is bound to: the session cookie as the browser sent it (still valid or not: a
 * form posted after its session ended must be recognised as this service's), or, before signing
 * in, a constant (@fastify/csrf needs a non-empty value).
 */
export function csrfUserInfo(request: FastifyRequest): string {
  const session = request.cookies?.[SESSION_COOKIE]
  return session ? `session:${session}` : 'no session'
}
