// The new answer types as an analyst reads them: R's read.csv gets money and decimals as
// numbers (not text), a month as "YYYY-MM", postcodes and telephone numbers as typed-and-tidied
// text; PSPP reads the raw data with the SPSS syntax without a warning, money as F18.2 and the
// percentage as F18.1; the codebook says how each is written; statistics give money and
// percentages as numbers and never publish an e-mail address, telephone number or postcode.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { toolAvailable } from '../helpers/tools.js'
import { submittedWave } from '../helpers/responses.js'
import { waveStatistics } from '../../src/analysis/statistics.js'
import type { Answers } from '../../src/questionnaire/answers.js'

// Three organisations; the third answered "don't know" to referrals and left the optional ones blank.
const ANSWERS: Answers[] = [
  { referrals: { value: 4 }, spend: { value: 1234.5 }, share_assessed: { value: 12.5 }, hours_per_week: { value: 7.25 }, service_start: { value: '2020-02' }, last_review: { value: '2024-11-30' }, tasks: { codes: [1, 2] }, assessments: { value: 3 }, spend_enough: { code: 1 }, contact_email: { value: 'ann@example.org' }, contact_phone: { value: '07700 900982' }, office_postcode: { value: 'SW1A 1AA' } },
  { referrals: { value: 10 }, spend: { value: 0.99 }, share_assessed: { value: 100 }, hours_per_week: { value: 0.5 }, service_start: { value: '1999-12' }, tasks: { codes: [2, 3, 4] }, assessments: { value: 0 }, spend_enough: { code: 2 }, contact_email: { value: 'b@example.org' }, office_postcode: { value: 'CF10 1AA' } },
  { referrals: { dont_know: true }, spend: { value: 600 }, share_assessed: { value: 0 }, service_start: { value: '2021-04' }, tasks: { codes: [5] }, assessments: { value: 1 }, spend_enough: { code: 1 }, contact_email: { value: 'c@example.org' }, contact_phone: { value: '020 7946 0000' }, office_postcode: { value: 'LL57 2DG' } },
]

const noR = toolAvailable('Rscript', 'read the exports in R') ? false : 'R not found (apt-get install -y r-base-core)'
const noPspp = toolAvailable('pspp', 'read the raw data with the SPSS syntax') ? false : 'PSPP not found (apt-get install -y --no-install-recommends pspp)'

