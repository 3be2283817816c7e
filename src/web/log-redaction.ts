// Request logs never hold a secret: the token of a personal link (/r/<token>), of the first
// admin's setup link and of a password reset, wherever it appears in a URL (a ?next= included),
// and never a cookie (the session id, the CSRF secret). Every `url` a log line carries passes
// through here, whoever logs it: Fastify's request line, the error handler, the role checks.
import type { FastifyRequest, FastifyServerOptions } from 'fastify'

const SECRET_PATH = /(\/(?:r|setup|password-reset)\/)[^/?#\s'"]+/g
/** What newSecretToken makes (src/db/ids.ts), should one turn up elsewhere in a URL. */
const SECRET_TOKEN = /[A-Za-z0-9_-]{43,}/g
const ENCODED_SECRET_PATH = /(%2F(?:r|setup|password-reset)%2F)[^/?#&%]+/gi

/** A URL, or a message quoting one (the router's errors do), without its secrets. */
export function redactUrl<T>(url: T): T {
  if (typeof url !== 'string') return url
  return url.replace(SECRET_PATH, '$1[secret]').replace(ENCODED_SECRET_PATH, '$1[secret]').replace(SECRET_TOKEN, '[secret]') as T
}

/** Fastify's request serializer, less the secrets: no headers (so no cookies), the URL redacted. */
function request(req: FastifyRequest) {
  return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }
}

/** The logger options given, with the redacting serializers (a test's stream or level is kept). */
export function redactingLogger(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === false || logger === undefined) return logger
  const options = logger === true ? {} : logger
  return { ...options, serializers: { ...options.serializers, req: request, url: redactUrl } } as FastifyServerOptions['logger']
}
