// Moving a wave to a corrected version, beyond the one-hop case of version-move.test.ts: over two
// editorial hops at once; refused when a version on the way is not declared editorial, even if
// the target is; a draft moves without locking anything until it is launched; a closed wave is
// refused until reopened. Expected reasons written by hand from the files made here.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { moveToCorrectedVersion } from '../../src/waves/version-move.js'
import { closeWave, createWave, launchWave } from '../../src/waves/waves.js'
import { buildTestApp, copySurveys, FIXTURES } from '../helpers/app.js'

const ACTOR = { id: 'test', email: 'test@example.org' }

/** prison-care 1, 2 (editorial) and 2.1 (editorial: a second typo fixed), without 3. */
function twoEditorialHops(t: Parameters<typeof copySurveys>[0], options: { secondEditorial?: boolean; firstEditorial?: boolean } = {}): string {
  const dir = copySurveys(t, join(FIXTURES, 'surveys-editorial'))
  const folder = join(dir, 'prison-care')
  rmSync(join(folder, '3.yaml'))
  let second = readFileSync(join(folder, '2.yaml'), 'utf8')
  if (options.firstEditorial === false) writeFileSync(join(folder, '2.yaml'), second.replace('editorial: true\n', ''))
  second = second.replace('version: "2"', 'version: "2.1"').replace('previous: "1"', 'previous: "2"').replace('A buddy scheme counts.', 'A buddy or mentor scheme counts.')
  if (options.secondEditorial === false) second = second.replace('editorial: true\n', '')
  writeFileSync(join(folder, '2.1.yaml'), second)
  return dir
}

async function setUp(t: Test, surveysDir: string, status: 'open' | 'draft' = 'open') {
  const app = await buildTestApp(t, { surveysDir, mailWorker: false })
  const { catalogue, problems } = loadCatalogue(surveysDir)
  t.same(problems.filter((p) => p.severity === 'error'), [], 'the files made here are valid')
  const waveId = await createWave(app.db, { surveyId: 'prison-care', version: '1', label: 'Spring', teamName: 'Team', teamEmail: 'team@example.org', status })
  const lock = async (version: string) => (await app.db.selectFrom('questionnaire_versions').select('locked_by').where('survey_id', '=', 'prison-care').where('version', '=', version).executeTakeFirstOrThrow()).locked_by
  const version = async () => (await app.db.selectFrom('waves').select('version').where('id', '=', waveId).executeTakeFirstOrThrow()).version
  return { app, catalogue: catalogue!, waveId, lock, version }
}

t.test('over two editorial hops at once: the wave moves and its lock goes to the last', async (t) => {
  const { app, catalogue, waveId, lock, version } = await setUp(t, twoEditorialHops(t))
  t.same(await moveToCorrectedVersion(app.db, catalogue, waveId, '2.1', ACTOR), { moved: true, from: '1', to: '2.1' })
  t.equal(await version(), '2.1')
  t.equal(await lock('2.1'), 'wave "Spring"')
  t.equal(await lock('2'), null, 'the version passed over is not locked')
})

t.test('a version on the way that is not declared editorial stops the move, though the target is', async (t) => {
  const { app, catalogue, waveId, version } = await setUp(t, twoEditorialHops(t, { firstEditorial: false }))
  t.same(await moveToCorrectedVersion(app.db, catalogue, waveId, '2.1', ACTOR), { moved: false, reasons: ['version 2 is not declared editorial (editorial: true)'] })
  t.equal(await version(), '1', 'the wave stays on its version')
})

t.test('a target not declared editorial is refused even when its changes are wording only', async (t) => {
  const { app, catalogue, waveId } = await setUp(t, twoEditorialHops(t, { secondEditorial: false }))
  t.same(await moveToCorrectedVersion(app.db, catalogue, waveId, '2.1', ACTOR), { moved: false, reasons: ['version 2.1 is not declared editorial (editorial: true)'] })
  t.same(await moveToCorrectedVersion(app.db, catalogue, waveId, '2', ACTOR), { moved: true, from: '1', to: '2' }, 'the editorial one before it is fine')
})

t.test('a draft moves without locking its new version until it is launched; a closed wave is refused until reopened', async (t) => {
  const { app, catalogue, waveId, lock } = await setUp(t, twoEditorialHops(t), 'draft')
  t.equal(await lock('1'), null, 'a draft has locked nothing')
  t.same(await moveToCorrectedVersion(app.db, catalogue, waveId, '2', ACTOR), { moved: true, from: '1', to: '2' })
  t.equal(await lock('2'), null, 'still nothing locked: the draft may change again')
  await launchWave(app.db, waveId, { catalogue: app.catalogue })
  t.equal(await lock('2'), 'wave "Spring"', 'launched: its version is locked')
  await closeWave(app.db, waveId)
  t.same(await moveToCorrectedVersion(app.db, catalogue, waveId, '2.1', ACTOR), { moved: false, reasons: ['the wave "Spring" is closed: reopen it first'] })
  t.same(await moveToCorrectedVersion(app.db, catalogue, 'no-such-wave', '2.1', ACTOR), { moved: false, reasons: ['there is no wave no-such-wave'] })
})
