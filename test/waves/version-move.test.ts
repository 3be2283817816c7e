// A live wave moves to a corrected version of its questionnaire only when that version is
// declared editorial and the validator proves its changes are wording alone; anything more is
// refused with the list of what is not editorial. From the team's page and the command line;
// recorded in the audit log.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../../src/cli.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { diffVersions } from '../../src/questionnaire/diff.js'
import { nonEditorialChanges } from '../../src/questionnaire/editorial.js'
import { formatProblem } from '../../src/questionnaire/problems.js'
import { buildTestApp, copySurveys, FIXTURES, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openTestWave } from '../helpers/waves.js'

const SURVEYS = join(FIXTURES, 'surveys-editorial')
const { databases, skipped } = testDatabases()
if (skipped) t.comment(skipped)

// Version 3 against version 1, worked out from the two files by hand.
const NOT_EDITORIAL_1_TO_3 = [
  'version 3 is not declared editorial (editorial: true)',
  'the skip logic of page "details" changed',
  'question "buddies": max changed from 500 to 2000',
  'question "tasks": options changed from [{"code":1},{"code":2},{"code":9,"exclusive":true}] to [{"code":1},{"code":2},{"code":3},{"code":9}]',
]

t.test('what is and is not editorial', async (t) => {
  const { catalogue } = loadCatalogue(SURVEYS)
  const [v1, v2, v3] = ['1', '2', '3'].map((v) => catalogue!.find('prison-care', v)!.definition)
  t.same(nonEditorialChanges(v1, v2), [], 'typos, a hint, a Welsh label and required: true written out are wording')
  t.same(nonEditorialChanges(v2, v3), NOT_EDITORIAL_1_TO_3.slice(1))
  t.same(diffVersions(v2, v3).otherChanges.map((c) => `${c.id} ${c.what}: ${c.before} -> ${c.after}`), ['buddies max: 500 -> 2000', 'tasks option 9 exclusive: true -> —'], 'the changes page shows an option no longer exclusive')
  const renamed = structuredClone(v2)
  renamed.sections[0].pages[0].questions[0].id = 'scheme_exists'
  t.same(nonEditorialChanges(v1, renamed), ['question "scheme_exists" was added', 'question "has_scheme" was removed'])
  const typed = structuredClone(v2)
  const buddies = typed.sections[0].pages[1].questions[0]
  Object.assign(buddies, { type: 'short_text', min: undefined, max: undefined })
  t.same(nonEditorialChanges(v1, typed), ['question "buddies": max changed from 500 to nothing', 'question "buddies": min changed from 0 to nothing', 'question "buddies": type changed from "number" to "short_text"'])
  // Defaults written out mean what leaving them out means, as for the content hash: other: false
  // and exclusive: false on every option of every choice question, and a text's default length.
  const defaults = structuredClone(v1)
  for (const q of defaults.sections.flatMap((s) => s.pages.flatMap((p) => p.questions)) as Record<string, unknown>[]) {
    if (Array.isArray(q.options)) q.options = (q.options as Record<string, unknown>[]).map((o) => ({ ...o, other: o.other ?? false, exclusive: o.exclusive ?? false }))
    if (q.type === 'long_text') q.max_length = 20000
  }
  t.not(JSON.stringify(defaults), JSON.stringify(v1), 'the defaults are written out')
  t.same(nonEditorialChanges(v1, defaults), [], 'defaults written out are not a change')
})

