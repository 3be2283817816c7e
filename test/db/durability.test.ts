// SQLite commits are synced: an acknowledged save must survive power loss, not only a crash.
import t from 'tap'
import { sql } from 'kysely'
import { openDatabase } from '../../src/db/database.js'
import { sqlite } from '../helpers/databases.js'

t.test('SQLite runs in WAL mode with synchronous=FULL', async (t) => {
  const { url, cleanup } = await sqlite.create()
  t.teardown(cleanup)
  const { db } = openDatabase(url)
  t.teardown(() => db.destroy())
  const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(db)
  t.equal(mode.rows[0].journal_mode, 'wal')
  // 2 is FULL (0 OFF, 1 NORMAL, 3 EXTRA).
  const synchronous = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)
  t.equal(synchronous.rows[0].synchronous, 2)
})
