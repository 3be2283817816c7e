// Operations: an online backup taken while the server writes, restored as documented; and
// erasure of an organisation's contacts or a whole wave for a data-protection request.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { configFromEnv } from '../../src/config.js'
import { backupDatabase, checkBackup, restoreDatabase } from '../../src/db/backup.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { eraseOrganisationContacts, eraseWave } from '../../src/waves/erasure.js'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'
import { submitAnswers } from '../helpers/responses.js'
import { openTestWave } from '../helpers/waves.js'

t.test('a backup taken while the server writes is consistent, and restores into a working server', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-'))
  const config = { ...configFromEnv({}), databaseUrl: `sqlite:${join(dir, 'live.db')}`, logLevel: 'silent', mailWorker: false }
  const app = await buildApp(config, { logger: false })
  let writing = true
  let written = 0
  const writer = (async () => {
    while (writing) {
      await createOrganisation(app.db, { code: `W${written}`, name: `Organisation ${written}`, type: 'prison', contacts: [{ name: 'A', email: `a${written}@example.org` }] })
      written++
      await new Promise((resolve) => setImmediate(resolve))
    }
  })()
  while (written < 50) await new Promise((resolve) => setTimeout(resolve, 5))
  const result = backupDatabase(config.databaseUrl, join(dir, 'backup.db'))
  const atBackup = written
  while (written < atBackup + 50) await new Promise((resolve) => setTimeout(resolve, 5))
  writing = false
  await writer
  await app.close()
  t.ok(result.pages > 0)
  t.same(checkBackup(result.file), [], 'integrity check passes')
  const copy = new SQLite(result.file, { readonly: true })
  const inBackup = (copy.prepare('select count(*) n from organisations').get() as { n: number }).n
  const orphanContacts = (copy.prepare('select count(*) n from contacts where organisation_id not in (select id from organisations)').get() as { n: number }).n
  copy.close()
  t.ok(inBackup >= 50 && inBackup < written, `the backup holds the ${inBackup} organisations written before it, not the later ones (${written} in all)`)
  t.equal(orphanContacts, 0, 'nothing half-written: every contact has its organisation')
  t.throws(() => backupDatabase(config.databaseUrl, result.file), /already exists/, 'a backup never overwrites a file')

  const restoredUrl = `sqlite:${join(dir, 'restored', 'survey.db')}`
  restoreDatabase(restoredUrl, result.file)
  const restored = await buildApp({ ...config, databaseUrl: restoredUrl }, { logger: false })
  t.teardown(() => restored.close())
  const count = await restored.db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(count.n), inBackup, 'the restored server sees exactly the backup')

  writeFileSync(join(dir, 'not-a-db.db'), 'hello')
  t.throws(() => restoreDatabase(restoredUrl, join(dir, 'not-a-db.db')), 'a file that is not a backup is refused')
})

t.test("erasing an organisation's contacts removes names, addresses, links and e-mails, and says what", async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const wave = await openTestWave(app)
  const org = wave.organisationIds.E06000001
  await app.db.insertInto('outbox').values({ id: 'b3f0c0de-0000-4000-8000-000000000001', dedupe_key: 'x', kind: 'invitation', wave_id: wave.waveId, organisation_id: org, to_address: 'contact-e06000001@example.org', from_name: null, reply_to: null, subject: 'Please respond', text_body: `Dear Contact E06000001, /r/${wave.tokens.E06000001}`, html_body: '<p>…</p>', status: 'sent', attempts: 1, next_attempt_at: '2026-01-01T00:00:00Z', claimed_by: null, claimed_at: null, sent_at: null, message_id: null, last_error: null, created_at: '2026-01-01T00:00:00Z' }).execute()
  const removed = await eraseOrganisationContacts(app.db, org, { id: 'u', email: 'dpo@example.org' })
  t.same(removed, { contacts: 1, links: 1, emails: 1 })
  t.equal((await app.db.selectFrom('contacts').select('id').where('organisation_id', '=', org).execute()).length, 0)
  t.equal((await app.inject(`/r/${wave.tokens.E06000001}`)).statusCode, 404, 'the old link no longer exists')
  const email = await app.db.selectFrom('outbox').selectAll().where('organisation_id', '=', org).executeTakeFirstOrThrow()
  t.same([email.to_address, email.text_body], ['[erased]', '[erased]'])
  const invitations = await app.db.selectFrom('invitations').selectAll().where('organisation_id', '=', org).execute()
  t.notMatch(JSON.stringify(invitations), 'contact-e06000001@example.org')
  t.same(await app.db.selectFrom('link_tokens').select('token_hash').where('invitation_id', 'in', invitations.map((i) => i.id)).execute(), [], 'no link of theirs is kept, hashed or not')
  t.ok((await app.db.selectFrom('link_tokens').select('token_hash').execute()).length > 0, "the other organisation's link is kept")
  const record = await app.db.selectFrom('audit_log').selectAll().where('action', '=', 'erasure_organisation_contacts').executeTakeFirstOrThrow()
  t.equal(record.user_email, 'dpo@example.org')
  t.match(record.details_json, '"contacts":1')
  t.notMatch(record.details_json, '@example.org"', 'the record says what was removed, not the data')
})

t.test('erasing a wave deletes its links, responses, answers and e-mails; from the browser it needs a typed confirmation', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const wave = await openTestWave(app)
  await submitAnswers(app, wave.waveId, wave.organisationIds.E06000001, { respondent_role: { code: 1 } })
  const cookie = await signIn(app)
  const s = await formSession(app, `/admin/waves/${wave.waveId}`, cookie)
  const unconfirmed = await app.inject({ method: 'POST', url: `/admin/waves/${wave.waveId}/erase`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie }, payload: form({ _csrf: s.token, confirm: 'yes' }) })
  t.equal(unconfirmed.statusCode, 400)
  t.match(unconfirmed.body, 'Type erase to confirm')
  const confirmed = await app.inject({ method: 'POST', url: `/admin/waves/${wave.waveId}/erase`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie }, payload: form({ _csrf: s.token, confirm: 'erase' }) })
  t.equal(confirmed.statusCode, 303)
  for (const table of ['waves', 'invitations', 'link_tokens', 'responses', 'answer_values', 'asked_questions', 'outbox'] as const) {
    t.equal((await app.db.selectFrom(table).selectAll().execute()).length, 0, `${table} is empty`)
  }
  t.equal((await app.inject(`/r/${wave.tokens.E06000002}`)).statusCode, 404)
  const record = await app.db.selectFrom('audit_log').selectAll().where('action', '=', 'erasure_wave').executeTakeFirstOrThrow()
  t.match(record.details_json, '"responses":2')
  await t.rejects(eraseWave(app.db, wave.waveId, null), /No such wave/)
})
