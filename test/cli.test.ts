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
