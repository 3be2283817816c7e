// Two coders code a generated wave of 21 free-text answers through the pages (the forms a
// browser without JavaScript posts), on SQLite and PostgreSQL. The coding is planned so the
// agreement per code is known beforehand (worked by hand and in R: see agreement.test.ts):
// - Housing: coder A on answers 1–8, coder B on 1–6 and 9: both 6, A only 2, B only 1, neither 11
//   of the 20 answers both coded → 85.0% agreement, kappa 0.680851.
// - Benefits: both on answers 1–3, and A on a passage of answer 10 → both 3, A only 1, neither 16:
//   po 0.95, pc (4×3 + 16×17)/400 = 0.71, kappa 0.24/0.29 = 0.827586.
// - Unused: nobody → 100% agreement, kappa cannot be worked out.
// Answer 21 is coded by A only: it is not among the answers compared.
// Intervals from R: prop.test(k, 20, correct = FALSE)$conf.int for k = 17, 19, 20 gives 64.0–94.8,
// 76.4–99.1 and 83.9–100.0 (%); the kappa interval of Benefits (psych's variance, as in
// agreement.test.ts, on matrix(c(3,0,1,16), 2, 2)/20) is 0.503 to 1.152, shown capped at 1.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { agreedCoding, waveCoding } from '../../src/coding/codings.js'
import type { Answers } from '../../src/questionnaire/answers.js'
import { buildTestApp, FIXTURES, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { submittedWave } from '../helpers/responses.js'

const { databases, skipped } = testDatabases()
if (skipped) t.comment(skipped)

const text = (i: number) => (i === 10 ? 'Staff shortages, and people lose their benefits on release.' : `Answer ${i}: release planning <b>is</b> hard & slow`)
const answers: Answers[] = Array.from({ length: 21 }, (_, k) => ({ q_role: { code: 1 }, q_scheme: { code: 1 }, q_tasks: { codes: [1] }, q_staff: { value: 2 }, q_rate: { rows: { a: 1 } }, q_views: { value: text(k + 1) } }))

async function post(app: FastifyInstance, cookie: string, page: string, url: string, fields: Record<string, string | string[]>) {
  const session = await formSession(app, page, cookie)
  return app.inject({ method: 'POST', url, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ ...fields, _csrf: session.token }) })
}

async function setup(t: Test, database: (typeof databases)[number]) {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false }, database)
  const { waveId, organisations } = await submittedWave(app, { surveyId: 'demo-analysis', version: '1', label: 'W1', answers })
  const coderA = await signIn(app, 'analyst')
  const coderB = await signIn(app, 'analyst')
  const codebook = '/admin/coding/surveys/demo-analysis'
  const codes: Record<string, string> = {}
  for (const name of ['Housing', 'Benefits', 'Unused']) {
    const res = await post(app, coderA, codebook, codebook, { name, description: `About ${name.toLowerCase()}`, inclusion: '', exclusion: '', example: '', parentId: '' })
    t.equal(res.statusCode, 303, `code ${name} added`)
    codes[name] = (await app.db.selectFrom('codes').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id
  }
  const grid = `/admin/coding/waves/${waveId}`
  const codeAnswer = (cookie: string, i: number, names: string[]) =>
    post(app, cookie, grid, `${grid}/answers`, { organisation: organisations[i - 1], question: 'q_views', codes: names.map((n) => codes[n]), back: '?status=not_coded', anchor: `answer-${i}` })
  return { app, waveId, organisations, coderA, coderB, codes, grid, codeAnswer }
}

