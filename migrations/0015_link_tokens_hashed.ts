import { createHmac } from 'node:crypto'
import type { Kysely } from 'kysely'

// Personal links were kept in clear (invitations.token, and in the e-mails of the outbox): a copy
// of the database was a copy of every live link. From here on the database keeps only a keyed
// hash of each link (HMAC-SHA-256 with a key kept outside the database: LINK_TOKEN_KEY, or the key
// file in the data folder), in link_tokens: one organisation's response may be reached by several
// links (each e-mail carries a link of its own, made when it is sent), all withdrawn together
// when the team replaces the link. The links already sent keep working: their hashes are
// written here. E-mails in the outbox name the link by a mark instead (the sending worker makes a
// link there), and the clear column goes, by rebuilding the table (SQLite cannot drop a UNIQUE
// column).

/** What the migration needs that is not in the database: the key of the link hashes. */
export interface MigrationContext {
  linkTokenKey?: Buffer
}

/** src/mail/outbox.ts LINK_TOKEN_MARK when this was written; a migration must not change meaning later. */
const MARK = '{{link_token}}'
/** src/respond/link-tokens.ts hashLinkToken when this was written. */
const hashOf = (key: Buffer, token: string) => createHmac('sha256', key).update(token, 'utf8').digest('hex')
/** Erasure replaced a link by `erased-…`: nothing to keep of it. */
const usable = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token)

const BATCH = 500

export async function up(db: Kysely<any>, context: MigrationContext = {}): Promise<void> {
  const invitations: { id: string; token: string; created_at: string }[] = await db.selectFrom('invitations').select(['id', 'token', 'created_at']).execute()
  const links = invitations.filter((i) => usable(i.token))
  const key = context.linkTokenKey
  if (links.length && !key) throw new Error('the personal links can only be converted with their key (LINK_TOKEN_KEY, or link-token.key in the data folder)')

  // E-mails name a link by the mark, whether waiting (the worker makes a link when it sends) or
  // sent (the record says a personal link was there, not which).
  const tokens = new Set(links.map((i) => i.token))
  const withLink = /\/r\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g
  const scrub = (text: string) => text.replace(withLink, (whole, token: string) => (tokens.has(token) ? `/r/${MARK}` : whole))
  for (let after = ''; ; ) {
    const rows: { id: string; subject: string; text_body: string; html_body: string }[] = await db
      .selectFrom('outbox')
      .select(['id', 'subject', 'text_body', 'html_body'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute()
    if (!rows.length) break
    after = rows[rows.length - 1].id
    if (!tokens.size) continue
    for (const row of rows) {
      const changed = { subject: scrub(row.subject), text_body: scrub(row.text_body), html_body: scrub(row.html_body) }
      if (changed.subject !== row.subject || changed.text_body !== row.text_body || changed.html_body !== row.html_body) await db.updateTable('outbox').set(changed).where('id', '=', row.id).execute()
    }
  }

  await db.schema
    .createTable('invitations_hashed')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('wave_id', 'varchar(36)', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('organisation_id', 'varchar(36)', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(30)')
    .addColumn('first_opened_at', 'varchar(30)')
    .addColumn('last_opened_at', 'varchar(30)')
    .addColumn('contact_email', 'varchar(320)')
    .execute()
  const columns = ['id', 'wave_id', 'organisation_id', 'status', 'created_at', 'revoked_at', 'first_opened_at', 'last_opened_at', 'contact_email']
  await db
    .insertInto('invitations_hashed')
    .columns(columns)
    .expression(db.selectFrom('invitations').select(columns))
    .execute()
  await db.schema.dropIndex('invitations_wave_organisation').execute()
  await db.schema.dropTable('invitations').execute()
  await db.schema.alterTable('invitations_hashed').renameTo('invitations').execute()
  await db.schema.createIndex('invitations_wave_organisation').on('invitations').columns(['wave_id', 'organisation_id']).execute()

  await db.schema
    .createTable('link_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('invitation_id', 'varchar(36)', (c) => c.notNull().references('invitations.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('link_tokens_invitation').on('link_tokens').column('invitation_id').execute()
  for (let i = 0; i < links.length; i += BATCH) {
    await db
      .insertInto('link_tokens')
      .values(links.slice(i, i + BATCH).map((l) => ({ token_hash: hashOf(key!, l.token), invitation_id: l.id, created_at: l.created_at })))
      .execute()
  }
}

// The links in clear are gone for good: that was the point.
export async function down(): Promise<void> {
  throw new Error('0015_link_tokens_hashed cannot be undone: the links in clear are not kept anywhere')
}
