// The comparison (all respondents and the same organisations) and an organisation's answers wave
// by wave, in a real browser with JavaScript off, audited by axe-core; the choice between the two
// populations works as a plain form.
import t from 'tap'
import { axeViolationsWithoutJavaScript, browserAvailable, teamMemberWithoutJavaScript } from '../helpers/browser.js'
import { buildTestApp, FIXTURES } from '../helpers/app.js'
import { twoWaves } from './fixture.js'

const { available, reason } = browserAvailable()
if (!available) {
  t.test('analysis pages accessibility', { skip: reason }, async () => {})
} else {
  t.test('the comparison and an organisation’s answers pass axe-core with JavaScript off', async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
    const { wave1, wave2, organisations } = await twoWaves(app)
    const { address, browser, page } = await teamMemberWithoutJavaScript(t, app, 'analyst')

    await page.goto(`${address}/admin/analysis/compare?waves=${wave1}&waves=${wave2}`)
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'all respondents: no accessibility violations')
    await page.check('#population-panel')
    await page.check('#special')
    await page.click('button:has-text("Update")')
    const search = new URL(page.url()).searchParams
    t.same([search.get('population'), search.get('special')], ['panel', 'include'], 'the choice is a plain form')
    t.match(await page.locator('h2#panel').innerText(), 'The same 5 organisations in every wave')
    t.match(await page.locator('a:has-text("Download the comparison (CSV)")').getAttribute('href'), 'special=include', 'the download carries the page’s settings')
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the same organisations: no accessibility violations')

    await page.click('summary:has-text("organisations in the panel")')
    await page.click(`a[href="/admin/analysis/organisations/${organisations[0]}?survey=demo-analysis"]`)
    t.match(await page.locator('h1').innerText(), 'Answers wave by wave: Organisation 1')
    t.equal(await page.locator('script').count(), 0, 'needs no JavaScript')
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'an organisation’s answers: no accessibility violations')
    await page.goto(`${address}/admin/organisations/${organisations[0]}`)
    await page.click('a:has-text("Answers wave by wave")')
    t.match(await page.locator('h1').innerText(), 'Answers wave by wave: Organisation 1', 'reached from the organisation’s page')
  })
}
