// "Don't know" as an option among others, in the raw data: a multiple choice answered "Don't
// know" alone has -8 in every option's column and 1 in its own flag; with real options chosen,
// 0 and 1 as usual; a grid row answered "Don't know" is -8 beside the codes of the other rows;
// a question not asked (no prison in the area) is blank; asked and left unanswered, -9.
// Expected values worked out by hand from surveys/la-release-social-care/2020.yaml.
import t from 'tap'
import { parse } from 'csv-parse/sync'
import { buildTestApp, signIn } from '../helpers/app.js'
import { submittedWave } from '../helpers/responses.js'

t.test('special options of multiple choices and grids in raw.csv', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const { waveId } = await submittedWave(app, {
    surveyId: 'la-release-social-care',
    version: '2020',
    label: '2020',
    prefix: 'LA',
    answers: [
      { prisons_in_area: { value: 1 }, referral_routes: { codes: [9] }, effectiveness: { rows: { identifying: 9, assessing: 1, providing: 2, equipment: 9 } } },
      { prisons_in_area: { value: 2 }, referral_routes: { codes: [1, 6] } },
      { prisons_in_area: { value: 0 } },
    ],
  })
  const cookie = await signIn(app, 'analyst')
  const res = await app.inject({ url: `/admin/analysis/waves/${waveId}/raw.csv?names=1`, headers: { cookie } })
  t.equal(res.statusCode, 200)
  const rows = parse(res.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  const row = (name: string) => rows.find((r) => r.organisation_name === name)!
  const routes = ['referral_routes_1', 'referral_routes_2', 'referral_routes_3', 'referral_routes_4', 'referral_routes_6', 'referral_routes_7', 'referral_routes_5', 'referral_routes_dk']
  const grid = ['effectiveness_identifying', 'effectiveness_assessing', 'effectiveness_providing', 'effectiveness_equipment']
  const pick = (r: Record<string, string>, names: string[]) => names.map((n) => r[n])

  t.same(pick(row('Organisation LA1'), routes), ['-8', '-8', '-8', '-8', '-8', '-8', '-8', '1'], '"Don\'t know" alone: -8 in each option, 1 in its flag')
  t.same(pick(row('Organisation LA2'), routes), ['1', '0', '0', '0', '1', '0', '0', '0'], 'two options chosen')
  t.same(pick(row('Organisation LA3'), routes), ['', '', '', '', '', '', '', ''], 'not asked: no prison in the area')

  t.same(pick(row('Organisation LA1'), grid), ['-8', '1', '2', '-8'], 'a grid row answered "Don\'t know" is -8 (code 9 in the questionnaire)')
  t.same(pick(row('Organisation LA2'), grid), ['-9', '-9', '-9', '-9'], 'asked and left unanswered')
  t.same(pick(row('Organisation LA3'), grid), ['', '', '', ''], 'not asked')
  t.equal(row('Organisation LA1').referral_routes_other, '', 'no "please specify" text: the option was not chosen')
})
