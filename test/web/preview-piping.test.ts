// The team's view of piping and the new types before a wave: the preview names each placeholder
// it has nothing for ("[organisation]") and fills in the answers given in the preview; the
// version page says what each new answer type accepts.
import t from 'tap'
import { encodeState } from '../../src/preview/routes.js'
import { buildTestApp, FIXTURES, form, formSession, signIn } from '../helpers/app.js'

const base = '/preview/service-types/1'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

t.test('the preview shows placeholders by name, then the answers given in the preview', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-types` })
  const cookie = await signIn(app)
  const first = await app.inject({ url: `${base}/pages/figures`, headers: { cookie } })
  t.equal(first.statusCode, 200)
  t.match(first.body, 'These questions are about [organisation].', 'the section introduction names what is piped')

  const direct = await app.inject({ url: `${base}/pages/follow_on`, headers: { cookie } })
  t.match(direct.body, '[organisation] is in the area not recorded region.', 'a fallback given in the text is shown as such')
  t.match(direct.body, 'You received some referrals. How many of them led to an assessment?')

  const session = await formSession(app, `${base}/pages/figures`, cookie)
  const answered = await app.inject({
    method: 'POST',
    url: `${base}/pages/figures`,
    headers: { ...FORM, cookie: session.cookie },
    payload: form({ _csrf: session.token, _state: encodeState({}), referrals: '7', spend: '£99.5', share_assessed: '50', hours_per_week: '', service_start__month: '11', service_start__year: '2019', tasks: ['1', '3'] }),
  })
  t.equal(answered.statusCode, 200)
  t.match(answered.body, 'You received 7 referrals. How many of them led to an assessment?', 'the preview pipes its own answers')
  t.match(answered.body, 'The service started in November 2019.')
  t.match(answered.body, 'Yes, £99.50 was enough')
  t.match(answered.body, '[organisation] is in the area not recorded region.')
})

t.test('the version page says what each new answer type accepts', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-types` })
  const cookie = await signIn(app)
  const page = await app.inject({ url: '/surveys/service-types/1', headers: { cookie } })
  t.equal(page.statusCode, 200)
  for (const words of ['money, in pounds (£)', 'a percentage (%)', 'up to 1 decimal place', 'up to 2 decimal places', 'a month and year only', 'not after today (UK date)', 'at least 2 options ticked', 'at most 3 options ticked', 'an e-mail address', 'a UK telephone number', 'a UK postcode, kept as SW1A 1AA']) {
    t.match(page.body, words)
  }
})
