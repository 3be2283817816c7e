// Nothing typed is lost, in a real browser with JavaScript off: a form whose cookies were cleared
// while it was open, and a form saved after the wave closed.
import t from 'tap'
import { closeWave } from '../../src/waves/waves.js'
import { axeViolationsWithoutJavaScript, browserAvailable, respondentWithoutJavaScript } from '../helpers/browser.js'
import { buildTestApp } from '../helpers/app.js'

const { available, reason } = browserAvailable()

if (!available) {
  t.test('nothing typed is lost, in a browser', { skip: reason }, async () => {})
} else {
  t.test('cookies cleared while a page was open: the answers come back and save on the next click', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false })
    const { link, browser, context, page } = await respondentWithoutJavaScript(t, app)
    await page.goto(`${link}/pages/about_respondent`)
    await page.check('input[name="respondent_role"][value="5"]')
    await page.fill('#respondent_role__other', 'Head of prison partnerships')
    await page.fill('#respondent_team', 'Adult social care')
    await context.clearCookies()
    await page.click('button[value=continue]')
    t.match(await page.textContent('.govuk-notification-banner'), 'have not been saved yet')
    t.equal(await page.inputValue('#respondent_role__other'), 'Head of prison partnerships', 'what was typed is still there')
    t.equal(await page.inputValue('#respondent_team'), 'Adult social care')
    t.ok(await page.isChecked('input[name="respondent_role"][value="5"]'))
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the page asking to save again has no accessibility violations')
    await page.click('button[value=continue]')
    t.match(await page.locator('h1').textContent(), 'Prisons in your area', 'saved: on to the next page')
    const saved = await app.db.selectFrom('response_answers').select(['question_id', 'answer_json']).orderBy('question_id').execute()
    t.same(saved.map((r) => r.question_id), ['respondent_role', 'respondent_team'])
  })

  t.test('mid-page when the wave closes: what was typed is shown back, what was saved can be printed', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false })
    const { wave, link, browser, page } = await respondentWithoutJavaScript(t, app)
    await page.goto(`${link}/pages/about_respondent`)
    await page.check('input[name="respondent_role"][value="2"]')
    await page.fill('#respondent_team', 'Saved before the close')
    await page.click('button[value=continue]')
    await page.fill('#prisons_in_area', '2')
    await closeWave(app.db, wave.waveId)
    await page.click('button[value=continue]')
    t.match(await page.locator('h1').textContent(), 'Your answers were not saved: the survey has closed')
    t.match(await page.textContent('main'), '2 prisons', 'what was typed is shown back')
    t.match(await page.textContent('main'), 'study@example.org', 'and who to contact')
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the not-saved page has no accessibility violations')
    await page.click('a:has-text("View or print the answers your organisation saved")')
    t.match(await page.textContent('main'), 'Saved before the close')
    await page.goto(link)
    t.match(await page.locator('h1').textContent(), 'This survey has closed')
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the closed page with the print link has no accessibility violations')
  })
}
