// The preview runs a page's checks as the respondent's journey does, nothing saved: the 2020
// questionnaire refuses more assessments than referrals, and asks once about none at all.
import t from 'tap'
import { decodeState, encodeState } from '../../src/preview/routes.js'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'

const base = '/preview/la-release-social-care/2020'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

t.test('the 2020 preview: assessments against referrals, and "is that right?" about none', async (t) => {
  const app = await buildTestApp(t)
  const cookie = await signIn(app)
  const url = `${base}/pages/referral_numbers`
  const session = await formSession(app, url, cookie)
  // Earlier pages as answered: a prison in the area, so the prison section is asked.
  const earlier = encodeState({ prisons_in_area: { value: 1 } })
  const post = (fields: Record<string, string>) => app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token, _state: earlier, referrals_received: '', assessments_completed: '', eligible_needs: '2', days_to_assessment: '', ...fields }) })

  const more = await post({ referrals_received: '10', assessments_completed: '12' })
  t.equal(more.statusCode, 400)
  const refusal = 'Assessments completed (12) cannot be more than referrals received (10): check both numbers are for people in prison in the last 12 months'
  t.match(more.body, `href="#assessments_completed">How many social care assessments of people in prison did your authority complete in the last 12 months? – ${refusal}`)
  t.match(more.body, /id="assessments_completed-error" class="govuk-error-message">[\s\S]*?cannot be more than referrals received \(10\)/)
  t.match(more.body, /id="referrals_received"[^>]*value="10"/, 'what was typed is kept')

  const none = await post({ referrals_received: '10', assessments_completed: '0' })
  t.equal(none.statusCode, 200, 'a soft check is not an error')
  t.notMatch(none.body, 'govuk-error-summary')
  t.match(none.body, 'You said your authority completed 0 social care assessments of people in prison in the last 12 months. Is that right?')
  const box = /name="(_confirm__no_assessments)" type="checkbox" value="([0-9a-f]+)"/.exec(none.body)!
  t.ok(box, 'a box to confirm it')
  const confirmed = await post({ referrals_received: '10', assessments_completed: '0', [box[1]]: box[2] })
  t.equal(confirmed.statusCode, 200)
  t.match(confirmed.body, 'Care and support provided', 'confirmed: on to the next page')
  const state = /name="_state" value="([^"]*)"/.exec(confirmed.body)![1]
  const answers = decodeState(app.catalogue.find('la-release-social-care', '2020')!, state)
  t.same(answers.assessments_completed, { value: 0, confirmed: { no_assessments: box[2] } }, 'the preview carries the confirmation with the answer')
  t.same(answers.referrals_received, { value: 10 })
})
