// Which mail goes first. Someone who has just submitted, or asked for a password reset, is looking
// at a page that says the e-mail is on its way; an invitation or reminder can wait a few minutes.
// With 3,000 organisations a confirmation once waited behind 2,642 invitations. The worker claims
// by priority (lower first), then by due time.

/** A person is waiting for it now. */
export const PRIORITY_WAITING = 1
/** Invitations, reminders and anything else sent in bulk. Also the column's default. */
export const PRIORITY_BULK = 5

/** Kinds a person waits for; a kind added later (e.g. on another branch) is named here once. */
const WAITING_KINDS: ReadonlySet<string> = new Set(['confirmation', 'copy', 'password_reset'])

export function priorityOf(kind: string): number {
  return WAITING_KINDS.has(kind) ? PRIORITY_WAITING : PRIORITY_BULK
}
