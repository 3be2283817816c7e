// A wave's questionnaire must stay what it was: the server refuses to start when a version a wave
// locked was edited, or when a wave's version has no file any more (renamed, removed), and says
// which wave and which version. `validate` reports the same against a configured database.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { runCli } from '../../src/cli.js'
import { openDatabase } from '../../src/db/database.js'
import { DefinitionError } from '../../src/questionnaire/problems.js'
import { createWave } from '../../src/waves/waves.js'
import { copySurveys, REAL_SURVEYS, testConfig } from '../helpers/app.js'
import { sqlite, testDatabases, type TestDatabase } from '../helpers/databases.js'
import { startServer } from '../helpers/server-process.js'

const { databases, skipped } = testDatabases()
if (skipped) t.comment(skipped)

const PRISON_FILE = join('prison-peer-social-care', '2024.yaml')

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, (l) => out.push(l), (l) => err.push(l), env)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

async function refusal(config: Parameters<typeof buildApp>[0]): Promise<DefinitionError> {
  const err = await buildApp(config, { logger: false }).then(
    async (app) => {
      await app.close()
      throw new Error('the server must not start')
    },
    (e: unknown) => e,
  )
  if (!(err instanceof DefinitionError)) throw err
  return err
}

/** A surveys folder, a database with the versions registered, and two waves of the prison survey. */
async function withWaves(t: Test, database: TestDatabase = sqlite) {
  const config = await testConfig(t, { surveysDir: copySurveys(t, REAL_SURVEYS) }, database)
  const app = await buildApp(config, { logger: false })
  await createWave(app.db, { surveyId: 'prison-peer-social-care', version: '2024', label: 'Prisons 2024', teamName: 'T', teamEmail: 't@example.org' })
  await createWave(app.db, { surveyId: 'prison-peer-social-care', version: '2024', label: 'Prisons 2024 (Wales)', teamName: 'T', teamEmail: 't@example.org', status: 'draft' })
  await app.close()
  return config
}

for (const database of databases) {
  t.test(`${database.kind}: start-up names the waves and the version`, async (t) => {
    t.test('a version renamed after a wave used it stops the server, naming the wave and the version', async (t) => {
      const config = await withWaves(t, database)
      const file = join(config.surveysDir, PRISON_FILE)
      writeFileSync(join(config.surveysDir, 'prison-peer-social-care', '2025.yaml'), readFileSync(file, 'utf8').replace('version: "2024"', 'version: "2025"'))
      rmSync(file)
      const err = await refusal(config)
      t.match(err.message, 'prison-peer-social-care/2024.yaml:1:1 the waves "Prisons 2024" and "Prisons 2024 (Wales)" use version 2024 of prison-peer-social-care, which no definition file has any more (missing or renamed)')
      t.match(err.message, 'put the file back as')
      t.equal(err.problems.length, 1, 'one problem for the version, however many waves use it')

      renameSync(join(config.surveysDir, 'prison-peer-social-care', '2025.yaml'), file)
      writeFileSync(file, readFileSync(file, 'utf8').replace('version: "2025"', 'version: "2024"'))
      const app = await buildApp(config, { logger: false })
      t.pass('with the file back, the server starts')
      await app.close()
    })

    t.test('a locked version edited afterwards is refused, naming every wave that used it', async (t) => {
      const config = await withWaves(t, database)
      const file = join(config.surveysDir, PRISON_FILE)
      writeFileSync(file, readFileSync(file, 'utf8').replace(/required: false/, 'required: true'))
      const err = await refusal(config)
      t.match(err.message, /prison-peer-social-care\/2024\.yaml:1:1 version 2024 of prison-peer-social-care has been used by the waves "Prisons 2024" and "Prisons 2024 \(Wales\)" \(since \d{4}-\d\d-\d\d\) and can no longer change/)
    })

    t.test('a lock taken under an earlier way of hashing holds when the meaning is the same', async (t) => {
      const config = await withWaves(t, database)
      const { db } = openDatabase(config.databaseUrl)
      t.teardown(() => db.destroy())
      const where = (q: any) => q.where('survey_id', '=', 'prison-peer-social-care').where('version', '=', '2024')
      const before = await where(db.selectFrom('questionnaire_versions').select('content_hash')).executeTakeFirstOrThrow()
      // As an older release would have stored it: another hash of the same definition.
      await where(db.updateTable('questionnaire_versions').set({ content_hash: 'f'.repeat(64) })).execute()
      const app = await buildApp(config, { logger: false })
      await app.close()
      const after = await where(db.selectFrom('questionnaire_versions').select(['content_hash', 'locked_by'])).executeTakeFirstOrThrow()
      t.same(after, { content_hash: before.content_hash, locked_by: 'wave "Prisons 2024"' }, 'the lock holds the hash of today')
    })
  })
}

