// Migration 0014 on a database that already holds mail: confirmations waiting in the outbox get
// the waiting priority, everything else the bulk one, and errors recorded with the server's paths
// lose them. On SQLite and PostgreSQL.
import t from 'tap'
import type { Kysely } from 'kysely'
import * as outboxPriority from '../../migrations/0014_outbox_priority.js'
import { buildTestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const { databases, skipped } = testDatabases()
if (skipped) t.test('migration 0014 on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`mail queued before the upgrade gets its priority, and old errors lose their paths (${database.kind})`, async (t) => {
    const app = await buildTestApp(t, { mailWorker: false }, database)
    // The schema as it was before 0014, through an untyped handle (the typed one knows the new columns).
    const db = app.db as unknown as Kysely<any>
    await outboxPriority.down(db)
    const row = (id: string, kind: string, lastError: string | null) => ({
      id,
      dedupe_key: id,
      kind,
      wave_id: null,
      organisation_id: null,
      to_address: 'a@example.org',
      from_name: null,
      reply_to: null,
      subject: 's',
      text_body: 't',
      html_body: 'h',
      status: 'queued',
      attempts: lastError ? 1 : 0,
      next_attempt_at: '2026-01-01T00:00:00.000Z',
      claimed_by: null,
      claimed_at: null,
      sent_at: null,
      message_id: null,
      last_error: lastError,
      created_at: '2026-01-01T00:00:00.000Z',
    })
    await db
      .insertInto('outbox')
      .values([
        row('00000000-0000-4000-8000-000000000001', 'invitation', "ENOENT: no such file or directory, open '/srv/survey/data/mail/2026-01-01T00-00-00-000Z-_abc_survey-waves_.eml'"),
        row('00000000-0000-4000-8000-000000000002', 'confirmation', '450 4.2.0 Mailbox temporarily unavailable, see https://mail.example.org/help/450'),
        row('00000000-0000-4000-8000-000000000003', 'reminder', null),
      ])
      .execute()
    await outboxPriority.up(db)
    const rows = await app.db.selectFrom('outbox').select(['kind', 'priority', 'last_error']).orderBy('id').execute()
    t.same(rows, [
      { kind: 'invitation', priority: 5, last_error: "ENOENT: no such file or directory, open '[the mail folder]'" },
      { kind: 'confirmation', priority: 1, last_error: '450 4.2.0 Mailbox temporarily unavailable, see https://mail.example.org/help/450' },
      { kind: 'reminder', priority: 5, last_error: null },
    ])
  })
}
