// The long file of a repeating group, as analysts open it: three services, one with three sites,
// one with none (it runs no service at prison sites), one with one site. The long file has one
// row per site (4), keyed by respondent_id and item_number, and joins the wide file, which counts
// each service's sites; R reads it, and GNU PSPP runs its SPSS syntax without a warning.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import type { FastifyInstance } from 'fastify'
import { recordFacts } from '../../src/analysis/facts.js'
import { waveStatistics } from '../../src/analysis/statistics.js'
import { statisticsTable } from '../../src/analysis/publication.js'
import type { Answers } from '../../src/questionnaire/answers.js'
import { findGroup } from '../../src/questionnaire/groups.js'
import { walkVisible } from '../../src/questionnaire/skip-logic.js'
import { groupProgress } from '../../src/respond/group-progress.js'
import { submitItems } from '../../src/respond/group-submission.js'
import { submitResponse } from '../../src/respond/responses.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations } from '../../src/waves/waves.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { toolAvailable } from '../helpers/tools.js'

const SERVICES: { code: string; answers: Answers; sites: Answers[] }[] = [
  {
    code: 'S1',
    answers: { has_sites: { code: 1 }, staff_total: { value: 20 } },
    sites: [
      { site_name: { value: 'HMP Leeds' }, site_has_buddies: { code: 1 }, site_buddies: { value: 12 }, site_staff: { value: 4 } },
      { site_name: { value: 'Carchar Caerdydd, Heol y Fynwent' }, site_has_buddies: { code: 2 } },
      { site_name: { value: '=HMP Wakefield' }, site_has_buddies: { code: 1 }, site_buddies: { value: 3 }, site_staff: { value: 2 } },
    ],
  },
  { code: 'S2', answers: { has_sites: { code: 2 }, staff_total: { value: 0 } }, sites: [] },
  { code: 'S3', answers: { has_sites: { code: 1 }, staff_total: { value: 5 } }, sites: [{ site_name: { value: 'HMP Parc' }, site_has_buddies: { code: 1 }, site_buddies: { value: 7 }, site_staff: { value: 5 } }] },
]

/** Submits each service's answers and sites through the services a submission uses (no pages). */
async function submittedWithSites(app: FastifyInstance, label = 'Wave 1', organisations?: string[]): Promise<string> {
  const definition = app.catalogue.find('site-visits', '1')!.definition
  const group = findGroup(definition, 'sites')!
  const ids: string[] = organisations ?? []
  if (!organisations) for (const s of SERVICES) ids.push(await createOrganisation(app.db, { code: s.code, name: `Service ${s.code}`, type: 'provider', attributes: {}, contacts: [{ name: 'C', email: `${s.code.toLowerCase()}@example.org` }] }))
  const waveId = await createWave(app.db, { surveyId: 'site-visits', version: '1', label, teamName: 'Team', teamEmail: 'team@example.org' })
  await inviteOrganisations(app.db, waveId, ids)
  for (const [i, s] of SERVICES.entries()) {
    const response = await app.db.selectFrom('responses').select('id').where('wave_id', '=', waveId).where('organisation_id', '=', ids[i]).executeTakeFirstOrThrow()
    const walk = walkVisible(definition, s.answers)
    // The same item ids in two services' responses on purpose: items are told apart by response too.
    const items = s.sites.map((answers, k) => ({ id: `00000000-0000-4000-8000-00000000000${k}`, groupId: 'sites', position: k + 1, answers, pages: new Map() }))
    const groups = walk.groups.get('sites') === 'shown' ? [groupProgress(definition, group, walk.answers, { items, finished: new Set(['sites']) })] : []
    await submitResponse(app.db, response.id, Object.keys(walk.answers), async (trx) => {
      await recordFacts(trx, waveId, response.id, walk.pages.flatMap((p) => p.questions), walk.answers)
      await submitItems(trx, waveId, response.id, groups)
    })
  }
  return waveId
}

