// The respondent's language: ?lang= switches it and is remembered in a cookie for that browser.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { LANGUAGES, type Language } from '../questionnaire/schema.js'

const COOKIE = 'lang'

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

export function chooseLanguage(request: FastifyRequest, reply: FastifyReply, offered: Language[] = ['en']): Language {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang ?? (request.body as Record<string, unknown> | undefined)?._lang
  if (isLanguage(asked)) {
    reply.setCookie(COOKIE, asked, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 })
    if (offered.includes(asked)) return asked
  }
  const remembered = request.cookies[COOKIE]
  if (isLanguage(remembered) && offered.includes(remembered)) return remembered
  return offered.includes('en') ? 'en' : offered[0]
}
