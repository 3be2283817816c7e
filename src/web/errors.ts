// One place for errors: a 4xx keeps a clear message for the person, a 5xx is logged with the
// request and shown as a generic page, and unknown addresses are rate-limited so links cannot
// be enumerated.
import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { isLanguage } from './language.js'
import { redactUrl } from './log-redaction.js'
import { renderPage } from './render.js'

/** A form post refused by the CSRF check (its cookie gone, or its token not matching). */
export function isCsrfFailure(error: { code?: string }): boolean {
  return error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET'
}

function messageKeyFor(error: FastifyError, status: number): string {
  if (isCsrfFailure(error)) return 'error_page.csrf'
  if (status === 413) return 'error_page.too_large'
  if (status === 429) return 'error_page.rate_limited'
  if (status === 404) return 'error_page.not_found'
  if (status === 415) return 'error_page.unsupported'
  return 'error_page.bad_request'
}

export const errorHandling = fp(async (app: FastifyInstance) => {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    // A malformed multipart upload fails inside the parser with a bare error: it is the client's.
    const badUpload = !error.statusCode && /[\\/]@fastify[\\/]busboy[\\/]/.test(error.stack ?? '')
    const status = badUpload ? 400 : error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed')
    else request.log.info({ code: error.code, status, url: request.url }, redactUrl(error.message))
    const key = status >= 500 ? 'error_page.server' : messageKeyFor(error, status)
    const cookieLanguage = request.cookies?.lang
    const language = isLanguage(cookieLanguage) ? cookieLanguage : 'en'
    if (status === 429 && error.message) reply.header('retry-after', '60')
    return renderPage(request, reply, 'errors/error', { titleKey: `${key}.title`, bodyKey: `${key}.body` }, { language, status })
  })

  app.setNotFoundHandler({ preHandler: app.rateLimit({ max: 30, timeWindow: '1 minute' }) }, async (request, reply) => {
    const cookieLanguage = request.cookies?.lang
    const language = isLanguage(cookieLanguage) ? cookieLanguage : 'en'
    return renderPage(request, reply, 'errors/error', { titleKey: 'error_page.not_found.title', bodyKey: 'error_page.not_found.body' }, { language, status: 404 })
  })
})