t.test('the long file has one row per site, and the wide file counts them', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-groups`, mailWorker: false })
  const waveId = await submittedWithSites(app)
  const cookie = await signIn(app, 'analyst')
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: { cookie } })
    t.equal(res.statusCode, 200, url)
    return res
  }
  const long = await get(`/admin/analysis/waves/${waveId}/groups/sites/raw.csv?names=1`)
  t.match(String(long.headers['content-disposition']), 'filename="raw-sites-site-visits-Wave_1-with-names.csv"')
  const rows = parse(long.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  rows.sort((a, b) => a.organisation_code.localeCompare(b.organisation_code) || Number(a.item_number) - Number(b.item_number))
  t.same(Object.keys(rows[0]), ['respondent_id', 'organisation_code', 'organisation_name', 'response_status', 'item_number', 'site_name', 'site_has_buddies', 'site_buddies', 'site_staff', 'partial_responses', 'partial_included'])
  t.same(
    rows.map((r) => [r.organisation_code, r.item_number, r.site_name, r.site_has_buddies, r.site_buddies, r.site_staff]),
    [
      ['S1', '1', 'HMP Leeds', '1', '12', '4'],
      ['S1', '2', 'Carchar Caerdydd, Heol y Fynwent', '2', '', ''],
      ['S1', '3', '=HMP Wakefield', '1', '3', '2'],
      ['S3', '1', 'HMP Parc', '1', '7', '5'],
    ],
    'four sites: blank where an item was not asked (no buddies: no count, no staff page), text exactly as typed',
  )
  const wide = parse((await get(`/admin/analysis/waves/${waveId}/raw.csv?names=1`)).body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  wide.sort((a, b) => a.organisation_code.localeCompare(b.organisation_code))
  t.same(wide.map((r) => [r.organisation_code, r.sites_items]), [['S1', '3'], ['S2', '0'], ['S3', '1']], 'the wide file counts each service’s sites')
  t.notOk('site_name' in wide[0], 'and has no column of the group’s questions')
  t.equal(new Set(rows.map((r) => r.respondent_id)).size, 2)
  t.ok(rows.every((r) => wide.some((w) => w.respondent_id === r.respondent_id)), 'the long file joins the wide one on respondent_id')
  const codebook = (await get(`/admin/analysis/waves/${waveId}/groups/sites/codebook.csv`)).body
  t.match(codebook, 'item_number,,Item number within the organisation (in the order added)')
  t.match(codebook, /site_buddies,site_buddies,How many buddies\?,number/)
  const audited = await app.db.selectFrom('audit_log').select('details_json').where('action', '=', 'export').execute()
  t.ok(audited.some((a) => JSON.parse(a.details_json).kind === 'group_raw_csv_with_names'), 'the download is in the audit log')
  t.equal((await app.inject({ url: `/admin/analysis/waves/${waveId}/groups/about/raw.csv`, headers: { cookie } })).statusCode, 404, 'a section that does not repeat has no long file')

  if (toolAvailable('Rscript', 'read the long file in R')) {
    const dir = mkdtempSync(join(tmpdir(), 'r-long-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'long.csv'), long.rawPayload)
    writeFileSync(join(dir, 'wide.csv'), (await get(`/admin/analysis/waves/${waveId}/raw.csv`)).rawPayload)
    const script = [
      'l <- read.csv("long.csv", fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE)',
      'w <- read.csv("wide.csv", fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE)',
      'm <- merge(l, w[, c("respondent_id", "sites_items")], by = "respondent_id")',
      'cat(nrow(l), nrow(w), nrow(m), sum(l$site_buddies, na.rm = TRUE), sep = ",")',
    ].join('; ')
    t.equal(execFileSync('Rscript', ['-e', script], { cwd: dir, encoding: 'utf8' }), '4,3,4,22', 'R: 4 sites, 3 services, every site joins its service, 12 + 3 + 7 buddies')
  } else t.comment('R not found: the long file was not opened in R')

  if (toolAvailable('pspp', 'run the long file’s SPSS syntax')) {
    const plain = await get(`/admin/analysis/waves/${waveId}/groups/sites/raw.csv`)
    const syntax = (await get(`/admin/analysis/waves/${waveId}/groups/sites/labels.sps`)).body
    const name = /filename="([^"]+)"/.exec(String(plain.headers['content-disposition']))![1]
    t.match(syntax, `FILE="${name}"`)
    const dir = mkdtempSync(join(tmpdir(), 'pspp-long-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, name), plain.rawPayload)
    writeFileSync(join(dir, 'labels.sps'), `${syntax}\nSAVE TRANSLATE /OUTFILE='as-read.csv' /TYPE=CSV /FIELDNAMES /MISSING=IGNORE /REPLACE.\n`)
    const output = execFileSync('pspp', ['labels.sps'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    t.notMatch(output, /warning|error/i, 'PSPP reports no warning and no error')
    const read = parse(readFileSync(join(dir, 'as-read.csv'), 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
    t.equal(read.length, 4, 'four cases, one per site')
    t.same(read.map((r) => r.site_name.trim()).sort(), ['=HMP Wakefield', 'Carchar Caerdydd, Heol y Fynwent', 'HMP Leeds', 'HMP Parc'])
    t.same(read.map((r) => Number(r.item_number)).sort(), [1, 1, 2, 3])
  } else t.comment('PSPP not found: the long file’s syntax was not run')
})

t.test('statistics of a group’s questions count items (n = items), and organisations with at least one item', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-groups`, mailWorker: false })
  const waveId = await submittedWithSites(app)
  const definition = app.catalogue.find('site-visits', '1')!.definition
  const stats = await waveStatistics(app.db, waveId, definition)
  const q = (id: string) => stats.questions.find((s) => s.id === id)!
  // Worked by hand from SERVICES: four sites (three of S1, one of S3); three have buddies.
  t.same([q('has_sites').asked, q('has_sites').choice!.options.map((o) => o.count)], [3, [2, 1]], 'the organisation’s own question: 3 services, 2 yes, 1 no')
  const buddies = q('site_has_buddies')
  t.equal(buddies.group, 'sites')
  t.same([buddies.asked, buddies.answered, buddies.missing], [4, 4, 0], 'asked of 4 sites')
  t.same(buddies.choice!.options.map((o) => [o.code, o.count, o.percent]), [[1, 3, 0.75], [2, 1, 0.25]], '3 of 4 sites have a scheme: 75%')
  t.equal(buddies.organisations!.withItems, 2, 'two services gave sites')
  t.same([...buddies.organisations!.byCode].sort(), [[1, 2], [2, 1]], 'both services have at least one site with a scheme; one has a site without')
  const count = q('site_buddies').number!
  t.same([q('site_buddies').asked, count.n, count.min, count.max, count.median, count.q1, count.q3], [3, 3, 3, 12, 7, 5, 9.5], 'buddies at 3 sites: 12, 3 and 7; quartiles (type 7) 5 and 9.5')
  t.equal(Number(count.mean!.toFixed(4)), 7.3333, 'mean 22 / 3')
  t.equal(Number(count.sd!.toFixed(4)), 4.5092, 'sd: sqrt(((12 - 22/3)² + (3 - 22/3)² + (7 - 22/3)²) / 2) = sqrt(20.333)')
  t.same([q('site_staff').asked, q('site_staff').number!.n, Number(q('site_staff').number!.mean!.toFixed(4))], [3, 3, 3.6667], 'staff at the 3 sites with a scheme: 4, 2 and 5')
  const page = await app.inject({ url: `/admin/analysis/waves/${waveId}`, headers: { cookie: await signIn(app, 'analyst') } })
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Asked once per item of the repeating group sites: asked of 4 items from 2 organisations, answered 4, missing 0.')
  t.match(page.body, 'Percentages of 4 items')
  t.match(page.body, `href="/admin/analysis/waves/${waveId}/groups/sites/raw.csv"`)
})

