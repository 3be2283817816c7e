// The raw data's carried-forward flags as analysts read them: R reads raw.csv and finds each
// organisation's flags (1 confirmed, 2 changed, 3 new); GNU PSPP runs labels.sps on the same
// file without a warning and labels the flags' values.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { toolAvailable } from '../helpers/tools.js'
import { submitAnswers, submittedWave } from '../helpers/responses.js'
import { openTestWave } from '../helpers/waves.js'
import { recordCarriedStatuses, saveCarrySetting, type CarriedStatus } from '../../src/carry/carry-forward.js'

/** Three prisons: has_scheme confirmed, changed, new; buddies changed, confirmed, new. */
const STATUSES: Record<string, Record<string, CarriedStatus>> = {
  P1: { has_scheme: 'confirmed', buddies: 'changed' },
  P2: { has_scheme: 'changed', buddies: 'confirmed' },
  P3: { has_scheme: 'new', buddies: 'new' },
}

async function carriedWave(t: { teardown(fn: () => unknown): void }): Promise<{ app: FastifyInstance; waveId: string }> {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1', organisations: Object.keys(STATUSES) })
  const earlier = await submittedWave(app, { surveyId: 'welsh-prisons', version: '1', label: '2023', organisations: [wave.organisationIds.P1, wave.organisationIds.P2], answers: [{ has_scheme: { code: 1 }, buddies: { value: 3 } }, { has_scheme: { code: 1 }, buddies: { value: 5 } }] })
  const rows = await app.db.selectFrom('waves').selectAll().where('id', 'in', [wave.waveId, earlier.waveId]).execute()
  await saveCarrySetting(app.db, rows.find((w) => w.id === wave.waveId)!, rows.find((w) => w.id === earlier.waveId)!, ['has_scheme', 'buddies'], { id: 'test', email: 'test@example.org' })
  for (const [code, statuses] of Object.entries(STATUSES)) {
    const response = await app.db.selectFrom('responses').select('id').where('wave_id', '=', wave.waveId).where('organisation_id', '=', wave.organisationIds[code]).executeTakeFirstOrThrow()
    await recordCarriedStatuses(app.db, response.id, earlier.waveId, new Map(Object.entries(statuses)))
    await submitAnswers(app, wave.waveId, wave.organisationIds[code], { has_scheme: { code: 2 }, buddies: { value: 1 } })
  }
  return { app, waveId: wave.waveId }
}

t.test('R reads the carried-forward flags of raw.csv', { skip: toolAvailable('Rscript', 'read the exports in R') ? false : 'R not found (apt-get install -y r-base-core)' }, async (t) => {
  const { app, waveId } = await carriedWave(t)
  const raw = await app.inject({ url: `/admin/analysis/waves/${waveId}/raw.csv?names=1`, headers: { cookie: await signIn(app, 'analyst') } })
  const script = 'd <- read.csv(file("stdin"), stringsAsFactors = FALSE); d <- d[order(d$organisation_code), ]; cat(class(d$has_scheme_carried), "\\n"); cat(d$has_scheme_carried, "\\n"); cat(d$buddies_carried, "\\n")'
  const [type, hasScheme, buddies] = execFileSync('Rscript', ['-e', script], { input: raw.body.replace(/^\uFEFF/, ''), encoding: 'utf8' }).split('\n').map((line) => line.trim())
  t.equal(type, 'integer', 'a numeric column in R')
  t.equal(hasScheme, '1 2 3', 'has_scheme: confirmed, changed, new')
  t.equal(buddies, '2 1 3', 'buddies: changed, confirmed, new')
})

t.test('PSPP reads the flags through labels.sps, with their value labels', { skip: toolAvailable('pspp', 'read the raw data with the SPSS syntax') ? false : 'PSPP not found (apt-get install -y --no-install-recommends pspp)' }, async (t) => {
  const { app, waveId } = await carriedWave(t)
  const cookie = await signIn(app, 'analyst')
  const raw = await app.inject({ url: `/admin/analysis/waves/${waveId}/raw.csv?names=1`, headers: { cookie } })
  const syntax = await app.inject({ url: `/admin/analysis/waves/${waveId}/labels.sps?names=1`, headers: { cookie } })
  const rawName = /filename="([^"]+)"/.exec(String(raw.headers['content-disposition']))![1]
  const dir = mkdtempSync(join(tmpdir(), 'pspp-carried-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, rawName), raw.rawPayload)
  const check = [
    "SAVE TRANSLATE /OUTFILE='as-read.csv' /TYPE=CSV /FIELDNAMES /MISSING=IGNORE /REPLACE.",
    "SAVE TRANSLATE /OUTFILE='labelled.csv' /TYPE=CSV /FIELDNAMES /CELLS=LABELS /REPLACE.",
    'DISPLAY DICTIONARY /VARIABLES=has_scheme_carried.',
  ].join('\n')
  writeFileSync(join(dir, 'labels.sps'), `${syntax.body}\n${check}\n`)
  const output = execFileSync('pspp', ['labels.sps'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  t.notMatch(output, /warning|error/i, 'PSPP reports no warning and no error')
  // PSPP wraps the label in its table's third column, a few words a line: put them back together.
  const labelColumn = output.split('\n').filter((line) => /^\|(has_scheme_carried| {10,})\s*\|\s*\d*\|/.test(line)).map((line) => line.split('|')[3].trim()).join(' ')
  t.match(labelColumn, 'Does your prison have a buddy scheme?: carried forward from 2023', 'the variable label')
  const read = (file: string) => (parse(readFileSync(join(dir, file), 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]).sort((a, b) => a.organisation_code.trim().localeCompare(b.organisation_code.trim()))
  t.same(read('as-read.csv').map((r) => [Number(r.has_scheme_carried), Number(r.buddies_carried)]), [[1, 2], [2, 1], [3, 3]])
  t.same(read('labelled.csv').map((r) => [r.has_scheme_carried.trim(), r.buddies_carried.trim()]), [['Confirmed unchanged', 'Changed'], ['Changed', 'Confirmed unchanged'], ['New (no earlier answer)', 'New (no earlier answer)']], 'each code with its value label')
})