t.test('the new types in the raw data, read by R and by PSPP, in the codebook and the statistics', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-types`, mailWorker: false })
  const { waveId } = await submittedWave(app, { surveyId: 'service-types', version: '1', label: 'Wave 1', answers: ANSWERS })
  const cookie = await signIn(app, 'analyst')
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: { cookie } })
    t.equal(res.statusCode, 200, url)
    return res
  }
  const raw = await get(`/admin/analysis/waves/${waveId}/raw.csv`)
  const rows = (parse(raw.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]).sort((a, b) => a.contact_email.localeCompare(b.contact_email))
  t.same(rows.map((r) => [r.spend, r.share_assessed, r.hours_per_week, r.service_start, r.last_review, r.contact_phone, r.office_postcode]), [
    ['1234.5', '12.5', '7.25', '2020-02', '2024-11-30', '07700 900982', 'SW1A 1AA'],
    ['0.99', '100', '0.5', '1999-12', '-9', '-9', 'CF10 1AA'],
    ['600', '0', '-9', '2021-04', '-9', '020 7946 0000', 'LL57 2DG'],
  ], 'numbers as numbers, a month as YYYY-MM, -9 for optional questions left blank')

  const syntax = await get(`/admin/analysis/waves/${waveId}/labels.sps`)
  t.match(syntax.body, /\bspend F18\.2\b/, 'money has two decimals in SPSS')
  t.match(syntax.body, /\bshare_assessed F18\.1\b/)
  t.match(syntax.body, /\bhours_per_week F18\.2\b/)
  t.match(syntax.body, /\breferrals F18\.0\b/)
  t.match(syntax.body, /\bservice_start A7\b/, 'a month is seven characters of text')
  t.match(syntax.body, /\boffice_postcode A8\b/)

  const codebook = await get(`/admin/analysis/waves/${waveId}/codebook.csv`)
  t.match(codebook.body, 'amount in pounds (pence as decimals)')
  t.match(codebook.body, 'percentage, 0 to 100, up to 1 decimal place')
  t.match(codebook.body, 'month, YYYY-MM')
  t.match(codebook.body, 'UK postcode in capitals with one space, as SW1A 1AA')

  const stats = await waveStatistics(app.db, waveId, (await app.catalogue.find('service-types', '1'))!.definition)
  const spend = stats.questions.find((q) => q.id === 'spend')!.number!
  // By hand: (1234.5 + 0.99 + 600) / 3 = 1835.49 / 3 = 611.83; median 600.
  t.equal(Number(spend.mean!.toFixed(2)), 611.83)
  t.equal(spend.median, 600)
  t.same([spend.min, spend.max], [0.99, 1234.5])
  const share = stats.questions.find((q) => q.id === 'share_assessed')!.number!
  t.equal(Number(share.mean!.toFixed(4)), 37.5, '(12.5 + 100 + 0) / 3 = 37.5')
  for (const id of ['contact_email', 'contact_phone', 'office_postcode']) {
    const q = stats.questions.find((x) => x.id === id)!
    t.equal(q.number, undefined, `${id} has no figures`)
  }
  const freeText = await get(`/admin/analysis/waves/${waveId}/free-text.csv`)
  t.notMatch(freeText.body, /ann@example\.org|07700|SW1A/, 'contact details are never in the free text for coding')
  const publication = await app.inject({ url: `/admin/analysis/waves/${waveId}`, headers: { cookie } })
  t.notMatch(publication.body, /ann@example\.org|07700 900982|SW1A 1AA/, 'nor on the statistics page')

  // A second wave of the same version, compared with the first: money as a number, contact details nowhere.
  const { waveId: second } = await submittedWave(app, { surveyId: 'service-types', version: '1', label: 'Wave 2', answers: ANSWERS.slice(0, 2), prefix: 'S' })
  const compared = await app.inject({ url: `/admin/analysis/compare?waves=${waveId}&waves=${second}`, headers: { cookie } })
  t.equal(compared.statusCode, 200)
  t.match(compared.body, 'How much did you spend on social care in prison?')
  t.notMatch(compared.body, /ann@example\.org|07700 900982|SW1A 1AA/, 'contact details are not compared or shown')

  await t.test('R reads money and decimals as numbers', { skip: noR }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'types-in-r-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'raw.csv')
    writeFileSync(file, raw.rawPayload)
    const script = `d <- read.csv(${JSON.stringify(file)}, fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE); d <- d[order(d$contact_email),]; cat(class(d$spend), class(d$share_assessed), class(d$service_start), "\\n"); cat(sum(d$spend), "\\n"); cat(d$service_start, sep = ","); cat("\\n"); cat(d$office_postcode, sep = ",")`
    const [classes, sum, months, postcodes] = execFileSync('Rscript', ['-e', script], { encoding: 'utf8' }).split('\n')
    t.equal(classes.trim(), 'numeric numeric character')
    t.equal(sum.trim(), '1835.49', '1234.5 + 0.99 + 600')
    t.equal(months, '2020-02,1999-12,2021-04')
    t.equal(postcodes, 'SW1A 1AA,CF10 1AA,LL57 2DG')
  })

  await t.test('PSPP reads them with the SPSS syntax, without a warning', { skip: noPspp }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'types-in-pspp-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const rawName = /filename="([^"]+)"/.exec(String(raw.headers['content-disposition']))![1]
    writeFileSync(join(dir, rawName), raw.rawPayload)
    writeFileSync(join(dir, 'labels.sps'), `${syntax.body}\nSAVE TRANSLATE /OUTFILE='as-read.csv' /TYPE=CSV /FIELDNAMES /MISSING=IGNORE /REPLACE.\nDESCRIPTIVES /VARIABLES=spend share_assessed /STATISTICS=SUM.\n`)
    const output = execFileSync('pspp', ['labels.sps'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    t.notMatch(output, /warning|error/i, 'PSPP reports no warning and no error')
    const read = (parse(readFileSync(join(dir, 'as-read.csv'), 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]).sort((a, b) => a.contact_email.localeCompare(b.contact_email))
    t.same(read.map((r) => [Number(r.spend), Number(r.share_assessed), r.service_start.trim(), r.contact_phone.trim()]), [
      [1234.5, 12.5, '2020-02', '07700 900982'],
      [0.99, 100, '1999-12', '-9'],
      [600, 0, '2021-04', '020 7946 0000'],
    ])
    t.match(output, /spend[^\n]*1835\.49/, 'the sum of the money, to the penny')
  })
})
