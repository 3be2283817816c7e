import type { Kysely } from 'kysely'

// Links in invitations and reminders used to be written out in full when a message was queued,
// with the PUBLIC_URL of whichever process queued it: a command run from another shell, with
// another PORT and no PUBLIC_URL, queued links to localhost. The worker that sends a message now
// fills in its own address, in place of a mark. Messages still waiting in the outbox are put into
// that form here, so they too link to the server that sends them; messages already sent (or given
// up on) keep the address they were sent with, as the record of what went out.

/** src/mail/outbox.ts PUBLIC_URL_MARK when this was written; a migration must not change meaning later. */
const MARK = '{{public_url}}'

// The data changes, not the schema: the tables are read through an untyped handle.
export async function up(db: Kysely<any>): Promise<void> {
  const rows: { id: string; subject: string; text_body: string; html_body: string; token: string }[] = await db
    .selectFrom('outbox')
    .innerJoin('invitations', (join) => join.onRef('invitations.wave_id', '=', 'outbox.wave_id').onRef('invitations.organisation_id', '=', 'outbox.organisation_id'))
    .select(['outbox.id', 'outbox.subject', 'outbox.text_body', 'outbox.html_body', 'invitations.token'])
    .where('outbox.status', 'in', ['queued', 'sending'])
    .where('outbox.kind', 'in', ['invitation', 'reminder'])
    .execute()
  const messages = new Map<string, { subject: string; text_body: string; html_body: string; tokens: string[] }>()
  for (const row of rows) {
    const message = messages.get(row.id) ?? { subject: row.subject, text_body: row.text_body, html_body: row.html_body, tokens: [] }
    message.tokens.push(row.token)
    messages.set(row.id, message)
  }
  for (const [id, message] of messages) {
    // Only the organisation's own links are rewritten: any other address a team wrote stays.
    const links = message.tokens.map((token) => new RegExp(`https?://[^\\s"'<>]+?(/r/${token.replace(/[^A-Za-z0-9_-]/g, '')})(?![A-Za-z0-9_-])`, 'g'))
    const rewrite = (s: string) => links.reduce((out, link) => out.replace(link, `${MARK}$1`), s)
    const changed = { subject: rewrite(message.subject), text_body: rewrite(message.text_body), html_body: rewrite(message.html_body) }
    if (changed.subject === message.subject && changed.text_body === message.text_body && changed.html_body === message.html_body) continue
    await db.updateTable('outbox').set(changed).where('id', '=', id).execute()
  }
}

// Nothing to undo that could be undone: which address the old links named is not known. A mark
// left in a message would be sent as it is by the code before this migration.
export async function down(): Promise<void> {}
