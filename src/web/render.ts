// Renders a page with what every template needs: the translator, the language, a CSRF token.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { translator } from '../i18n/catalogue.js'
import type { Language } from '../questionnaire/schema.js'
import { doneNotice } from './done-notice.js'
import { csrfUserInfo } from './secure-context.js'

export interface PageContext {
  language: Language
  /** Languages the current page can be shown in; a switch is offered when there are several. */
  languages?: Language[]
  status?: number
}

export async function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
  context: PageContext,
) {
  const t = translator(context.language)
  const html = await reply.viewAsync(template, {
    // Who is signed in: the team's navigation shows on every page they see (see admin-nav.eta).
    user: request.user,
    teamT: translator('en'),
    ...data,
    t,
    lang: context.language,
    languages: context.languages ?? [context.language],
    csrfToken: reply.generateCsrf({ userInfo: csrfUserInfo(request) } as Parameters<FastifyReply['generateCsrf']>[0]),
    currentPath: request.url.split('?')[0],
  })
  return reply
    .status(context.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(html)
}

/**
 * A research team page: in English (the team's pages are English only), showing who is signed in
 * and, after an action, what was done (see done-notice.ts).
 */
export function renderTeamPage(request: FastifyRequest, reply: FastifyReply, template: string, data: Record<string, unknown>, status = 200) {
  return renderPage(request, reply, template, { doneNotice: doneNotice(request, translator('en')), restoredForm: Boolean(request.restoredForm), ...data, user: request.user }, { language: 'en', status })
}
