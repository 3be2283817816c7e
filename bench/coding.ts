// (8) Coding a wave's free text at scale: a wave of BENCH_CODING answers (default 5,000), the
// coding grid's first page and its "not yet coded" page as a coder sees them, and the theme
// table once every answer is coded, each timed over repeated requests (median and slowest).
import { performance } from 'node:perf_hooks'
import { join, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { buildApp } from '../src/app.js'
import { configFromEnv } from '../src/config.js'
import { startSession } from '../src/accounts/sessions.js'
import { createUser } from '../src/accounts/users.js'
import { createCode } from '../src/coding/codebook.js'
import { finishCoding, joinCoding } from '../src/coding/codings.js'
import { newId, newReference } from '../src/db/ids.js'
import { createWave } from '../src/waves/waves.js'

const WORDS = ['housing', 'release', 'probation', 'benefits', 'information', 'late', 'planning', 'assessment', 'care', 'partners', 'address', 'health']

function generateAnswers(file: string, waveId: string, count: number) {
  const db = new SQLite(file)
  const now = new Date().toISOString()
  const organisation = db.prepare("insert into organisations (id, code, name, type, attributes_json, language, created_at) values (?, ?, ?, ?, ?, 'en', ?)")
  const response = db.prepare("insert into responses (id, wave_id, organisation_id, status, reference, created_at, updated_at, submitted_at) values (?, ?, ?, 'submitted', ?, ?, ?, ?)")
  const value = db.prepare("insert into answer_values (wave_id, response_id, question_id, row_id, code, number_value, special, text_value) values (?, ?, 'q_views', '', null, null, null, ?)")
  const ids: string[] = []
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const orgId = newId()
      const responseId = newId()
      ids.push(orgId)
      organisation.run(orgId, `C${i}`, `Council ${i}`, i % 3 ? 'local authority' : 'prison', JSON.stringify({ region: `Region ${i % 9}` }), now)
      response.run(responseId, waveId, orgId, newReference(), now, now, now)
      const text = Array.from({ length: 40 }, (_, w) => WORDS[(i * 7 + w * 3) % WORDS.length]).join(' ')
      value.run(waveId, responseId, `${text}.`)
    }
  })()
  db.close()
  return ids
}

async function timed(times: number, run: () => Promise<{ statusCode: number }>): Promise<{ median: number; slowest: number; failed: number }> {
  const ms: number[] = []
  let failed = 0
  for (let i = 0; i < times; i++) {
    const started = performance.now()
    const res = await run()
    ms.push(performance.now() - started)
    if (res.statusCode !== 200) failed++
  }
  ms.sort((a, b) => a - b)
  return { median: ms[Math.floor(ms.length / 2)], slowest: ms[ms.length - 1], failed }
}

export async function measureCoding(dir: string, count: number): Promise<string[]> {
  const file = join(dir, 'coding.db')
  const app = await buildApp({ ...configFromEnv({}), surveysDir: resolve('test/fixtures/surveys-analysis'), databaseUrl: `sqlite:${file}`, logLevel: 'silent', mailWorker: false }, { logger: false })
  try {
    const waveId = await createWave(app.db, { surveyId: 'demo-analysis', version: '1', label: 'coding', teamName: 'Bench', teamEmail: 'bench@example.org' })
    const organisations = generateAnswers(file, waveId, count)
    const coder = await createUser(app.db, { email: 'coder@example.org', name: 'Coder', role: 'analyst', password: 'correct horse battery staple' })
    const actor = { id: coder, email: 'coder@example.org' }
    const codes: string[] = []
    for (const name of ['Housing', 'Benefits', 'Information sharing', 'Health', 'Partners', 'Release planning']) codes.push(await createCode(app.db, actor, 'demo-analysis', { name, description: '', inclusion: '', exclusion: '', example: '', parentId: null }))
    await joinCoding(app.db, waveId, coder)
    const cookie = `sid=${await startSession(app.db, coder)}`
    const grid = await timed(10, () => app.inject({ url: `/admin/coding/waves/${waveId}`, headers: { cookie } }))
    // Every answer coded (straight into the tables, as a coder's months of work would leave them).
    const db = new SQLite(file)
    const now = new Date().toISOString()
    const coded = db.prepare("insert into coded_answers (wave_id, organisation_id, question_key, user_id, coded_at) values (?, ?, 'q_views', ?, ?)")
    const coding = db.prepare("insert into codings (id, wave_id, organisation_id, question_key, code_id, user_id, start_offset, end_offset, created_at) values (?, ?, ?, 'q_views', ?, ?, null, null, ?)")
    db.transaction(() => {
      organisations.forEach((org, i) => {
        if (i % 10 === 0) return
        coded.run(waveId, org, coder, now)
        for (let c = 0; c < codes.length; c++) if ((i + c) % 3 === 0) coding.run(newId(), waveId, org, codes[c], coder, now)
      })
    })()
    db.close()
    const notCoded = await timed(10, () => app.inject({ url: `/admin/coding/waves/${waveId}?status=not_coded`, headers: { cookie } }))
    await finishCoding(app.db, waveId, coder, true)
    const themes = await timed(5, () => app.inject({ url: `/admin/coding/surveys/demo-analysis/themes?waves=${waveId}&by=region`, headers: { cookie } }))
    const failed = grid.failed + notCoded.failed + themes.failed
    const fmt = (r: { median: number; slowest: number }) => `${r.median.toFixed(0)} ms median, ${r.slowest.toFixed(0)} ms slowest`
    return [
      `(8) coding grid of ${count} answers, first page: ${fmt(grid)}; the "not yet coded" page with ${Math.round(count * 0.9)} coded: ${fmt(notCoded)}`,
      `(8) theme table of ${count} coded answers (6 codes, by region): ${fmt(themes)}${failed ? ` (${failed} requests failed)` : ''}`,
    ]
  } finally {
    await app.close()
  }
}
