// The same migrations and queries on SQLite and on PostgreSQL: questionnaire versions are
// recorded with their content hash, and a version a wave has used can never silently change.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { DefinitionError } from '../../src/questionnaire/problems.js'
import { lockVersion, registeredVersions, registerVersions } from '../../src/surveys/version-registry.js'
import { copySurveys, REAL_SURVEYS, testConfig } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const { databases, skipped } = testDatabases()
// Shown as a skipped test in the counts, so a run without PostgreSQL cannot pass for a full one.
if (skipped) t.test('storage on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`storage on ${database.kind}`, async (t) => {
    t.test('migrations run, and running them again changes nothing', async (t) => {
      const { url, cleanup } = await database.create()
      t.teardown(cleanup)
      const { db, kind } = openDatabase(url)
      t.teardown(() => db.destroy())
      t.equal(kind, database.kind)
      const first = await migrateToLatest(db)
      t.ok(first.length >= 1 && first.every((r) => r.status === 'Success'), 'all migrations applied')
      t.same(await migrateToLatest(db), [], 'nothing left to apply')
      const tables = await db.introspection.getTables()
      t.ok(tables.some((table) => table.name === 'questionnaire_versions'))
    })

    t.test('every loaded version is recorded once, even when two processes start together', async (t) => {
      const { url, cleanup } = await database.create()
      const a = openDatabase(url)
      const b = openDatabase(url)
      t.teardown(async () => {
        await a.db.destroy()
        await b.db.destroy()
        await cleanup()
      })
      await migrateToLatest(a.db)
      const { catalogue } = loadCatalogue(REAL_SURVEYS)
      // Several app processes share one database only on PostgreSQL, so only there do the two
      // registrations race; SQLite (one process by design) gets the second start after the first.
      const results =
        database.kind === 'postgres'
          ? await Promise.all([registerVersions(a.db, catalogue!), registerVersions(b.db, catalogue!)])
          : [await registerVersions(a.db, catalogue!), await registerVersions(b.db, catalogue!)]
      t.same(results, [[], []], 'no problems for either process')
      const rows = await registeredVersions(a.db)
      t.same(rows.map((r) => `${r.survey_id} ${r.version}`).sort(), ['la-release-social-care 2015-16', 'la-release-social-care 2020', 'prison-peer-social-care 2024'])
      const stored = await a.db.selectFrom('questionnaire_versions').select(['definition_json', 'content_hash']).where('version', '=', '2020').executeTakeFirstOrThrow()
      t.equal(JSON.parse(stored.definition_json).version, '2020', 'the definition itself is kept')
      t.equal(stored.content_hash, catalogue!.find('la-release-social-care', '2020')!.contentHash)
    })

    t.test('an unused version may change; a version used by a wave may not', async (t) => {
      const config = await testConfig(t, { surveysDir: copySurveys(t, REAL_SURVEYS) }, database)
      const file = join(config.surveysDir, 'la-release-social-care', '2015-16.yaml')
      const original = readFileSync(file, 'utf8')

      const first = await buildApp(config, { logger: false })
      await first.close()

      writeFileSync(file, original.replace('Which team or service do you work in?', 'Which team do you work in?'))
      const second = await buildApp(config, { logger: false })
      const { db } = openDatabase(config.databaseUrl)
      t.teardown(() => db.destroy())
      const before = (await registeredVersions(db)).find((r) => r.version === '2015-16')!
      t.equal(before.locked_at, null)
      await lockVersion(db, 'la-release-social-care', '2015-16', 'wave "2015/16"')
      await second.close()

      writeFileSync(file, original)
      const refused = await buildApp(config, { logger: false }).then(
        () => t.fail('the server must not start'),
        (err: unknown) => err,
      )
      t.type(refused, DefinitionError)
      t.match((refused as Error).message, /la-release-social-care\/2015-16\.yaml:1:1 version 2015-16 of la-release-social-care has been used by wave "2015\/16" .* and can no longer change.*new version/s)

      writeFileSync(file, original.replace('Which team or service do you work in?', 'Which team do you work in?'))
      const restored = await buildApp(config, { logger: false })
      t.pass('with the used content restored, the server starts again')
      await restored.close()
      const after = (await registeredVersions(db)).find((r) => r.version === '2015-16')!
      t.equal(after.content_hash, before.content_hash, 'the locked hash is unchanged')
      t.equal(after.locked_by, 'wave "2015/16"')
    })

    t.test('locking an unknown version is an error; locking twice keeps the first lock', async (t) => {
      const { url, cleanup } = await database.create()
      t.teardown(cleanup)
      const { db } = openDatabase(url)
      t.teardown(() => db.destroy())
      await migrateToLatest(db)
      await registerVersions(db, loadCatalogue(REAL_SURVEYS).catalogue!)
      await t.rejects(lockVersion(db, 'la-release-social-care', '1999', 'wave x'), /No questionnaire version la-release-social-care 1999/)
      await lockVersion(db, 'prison-peer-social-care', '2024', 'first wave', new Date('2026-01-01T00:00:00Z'))
      await lockVersion(db, 'prison-peer-social-care', '2024', 'second wave', new Date('2026-06-01T00:00:00Z'))
      const row = (await registeredVersions(db)).find((r) => r.version === '2024')!
      t.same([row.locked_by, row.locked_at], ['first wave', '2026-01-01T00:00:00.000Z'])
    })
  })
}
