// npm run bench: measures the platform, compiled as production runs it, against plain baselines
// in the same run and prints the ratios, with latency percentiles (p50, p99) beside throughput,
// and (0) the server's resident memory at rest. (1) a respondent's question page against a bare Fastify route returning a page of the
// same size; (2) "Save and continue" against a bare route inserting the same row with
// better-sqlite3; (3) exporting the raw data and the statistics of a large wave against a plain
// SQL dump of the same rows; (4) the server's peak memory during the export at 10,000 and at
// 100,000 responses (each export on a freshly started server; Linux's /proc gives the peak).
// BENCH_RESPONSES (default 100000; 0 skips the exports) and BENCH_SECONDS (default 10) scale it
// down for a quick look; BENCH_PROFILE=dir writes a CPU profile of the server under load.
// (5) importing a file of 30,000 organisations through the team's page (time, the server's peak
// memory) and (6) the organisations list with those 30,000 rows under load, with the latency of
// a respondent's page requested at the same time. BENCH_ORGANISATIONS (default 30000; 0 skips).
// (7) the changes page of two versions of BENCH_DIFF_QUESTIONS questions (default 4500, files
// near the 1 MB limit; 0 skips): the first request, the second (kept), the server's peak memory.
// (8) coding a wave's free text: the coding grid and the theme table at BENCH_CODING answers
// (default 5000; 0 skips), see coding.ts.
// (9) bringing in a past wave: a file of BENCH_IMPORT_WAVE organisations (default 10000; 0 skips)
// uploaded, checked and imported through the team's pages, see import-wave.ts.
import { randomUUID } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import SQLite from 'better-sqlite3'
import { buildApp } from '../src/app.js'
import { configFromEnv } from '../src/config.js'
import { startSession } from '../src/accounts/sessions.js'
import { createUser } from '../src/accounts/users.js'
import { newId, newSecretToken, newReference } from '../src/db/ids.js'
import { hashLinkToken, issueLinkFor } from '../src/respond/link-tokens.js'
import { createOrganisation } from '../src/waves/organisations.js'
import { createWave, inviteOrganisations } from '../src/waves/waves.js'
import { startServer } from '../test/helpers/server-process.js'
import { residentMb } from './process-memory.js'
import { measureVersionDiff } from './version-diff.js'
import { measureCoding } from './coding.js'
import { measureImportWave } from './import-wave.js'

// The server measured is the compiled build production runs (`npm run bench` builds it first);
// BENCH_SERVER=src/server.ts measures it through tsx instead, for comparison.
const SERVER = { script: process.env.BENCH_SERVER ?? 'dist/src/server.js' }

const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 100_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const QUESTIONS = 60
const ORGANISATIONS = Number(process.env.BENCH_ORGANISATIONS ?? 30_000)
const DIFF_QUESTIONS = Number(process.env.BENCH_DIFF_QUESTIONS ?? 4_500)
const CODING = Number(process.env.BENCH_CODING ?? 5_000)
const IMPORT_WAVE = Number(process.env.BENCH_IMPORT_WAVE ?? 10_000)

function surveyYaml(): string {
  const questions: string[] = []
  for (let i = 0; i < QUESTIONS; i++) {
    const id = `q${i}`
    if (i % 3 === 0) questions.push(`          - { id: ${id}, type: single_choice, text: "Question ${i}", options: [{ code: 1, label: One }, { code: 2, label: Two }, { code: 3, label: Three }, { code: 9, label: "Don't know", special: dont_know }] }`)
    else if (i % 3 === 1) questions.push(`          - { id: ${id}, type: number, text: "Question ${i}", min: 0, max: 100000 }`)
    else questions.push(`          - { id: ${id}, type: long_text, text: "Question ${i}", required: false }`)
  }
  return `survey: bench\nversion: "1"\ntitle: Benchmark survey\nsections:\n  - id: main\n    title: Main\n    pages:\n      - id: first\n        questions:\n${questions.slice(0, 6).join('\n')}\n      - id: rest\n        questions:\n${questions.slice(6).join('\n')}\n`
}

async function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ connections: 10, duration: SECONDS, ...options }, (err, result) => (err ? reject(err) : resolve(result)))
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false })
  })
}

