// In a real browser, every kind of page passes an axe-core audit. The pages ship no script at
// all, so what is tested here is exactly what a browser with JavaScript off gets.
import t from 'tap'
import { axeViolations, browserAvailable, launchBrowser, signedInPage } from '../helpers/browser.js'
import { buildTestApp, FIXTURES, REAL_SURVEYS, signIn } from '../helpers/app.js'

const { available, reason } = browserAvailable()
if (!available) {
  t.test('browser accessibility audit', { skip: reason }, async () => {})
} else {
  t.test('every page type passes axe-core and carries no script', async (t) => {
    const app = await buildTestApp(t, { surveysDir: REAL_SURVEYS })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    const page = await signedInPage(browser, address, await signIn(app))

    const pages = [
      '/',
      '/surveys',
      '/surveys/la-release-social-care/2020',
      '/surveys/la-release-social-care/2020/changes',
      '/preview/prison-peer-social-care/2024',
      '/preview/prison-peer-social-care/2024/pages/prison_profile',
      '/preview/prison-peer-social-care/2024/pages/risks_page',
      '/preview/prison-peer-social-care/2024/pages/scheme_details',
      '/preview/la-release-social-care/2020/pages/training_details',
      '/no-such-page',
    ]
    await page.setContent('<!DOCTYPE html><html><body><input type="text"><img src="x.png"></body></html>')
    t.ok((await axeViolations(page)).some((v) => v.id === 'label'), 'the audit does catch a missing label')

    for (const path of pages) {
      await page.goto(address + path)
      t.equal(await page.locator('script').count(), 0, `${path} needs no JavaScript`)
      t.same(await axeViolations(page), [], `${path} has no accessibility violations`)
    }

    await page.goto(`${address}/preview/la-release-social-care/2020/pages/referral_numbers`)
    await page.fill('#referrals_received', 'lots')
    await page.click('button[value=continue]')
    t.equal(await page.locator('.govuk-error-summary').count(), 1, 'the error summary is shown')
    t.equal(await page.inputValue('#referrals_received'), 'lots', 'what was typed is kept')
    t.same(await axeViolations(page), [], 'a page with errors has no accessibility violations')

    await page.click('a[href="#referrals_received"]')
    t.equal(new URL(page.url()).hash, '#referrals_received', 'the summary links to the field')
  })

  t.test('the research team’s pages pass axe-core too', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false })
    const { openTestWave } = await import('../helpers/waves.js')
    const wave = await openTestWave(app)
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    const anonymous = await browser.newPage()
    await anonymous.goto(`${address}/login`)
    t.same(await axeViolations(anonymous), [], '/login has no accessibility violations')
    await anonymous.fill('#email', 'nobody@example.org')
    await anonymous.fill('#password', 'wrong')
    await anonymous.click('button[type=submit]')
    t.equal(await anonymous.locator('.govuk-error-summary').count(), 1)
    t.same(await axeViolations(anonymous), [], 'a failed sign-in has no accessibility violations')
    const page = await signedInPage(browser, address, await signIn(app))
    const org = wave.organisationIds.E06000001
    for (const path of ['/admin', `/admin/waves/${wave.waveId}`, '/admin/waves/new', `/admin/waves/${wave.waveId}/messages`, `/admin/waves/${wave.waveId}/organisations/${org}`, '/admin/organisations', '/admin/outbox', '/admin/users', '/admin/audit']) {
      await page.goto(address + path)
      t.equal(await page.locator('script').count(), 0, `${path} needs no JavaScript`)
      t.same(await axeViolations(page), [], `${path} has no accessibility violations`)
    }
    await page.goto(`${address}/admin/waves/${wave.waveId}/organisations/${org}`)
    await page.click('#make-link')
    t.match(await page.textContent('#issued-link'), /\/r\/[A-Za-z0-9_-]{43}$/, 'a link to pass on, shown once')
    t.same(await axeViolations(page), [], 'the organisation’s page with a new link shown has no accessibility violations')
    await page.goto(`${address}/admin/waves/new`)
    await page.click('button[type=submit]')
    t.ok((await page.locator('.govuk-error-summary li').count()) >= 3, 'errors are summarised')
    t.same(await axeViolations(page), [], 'the wave form with errors has no accessibility violations')
  })

  t.test('the analysts’ pages pass axe-core', async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
    const { twoWaves } = await import('../analysis/fixture.js')
    const { wave1, wave2 } = await twoWaves(app)
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    const page = await signedInPage(browser, address, await signIn(app, 'analyst'))
    for (const path of ['/admin/analysis', `/admin/analysis/waves/${wave1}`, `/admin/analysis/waves/${wave1}?by=region&special=include`, `/admin/analysis/compare?waves=${wave1}&waves=${wave2}`]) {
      await page.goto(address + path)
      t.equal(await page.locator('script').count(), 0, `${path} needs no JavaScript`)
      t.same(await axeViolations(page), [], `${path} has no accessibility violations`)
    }
  })

  t.test('the preview is usable in Welsh in a browser', async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual` })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    const page = await signedInPage(browser, address, await signIn(app))
    await page.goto(`${address}/preview/welsh-prisons/1/pages/scheme_page`)
    await page.check('#has_scheme-0')
    await page.fill('#buddies', '7')
    await page.click('button[value=continue]')
    t.match(await page.locator('h1').textContent(), 'About the scheme')
    await page.click('button[value=cy]')
    t.match(await page.locator('h1').textContent(), 'Am y cynllun', 'switching language keeps the place')
    t.equal(await page.getAttribute('html', 'lang'), 'cy')
    t.same(await axeViolations(page), [], 'the Welsh page has no accessibility violations')
  })
}
