// The panel across three waves: the organisations counted in every one of them (one that skipped
// the middle wave is not in it), each wave's figures over the same pairs, and the test of the first
// wave against the last. Figures worked out by hand; p from R's binom.test (the call beside each).
import t from 'tap'
import { parse } from 'csv-parse/sync'
import type { Answers } from '../../src/questionnaire/answers.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { submittedWave } from '../helpers/responses.js'

const YES = { code: 1 }
const NO = { code: 2 }
const DONT_KNOW = { code: 8 }

// Per organisation O1..O6: the scheme and the tasks chosen in each wave (null: not in that wave).
// O5 skips W2, so it is outside the panel; O6 says "don't know" in W2, so it is in the panel but
// not among the scheme's pairs.
const PLAN: { scheme: (typeof YES | null)[]; tasks: (number[] | null)[] }[] = [
  { scheme: [YES, YES, NO], tasks: [[1, 2], [1, 2], [2]] },
  { scheme: [YES, NO, NO], tasks: [[1, 2], [2], [2]] },
  { scheme: [NO, NO, YES], tasks: [[1, 2], [1, 2], [2]] },
  { scheme: [YES, YES, YES], tasks: [[2], [2], [1, 2]] },
  { scheme: [YES, null, NO], tasks: [[1, 2], null, [1, 2]] },
  { scheme: [NO, DONT_KNOW, NO], tasks: [[1, 2], [1, 2], [2]] },
]

t.test('a panel of three waves: counted in all three, tested first against last', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const ids: string[] = []
  for (let i = 1; i <= PLAN.length; i++) ids.push(await createOrganisation(app.db, { code: `O${i}`, name: `Organisation ${i}`, type: 'prison', attributes: {}, contacts: [{ name: 'C', email: `o${i}@example.org` }] }))
  const waves: string[] = []
  for (const [w, version] of (['1', '2', '2'] as const).entries()) {
    const taking = PLAN.map((p, i) => ({ p, i })).filter(({ p }) => p.scheme[w] !== null)
    const answers: Answers[] = taking.map(({ p }) => ({ q_role: { code: 1 }, q_scheme: p.scheme[w]!, q_tasks: { codes: p.tasks[w]! }, q_staff: { value: 3 }, q_rate: { rows: { a: 1 } }, ...(version === '2' ? { q_new: YES } : {}) }))
    waves.push((await submittedWave(app, { surveyId: 'demo-analysis', version, label: `W${w + 1}`, answers, organisations: taking.map(({ i }) => ids[i]) })).waveId)
  }
  const cookie = await signIn(app, 'analyst')
  const res = await app.inject({ url: `/admin/analysis/compare.csv?${waves.map((w) => `waves=${w}`).join('&')}`, headers: { cookie } })
  t.equal(res.statusCode, 200)
  const csv = parse(res.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  const line = (id: string, code: string, population = 'panel') => csv.find((r) => r.population === population && r.question_id === id && r.code === code)!
  t.ok(csv.filter((r) => r.population === 'panel').length > 0, 'the panel has lines')
  t.ok(csv.every((r) => r.panel_organisations === '5'), 'O1–O4 and O6: O5 skipped W2')

  // Scheme, four pairs (O6's don't know in W2 leaves it out): yes 3, 2, 2 of 4. First against
  // last: yes→no O1 and O2, no→yes O3: binom.test(1, 3) p = 1.
  const scheme = line('q_scheme', '1')
  t.same([scheme.W1_count, scheme.W1_base, scheme.W1_percent, scheme.W2_count, scheme.W2_percent, scheme.W3_count, scheme.W3_base, scheme.W3_percent, scheme.change_pp], ['3', '4', '75.0', '2', '50.0', '2', '4', '50.0', '-25.0'])
  t.same([scheme.test, scheme.p_value], ['mcnemar', '1.0000'])

  // Cleaning over the five: 4, 3, 1 of 5. First against last: O1, O2, O3 and O6 stopped, O4
  // started: binom.test(1, 5) p = 0.375.
  const cleaning = line('q_tasks', '1')
  t.same([cleaning.W1_count, cleaning.W1_base, cleaning.W2_count, cleaning.W3_count, cleaning.W3_percent, cleaning.change_pp], ['4', '5', '3', '1', '20.0', '-60.0'])
  t.same([cleaning.test, cleaning.p_value], ['mcnemar', '0.3750'])
  // Meals chosen by all five in every wave: nobody changed, nothing to test.
  const meals = line('q_tasks', '2')
  t.same([meals.W1_count, meals.W2_count, meals.W3_count, meals.test, meals.p_value], ['5', '5', '5', '', ''])

  // All respondents count O5 too: yes 4 of 6 in W1 (O1, O2, O4, O5), 2 of 6 in W3 (O3, O4).
  t.same([line('q_scheme', '1', 'all').W1_count, line('q_scheme', '1', 'all').W1_base], ['4', '6'])
  t.same([line('q_scheme', '1', 'all').W3_count, line('q_scheme', '1', 'all').W3_base], ['2', '6'])
})