/** Fills a wave with `count` submitted responses of 60 answers each, straight into the tables. */
function generateResponses(file: string, waveId: string, count: number) {
  const db = new SQLite(file)
  db.pragma('journal_mode = WAL')
  const now = new Date().toISOString()
  const organisation = db.prepare('insert into organisations (id, code, name, type, attributes_json, language, created_at) values (?, ?, ?, ?, ?, ?, ?)')
  const response = db.prepare("insert into responses (id, wave_id, organisation_id, status, reference, created_at, updated_at, submitted_at) values (?, ?, ?, 'submitted', ?, ?, ?, ?)")
  const asked = db.prepare('insert into asked_questions (wave_id, response_id, question_id, answered) values (?, ?, ?, 1)')
  const value = db.prepare("insert into answer_values (wave_id, response_id, question_id, row_id, code, number_value, special, text_value) values (?, ?, ?, '', ?, ?, ?, ?)")
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let r = from; r < to; r++) {
      const orgId = randomUUID()
      const responseId = randomUUID()
      organisation.run(orgId, `B${waveId.slice(0, 4)}${r}`, `Organisation ${r}`, r % 2 ? 'prison' : 'local authority', JSON.stringify({ region: `Region ${r % 9}` }), 'en', now)
      response.run(responseId, waveId, orgId, `${newReference()}${r}`, now, now, now)
      for (let i = 0; i < QUESTIONS; i++) {
        asked.run(waveId, responseId, `q${i}`)
        if (i % 3 === 0) value.run(waveId, responseId, `q${i}`, (r + i) % 4 === 3 ? 9 : ((r + i) % 3) + 1, null, (r + i) % 4 === 3 ? 'dont_know' : null, null)
        else if (i % 3 === 1) value.run(waveId, responseId, `q${i}`, null, (r * 7 + i) % 1000, null, null)
        else value.run(waveId, responseId, `q${i}`, null, null, null, `Answer ${r}-${i}: staffing, accommodation and information sharing`)
      }
    }
  })
  for (let from = 0; from < count; from += 1000) insertBatch(from, Math.min(count, from + 1000))
  db.close()
}


/** Latency percentiles of a run, as autocannon measured them (milliseconds). */
function latency(run: autocannon.Result): string {
  return `p50 ${run.latency.p50} ms, p99 ${run.latency.p99} ms`
}

/** Downloads the raw data and the statistics from a server started for this export alone. */
async function measureExport(env: Record<string, string>, cookie: string, waveId: string): Promise<{ seconds: number; peakRssMb: number; idleRssMb: number }> {
  const server = await startServer(env, SERVER)
  try {
    const idle = residentMb(server.child.pid!)
    const started = performance.now()
    for (const path of ['raw.csv', 'statistics.csv']) {
      const res = await fetch(`${server.url}/admin/analysis/waves/${waveId}/${path}`, { headers: { cookie } })
      if (!res.ok || !res.body) throw new Error(`${path}: ${res.status}`)
      for await (const chunk of res.body) void chunk
    }
    const seconds = (performance.now() - started) / 1000
    return { seconds, peakRssMb: residentMb(server.child.pid!).peak, idleRssMb: idle.now }
  } finally {
    await server.kill()
  }
}

function plainDump(file: string, waveId: string, target: string): Promise<number> {
  const started = performance.now()
  const db = new SQLite(file, { readonly: true })
  const out = createWriteStream(target)
  for (const row of db.prepare('select response_id, question_id, code, number_value, text_value from answer_values where wave_id = ? order by response_id').iterate(waveId) as Iterable<Record<string, unknown>>) {
    out.write(`${row.response_id},${row.question_id},${row.code ?? ''},${row.number_value ?? ''},"${String(row.text_value ?? '').replace(/"/g, '""')}"\n`)
  }
  db.close()
  return new Promise((resolve) => out.end(() => resolve((performance.now() - started) / 1000)))
}

