// Prepared queries are compiled once and replayed with new values: the replay must give exactly
// what the builder would, on both databases, for every shape of argument, inside transactions too.
import t from 'tap'
import { prepared } from '../../src/db/prepared.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { testDatabases } from '../helpers/databases.js'

const { databases, skipped } = testDatabases()
if (skipped) t.test('prepared queries on postgres', { skip: skipped }, async () => {})

const organisationsByCode = prepared((db, type: string, codes: readonly string[]) =>
  db.selectFrom('organisations').select(['code', 'name']).where('type', '=', type).where('code', 'in', codes).where('language', '!=', 'xx').orderBy('code'),
)
const rename = prepared((db, code: string, name: string) => db.updateTable('organisations').set({ name }).where('code', '=', code))

for (const database of databases) {
  t.test(`prepared queries on ${database.kind}`, async (t) => {
    const { url, cleanup } = await database.create()
    const { db } = openDatabase(url)
    t.teardown(async () => {
      await db.destroy()
      await cleanup()
    })
    await migrateToLatest(db)
    const now = new Date().toISOString()
    await db
      .insertInto('organisations')
      .values(['A', 'B', 'C', 'D'].map((code, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, code, name: `Org ${code}`, type: i % 2 ? 'prison' : 'local authority', attributes_json: '{}', language: 'en', created_at: now })))
      .execute()

    t.same((await organisationsByCode(db, 'local authority', ['A', 'B', 'C'])).rows, [{ code: 'A', name: 'Org A' }, { code: 'C', name: 'Org C' }], 'first run: compiled')
    t.same((await organisationsByCode(db, 'prison', ['B', 'C', 'D'])).rows, [{ code: 'B', name: 'Org B' }, { code: 'D', name: 'Org D' }], 'same shape, new values replayed')
    t.same((await organisationsByCode(db, 'prison', ['D'])).rows, [{ code: 'D', name: 'Org D' }], 'a shorter list is a new shape')
    t.same((await organisationsByCode(db, 'prison', ['A', 'B', 'C'])).rows, [{ code: 'B', name: 'Org B' }], 'back to the first shape with other values')
    t.same((await organisationsByCode(db, 'prison', ["B' or '1'='1"])).rows, [], 'values stay bound parameters, never SQL')

    const updated = await db.transaction().execute(async (trx) => rename(trx, 'B', 'Renamed in a transaction'))
    t.equal(Number(updated.numAffectedRows), 1, 'runs inside a transaction and reports affected rows')
    t.equal((await db.selectFrom('organisations').select('name').where('code', '=', 'B').executeTakeFirstOrThrow()).name, 'Renamed in a transaction')
    await t.rejects(
      db.transaction().execute(async (trx) => {
        await rename(trx, 'C', 'Rolled back')
        throw new Error('abort')
      }),
      /abort/,
    )
    t.equal((await db.selectFrom('organisations').select('name').where('code', '=', 'C').executeTakeFirstOrThrow()).name, 'Org C', 'a rolled-back transaction leaves nothing')

    const byCode = prepared((db, code: string) => db.selectFrom('organisations').select('name').where('code', '=', code))
    const seenDuringTransaction = await db.transaction().execute(async (trx) => {
      await rename(trx, 'D', 'Not committed yet')
      const insideTransaction = (await byCode(trx, 'D')).rows[0]?.name
      // On SQLite this would wait for the transaction's connection forever without a reader.
      const outside = (await byCode(db, 'D')).rows[0]?.name
      return { insideTransaction, outside }
    })
    t.same(seenDuringTransaction, { insideTransaction: 'Not committed yet', outside: 'Org D' }, 'a read outside a transaction neither waits for it nor sees its uncommitted writes; the transaction sees its own')
    t.equal((await byCode(db, 'D')).rows[0]?.name, 'Not committed yet', 'once committed, every read sees it')

    const dropsItsArgument = prepared((db, code: string) => db.selectFrom('organisations').select('code').where('code', '=', code.toLowerCase()))
    await t.rejects(dropsItsArgument(db, 'A'), /argument 0 did not reach the SQL as a bound value/, 'a builder that transforms its argument is refused, not replayed wrongly')
  })
}
