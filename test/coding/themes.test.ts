// Themes beside the numbers, against values from R: two waves of the analysis fixture, each coded
// by one coder who has finished. W1: 10 organisations answered Views; Housing on 3, Benefits (a
// code beneath the theme Money) on 2. W2: 12; Housing on 9, Benefits on 1.
//   prop.test(3, 10, correct = FALSE)$conf.int → 10.8–60.3 %; prop.test(9, 12, …) → 46.8–91.1 %
//   fisher.test(matrix(c(3,7,9,3), 2, byrow = TRUE))$p.value → 0.08356 (Housing, +45.0 points)
//   prop.test(2, 10, …) → 5.7–51.0 %; prop.test(1, 12, …) → 1.5–35.4 %;
//   fisher.test(matrix(c(2,8,1,11), 2, byrow = TRUE))$p.value → 0.5714 (Benefits and Money, −11.7)
import t from 'tap'
import { parse } from 'csv-parse/sync'
import { startSession } from '../../src/accounts/sessions.js'
import { createUser } from '../../src/accounts/users.js'
import { createCode } from '../../src/coding/codebook.js'
import { codeWholeAnswer, finishCoding, joinCoding } from '../../src/coding/codings.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import type { Answers } from '../../src/questionnaire/answers.js'
import { readFileSync, writeFileSync } from 'node:fs'
import { buildTestApp, copySurveys, FIXTURES } from '../helpers/app.js'
import { submitAnswers, submittedWave } from '../helpers/responses.js'
import { inviteOrganisations } from '../../src/waves/waves.js'

const base: Answers = { q_role: { code: 1 }, q_scheme: { code: 1 }, q_tasks: { codes: [1] }, q_staff: { value: 2 }, q_rate: { rows: { a: 1 } } }
const withViews = (n: number) => Array.from({ length: n }, (_, i): Answers => ({ ...base, q_views: { value: `Views of organisation ${i + 1}` } }))
// Two organisations answer without Views: they are not in the base.
const wave2Answers = (n: number): Answers[] => [...withViews(n), { ...base, q_new: { code: 1 } }, { ...base, q_new: { code: 2 } }].map((a) => ({ ...a, q_new: a.q_new ?? { code: 1 } }))

t.test('the themes of two coded waves, compared as a closed question would be', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const organisations: string[] = []
  for (let i = 1; i <= 14; i++) organisations.push(await createOrganisation(app.db, { code: `O${i}`, name: `Org ${i}`, type: i % 2 ? 'local authority' : 'prison', contacts: [{ name: 'C', email: `o${i}@example.org` }] }))
  const w1 = await submittedWave(app, { surveyId: 'demo-analysis', version: '1', label: 'W1', answers: withViews(10), organisations: organisations.slice(0, 10) })
  const w2 = await submittedWave(app, { surveyId: 'demo-analysis', version: '2', label: 'W2', answers: wave2Answers(12), organisations: organisations.slice(0, 14) })
  const coder = await createUser(app.db, { email: 'coder@example.org', name: 'Coder', role: 'analyst', password: 'correct horse battery staple' })
  const actor = { id: coder, email: 'coder@example.org' }
  const money = await createCode(app.db, actor, 'demo-analysis', { name: 'Money', description: '', inclusion: '', exclusion: '', example: '', parentId: null })
  const benefits = await createCode(app.db, actor, 'demo-analysis', { name: 'Benefits', description: '', inclusion: '', exclusion: '', example: '', parentId: money })
  const housing = await createCode(app.db, actor, 'demo-analysis', { name: 'Housing', description: '', inclusion: '', exclusion: '', example: '', parentId: null })
  const code = async (waveId: string, n: number, codes: (i: number) => string[]) => {
    await joinCoding(app.db, waveId, coder)
    for (let i = 0; i < n; i++) await codeWholeAnswer(app.db, waveId, coder, { organisationId: organisations[i], questionKey: 'q_views' }, codes(i))
  }
  await code(w1.waveId, 10, (i) => [...(i < 3 ? [housing] : []), ...(i >= 8 ? [benefits] : [])])
  await code(w2.waveId, 12, (i) => [...(i < 9 ? [housing] : []), ...(i === 11 ? [benefits] : [])])
  const cookie = `sid=${await startSession(app.db, coder)}`
  const page = `/admin/coding/surveys/demo-analysis/themes?waves=${w1.waveId}&waves=${w2.waveId}`

  const unfinished = (await app.inject({ url: page, headers: { cookie } })).body
  t.match(unfinished, /Not counted, as their coding has not finished: W1, W2/)
  for (const w of [w1, w2]) await finishCoding(app.db, w.waveId, coder, true)

  const html = (await app.inject({ url: page, headers: { cookie } })).body
  const row = (name: string) => {
    const m = new RegExp(`<span class="app-code-depth-\\d">${name}</span></th>((?:\\s*<td[^>]*>.*?</td>)+)`, 's').exec(html)
    return m ? [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()) : []
  }
  t.match(html, /W1 and W2 are compared with Fisher/)
  t.same(row('Housing'), ['3 / 10 (30.0%) 10.8–60.3', '9 / 12 (75.0%) 46.8–91.1', '+45.0', '0.084'])
  t.same(row('Benefits'), ['2 / 10 (20.0%) 5.7–51.0', '1 / 12 (8.3%) 1.5–35.4', '-11.7', '0.57'])
  t.same(row('Money'), row('Benefits'), 'a theme counts the organisations with any code beneath it')

  const csv = await app.inject({ url: page.replace('/themes?', '/themes.csv?'), headers: { cookie } })
  const records = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]
  const housingLine = records.find((r) => r.code === 'Housing')!
  t.same([housingLine.W1_count, housingLine.W1_base, housingLine.W2_percent, housingLine.W2_ci_low, housingLine.change_points, housingLine.p_value], ['3', '10', '75.0', '46.8', '45.0', '0.08356'])
  t.equal(records.find((r) => r.code === 'Benefits')!.theme, 'Money')

  // One wave: figures without a comparison; a breakdown by organisation type (W2: odd organisations are councils).
  const one = (await app.inject({ url: `/admin/coding/surveys/demo-analysis/themes?waves=${w2.waveId}&by=organisation_type`, headers: { cookie } })).body
  t.match(one, /Choose two or more waves with finished coding to compare them/)
  t.notMatch(one, /p \(Fisher\)/)
  // Councils are organisations 1, 3, …, 11 (6, Housing on 1, 3, 5, 7, 9: 5); prisons 2, …, 12 (6, Housing on 4: 2, 4, 6, 8).
  t.match(one, /local authority \(6\)<\/th><th scope="col" class="govuk-table__header govuk-table__header--numeric">prison \(6\)/)
  t.match(one, /Housing<\/span><\/th><td class="govuk-table__cell govuk-table__cell--numeric">5 \(83.3%\)<\/td><td class="govuk-table__cell govuk-table__cell--numeric">4 \(66.7%\)<\/td>/)
})

