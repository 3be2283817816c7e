// (9) Bringing in a past wave at scale: a file of BENCH_IMPORT_WAVE authorities (default 10,000)
// of the 2015-16 local authority survey, uploaded through the team's page on a server of its
// own: the upload, the check of every cell (the page with the counts and a sample), and the
// import itself (one transaction writing the responses, their answers and facts), each timed, and
// the server's peak resident memory.
import { performance } from 'node:perf_hooks'
import { join, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { buildApp } from '../src/app.js'
import { configFromEnv } from '../src/config.js'
import { startSession } from '../src/accounts/sessions.js'
import { createUser } from '../src/accounts/users.js'
import { newId } from '../src/db/ids.js'
import { startServer } from '../test/helpers/server-process.js'
import { residentMb } from './process-memory.js'
import { excelUtf8Csv } from '../test/helpers/excel-files.js'
import { authorityCode, pastWaveRows } from '../test/helpers/past-wave-file.js'

export async function measureImportWave(dir: string, count: number): Promise<string> {
  const dbFile = join(dir, 'import-wave.db')
  const surveysDir = resolve('surveys')
  const app = await buildApp({ ...configFromEnv({}), dataDir: dir, surveysDir, databaseUrl: `sqlite:${dbFile}`, logLevel: 'error', mailWorker: false }, { logger: { level: 'error' } })
  const cookie = `sid=${await startSession(app.db, await createUser(app.db, { email: 'import@example.org', name: 'Import', role: 'admin', password: 'benchmark password' }))}`
  await app.close()
  const db = new SQLite(dbFile)
  const insert = db.prepare("insert into organisations (id, code, name, type, attributes_json, language, created_at) values (?, ?, ?, 'local authority', '{}', 'en', ?)")
  const now = new Date().toISOString()
  db.transaction(() => {
    for (let i = 1; i <= count; i++) insert.run(newId(), authorityCode(i), `Authority ${i}`, now)
  })()
  db.close()

  const server = await startServer({ DATABASE_URL: `sqlite:${dbFile}`, SURVEYS_DIR: surveysDir, DATA_DIR: dir, LOG_LEVEL: 'error', MAIL_WORKER: 'false', SCHEDULE_WORKER: 'false', NODE_ENV: 'production' })
  try {
    const form = await fetch(`${server.url}/admin/imports`, { headers: { cookie } })
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]
    const cookies = [cookie, ...form.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ')
    const file = excelUtf8Csv(pastWaveRows(count))
    const body = new FormData()
    body.set('_csrf', csrf)
    body.set('version', 'la-release-social-care/2015-16')
    body.set('label', '2015-16')
    body.set('file', new Blob([new Uint8Array(file)], { type: 'text/csv' }), 'past-wave.csv')
    const before = residentMb(server.child.pid!)
    const started = performance.now()
    const uploaded = await fetch(`${server.url}/admin/imports`, { method: 'POST', body, headers: { cookie: cookies }, redirect: 'manual' })
    if (uploaded.status !== 303) throw new Error(`past wave upload: ${uploaded.status} ${(await uploaded.text()).slice(0, 500)}`)
    const checkUrl = `${server.url}${uploaded.headers.get('location')}`
    const afterUpload = performance.now()
    const check = await fetch(checkUrl, { headers: { cookie: cookies } })
    const page = await check.text()
    if (check.status !== 200) throw new Error(`past wave check: ${check.status} ${page.slice(0, 500)}`)
    const afterCheck = performance.now()
    const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]
    const imported = await fetch(checkUrl, { method: 'POST', body: new URLSearchParams({ _csrf: token }), headers: { cookie: cookies }, redirect: 'manual' })
    if (imported.status !== 303) throw new Error(`past wave import: ${imported.status} ${(await imported.text()).slice(0, 500)}`)
    const done = performance.now()
    const memory = residentMb(server.child.pid!)
    const seconds = (ms: number) => (ms / 1000).toFixed(1)
    return `(9) import of a past wave of ${count} organisations (${(file.length / 1e6).toFixed(1)} MB of CSV, 2015-16 survey) through the team's pages: ${seconds(done - started)} s (upload ${seconds(afterUpload - started)} s, check of every cell ${seconds(afterCheck - afterUpload)} s, import ${seconds(done - afterCheck)} s); server's peak resident memory ${memory.peak.toFixed(0)} MiB (${before.now.toFixed(0)} MiB before)`
  } finally {
    await server.kill()
  }
}
