// "Every action ends with a message saying what was done": an action redirects with
// ?done=<what>&n=<count>, and the page it lands on shows the sentence from the catalogue
// (admin.done.<what>) in a success banner. Only catalogue keys can be shown, so a crafted link
// cannot put words of its own on a team page; a refresh shows the same banner, which is harmless.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { messages, type Translate } from '../i18n/catalogue.js'

const KEY_PATTERN = /^[a-z][a-z0-9_.]{0,60}$/

/**
 * Redirects (303) to `url`, which will say what was done; `count` fills {count} and picks the
 * plural form; `second`, a second figure in the same sentence, fills {m} ("12 added, 3 changed").
 */
export function redirectDone(reply: FastifyReply, url: string, what: string, count?: number, second?: number) {
  const target = new URL(url, 'http://x')
  target.searchParams.set('done', what)
  if (count !== undefined) target.searchParams.set('n', String(count))
  if (second !== undefined) target.searchParams.set('m', String(second))
  return reply.redirect(target.pathname + target.search + target.hash, 303)
}

/** The sentence for the page's ?done=, or undefined when there is none or it is not a known message. */
export function doneNotice(request: FastifyRequest, t: Translate): string | undefined {
  const query = request.query as Record<string, unknown> | undefined
  const what = typeof query?.done === 'string' ? query.done : undefined
  if (!what || !KEY_PATTERN.test(what)) return undefined
  const key = `admin.done.${what}`
  const message = messages.en[key]
  if (message === undefined) return undefined
  if (typeof message === 'string') return t(key)
  const n = typeof query?.n === 'string' && /^\d{1,9}$/.test(query.n) ? Number(query.n) : undefined
  if (n === undefined) return undefined
  const m = typeof query?.m === 'string' && /^\d{1,9}$/.test(query.m) ? Number(query.m).toLocaleString('en-GB') : undefined
  // A sentence with a second figure is not shown without it, rather than with "{m}" in it.
  if (m === undefined && /\{m\}/.test(JSON.stringify(message))) return undefined
  return t(key, { count: n, n: n.toLocaleString('en-GB'), ...(m === undefined ? {} : { m }) })
}