for (const database of databases) {
  t.test(`two coders, their agreement and the agreed coding (${database.kind})`, async (t) => {
    const { app, waveId, organisations, coderA, coderB, codes, grid, codeAnswer } = await setup(t, database)

    const refused = await codeAnswer(coderA, 1, ['Housing'])
    t.equal(refused.statusCode, 403, 'coding before joining is refused')
    t.match(refused.body, /Start coding this wave before you code its answers/)

    for (const cookie of [coderA, coderB]) t.equal((await post(app, cookie, grid, `${grid}/join`, { back: '' })).statusCode, 303)
    const third = await signIn(app, 'admin')
    const full = await post(app, third, grid, `${grid}/join`, { back: '' })
    t.equal(full.statusCode, 409, 'a third coder is refused')

    for (let i = 1; i <= 20; i++) {
      const a = [...(i <= 8 ? ['Housing'] : []), ...(i <= 3 ? ['Benefits'] : [])]
      const b = [...(i <= 6 || i === 9 ? ['Housing'] : []), ...(i <= 3 ? ['Benefits'] : [])]
      const res = await codeAnswer(coderA, i, a)
      t.equal(res.statusCode, 303)
      if (i === 1) t.equal(res.headers.location, `${grid}?status=not_coded&done=answer_coded&n=2#answer-1`, 'back to the same filter and answer, saying how many codes')
      t.equal((await codeAnswer(coderB, i, b)).statusCode, 303)
    }
    await codeAnswer(coderA, 21, ['Housing'])
    // A passage of answer 10, copied across a line break as a coder without JavaScript would.
    const passage = await post(app, coderA, grid, `${grid}/answers/passage`, { organisation: organisations[9], question: 'q_views', code: codes.Benefits, passage: 'lose their\nbenefits', back: '', anchor: 'answer-10' })
    t.equal(passage.statusCode, 303, 'passage coded')
    const stored = await app.db.selectFrom('codings').select(['start_offset', 'end_offset']).where('organisation_id', '=', organisations[9]).where('start_offset', 'is not', null).executeTakeFirstOrThrow()
    t.equal(text(10).slice(stored.start_offset!, stored.end_offset!), 'lose their benefits', 'the passage offsets mark the quoted words')
    const missing = await post(app, coderA, grid, `${grid}/answers/passage`, { organisation: organisations[9], question: 'q_views', code: codes.Benefits, passage: 'words not there', back: '' })
    t.equal(missing.statusCode, 400)
    t.match(missing.body, /<a href="#answer-\d+-passage">The passage was not found in the answer/, 'the error summary leads to the passage field')
    t.match(missing.body, /govuk-textarea--error" id="answer-\d+-passage" name="passage" rows="2" aria-describedby="answer-\d+-passage-hint answer-\d+-passage-error">words not there<\/textarea>/, 'the error is beside the field, with what was typed kept')
    t.match(missing.body, new RegExp(`<option value="${codes.Benefits}" selected>`), 'the chosen code kept')

    // Blind: B's page shows B's codes only, and A's only A's.
    const pageB = (await app.inject({ url: `${grid}?question=q_views`, headers: { cookie: coderB } })).body
    // Answers are listed by pseudonymous id, not in the order they were made: find each by its organisation.
    const checked = (html: string, i: number) => {
      const form = new RegExp(`name="organisation" value="${organisations[i - 1]}">.*?</form>`, 's').exec(html)?.[0] ?? ''
      return new RegExp(`name="codes" type="checkbox" value="${codes.Housing}" checked`).test(form)
    }
    t.notOk(checked(pageB, 7), 'B does not see that A gave answer 7 Housing')
    t.ok(checked(pageB, 9), 'B sees their own Housing on answer 9')
    t.notMatch(pageB, /<b>is<\/b>/, 'answers are escaped')
    t.match(pageB, /&lt;b&gt;is&lt;\/b&gt; hard &amp; slow/)
    const notYet = (await app.inject({ url: `${grid}?status=not_coded`, headers: { cookie: coderB } })).body
    t.match(notYet, /Answers 1 to 1 of 1 shown \(21 in the wave\)/, 'B has one answer not yet coded: answer 21')

    const early = await app.inject({ url: `${grid}/agreement`, headers: { cookie: coderA } })
    t.equal(early.statusCode, 409, 'no agreement before both have finished')

    for (const cookie of [coderA, coderB]) t.equal((await post(app, cookie, grid, `${grid}/finish`, { back: '' })).statusCode, 303)
    const afterwards = await codeAnswer(coderA, 5, [])
    t.equal(afterwards.statusCode, 409, 'a finished coder cannot change codes')

    const agreement = await app.inject({ url: `${grid}/agreement`, headers: { cookie: third } })
    t.equal(agreement.statusCode, 200)
    const row = (name: string) => {
      const m = new RegExp(`<span class="app-code-depth-0">${name}</span></th>((?:\\s*<td[^>]*>.*?</td>)+)`, 's').exec(agreement.body)
      return m ? [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()) : []
    }
    t.match(agreement.body, /both coded 20 answers/)
    t.same(row('Housing'), ['6', '2', '1', '11', '85.0 (64.0–94.8)', '0.68 (0.35 to 1.00)'])
    t.same(row('Benefits'), ['3', '1', '0', '16', '95.0 (76.4–99.1)', '0.83 (0.50 to 1.00)'])
    t.same(row('Unused').slice(0, 5), ['0', '0', '0', '20', '100.0 (83.9–100.0)'])
    t.match(row('Unused')[5], /Cannot be worked out/)

    // The differences: Housing on answers 7, 8 (A) and 9 (B); Benefits on answer 10 (A).
    const differences = await app.inject({ url: `${grid}/differences`, headers: { cookie: third } })
    t.match(differences.body, /differ on 4 codes of answers; 4 not yet settled/)
    const listed = [...differences.body.matchAll(/name="organisation" value="([^"]+)"><input type="hidden" name="question" value="q_views"><input type="hidden" name="code" value="([^"]+)"/g)].map((m) => `${organisations.indexOf(m[1]) + 1}:${m[2] === codes.Housing ? 'Housing' : 'Benefits'}`)
    t.same(listed.sort(), ['10:Benefits', '7:Housing', '8:Housing', '9:Housing'])

    const settle = (i: number, code: string, applied: 'yes' | 'no') => post(app, third, `${grid}/differences`, `${grid}/decisions`, { organisation: organisations[i - 1], question: 'q_views', code: codes[code], applied, back: '?show=undecided' })
    t.equal((await settle(7, 'Housing', 'yes')).statusCode, 303)
    t.equal((await settle(8, 'Housing', 'no')).statusCode, 303)
    t.equal((await settle(9, 'Housing', 'yes')).statusCode, 303)
    t.equal((await settle(2, 'Housing', 'yes')).statusCode, 400, 'no difference to settle there: both coders agreed')
    const agreed = agreedCoding(await waveCoding(app.db, waveId), Object.values(codes))!
    t.equal(agreed.undecided, 1, 'Benefits on answer 10 is not settled yet')
    const housing = organisations.filter((o) => agreed.codes.get(`q_views|${o}`)?.has(codes.Housing)).map((o) => organisations.indexOf(o) + 1)
    t.same(housing, [1, 2, 3, 4, 5, 6, 7, 9], 'agreed Housing: the six both gave, and the two decided yes')
    t.notOk(agreed.codes.has(`q_views|${organisations[20]}`), 'answer 21, coded by one coder only, is not in the agreed coding')
    const after = await app.inject({ url: `${grid}/differences`, headers: { cookie: third } })
    t.match(after.body, /1 not yet settled/)

    const log = await app.db.selectFrom('audit_log').select('action').where('wave_id', '=', waveId).execute()
    const count = (action: string) => log.filter((l) => l.action === action).length
    t.equal(count('answer_coded'), 41, 'every coded answer is in the audit log')
    t.equal(count('passage_coded'), 1)
    t.equal(count('coding_decided'), 3)
    t.equal(count('coding_finished'), 2)
  })
}

t.test('the codebook: checks, a theme, a rename and a merge with their history', async (t) => {
  const { app, coderA, coderB, codes, grid, codeAnswer, organisations } = await setup(t, databases[0])
  const codebook = '/admin/coding/surveys/demo-analysis'
  const empty = await post(app, coderA, codebook, codebook, { name: ' ', description: 'kept', inclusion: '', exclusion: '', example: '', parentId: '' })
  t.equal(empty.statusCode, 400)
  t.match(empty.body, /<a href="#name">Enter a name for the code<\/a>/, 'error summary links to the field')
  t.match(empty.body, />kept<\/textarea>/, 'what was typed is kept')
  const taken = await post(app, coderA, codebook, codebook, { name: 'housing', description: '', inclusion: '', exclusion: '', example: '', parentId: '' })
  t.match(taken.body, /already has a code with this name/)

  const theme = await post(app, coderA, codebook, codebook, { name: 'Money', description: '', inclusion: '', exclusion: '', example: '', parentId: '' })
  t.equal(theme.statusCode, 303)
  const money = (await app.db.selectFrom('codes').select('id').where('name', '=', 'Money').executeTakeFirstOrThrow()).id
  const page = `/admin/coding/codes/${codes.Benefits}`
  const moved = await post(app, coderA, page, page, { name: 'Welfare benefits', description: 'About benefits', inclusion: 'Universal Credit', exclusion: '', example: '', parentId: money })
  t.equal(moved.statusCode, 303)
  const cycle = await post(app, coderA, `/admin/coding/codes/${money}`, `/admin/coding/codes/${money}`, { name: 'Money', description: '', inclusion: '', exclusion: '', example: '', parentId: codes.Benefits })
  t.equal(cycle.statusCode, 400, 'a theme cannot go beneath its own code')
  const book = (await app.inject({ url: codebook, headers: { cookie: coderB } })).body
  t.match(book, /Money<\/a> <strong class="govuk-tag govuk-tag--blue">Theme<\/strong>/)
  t.match(book, /app-code-depth-1"><a class="govuk-link" href="\/admin\/coding\/codes\/[^"]+">Welfare benefits/)

  // Both coders code answer 1 with Housing and Unused: merging Unused into Housing drops the duplicates.
  for (const cookie of [coderA, coderB]) await post(app, cookie, grid, `${grid}/join`, { back: '' })
  await codeAnswer(coderA, 1, ['Housing', 'Unused'])
  await codeAnswer(coderB, 2, ['Unused'])
  const merge = await post(app, coderB, `/admin/coding/codes/${codes.Unused}`, `/admin/coding/codes/${codes.Unused}/merge`, { into: codes.Housing })
  t.equal(merge.statusCode, 303)
  t.match(merge.headers.location, /done=code_merged&n=1/, 'one coding moved (A already had Housing on answer 1)')
  const housing = await app.db.selectFrom('codings').select(['organisation_id', 'user_id']).where('code_id', '=', codes.Housing).execute()
  t.equal(housing.length, 2)
  t.same(housing.map((h) => organisations.indexOf(h.organisation_id) + 1).sort(), [1, 2])
  const history = (await app.inject({ url: `/admin/coding/codes/${codes.Benefits}`, headers: { cookie: coderA } })).body
  t.match(history, /renamed it from “Benefits” to “Welfare benefits”/)
  t.match(history, /moved it to Money/)
  const merged = (await app.inject({ url: `/admin/coding/codes/${codes.Unused}`, headers: { cookie: coderA } })).body
  t.match(merged, /Merged into Housing/)
  t.match(merged, /merged it into Housing \(1 coding moved\)/)
  const split = await post(app, coderA, `/admin/coding/codes/${codes.Housing}`, `/admin/coding/codes/${codes.Housing}/split`, { names: 'Housing on release\nHomelessness' })
  t.equal(split.statusCode, 303)
  const children = await app.db.selectFrom('codes').select('name').where('parent_id', '=', codes.Housing).orderBy('name').execute()
  t.same(children.map((c) => c.name), ['Homelessness', 'Housing on release'])

  const anonymous = await app.inject({ url: codebook })
  t.equal(anonymous.statusCode, 303, 'signed out: sent to sign in')
  t.match(anonymous.headers.location, /^\/login/)
})
