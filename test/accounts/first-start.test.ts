// First start of the real server: with no accounts, the one-time setup link is a plain line a
// person reads at once, not buried in a JSON log record, and it opens the setup page.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { startServer } from '../helpers/server-process.js'

t.test('the setup link is printed as a plain line and works', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'first-start-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // The default log level, as someone typing "npm start" has it.
  const server = await startServer({ DATA_DIR: dir, MAIL_WORKER: 'false', LOG_LEVEL: 'info' })
  t.teardown(() => server.kill())
  const deadline = Date.now() + 10_000
  while (!server.output().includes('/setup/') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  const lines = server.output().split('\n')
  const line = lines.find((l) => l.includes('/setup/'))
  t.ok(line, 'a line names the setup link')
  const match = /^No accounts yet\. Create the first admin at: (http:\/\/localhost:\d+)\/setup\/([A-Za-z0-9_-]{43})$/.exec(line ?? '')
  t.ok(match, `the whole line is the sentence and the link, not JSON: ${line}`)
  t.notOk(lines.some((l) => l.startsWith('{') && l.includes('/setup/')), 'no JSON log record carries it')
  const page = await fetch(`${server.url}/setup/${match![2]}`)
  t.equal(page.status, 200)
  t.match(await page.text(), 'Create the first admin')
})
