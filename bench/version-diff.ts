// (7) The changes page of a large pair of versions, each file near the 1 MB limit: the first
// request works the changes out, the second finds them kept. Measured on a server of its own.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from '../src/app.js'
import { startSession } from '../src/accounts/sessions.js'
import { createUser } from '../src/accounts/users.js'
import { configFromEnv } from '../src/config.js'
import { startServer } from '../test/helpers/server-process.js'
import { residentMb } from './process-memory.js'

const PER_PAGE = 100

/** Version 1, or version 2 with every page's questions in reverse order, every 10th reworded and every 20th with two options merged. */
function versionYaml(version: 1 | 2, count: number): string {
  const lines = [`survey: large`, `version: "${version}"`, ...(version === 2 ? ['previous: "1"'] : []), 'title: A large questionnaire', 'sections:', '  - id: main', '    title: Main', '    pages:']
  for (let page = 0; page * PER_PAGE < count; page++) {
    lines.push(`      - id: p${page}`, '        questions:')
    const ids = Array.from({ length: Math.min(PER_PAGE, count - page * PER_PAGE) }, (_, i) => page * PER_PAGE + i)
    for (const i of version === 2 ? ids.reverse() : ids) {
      const reworded = version === 2 && i % 10 === 0
      const merged = version === 2 && i % 20 === 0
      const options = merged ? '[{ code: 1, label: One }, { code: 2, label: Two or three }]' : '[{ code: 1, label: One }, { code: 2, label: Two }, { code: 3, label: Three }]'
      const lineage = [reworded ? 'reworded: true' : '', merged ? 'recode: { 3: 2 }' : ''].filter(Boolean).join(', ')
      lines.push(`          - { id: q${i}, type: single_choice, text: "Question ${i}: how many of the people you assessed ${reworded ? 'last year' : 'this year'} needed care?", options: ${options}${lineage ? `, lineage: { ${lineage} }` : ''} }`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** `server`: which server script to run (the compiled build, as every other measure). */
export async function measureVersionDiff(dir: string, count: number, server: Parameters<typeof startServer>[1]): Promise<string> {
  const surveysDir = join(dir, 'diff-surveys')
  mkdirSync(join(surveysDir, 'large'), { recursive: true })
  const sizes = ([1, 2] as const).map((version) => {
    const text = versionYaml(version, count)
    writeFileSync(join(surveysDir, 'large', `${version}.yaml`), text)
    return text.length
  })
  const databaseUrl = `sqlite:${join(dir, 'diff.db')}`
  const app = await buildApp({ ...configFromEnv({}), surveysDir, databaseUrl, logLevel: 'error', mailWorker: false }, { logger: { level: 'error' } })
  const cookie = `sid=${await startSession(app.db, await createUser(app.db, { email: 'diff@example.org', name: 'Diff', role: 'analyst', password: 'benchmark password' }))}`
  await app.close()
  const running = await startServer({ DATABASE_URL: databaseUrl, SURVEYS_DIR: surveysDir, DATA_DIR: dir, LOG_LEVEL: 'error', MAIL_WORKER: 'false', NODE_ENV: 'production' }, server)
  try {
    const before = residentMb(running.child.pid!).peak
    const timed = async () => {
      const started = performance.now()
      const res = await fetch(`${running.url}/surveys/large/2/changes`, { headers: { cookie } })
      const body = await res.text()
      if (!res.ok || !body.includes('Questions reworded')) throw new Error(`changes page: ${res.status}`)
      return (performance.now() - started) / 1000
    }
    const first = await timed()
    const second = await timed()
    const peak = residentMb(running.child.pid!).peak
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2)
    return `(7) changes page of two versions of ${count} questions (${mb(sizes[0])} MB and ${mb(sizes[1])} MB): first request ${first.toFixed(2)} s, second ${(second * 1000).toFixed(0)} ms (kept); server's peak resident memory ${peak.toFixed(0)} MiB (${before.toFixed(0)} MiB before)`
  } finally {
    await running.kill()
  }
}
