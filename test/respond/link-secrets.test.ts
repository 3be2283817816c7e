// Personal links are kept only as keyed hashes: a copy of the database (a backup, a dump) opens no
// link and does not even contain one, while the link each e-mail carries works. Run on SQLite and
// PostgreSQL, with e-mail over real SMTP on loopback.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { sql, type Kysely } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { openDatabase, sqlitePathFrom } from '../../src/db/database.js'
import { newId } from '../../src/db/ids.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { migrateUpTo } from '../../src/db/migrate.js'
import type { Database } from '../../src/db/schema.js'
import { hashLinkToken } from '../../src/respond/link-tokens.js'
import { launchWave } from '../../src/waves/waves.js'
import { FIXTURES, form, formSession, REAL_SURVEYS, signIn, testConfig } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { startSmtp } from '../helpers/smtp.js'
import { openTestWave } from '../helpers/waves.js'

const TOKEN = /\/r\/([A-Za-z0-9_-]{43})/
const key = () => randomBytes(32).toString('base64')

/** Every value of every table, as text: what a copy of the database gives whoever holds it. */
async function everyStoredValue(db: Kysely<Database>, kind: string): Promise<string[]> {
  const tables =
    kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(db)).rows.map((r) => r.name)
  const values: string[] = []
  for (const table of tables) {
    for (const row of (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows) {
      for (const value of Object.values(row)) if (value !== null && value !== undefined) values.push(String(value))
    }
  }
  return values
}

const { databases, skipped } = testDatabases()
if (skipped) t.test('link secrets on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`a copy of the database opens no link, and the e-mailed links work (${database.kind})`, async (t) => {
    const smtp = await startSmtp()
    t.teardown(() => smtp.close())
    const config = await testConfig(t, { smtpUrl: smtp.url, mailWorker: false, linkTokenKey: key() }, database)
    const app = await buildApp(config, { logger: false })
    t.teardown(() => app.close())
    const wave = await openTestWave(app, { organisations: ['W1', 'W2', 'W3'] })
    await app.db.updateTable('waves').set({ status: 'draft' }).where('id', '=', wave.waveId).execute()
    await launchWave(app.db, wave.waveId, { catalogue: app.catalogue })
    t.same(await app.sendMail(), { sent: 3, failed: 0, retrying: 0 })
    const mailed = smtp.received.map((m) => TOKEN.exec(m.text ?? '')![1])
    t.equal(new Set(mailed).size, 3, 'each organisation’s e-mail carries a link of its own')

    for (const token of mailed) t.equal((await app.inject(`/r/${token}`)).statusCode, 200, 'the link in the e-mail opens its response')

    const stored = await everyStoredValue(app.db, database.kind)
    const links = [...mailed, ...Object.values(wave.tokens)]
    t.same(links.filter((token) => stored.some((value) => value.includes(token))), [], 'no link, e-mailed or made for the team, is anywhere in the database')
    if (database.kind === 'sqlite') {
      const file = sqlitePathFrom(config.databaseUrl)
      const bytes = Buffer.concat([readFileSync(file), readFileSync(`${file}-wal`)]).toString('latin1')
      t.same(links.filter((token) => bytes.includes(token)), [], 'nor in the bytes of the database file and its write-ahead log')
    }
    const hashes = (await app.db.selectFrom('link_tokens').select('token_hash').execute()).map((r) => r.token_hash)
    t.equal(hashes.length, 6, 'one hash for each link made: three for the team’s helper, three e-mailed')
    for (const value of [...hashes, ...(await app.db.selectFrom('invitations').select('id').execute()).map((r) => r.id)]) {
      t.equal((await app.inject(`/r/${value}`)).statusCode, 404, `what the database holds (${value.slice(0, 8)}…) is not a link`)
    }
    // Each hash names its link only with the key: the first link's hash is HMAC-SHA-256 of its token.
    t.ok(hashes.includes(hashLinkToken(app.linkTokenKey, mailed[0])), 'the stored value is the keyed hash of the link')

    // The same database with another key (a copy taken away, without the key) opens nothing.
    await app.close()
    const thief = await buildApp({ ...config, linkTokenKey: key() }, { logger: false })
    t.teardown(() => thief.close())
    for (const token of mailed) t.equal((await thief.inject(`/r/${token}`)).statusCode, 404, 'without the key, the e-mailed link opens nothing')
  })

  t.test(`messages and links of an earlier version are converted on upgrade (${database.kind})`, async (t) => {
    const config = await testConfig(t, { linkTokenKey: key(), mailWorker: false, surveysDir: `${FIXTURES}/surveys-bilingual` }, database, { empty: true })
    // The database as the version before 0010 left it: links in clear, in the table and in e-mails.
    const { db } = openDatabase(config.databaseUrl)
    await migrateUpTo(db, {}, '0009_deadlines_end_of_uk_day')
    // The version the wave uses, registered as that version of the app did (today's registry reads later columns).
    const version = loadCatalogue(config.surveysDir).catalogue!.find('welsh-prisons', '1')!
    const registered = new Date().toISOString()
    await db.insertInto('questionnaire_versions').values({ survey_id: 'welsh-prisons', version: '1', content_hash: version.contentHash, source_file: version.file, definition_json: JSON.stringify(version.definition), registered_at: registered, updated_at: registered, locked_at: null, locked_by: null }).execute()
    const old = db as unknown as Kysely<any>
    const now = new Date().toISOString()
    const [organisation, waveId] = [newId(), newId()]
    await old.insertInto('organisations').values({ id: organisation, code: 'W1', name: 'HMP Example', type: 'prison', attributes_json: '{}', language: 'en', created_at: now }).execute()
    await old.insertInto('waves').values({ id: waveId, survey_id: 'welsh-prisons', version: '1', label: '2026', status: 'open', team_name: 'Study', team_email: 'study@example.org', created_at: now, messages_json: '{}' }).execute()
    const [active, replaced] = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')]
    await old.insertInto('invitations').values({ id: newId(), wave_id: waveId, organisation_id: organisation, token: replaced, status: 'revoked', created_at: now, revoked_at: now }).execute()
    await old.insertInto('invitations').values({ id: newId(), wave_id: waveId, organisation_id: organisation, token: active, status: 'active', created_at: now }).execute()
    await old.insertInto('responses').values({ id: newId(), wave_id: waveId, organisation_id: organisation, status: 'not_started', reference: 'ABCD-EFGH', created_at: now, updated_at: now }).execute()
    const message = (id: string, status: string, token: string) => ({
      id,
      dedupe_key: id,
      kind: 'invitation',
      wave_id: waveId,
      organisation_id: organisation,
      to_address: 'governor@prison.example',
      subject: 'Please respond',
      text_body: `Dear Governor, http://localhost:3000/r/${token} — see also https://example.org/r/${'Q'.repeat(43)}`,
      html_body: `<a href="http://localhost:3000/r/${token}">http://localhost:3000/r/${token}</a>`,
      status,
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    })
    await old.insertInto('outbox').values([message(newId(), 'sent', replaced), message(newId(), 'queued', active)]).execute()
    await db.destroy()

    const smtp = await startSmtp()
    t.teardown(() => smtp.close())
    const app = await buildApp({ ...config, smtpUrl: smtp.url, publicUrl: 'https://survey.example.org' }, { logger: false })
    t.teardown(() => app.close())
    const stored = await everyStoredValue(app.db, database.kind)
    t.same([active, replaced].filter((token) => stored.some((value) => value.includes(token))), [], 'no link in clear is left in the database')
    t.ok(stored.some((v) => v.includes(`/r/${'Q'.repeat(43)}`)), 'an address that is not one of the links is left as it was')
    t.equal((await app.inject(`/r/${active}`)).statusCode, 200, 'the link sent before the upgrade still opens the response')
    t.equal((await app.inject(`/r/${replaced}`)).statusCode, 410, 'the replaced one still says it was replaced')

    t.same(await app.sendMail(), { sent: 1, failed: 0, retrying: 0 }, 'the message waiting in the outbox goes out')
    const link = TOKEN.exec(smtp.received[0].text ?? '')![1]
    t.match(smtp.received[0].text, `https://survey.example.org/r/${link}`, 'with the sending server’s address and a new link')
    t.equal((await app.inject(`/r/${link}`)).statusCode, 200, 'which opens the same response')
  })
}