t.test('a version declared editorial that changes more is refused by the validator, located, with each change', async (t) => {
  const surveys = copySurveys(t, SURVEYS)
  const file = join(surveys, 'prison-care', '2.yaml')
  const original = readFileSync(file, 'utf8')
  writeFileSync(file, original.replace('max: 500', 'max: 600').replace('{ code: 2, label: { en: Collecting meals', '{ code: 4, label: { en: Collecting meals'))
  const { catalogue, problems } = loadCatalogue(surveys)
  t.notOk(catalogue)
  const shown = problems.filter((p) => p.severity === 'error' && p.file.endsWith('2.yaml')).map(formatProblem).map((line) => line.replace(/^.*?prison-care\//, 'surveys/prison-care/'))
  t.same(shown, [
    'surveys/prison-care/2.yaml:5:12 editorial: is declared, but against version 1 question "buddies": max changed from 500 to 600: only wording, hints and typo fixes are editorial (make this a new version without editorial: true)',
    'surveys/prison-care/2.yaml:5:12 editorial: is declared, but against version 1 question "tasks": options changed from [{"code":1},{"code":2},{"code":9,"exclusive":true}] to [{"code":1},{"code":4},{"code":9,"exclusive":true}]: only wording, hints and typo fixes are editorial (make this a new version without editorial: true)',
    'surveys/prison-care/2.yaml:29:13 sections[0].pages[1].questions[1].lineage: option 2 ("Collecting meals") of version 1 has no equivalent here: map it in lineage.recode (to null if it has none)',
  ])
  writeFileSync(file, original.replace('            max: 500', '            max: 500\n            lineage: { reworded: true }'))
  const withLineage = loadCatalogue(surveys)
  t.match(withLineage.problems.map(formatProblem).join('\n'), /2\.yaml:\d+:\d+ sections\[0\]\.pages\[1\]\.questions\[0\]\.lineage: an editorial version keeps the lineage of version 1: remove lineage here/)
})

for (const database of databases) {
  t.test(`${database.kind}: the team moves a live wave to the corrected version from its page`, async (t) => {
    const app = await buildTestApp(t, { surveysDir: SURVEYS }, database)
    const wave = await openTestWave(app, { surveyId: 'prison-care', version: '1', organisations: ['W001'] })
    const link = `/r/${wave.tokens.W001}/pages/scheme`
    t.match((await app.inject(link)).body, 'peer suport scheme', 'respondents see the typo before')
    const admin = await signIn(app, 'admin')
    const analyst = await signIn(app, 'analyst')
    const page = `/admin/waves/${wave.waveId}/version`

    t.match((await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie: admin } })).body, `href="${page}"`, 'the wave page links to the move')
    t.notMatch((await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie: analyst } })).body, `href="${page}"`, 'not for an analyst')
    t.equal((await app.inject({ url: page, headers: { cookie: analyst } })).statusCode, 403, 'an analyst cannot open the page')
    t.equal((await app.inject({ method: 'POST', url: page, headers: { cookie: analyst, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ version: '2' }) })).statusCode, 403, 'nor move the wave')

    const session = await formSession(app, page, admin)
    t.match(session.html, 'Version 2: Social care in prison')
    t.match(session.html, 'Version 3: Social care in prison')
    const post = (fields: Record<string, string>, csrf = session.token) =>
      app.inject({ method: 'POST', url: page, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: csrf, ...fields }) })

    t.equal((await post({ version: '2' }, 'forged')).statusCode, 403, 'a post without the form’s token is refused')
    const none = await post({})
    t.equal(none.statusCode, 400)
    t.match(none.body, 'Select the version the wave should use')

    const refused = await post({ version: '3' })
    t.equal(refused.statusCode, 400)
    t.match(refused.body, 'Version 3 changes more than wording, so the wave cannot move to it: 4 changes are not editorial')
    const listed = [...refused.body.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1].replace(/&quot;/g, '"'))
    t.same(listed.filter((l) => NOT_EDITORIAL_1_TO_3.includes(l)), NOT_EDITORIAL_1_TO_3, 'every change that is not editorial is listed')
    t.match(refused.body, 'value="3" checked', 'the choice is kept')
    t.equal((await app.inject({ method: 'POST', url: page, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: session.token, version: '9999' }) })).statusCode, 400, 'an unknown version is a 400 too')

    const moved = await post({ version: '2' })
    t.equal(moved.statusCode, 303)
    t.equal(moved.headers.location, `/admin/waves/${wave.waveId}?done=wave_version_corrected`)
    t.match((await app.inject({ url: moved.headers.location!, headers: { cookie: admin } })).body, 'The wave now uses the corrected version: respondents see the new wording')
    const row = await app.db.selectFrom('waves').select('version').where('id', '=', wave.waveId).executeTakeFirstOrThrow()
    t.equal(row.version, '2')
    const lock = await app.db.selectFrom('questionnaire_versions').select(['locked_by']).where('survey_id', '=', 'prison-care').where('version', '=', '2').executeTakeFirstOrThrow()
    t.equal(lock.locked_by, 'wave "2020"', 'the corrected version is locked by the wave')
    t.match((await app.inject(link)).body, 'peer support scheme', 'respondents see the corrected wording')

    const entry = await app.db.selectFrom('audit_log').select(['action', 'details_json', 'wave_id']).where('action', '=', 'wave_version_corrected').executeTakeFirstOrThrow()
    t.same(JSON.parse(entry.details_json), { waveId: wave.waveId, label: '2020', from: '1', to: '2' })
    t.equal(entry.wave_id, wave.waveId)
    t.match((await app.inject({ url: '/admin/audit', headers: { cookie: admin } })).body, 'moved the wave 2020 from version 1 to the corrected version 2')
  })
}

t.test('the command line moves a wave, or says why not', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const dir = mkdtempSync(join(tmpdir(), 'cli-correct-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const env = { DATA_DIR: dir, SURVEYS_DIR: SURVEYS }
  const run = async (args: string[]) => {
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(args, (l) => out.push(l), (l) => err.push(l), env)
    return { code, out: out.join('\n'), err: err.join('\n') }
  }
  const created = await run(['demo-wave', 'prison-care', '1'])
  t.equal(created.code, 0, created.err)
  const { openDatabase } = await import('../../src/db/database.js')
  const { db } = openDatabase(`sqlite:${join(dir, 'survey.db')}`)
  t.teardown(() => db.destroy())
  const { id } = await db.selectFrom('waves').select('id').executeTakeFirstOrThrow()
  const refused = await run(['correct-version', id, '3'])
  t.equal(refused.code, 1)
  t.equal(refused.err, ['The wave stays on its version: 4 reasons:', ...NOT_EDITORIAL_1_TO_3.map((r) => `  ${r}`)].join('\n'))
  const moved = await run(['correct-version', id, '2'])
  t.equal(moved.code, 0, moved.err)
  t.equal(moved.out, `Wave ${id} now uses version 2 (corrected from 1).`)
  t.equal((await db.selectFrom('audit_log').select('user_id').where('action', '=', 'wave_version_corrected').executeTakeFirstOrThrow()).user_id, 'cli')
  const back = await run(['correct-version', id, '1'])
  t.equal(back.code, 1)
  t.match(back.err, 'version 1 is not a later version of prison-care than 2')
})