t.test('themes of a question that is not comparable across the versions are shown side by side, not compared', async (t) => {
  // The same fixture, with Views declared not comparable in version 2 (a reworded question whose meaning changed).
  const surveys = copySurveys(t, `${FIXTURES}/surveys-analysis`)
  const file = `${surveys}/demo-analysis/2.yaml`
  writeFileSync(file, readFileSync(file, 'utf8').replace('          - id: q_views\n            type: long_text\n            text: Views\n', '          - id: q_views\n            type: long_text\n            text: Views on the scheme\n            lineage: { reworded: true, comparable: false }\n'))
  const app = await buildTestApp(t, { surveysDir: surveys, mailWorker: false })
  const coder = await createUser(app.db, { email: 'coder@example.org', name: 'Coder', role: 'analyst', password: 'correct horse battery staple' })
  const actor = { id: coder, email: 'coder@example.org' }
  const housing = await createCode(app.db, actor, 'demo-analysis', { name: 'Housing', description: '', inclusion: '', exclusion: '', example: '', parentId: null })
  const w1 = await submittedWave(app, { surveyId: 'demo-analysis', version: '1', label: 'W1', answers: withViews(4) })
  const w2 = await submittedWave(app, { surveyId: 'demo-analysis', version: '2', label: 'W2', answers: wave2Answers(4), prefix: 'Q' })
  for (const w of [w1, w2]) {
    await joinCoding(app.db, w.waveId, coder)
    for (const [i, organisationId] of w.organisations.slice(0, 4).entries()) await codeWholeAnswer(app.db, w.waveId, coder, { organisationId, questionKey: 'q_views' }, i < 2 ? [housing] : [])
    await finishCoding(app.db, w.waveId, coder, true)
  }
  const cookie = `sid=${await startSession(app.db, coder)}`
  const html = (await app.inject({ url: `/admin/coding/surveys/demo-analysis/themes?waves=${w1.waveId}&waves=${w2.waveId}&question=q_views`, headers: { cookie } })).body
  t.match(html, /The waves are not compared: the question .* is not comparable across their versions/)
  t.notMatch(html, /p \(Fisher\)/, 'no test')
  t.match(html, /Housing<\/span><\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">2 \/ 4 \(50\.0%\)/, 'the figures are still shown')
  // An answer submitted after the coding finished is not in the coded base: it shows as not yet coded.
  const notCoded = async () => (await app.inject({ url: `/admin/coding/waves/${w2.waveId}?status=not_coded&question=q_views`, headers: { cookie } })).body
  t.match(await notCoded(), /No answers match \(4 in the wave\)/)
  const lateOrganisation = await createOrganisation(app.db, { code: 'LATE', name: 'Late council', type: 'local authority', contacts: [{ name: 'L', email: 'late@example.org' }] })
  await inviteOrganisations(app.db, w2.waveId, [lateOrganisation])
  await submitAnswers(app, w2.waveId, lateOrganisation, { ...wave2Answers(1)[0], q_views: { value: 'Sent in after the coding' } })
  t.match(await notCoded(), /Answers 1 to 1 of 1 shown \(5 in the wave\)/, 'the late answer is the one not yet coded')
})
