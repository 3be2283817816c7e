// The command-line tool: validate exits non-zero on any error; diff prints the changes.
import t from 'tap'
import { runCli } from '../src/cli.js'

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, (l) => out.push(l), (l) => err.push(l), env)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

t.test('validate passes on the shipped surveys', async (t) => {
  const result = await run(['validate'])
  t.equal(result.code, 0)
  t.match(result.out, 'OK: 2 survey(s), 3 version(s) valid')
})

t.test('validate lists every problem and exits non-zero', async (t) => {
  const result = await run(['validate'], { SURVEYS_DIR: 'test/fixtures/lineage-broken' })
  t.equal(result.code, 1)
  t.equal(result.err.split('\n').filter((l) => l.startsWith('test/fixtures/lineage-broken/demo/2.yaml:')).length, 5)
  t.match(result.err, '5 error(s)')
})

t.test('diff prints what changed between two versions', async (t) => {
  const result = await run(['diff', 'la-release-social-care', '2015-16', '2020'])
  t.equal(result.code, 0)
  t.match(result.out, 'la-release-social-care: what changed from 2015-16 to 2020')
  t.match(result.out, 'release_identification <- release_process')
  const unknown = await run(['diff', 'la-release-social-care', '2015-16', '2031'])
  t.equal(unknown.code, 1)
  t.match(unknown.err, 'No version 2031')
})

t.test('an unknown command prints the usage', async (t) => {
  const result = await run(['frobnicate'])
  t.equal(result.code, 2)
  t.match(result.err, 'Usage: npm run cli -- <command>')
})

t.test('reopen finds a submitted response by its reference and opens it again', async (t) => {
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { openDatabase } = await import('../src/db/database.js')
  const dir = mkdtempSync(join(tmpdir(), 'cli-'))
  const env = { DATA_DIR: dir }
  t.equal((await run(['demo-wave'], env)).code, 0)
  const { db } = openDatabase(`sqlite:${join(dir, 'survey.db')}`)
  t.teardown(() => db.destroy())
  const response = await db.selectFrom('responses').select(['id', 'reference']).executeTakeFirstOrThrow()
  const notYet = await run(['reopen', response.reference], env)
  t.equal(notYet.code, 1)
  t.match(notYet.err, 'not started, not submitted')
  await db.updateTable('responses').set({ status: 'submitted' }).where('id', '=', response.id).execute()
  const reopened = await run(['reopen', response.reference.toLowerCase()], env)
  t.equal(reopened.code, 0)
  t.equal((await db.selectFrom('responses').select('status').where('id', '=', response.id).executeTakeFirstOrThrow()).status, 'in_progress')
  t.equal((await run(['reopen', 'ZZZZ-ZZZZ'], env)).code, 1)
})
