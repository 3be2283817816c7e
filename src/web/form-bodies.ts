// Every page posts an HTML form: its body is urlencoded (or multipart where a file is uploaded),
// and every field is text, or several texts for a repeated field. Bodies of any other shape
// (JSON numbers, arrays of objects, nested objects, a file part in a text form) are refused with
// a 4xx before a route sees them, so no handler has to guard against types a browser never sends.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Fields of this route that may hold an uploaded file (multipart), e.g. ['csv']. */
    fileFields?: string[]
  }
}

class BadFormError extends Error {
  statusCode = 400
  code = 'APP_BAD_FORM'
}

function isText(value: unknown): boolean {
  return typeof value === 'string'
}

function check(request: FastifyRequest): void {
  const body = request.body
  if (body === undefined || body === null) return
  if (typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) throw new BadFormError('The form was not sent as a form')
  const files = new Set(request.routeOptions.config?.fileFields ?? [])
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (isText(value)) continue
    if (Buffer.isBuffer(value) && files.has(name)) continue
    if (Array.isArray(value) && value.every(isText)) continue
    throw new BadFormError(`The field "${name.slice(0, 60)}" was not sent as text`)
  }
}

export const formBodies = fp(async (app: FastifyInstance) => {
  // No route takes JSON or plain text: such a body gets 415 Unsupported Media Type.
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addHook('preValidation', async (request) => check(request))
})
