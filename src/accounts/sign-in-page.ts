// The sign-in page, shown by GET /login, after a failed attempt, and in place of a form post whose
// session had ended (carrying what was typed: see form-drafts.ts).
import type { FastifyReply, FastifyRequest } from 'fastify'
import { translator } from '../i18n/catalogue.js'
import { doneNotice } from '../web/done-notice.js'
import { renderPage } from '../web/render.js'
import { encodeCarried, type CarriedFields } from './form-drafts.js'

const t = translator('en')

/** Only local paths, so a crafted link cannot send someone elsewhere after signing in. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : '/admin'
}

export interface SignInState {
  email?: string
  next?: string
  /** Message keys by field, in the order of the fields. */
  errors?: { email?: string; password?: string }
  carried?: CarriedFields
  /** The form had a file, which cannot be carried: the person is told to choose it again. */
  droppedFile?: boolean
  /** Shown when a form post found the session ended. */
  sessionEnded?: boolean
}

export function renderSignIn(request: FastifyRequest, reply: FastifyReply, state: SignInState, status = 200) {
  const errors = Object.fromEntries(Object.entries(state.errors ?? {}).map(([field, key]) => [field, t(key)]))
  return renderPage(
    request,
    reply,
    'accounts/login',
    {
      email: state.email ?? '',
      next: safeNext(state.next),
      errors,
      carried: state.carried ? encodeCarried(state.carried) : '',
      droppedFile: Boolean(state.droppedFile),
      sessionEnded: Boolean(state.sessionEnded),
      doneNotice: doneNotice(request, t),
    },
    { language: 'en', status },
  )
}
