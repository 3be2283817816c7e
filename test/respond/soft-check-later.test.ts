// "Save and come back later" never stops to ask "is that right?": the answers are saved, the page
// stays to do, and "continue" asks; a hard check still refuses, keeping what was typed.
import t from 'tap'
import { buildTestApp, FIXTURES, form, formSession } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

t.test('a soft check left for later: saved, not completed, asked on continue', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-checks`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'care-checks', version: '1', organisations: ['ORG01'] })
  const base = `/r/${wave.tokens.ORG01}`
  const url = `${base}/pages/caseload`
  const post = async (fields: Record<string, string>) => {
    const session = await formSession(app, url)
    const version = /name="_page_version" value="(\d+)"/.exec(session.html)![1]
    return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token, _page_version: version, ...fields }) })
  }
  const page = () => app.db.selectFrom('response_pages').select(['page_id', 'completed']).execute()

  const hard = await post({ _action: 'later', referrals: '2', assessments: '5' })
  t.equal(hard.statusCode, 400, 'more assessments than referrals is refused even for later')
  t.match(hard.body, 'Assessments (5) cannot be more than referrals (2)')
  t.match(hard.body, /id="assessments"[^>]*value="5"/)
  t.same(await page(), [], 'nothing saved')

  const later = await post({ _action: 'later', referrals: '2', assessments: '0' })
  t.equal(later.statusCode, 303, 'saved for later without the question')
  t.same(await page(), [{ page_id: 'caseload', completed: 0 }], 'the page stays to do')
  const stored = await app.db.selectFrom('response_answers').select(['question_id', 'answer_json']).where('question_id', '=', 'assessments').executeTakeFirstOrThrow()
  t.same(JSON.parse(stored.answer_json), { value: 0 }, 'the answer is kept, not yet confirmed')

  const asked = await post({ _action: 'continue', referrals: '2', assessments: '0' })
  t.equal(asked.statusCode, 200)
  t.match(asked.body, 'You said 0 assessments in 12 months. Is that right?')
  const box = /name="(_confirm__no_assessments)" type="checkbox" value="([0-9a-f]+)"/.exec(asked.body)!
  const confirmed = await post({ _action: 'continue', referrals: '2', assessments: '0', [box[1]]: box[2] })
  t.equal(confirmed.statusCode, 303)
  t.same(await page(), [{ page_id: 'caseload', completed: 1 }], 'confirmed: the page is done')
})
