// The team's pages about versions: the changes page shows option and grid-row lineage with its
// notes and Welsh text that changed, is worked out once per pair of versions, and counts as the
// command line does; the version page shows every property of a question.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { formatDiff } from '../../src/cli.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { diffVersions } from '../../src/questionnaire/diff.js'
import { versionDiffs } from '../../src/surveys/version-diffs.js'
import { questionProperties } from '../../src/surveys/question-properties.js'
import { buildTestApp, copySurveys, FIXTURES, REAL_SURVEYS, signIn } from '../helpers/app.js'

const OPTIONS = join(FIXTURES, 'surveys-options')
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ')

/** A team page as an analyst gets it: its status, its HTML and its text as read. */
async function asAnalyst(app: FastifyInstance, url: string) {
  const res = await app.inject({ url, headers: { cookie: await signIn(app, 'analyst') } })
  return { status: res.statusCode, body: res.body, page: text(res.body) }
}

t.test('the changes page shows what happened to each option and grid row, with the lineage note', async (t) => {
  const surveys = copySurveys(t, OPTIONS)
  const file = join(surveys, 'options-lineage', '2.yaml')
  writeFileSync(file, readFileSync(file, 'utf8').replace('lineage: { recode: { 2: [2, 3] } }', 'lineage: { recode: { 2: [2, 3] }, note: Debt advice is asked on its own since 2 }'))
  const { status, page } = await asAnalyst(await buildTestApp(t, { surveysDir: surveys }), '/surveys/options-lineage/2/changes')
  t.equal(status, 200)
  // Worked out from the two fixture files by hand.
  t.match(page, 'Added: 4 Pushing wheelchairs (not asked in 1: shown as [x] there, never as 0%)')
  t.match(page, 'Removed: 3 Laundry (no equivalent in 2)')
  t.match(page, 'Split: 7 Remand or local became 7 Local · 9 Remand (compared on the coarser coding)')
  t.match(page, 'Split: 2 Benefits and debt became 2 Benefits · 3 Debt')
  t.match(page, 'Note: Debt advice is asked on its own since 2')
  t.match(page, 'Added: 3 Self-referral (not asked in 1')
  t.match(page, 'Row added: c: Care planning (not asked in 1)')
  t.notMatch(page, 'Added: 7 Local', 'the parts of a split are not new options')
  t.notMatch(page, 'Removed: 7', 'nor is the option split removed')
})

t.test('merged options and removed or reworded grid rows, from the diff itself', async (t) => {
  const { catalogue } = loadCatalogue(OPTIONS)
  const v1 = catalogue!.find('options-lineage', '1')!.definition
  const v2 = structuredClone(catalogue!.find('options-lineage', '2')!.definition)
  const questions = v2.sections[0].pages[0].questions
  const category = questions.find((q) => q.id === 'q_category')!
  if (category.type !== 'single_choice') throw new Error('fixture changed')
  // Category B and Open become one "Other" option: two codes of version 1 lead to one.
  category.options = [{ code: 7, label: 'Local' }, { code: 9, label: 'Remand' }, { code: 5, label: 'Other' }]
  category.lineage = { recode: { 7: [7, 9], 1: 5, 8: 5 } }
  const grid = questions.find((q) => q.id === 'q_help')!
  if (grid.type !== 'grid') throw new Error('fixture changed')
  grid.rows = [{ id: 'c', text: 'Care planning' }]
  const diff = diffVersions(v1, v2)
  const changes = diff.optionsChanged.find((o) => o.id === 'q_category')!
  t.same(changes.merged, [{ from: ['1 Category B', '8 Open'], to: '5 Other' }])
  t.same(changes.added, [], 'Other is where two earlier options went, not a new option')
  t.same(diff.optionsChanged.find((o) => o.id === 'q_help')!.rowsRemoved, ['a: Assessment'])
  const renamed = structuredClone(v1)
  const renamedGrid = renamed.sections[0].pages[0].questions.find((q) => q.id === 'q_help')!
  if (renamedGrid.type !== 'grid') throw new Error('fixture changed')
  renamedGrid.rows = [{ id: 'a', text: 'Assessment of need' }]
  t.same(diffVersions(v1, renamed).optionsChanged.find((o) => o.id === 'q_help')!.rowsReworded, [{ id: 'a', before: 'Assessment', after: 'Assessment of need' }])
})

