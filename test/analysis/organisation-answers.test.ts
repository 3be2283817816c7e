// One organisation's answers wave by wave: a reworded question on one line, a question no longer
// comparable and one no longer asked shown apart with each wave's own wording, "not asked" told
// from "not in that version"; for analysts and admins, escaped, linked from the organisation's page.
import t from 'tap'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { twoWaves } from './fixture.js'

t.test('an organisation’s answers wave by wave, through the lineage', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const { organisations } = await twoWaves(app)
  const analyst = await signIn(app, 'analyst')
  const get = (url: string, cookie = analyst) => app.inject({ url, headers: { cookie } })
  const res = await get(`/admin/analysis/organisations/${organisations[0]}`)
  t.equal(res.statusCode, 200, 'analysts may see it')
  const page = res.body
  const rowOf = (id: string) => new RegExp(`<code>${id}</code>[\\s\\S]*?</tr>`).exec(page)?.[0] ?? ''
  // Organisation 1 (fixture.ts): role Manager in both waves, reworded between them: one line.
  t.match(rowOf('q_role'), 'Which best describes your role?')
  t.match(rowOf('q_role'), 'Reworded, comparable')
  t.equal(rowOf('q_role').match(/<td class="govuk-table__cell">Manager<\/td>/g)?.length, 2, 'Manager in W1 and in W2, on the one line')
  t.match(rowOf('q_tasks'), '<td class="govuk-table__cell">Cleaning<br>Meals</td><td class="govuk-table__cell">Cleaning</td>', 'a multiple choice, one line per option ticked')
  t.match(rowOf('q_rate'), 'Speed: Good')
  // q_new was added in version 2: not in W1's questionnaire, [x]; W2 Yes.
  t.match(rowOf('q_new'), /\[x\] <span class="govuk-visually-hidden">not in that wave’s questionnaire<\/span><\/td><td class="govuk-table__cell">Yes<\/td>/)
  // q_views: W1's text kept as typed and escaped; W2 left it blank (optional): not answered.
  t.match(rowOf('q_views'), 'Good &lt;b&gt;work&lt;/b&gt;')
  t.notMatch(page, '<b>work</b>')
  t.match(rowOf('q_views'), 'Not answered')
  // Staff is not comparable: apart, each wave with its own question; budget no longer asked.
  t.match(page, /<td class="govuk-table__cell">W1<\/td><th scope="row" class="govuk-table__header"><code>q_staff<\/code> Staff <strong[^>]*>Not comparable<\/strong><\/th><td class="govuk-table__cell">2<\/td>/)
  t.match(page, /<td class="govuk-table__cell">W2<\/td><th scope="row" class="govuk-table__header"><code>q_staff<\/code> Staff in post on 31 March <strong[^>]*>Not comparable<\/strong><\/th><td class="govuk-table__cell">1<\/td>/)
  t.match(page, /<code>q_budget<\/code> Budget <strong[^>]*>Dropped<\/strong><\/th><td class="govuk-table__cell">100<\/td>/)
  t.equal([...page.matchAll(/<code>q_staff<\/code>/g)].length, 2, 'staff is never on one line across the waves')

  // Organisation 6 answered only W2: one column.
  const sixth = (await get(`/admin/analysis/organisations/${organisations[5]}`)).body
  t.notMatch(sixth, '<th scope="col" class="govuk-table__header">W1</th>')
  t.match(sixth, '<th scope="col" class="govuk-table__header">W2</th>')

  // Linked from the organisation's page in the team area; admins may see it too; strangers not.
  t.match((await get(`/admin/organisations/${organisations[0]}`)).body, `href="/admin/analysis/organisations/${organisations[0]}"`)
  t.equal((await get(`/admin/analysis/organisations/${organisations[0]}?survey=demo-analysis`, await signIn(app, 'admin'))).statusCode, 200)
  t.equal((await app.inject(`/admin/analysis/organisations/${organisations[0]}`)).statusCode, 303, 'no account: to the sign-in page')
  t.equal((await get('/admin/analysis/organisations/not-an-id!')).statusCode, 400)
  t.equal((await get(`/admin/analysis/organisations/${organisations[0]}?survey=<x>`)).statusCode, 400, 'a malformed survey is a 400, not a 500')
  t.match((await get(`/admin/analysis/organisations/${organisations[0]}?survey=another-survey`)).body, 'no submitted or partial response in any wave yet')
})
