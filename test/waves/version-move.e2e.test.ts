// Moving a wave to a corrected version, in a real browser with JavaScript off: the choice, the
// refusal with its list, the move and its message; the versions' pages it links to pass
// axe-core too (the changes page with option lineage and Welsh, a version page with every property).
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp, FIXTURES } from '../helpers/app.js'
import { axeViolationsWithoutJavaScript, browserAvailable, teamMemberWithoutJavaScript } from '../helpers/browser.js'
import { openTestWave } from '../helpers/waves.js'

const { available, reason } = browserAvailable()
if (!available) {
  t.test('moving a wave to a corrected version in a browser', { skip: reason }, async () => {})
} else {
  t.test('a team member moves a wave to the corrected version without JavaScript; every page passes axe-core', async (t) => {
    const app = await buildTestApp(t, { surveysDir: join(FIXTURES, 'surveys-editorial'), mailWorker: false })
    const wave = await openTestWave(app, { surveyId: 'prison-care', version: '1', organisations: ['W001'] })
    const { address, browser, page } = await teamMemberWithoutJavaScript(t, app)
    const audit = async (what: string) => {
      t.equal(await page.locator('script').count(), 0, `${what} needs no JavaScript`)
      t.same(await axeViolationsWithoutJavaScript(browser, page), [], `${what} has no accessibility violations`)
    }

    await page.goto(`${address}/admin/waves/${wave.waveId}`)
    await page.click('text=Move to a corrected version')
    await audit('the choice of versions')

    await page.click('#move-version')
    t.equal(await page.locator('.govuk-error-summary').textContent().then((s) => s?.includes('Select the version the wave should use')), true)
    await audit('the page with no version chosen')

    await page.check('input[name="version"][value="3"]')
    await page.click('#move-version')
    t.equal(await page.locator('#not-editorial li').count(), 4, 'the four changes that are not editorial are listed')
    t.equal(await page.locator('.govuk-error-summary a[href="#version"]').count(), 1, 'the summary links to the choice')
    await audit('the refusal')

    await page.check('input[name="version"][value="2"]')
    await page.click('#move-version')
    t.match(page.url(), `/admin/waves/${wave.waveId}?done=wave_version_corrected`)
    t.match(await page.locator('.govuk-notification-banner').textContent(), 'The wave now uses the corrected version')
    t.match(await page.locator('#questionnaire-version').textContent(), '2')

    for (const path of ['/surveys/prison-care/2/changes', '/surveys/prison-care/3/changes?from=1', '/surveys/prison-care/3']) {
      const response = await page.goto(address + path)
      t.equal(response?.status(), 200, path)
      await audit(path)
    }
    t.equal(await page.locator('span[lang="cy"]').count() > 0, true, 'Welsh text on the version page is marked as Welsh')
  })
}