t.test('the team makes a link to pass on: shown once, beside the links already sent; replacing withdraws them all', async (t) => {
  const config = await testConfig(t, { linkTokenKey: key(), mailWorker: false, surveysDir: REAL_SURVEYS })
  const app = await buildApp(config, { logger: false })
  t.teardown(() => app.close())
  const wave = await openTestWave(app)
  const cookie = await signIn(app)
  const page = `/admin/waves/${wave.waveId}/organisations/${wave.organisationIds.E06000001}`
  const before = await formSession(app, page, cookie)
  t.notMatch(before.html, /\/r\/[A-Za-z0-9_-]{43}/, 'the organisation’s page shows no link')
  t.match(before.html, 'Links are not kept here')

  const made = await app.inject({ method: 'POST', url: `${page}/link`, headers: { cookie: before.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: before.token }) })
  t.equal(made.statusCode, 200)
  const shown = /<code id="issued-link">http:\/\/localhost:3000\/r\/([A-Za-z0-9_-]{43})<\/code>/.exec(made.body)
  t.ok(shown, 'the new link is shown, at PUBLIC_URL')
  t.match(made.body, 'Copy it now: it is not kept, so it cannot be shown again.')
  const again = await app.inject({ url: page, headers: { cookie } })
  t.notMatch(again.body, shown![1], 'and never again')
  t.equal((await app.inject(`/r/${shown![1]}`)).statusCode, 200, 'it opens the response')
  t.equal((await app.inject(`/r/${wave.tokens.E06000001}`)).statusCode, 200, 'and the earlier link still does')
  const audit = await app.db.selectFrom('audit_log').select(['action', 'details_json']).where('action', '=', 'link_copy_made').execute()
  t.equal(audit.length, 1, 'making it is in the audit log')
  t.notMatch(audit[0].details_json, shown![1], 'without the link')

  const s = await formSession(app, page, cookie)
  const replaced = await app.inject({ method: 'POST', url: `${page}/reissue`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token }) })
  t.equal(replaced.statusCode, 303)
  for (const token of [shown![1], wave.tokens.E06000001]) t.equal((await app.inject(`/r/${token}`)).statusCode, 410, 'after replacing, every earlier link says it was replaced')

  const analyst = await signIn(app, 'analyst')
  const refused = await app.inject({ method: 'POST', url: `${page}/link`, headers: { cookie: analyst, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token }) })
  t.equal(refused.statusCode, 403, 'an analyst cannot make one')
})