t.test('the comparison lines a group’s questions up across waves, per item', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-groups`, mailWorker: false })
  const first = await submittedWithSites(app, 'W1')
  const organisations = (await app.db.selectFrom('responses').select('organisation_id').where('wave_id', '=', first).execute()).map((r) => r.organisation_id)
  const second = await submittedWithSites(app, 'W2', organisations)
  for (const id of [first, second]) await app.db.updateTable('waves').set({ launched_at: new Date().toISOString() }).where('id', '=', id).execute()
  const res = await app.inject({ url: `/admin/analysis/compare.csv?waves=${first}&waves=${second}`, headers: { cookie: await signIn(app, 'analyst') } })
  t.equal(res.statusCode, 200)
  const rows = parse(res.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  const yes = rows.find((r) => r.population === 'all' && r.question_id === 'site_has_buddies' && r.code === '1')!
  t.same([yes.status, yes.W1_count, yes.W1_base, yes.W2_count, yes.W2_base, yes.change_pp], ['comparable', '3', '4', '3', '4', '0.0'], 'the same 3 of 4 sites with a scheme in each wave')
  const buddies = rows.find((r) => r.population === 'all' && r.question_id === 'site_buddies')!
  t.equal(Number(buddies.W1_value).toFixed(2), '7.33', 'mean buddies per site: 22 / 3')
})

t.test('the equations the publication check relies on hold for a group: items are not organisations', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-groups`, mailWorker: false })
  const waveId = await submittedWithSites(app)
  const definition = app.catalogue.find('site-visits', '1')!.definition
  const table = statisticsTable(await waveStatistics(app.db, waveId, definition), definition)
  // Two services said they have sites; they named four. Asked of the sites: four times.
  t.equal(table.values.get('has_sites|:1'), 2)
  t.equal(table.values.get('site_name:asked'), 4)
  const report = await app.inject({ url: `/admin/analysis/waves/${waveId}`, headers: { cookie: await signIn(app, 'analyst') } })
  t.match(report.body, '4 items answered in their respondents&#39; own words.', 'the sites named, counted as items')
  t.notMatch(report.body, '4 organisations answered in their own words', 'not as organisations: three services named them')
  const wrong = table.equations.filter((e) => e.parts.every((p) => table.values.has(p)) && table.values.has(e.total) && table.values.get(e.total) !== e.parts.reduce((sum, p) => sum + table.values.get(p)!, 0))
  t.same(wrong, [], 'every equation is true of the figures')
  t.notOk(table.equations.some((e) => e.total.startsWith('site_') && e.total.endsWith(':asked') && e.parts.some((p) => p === 'submitted' || p.startsWith('has_sites'))), 'no group question is tied to the organisations\' counts')
})