t.test('a change of Welsh text is shown, English unchanged or not', async (t) => {
  const { catalogue } = loadCatalogue(REAL_SURVEYS)
  const before = catalogue!.find('prison-peer-social-care', '2024')!.definition
  const after = structuredClone(before)
  const population = after.sections.flatMap((s) => s.pages.flatMap((p) => p.questions)).find((q) => q.id === 'population')!
  population.text = { en: 'How many people were held in your prison on the last day of last month?', cy: 'Faint o bobl a oedd yn eich carchar ar ddiwrnod olaf y mis diwethaf?' }
  const diff = diffVersions(before, after)
  t.same(diff.welsh.map((w) => [w.id, w.what, w.before, w.after]), [['population', 'text', 'Faint o bobl oedd yn cael eu dal yn eich carchar ar ddiwrnod olaf y mis diwethaf?', 'Faint o bobl a oedd yn eich carchar ar ddiwrnod olaf y mis diwethaf?']])
  t.same(diff.reworded, [], 'the English wording is the same: not a rewording')
  t.match(formatDiff(diff), 'Welsh text changed (1)')
})

t.test('the changes of a pair of versions are worked out once, not at every request', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app, 'analyst')
  const url = '/surveys/la-release-social-care/2020/changes'
  const before = versionDiffs.computed
  const first = await app.inject({ url, headers: { cookie } })
  t.equal(versionDiffs.computed, before + 1, 'the first request works the changes out')
  const second = await app.inject({ url, headers: { cookie } })
  t.equal(versionDiffs.computed, before + 1, 'the second finds them kept')
  t.equal(second.body.replace(/name="_csrf" value="[^"]+"/g, ''), first.body.replace(/name="_csrf" value="[^"]+"/g, ''), 'and shows the same page')
  await app.inject({ url: `${url}?from=2015-16`, headers: { cookie } })
  t.equal(versionDiffs.computed, before + 1, 'naming the previous version is the same pair')
})

t.test('the command line counts questions as the changes page does', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app, 'analyst')
  const page = (await app.inject({ url: '/surveys/la-release-social-care/2020/changes', headers: { cookie } })).body
  const onPage = [...page.matchAll(/href="#([a-z_]+)">([^<]+)<\/a><\/th><td[^>]*>(\d+)<\/td>/g)].map((m) => [m[2], Number(m[3])])
  const { catalogue } = loadCatalogue(REAL_SURVEYS)
  const cli = formatDiff(diffVersions(catalogue!.find('la-release-social-care', '2015-16')!.definition, catalogue!.find('la-release-social-care', '2020')!.definition))
  const inCli = [...cli.matchAll(/^([A-Z][A-Za-z ]+) \((\d+)\)$/gm)].map((m) => [m[1], Number(m[2])])
  const count = (list: (string | number)[][], name: RegExp) => list.find(([label]) => name.test(String(label)))?.[1]
  // 16 added (4 of them in the repeating group for each prison) and 2 dropped, as listed by id in test/questionnaire/diff.test.ts.
  t.equal(count(onPage, /^Questions added/), 16)
  t.equal(count(inCli, /^Added/), 16)
  t.equal(count(onPage, /^Questions dropped/), 2)
  t.equal(count(inCli, /^Dropped/), 2)
  for (const [pageLabel, cliLabel] of [[/^Questions reworded/, /^Reworded/], [/^Options recoded/, /^Recoded/], [/^Options and grid rows/, /^Options changed/], [/^Skip logic/, /^Skip logic/], [/^Welsh/, /^Welsh/]]) {
    t.equal(count(inCli, cliLabel), count(onPage, pageLabel), `${cliLabel}: the same count on the page and the command line`)
  }
  t.ok(Number(count(inCli, /^Reworded/)) < cli.split('\n').filter((l) => /^\s+(was|now):/.test(l)).length, 'a reworded question takes three lines but counts once')
})

t.test('the version page shows every property of a question', async (t) => {
  const app = await buildTestApp(t)
  const { status, body, page } = await asAnalyst(app, '/surveys/prison-peer-social-care/2024')
  t.equal(status, 200)
  t.match(page, 'Accepted numbers Whole numbers from 1 to 3000')
  t.match(page, 'Unit one: person, other: people zero: pobl, one: person, two: berson, few: pherson, many: pherson, other: o bobl')
  t.match(body, '<span lang="cy">Faint o bobl oedd yn cael eu dal yn eich carchar ar ddiwrnod olaf y mis diwethaf?</span>', 'the Welsh text, marked as Welsh')
  t.match(page, 'Hint Select all that apply. Dewiswch bob un sy’n berthnasol.')
  t.match(page, 'Longest answer 120 characters')
  const plain = questionProperties({ id: 'comments', type: 'short_text', text: 'Anything else?' })
  t.same(plain, [{ label: 'Longest answer', lines: [{ text: '500 characters (the default)' }] }], 'a limit left out is the default, said so')
  t.match(page, /\(exclusive: cannot be combined with other options\)/)
  t.match(page, 'Also offers Don’t know')
  const la = (await asAnalyst(app, '/surveys/la-release-social-care/2020')).page
  t.match(la, 'Previous code 4 is now 3', 'recodes are shown')
  t.match(la, 'Lineage Split from release_process')
  t.match(la, 'Declared not comparable with the previous version')
})