/** A national file of organisations, as a team exports it: one contact each, an attribute or two. */
function organisationsCsv(count: number): string {
  const lines = ['code,name,type,region,prison_category,contact_name,contact_email,language']
  for (let i = 0; i < count; i++) lines.push(`B${i},"Organisation ${i}, ${i % 2 ? 'Cyngor Sir Ynys Môn' : 'Metropolitan Borough'}",${i % 3 ? 'local authority' : 'prison'},Region ${i % 9},${i % 3 ? '' : 'B'},Contact ${i},contact.${i}@example.org,${i % 10 ? 'en' : 'both'}`)
  return `${lines.join('\r\n')}\r\n`
}

/** (5) and (6): a server of its own on a fresh database, so its memory and the list's size are this measure's alone. */
async function measureOrganisations(dir: string, surveysDir: string, count: number): Promise<string[]> {
  const dbFile = join(dir, 'organisations.db')
  const app = await buildApp({ ...configFromEnv({}), dataDir: dir, surveysDir, databaseUrl: `sqlite:${dbFile}`, logLevel: 'error', mailWorker: false }, { logger: { level: 'error' } })
  const adminId = await createUser(app.db, { email: 'bench-admin@example.org', name: 'Bench admin', role: 'admin', password: 'benchmark password' })
  const cookie = `sid=${await startSession(app.db, adminId)}`
  const respondent = await createOrganisation(app.db, { code: 'RESPONDENT', name: 'Respondent Council', type: 'local authority', contacts: [{ name: 'R', email: 'r@example.org' }] })
  const waveId = await createWave(app.db, { surveyId: 'bench', version: '1', label: 'organisations', teamName: 'Bench', teamEmail: 'bench@example.org' })
  await inviteOrganisations(app.db, waveId, [respondent])
  const token = (await issueLinkFor(app.db, app.linkTokenKey, waveId, respondent))!
  await app.close()

  const server = await startServer({ DATABASE_URL: `sqlite:${dbFile}`, SURVEYS_DIR: surveysDir, DATA_DIR: dir, LOG_LEVEL: 'error', MAIL_WORKER: 'false', LINK_RATE_PER_MINUTE: '10000000', NODE_ENV: 'production' }, SERVER)
  try {
    const form = await fetch(`${server.url}/admin/organisations`, { headers: { cookie } })
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]
    const cookies = [cookie, ...form.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ')
    const csv = organisationsCsv(count)
    const body = new FormData()
    body.set('_csrf', csrf)
    body.set('csv', new Blob([csv], { type: 'text/csv' }), 'organisations.csv')
    const before = residentMb(server.child.pid!)
    const started = performance.now()
    const imported = await fetch(`${server.url}/admin/organisations/import`, { method: 'POST', body, headers: { cookie: cookies }, redirect: 'manual' })
    const seconds = (performance.now() - started) / 1000
    if (imported.status !== 303) throw new Error(`organisations import: ${imported.status} ${(await imported.text()).slice(0, 500)}`)
    const memory = residentMb(server.child.pid!)
    const lines = [`(5) import of ${count} organisations (${(csv.length / 1e6).toFixed(1)} MB of CSV) through the team's page: ${seconds.toFixed(1)} s; server's peak resident memory ${memory.peak.toFixed(0)} MiB (${before.now.toFixed(0)} MiB before)`]

    // The last page of the list (the deepest OFFSET), while a respondent opens their link.
    const lastPage = Math.max(1, Math.ceil((count + 1) / 50))
    const [list, link] = await Promise.all([
      cannon({ url: `${server.url}/admin/organisations?page=${lastPage}`, headers: { cookie }, connections: 4 }),
      cannon({ url: `${server.url}/r/${token}`, connections: 1 }),
    ])
    if (list.non2xx || link.non2xx) throw new Error(`${list.non2xx + link.non2xx} organisations or respondent requests failed`)
    lines.push(`(6) organisations page ${lastPage} of ${count + 1} organisations: median ${list.latency.p50} ms, 99th percentile ${list.latency.p99} ms (${Math.round(list.requests.average)} req/s); a respondent's page at the same time: median ${link.latency.p50} ms, 99th percentile ${link.latency.p99} ms`)
    return lines
  } finally {
    await server.kill()
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'))
  mkdirSync(join(dir, 'surveys', 'bench'), { recursive: true })
  writeFileSync(join(dir, 'surveys', 'bench', '1.yaml'), surveyYaml())
  const dbFile = join(dir, 'bench.db')
  const config = { ...configFromEnv({}), dataDir: dir, surveysDir: join(dir, 'surveys'), databaseUrl: `sqlite:${dbFile}`, logLevel: 'error', mailWorker: false, bodyLimit: 1024 * 1024, linkRatePerMinute: 10_000_000 }
  const app = await buildApp(config, { logger: { level: 'error' } })
  const userId = await createUser(app.db, { email: 'bench@example.org', name: 'Bench', role: 'analyst', password: 'benchmark password' })
  const cookie = `sid=${await startSession(app.db, userId)}`
  const report: string[] = [`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${SECONDS} s per HTTP run, 10 connections, each server in its own process`]

  // Organisations with personal links for the page and save runs.
  const waveId = await createWave(app.db, { surveyId: 'bench', version: '1', label: 'bench', teamName: 'Bench', teamEmail: 'bench@example.org' })
  const raw = new SQLite(dbFile)
  const tokens: string[] = []
  const now = new Date().toISOString()
  raw.transaction(() => {
    for (let i = 0; i < 50_000; i++) {
      const orgId = newId()
      const token = newSecretToken()
      raw.prepare('insert into organisations (id, code, name, type, attributes_json, language, created_at) values (?, ?, ?, ?, ?, ?, ?)').run(orgId, `L${i}`, `Link org ${i}`, 'prison', '{}', 'en', now)
      const invitationId = newId()
      raw.prepare("insert into invitations (id, wave_id, organisation_id, status, created_at) values (?, ?, ?, 'active', ?)").run(invitationId, waveId, orgId, now)
      raw.prepare('insert into link_tokens (token_hash, invitation_id, created_at) values (?, ?, ?)').run(hashLinkToken(app.linkTokenKey, token), invitationId, now)
      raw.prepare("insert into responses (id, wave_id, organisation_id, status, reference, created_at, updated_at) values (?, ?, ?, 'not_started', ?, ?, ?)").run(newId(), waveId, orgId, `L${i}`, now, now)
      tokens.push(token)
    }
  })()
  raw.pragma('wal_checkpoint(TRUNCATE)')
  raw.close()

  // (1) and (2) run against the real server and the bare baseline each in a process of its own,
  // as in production, so the load generator here does not share their event loop.
  // BENCH_PROFILE=dir writes a CPU profile of the real server's run to that directory.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
  const serverEnv = { DATABASE_URL: `sqlite:${dbFile}`, SURVEYS_DIR: config.surveysDir, DATA_DIR: dir, LOG_LEVEL: 'error', MAIL_WORKER: 'false', LINK_RATE_PER_MINUTE: '10000000', NODE_ENV: 'production' }
  const server = await startServer(serverEnv, { ...SERVER, nodeArgs: profile })
  const atRest = residentMb(server.child.pid!).now
  const pagePath = `/r/${tokens[0]}/pages/first`
  const page = await fetch(server.url + pagePath)
  const html = await page.text()
  const csrfCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]
  writeFileSync(join(dir, 'page.html'), html)
  const bare = await startServer({ BARE_HTML_FILE: join(dir, 'page.html'), BARE_DB: join(dir, 'bare.db') }, { script: 'bench/bare-server.ts' })

  // (1) Question page against a bare route returning the same bytes.
  // A respondent's browser sends back the cookie holding its CSRF secret, as the save run does.
  const pageRun = await cannon({ url: server.url + pagePath, headers: { cookie: csrfCookie } })
  const barePageRun = await cannon({ url: `${bare.url}/page` })
  if (pageRun.non2xx) throw new Error(`${pageRun.non2xx} page requests failed`)
  const pageRatio = pageRun.requests.average / barePageRun.requests.average
  report.push(`(1) question page: ${Math.round(pageRun.requests.average)} req/s, ${latency(pageRun)} vs bare route ${Math.round(barePageRun.requests.average)} req/s, ${latency(barePageRun)} (${html.length} bytes): ratio ${pageRatio.toFixed(2)} (target ≥ 0.50) ${pageRatio >= 0.5 ? 'MET' : 'MISSED'}`)

  // (2) Save and continue, each request on a fresh organisation's page (version 0), against a bare insert.
  let next = 1
  const body = () => new URLSearchParams({ _csrf: csrf, _page_version: '0', _action: 'continue', q0: '1', q1: '12', q2: 'Some text typed by a respondent', q3: '2', q4: '5', q5: '' }).toString()
  const saveRun = await cannon({
    url: server.url,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, path: `/r/${tokens[next++ % tokens.length]}/pages/first`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie }, body: body() }) }],
  })
  const bareSaveRun = await cannon({ url: `${bare.url}/save`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body() })
  const saveRatio = saveRun.requests.average / bareSaveRun.requests.average
  const failed = (saveRun['4xx'] ?? 0) + (saveRun['5xx'] ?? 0) + saveRun.errors
  report.push(`(2) save and continue: ${Math.round(saveRun.requests.average)} saves/s, ${latency(saveRun)} vs bare insert ${Math.round(bareSaveRun.requests.average)}/s, ${latency(bareSaveRun)}: ratio ${saveRatio.toFixed(2)} (target ≥ 0.30) ${saveRatio >= 0.3 ? 'MET' : 'MISSED'}${failed > 0 ? ` (${failed} saves failed)` : ''}`)
  // Memory once the load has passed: what a process holds between a wave's busy hours.
  await new Promise((resolve) => setTimeout(resolve, 2000))
  report.splice(1, 0, `(0) server's resident memory at rest: ${atRest.toFixed(0)} MiB just started, ${residentMb(server.child.pid!).now.toFixed(0)} MiB idle after (1) and (2)`)
  // SIGINT lets --cpu-prof write its profile on the way out.
  await server.kill('SIGINT')
  await bare.kill()

  // (3) and (4): exports of a small and a large wave.
  const memory: Record<number, number> = {}
  for (const size of RESPONSES > 0 ? [Math.min(10_000, RESPONSES), RESPONSES] : []) {
    const exportWave = await createWave(app.db, { surveyId: 'bench', version: '1', label: `export-${size}`, teamName: 'Bench', teamEmail: 'bench@example.org' })
    const generationStarted = performance.now()
    generateResponses(dbFile, exportWave, size)
    const generated = (performance.now() - generationStarted) / 1000
    const exported = await measureExport(serverEnv, cookie, exportWave)
    const dumped = await plainDump(dbFile, exportWave, join(dir, `dump-${size}.csv`))
    memory[size] = exported.peakRssMb
    report.push(`(3) export of ${size} responses × ${QUESTIONS} questions (generated in ${generated.toFixed(0)} s): raw CSV + statistics ${exported.seconds.toFixed(1)} s vs plain SQL dump ${dumped.toFixed(1)} s: ratio ${(exported.seconds / dumped).toFixed(2)} (target ≤ 3) ${exported.seconds / dumped <= 3 ? 'MET' : 'MISSED'}`)
    report.push(`(4) server's peak resident memory during that export: ${exported.peakRssMb.toFixed(0)} MiB (${exported.idleRssMb.toFixed(0)} MiB before it)`)
  }
  if (ORGANISATIONS > 0) report.push(...(await measureOrganisations(dir, config.surveysDir, ORGANISATIONS)))
  if (DIFF_QUESTIONS > 0) report.push(await measureVersionDiff(dir, DIFF_QUESTIONS, SERVER))
  if (CODING > 0) report.push(...(await measureCoding(dir, CODING)))
  if (IMPORT_WAVE > 0) report.push(await measureImportWave(dir, IMPORT_WAVE))
  const small = Math.min(10_000, RESPONSES)
  if (RESPONSES > small) {
    const ratio = memory[RESPONSES] / memory[small]
    report.push(`(4) memory at ${RESPONSES} vs ${small} responses: ratio ${ratio.toFixed(2)} (target ≤ 1.5) ${ratio <= 1.5 ? 'MET' : 'MISSED'}`)
  }
  await app.close()
  // A full run leaves gigabytes of generated responses behind otherwise.
  rmSync(dir, { recursive: true, force: true })
  console.log(`\n${report.join('\n')}`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