t.test('the real server process stops at start-up with the wave and the version in its message', async (t) => {
  const config = await withWaves(t)
  rmSync(join(config.surveysDir, PRISON_FILE))
  const failed = await startServer({ DATABASE_URL: config.databaseUrl, SURVEYS_DIR: config.surveysDir, MAIL_WORKER: 'false', SCHEDULE_WORKER: 'false' }).then(
    async (server) => {
      await server.kill()
      return undefined
    },
    (err: Error) => err,
  )
  t.ok(failed, 'the server does not start')
  t.match(failed!.message, 'The server exited (1)')
  t.match(failed!.message, 'The server did not start.')
  t.match(failed!.message, 'the waves "Prisons 2024" and "Prisons 2024 (Wales)" use version 2024 of prison-peer-social-care')
})

t.test('validate checks the versions locked in a configured database', async (t) => {
  const config = await withWaves(t)
  const env = { SURVEYS_DIR: config.surveysDir, DATABASE_URL: config.databaseUrl }
  const versionRows = async () => {
    const { db } = openDatabase(config.databaseUrl)
    const rows = await db.selectFrom('questionnaire_versions').select(['survey_id', 'version', 'content_hash', 'definition_json']).orderBy('survey_id').orderBy('version').execute()
    await db.destroy()
    return rows
  }
  const before = await versionRows()
  const fine = await cli(['validate'], env)
  t.equal(fine.code, 0, fine.err)
  t.match(fine.out, "OK against the database")
  t.match(fine.out, "1 locked version unchanged, and every wave's version has its file.")

  const file = join(config.surveysDir, PRISON_FILE)
  const original = readFileSync(file, 'utf8')
  writeFileSync(file, original.replace(/required: false/, 'required: true'))
  const edited = await cli(['validate'], env)
  t.equal(edited.code, 1)
  t.match(edited.out, 'OK: 2 surveys, 3 versions valid', 'the files themselves are valid')
  t.match(edited.err, 'version 2024 of prison-peer-social-care has been used by the waves "Prisons 2024" and "Prisons 2024 (Wales)"')
  t.match(edited.err, '1 error against the database')

  rmSync(file)
  const missing = await cli(['validate'], env)
  t.equal(missing.code, 1)
  t.match(missing.err, 'the waves "Prisons 2024" and "Prisons 2024 (Wales)" use version 2024 of prison-peer-social-care, which no definition file has any more')

  writeFileSync(file, original)
  // A version no wave locked, reworded: starting the server would register its new hash and text; validating must not.
  const unlocked = join(config.surveysDir, 'la-release-social-care', '2020.yaml')
  writeFileSync(unlocked, readFileSync(unlocked, 'utf8').replace(/^title: (.*)$/m, 'title: $1 (reworded)'))
  t.equal((await cli(['validate'], env)).code, 0, 'the file restored is valid again, and the reworded unlocked version too')
  t.same(await versionRows(), before, 'validating wrote nothing to the database')

  const unreachable = await cli(['validate'], { SURVEYS_DIR: config.surveysDir, DATABASE_URL: 'postgres://nobody:wrong@127.0.0.1:1/nothing' })
  t.equal(unreachable.code, 1, 'a database that cannot be reached is not "OK"')
  t.match(unreachable.err, 'Could not check against the database')
  t.notMatch(unreachable.out, 'OK against the database')
})

t.test('validate without a database configured checks the files only and creates no database', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'validate-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const result = await cli(['validate'], { DATA_DIR: dir })
  t.equal(result.code, 0)
  t.notMatch(result.out, 'database')
  t.notOk(existsSync(join(dir, 'survey.db')))
  const named = await cli(['validate'], { DATABASE_URL: `sqlite:${join(dir, 'none.db')}` })
  t.equal(named.code, 0)
  t.match(named.out, 'No database at')
  t.notOk(existsSync(join(dir, 'none.db')), 'a database named but not there is not created')
})
