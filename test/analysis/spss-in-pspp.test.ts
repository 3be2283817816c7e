// The SPSS syntax as an analyst runs it: GNU PSPP reads raw.csv with labels.sps, in a folder of
// their own, with answers of several lines, Welsh, formula-like text, a number answered "don't
// know" and organisation attributes whose headings SPSS would refuse as names. PSPP must say
// nothing (no warning, no error), find one case per organisation, read every answer back as it
// was typed, and treat the missing-value codes as missing.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { toolAvailable } from '../helpers/tools.js'
import { submittedWave } from '../helpers/responses.js'
import { createOrganisation } from '../../src/waves/organisations.js'

const VIEWS = [
  'First line\nsecond line\n\nafter a blank line',
  "Mae'r cynllun yn gweithio'n dda – diolch i Siân a Gwenllïan (ŵ, ŷ)",
  '=1+1',
  'Plain, with a comma and "quotes"; @SUM(A1:A2)',
  undefined, // asked, not answered: -9
]
const STAFF = [{ value: 2 }, { value: 4 }, { dont_know: true as const }, { value: 10 }, { value: 0 }]

t.test('PSPP reads raw.csv with labels.sps: no warnings, one case per organisation, answers as typed', { skip: toolAvailable('pspp', 'read the raw data with the SPSS syntax') ? false : 'PSPP not found (apt-get install -y --no-install-recommends pspp)' }, async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const organisations: string[] = []
  for (let i = 1; i <= VIEWS.length; i++) {
    organisations.push(await createOrganisation(app.db, { code: `P${i}`, name: `Prison ${i}`, type: 'prison', attributes: { '=attr': `=cmd|' /C calc'!A${i}`, 'Prison category': i === 2 ? 'Categori B' : 'Category C' }, contacts: [{ name: 'C', email: `p${i}@example.org` }] }))
  }
  const { waveId } = await submittedWave(app, {
    surveyId: 'demo-analysis',
    version: '1',
    label: 'Wave 1',
    organisations,
    answers: VIEWS.map((views, i) => ({
      q_role: { code: i === 1 ? 9 : 1 },
      q_scheme: { code: 1 },
      q_tasks: { codes: [1] },
      q_staff: STAFF[i],
      q_rate: { rows: { a: 2 } },
      ...(views === undefined ? {} : { q_views: { value: views } }),
    })),
  })
  const cookie = await signIn(app, 'analyst')
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: { cookie } })
    t.equal(res.statusCode, 200, url)
    return res
  }
  const raw = await get(`/admin/analysis/waves/${waveId}/raw.csv`)
  const syntax = await get(`/admin/analysis/waves/${waveId}/labels.sps`)
  const rawName = /filename="([^"]+)"/.exec(String(raw.headers['content-disposition']))![1]
  t.equal(rawName, 'raw-demo-analysis-Wave_1.csv')
  t.match(syntax.body, `FILE="${rawName}"`, 'the syntax reads the file under the name it is downloaded with')

  const dir = mkdtempSync(join(tmpdir(), 'pspp-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, rawName), raw.rawPayload)
  // What an analyst would run next: write the data out twice, as read and with missing values blanked.
  const check = [
    "SAVE TRANSLATE /OUTFILE='as-read.csv' /TYPE=CSV /FIELDNAMES /MISSING=IGNORE /REPLACE.",
    "SAVE TRANSLATE /OUTFILE='missing-blank.csv' /TYPE=CSV /FIELDNAMES /MISSING=RECODE /REPLACE.",
    'DISPLAY DICTIONARY /VARIABLES=q_staff q_views.',
  ].join('\n')
  writeFileSync(join(dir, 'labels.sps'), `${syntax.body}\n${check}\n`)
  const output = execFileSync('pspp', ['labels.sps'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  t.notMatch(output, /warning|error/i, 'PSPP reports no warning and no error')

  // Rows come in the order of the responses' ids: put them back in the organisations' order (A1…A5 in attr).
  const organisationOrder = (r: Record<string, string>) => Number(/A(\d)$/.exec(r.attr)![1])
  const read = (file: string) => (parse(readFileSync(join(dir, file), 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]).sort((a, b) => organisationOrder(a) - organisationOrder(b))
  const asRead = read('as-read.csv')
  t.equal(asRead.length, 5, 'five cases for five organisations')
  t.same(
    asRead.map((r) => r.q_views),
    [...VIEWS.slice(0, 4), '-9'],
    'each answer read back exactly as typed (lines, Welsh, a formula kept as text), -9 where it was not answered',
  )
  t.same(asRead.map((r) => r.attr), [1, 2, 3, 4, 5].map((i) => `=cmd|' /C calc'!A${i}`), 'the attribute "=attr" is the variable attr, its values as imported')
  t.same(asRead.map((r) => r.prison_category), ['Category C', 'Categori B', 'Category C', 'Category C', 'Category C'])
  t.same(asRead.map((r) => Number(r.q_staff)), [2, 4, -8, 10, 0], 'a number answered "don\'t know" is -8, not blank')
  t.same(asRead.map((r) => Number(r.q_role)), [1, -8, 1, 1, 1], '"Don\'t know" (code 9 in the questionnaire) is -8')
  t.same(asRead.map((r) => r.q_budget.trim()), ['-9', '-9', '-9', '-9', '-9'], 'an optional question left blank: -9')

  const blanked = read('missing-blank.csv')
  t.same(blanked.map((r) => r.q_staff.trim()), ['2', '4', '', '10', '0'], 'PSPP treats -8 as missing')
  t.same(blanked.map((r) => r.q_budget.trim()), ['', '', '', '', ''], 'and -9')
  t.same(blanked.map((r) => r.q_views).slice(4), [''], 'and "-9" in a text variable')
  t.match(output, /q_staff[\s\S]*Scale/, 'numbers are measured on a scale')
  t.match(output, /q_views[\s\S]*Nominal/, 'text is nominal')
})
