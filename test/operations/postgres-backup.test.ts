// The README's PostgreSQL backup recipe, as written there: pg_dump --format=custom from the live
// database, pg_restore into a new empty one, the app pointed at it reads the same answers.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { buildTestApp, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { submitAnswers } from '../helpers/responses.js'
import { openTestWave } from '../helpers/waves.js'

const run = promisify(execFile)
const BIN = '/usr/lib/postgresql/15/bin'
const { databases, skipped } = testDatabases()
const postgres = databases.find((d) => d.kind === 'postgres')

t.test('pg_dump and pg_restore as the README says: the restored database gives the same answers', { skip: postgres ? false : skipped }, async (t) => {
  const live = await buildTestApp(t, { mailWorker: false, scheduleWorker: false }, postgres!)
  const wave = await openTestWave(live)
  await submitAnswers(live, wave.waveId, wave.organisationIds.E06000001, { respondent_role: { code: 1 }, respondent_team: { value: 'Tîm Gofal Cymdeithasol, "Adults" team' }, prisons_in_area: { value: 0 } })
  await submitAnswers(live, wave.waveId, wave.organisationIds.E06000002, { respondent_role: { code: 2 }, respondent_team: { value: 'Reablement' }, prisons_in_area: { value: 2 } })
  const rawCsv = async (app: typeof live) => {
    const res = await app.inject({ url: `/admin/analysis/waves/${wave.waveId}/raw.csv`, headers: { cookie: await signIn(app, 'analyst') } })
    t.equal(res.statusCode, 200)
    return res.body
  }
  const before = await rawCsv(live)
  t.match(before, 'Tîm Gofal Cymdeithasol, ""Adults"" team', 'the live wave has the answers typed')

  const dir = mkdtempSync(join(tmpdir(), 'pg-backup-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dump = join(dir, 'survey.dump')
  await run(join(BIN, 'pg_dump'), ['--format=custom', `--file=${dump}`, live.config.databaseUrl])
  t.ok(statSync(dump).size > 10_000, `a dump of ${statSync(dump).size} bytes`)

  const fresh = await postgres!.create()
  t.teardown(fresh.cleanup)
  await run(join(BIN, 'pg_restore'), ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${fresh.url}`, dump])
  const restored = await buildApp({ ...live.config, databaseUrl: fresh.url }, { logger: false })
  t.teardown(() => restored.close())
  t.equal((await restored.inject('/health')).json().migrations, 'ok', 'the restored schema is current: nothing to migrate')
  t.equal(await rawCsv(restored), before, 'the raw data downloaded from the restored database is the same, byte for byte')
  const links = await restored.inject(`/r/${wave.tokens.E06000002}`)
  t.not(links.statusCode, 404, 'the organisations\' links still open their responses')
})
