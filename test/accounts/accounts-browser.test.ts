// The research team's day in Chromium with JavaScript off: signing in lands on /admin; every page
// reachable from the team's navigation, and the questionnaire, preview and analysis pages, show
// the person's name and Sign out; changing your password; an admin sends a reset link, changes a
// role, disables and re-enables an account; the reset link works once. axe-core finds nothing on
// every new page and state, error states included.
import t, { type Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import { createUser } from '../../src/accounts/users.js'
import { axeViolationsWithoutJavaScript, browserAvailable, launchBrowser, withoutJavaScript } from '../helpers/browser.js'
import { buildTestApp } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const PASSWORD = 'correct horse battery staple'
const { available, reason } = browserAvailable()

async function noViolations(t: Test, browser: Browser, page: Page, what: string) {
  t.same(await axeViolationsWithoutJavaScript(browser, page), [], `${what}: no accessibility violations`)
}

async function signInAs(page: Page, address: string, email: string, password: string) {
  await page.goto(`${address}/login`)
  await page.fill('#email', email)
  await page.fill('#password', password)
  await page.click('button:has-text("Sign in")')
}

const banner = (page: Page) => page.locator('.govuk-notification-banner--success').innerText()

if (!available) {
  t.test('accounts in the browser', { skip: reason }, async () => {})
} else {
  t.test('accounts in the browser, JavaScript off', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false, loginGuessDelayMs: 0 })
    const wave = await openTestWave(app)
    await createUser(app.db, { email: 'ana@example.org', name: 'Ana Lewis', role: 'admin', password: PASSWORD })
    const cyId = await createUser(app.db, { email: 'cy@example.org', name: 'Cy Jones', role: 'analyst', password: PASSWORD })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    const page = await (await withoutJavaScript(browser)).newPage()

    // Sign-in: the error state first, then landing on /admin.
    await page.goto(`${address}/login`)
    await noViolations(t, browser, page, 'sign-in')
    await page.click('button:has-text("Sign in")')
    t.same(await page.locator('.govuk-error-summary a').allInnerTexts(), ['Enter your e-mail address', 'Enter your password'])
    await noViolations(t, browser, page, 'sign-in with errors')
    await signInAs(page, address, 'ana@example.org', PASSWORD)
    t.equal(new URL(page.url()).pathname, '/admin', 'signing in lands on /admin')

    // Every page reachable from the navigation, and the survey, preview and analysis pages.
    const navLinks = await page.locator('nav.app-admin-nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!))
    t.ok(navLinks.includes('/admin/audit') && navLinks.includes('/account/password'), 'the navigation leads to the audit log and your password')
    const pages = [
      ...navLinks,
      '/surveys/la-release-social-care/2020',
      '/surveys/la-release-social-care/2020/changes',
      '/preview/la-release-social-care/2020',
      '/preview/la-release-social-care/2020/pages/referral_numbers',
      '/preview/prison-peer-social-care/2024?lang=cy',
      `/admin/waves/${wave.waveId}`,
      `/admin/waves/${wave.waveId}/messages`,
      `/admin/waves/${wave.waveId}/privacy`,
      `/admin/waves/${wave.waveId}/organisations/${wave.organisationIds.E06000001}`,
      `/admin/analysis/waves/${wave.waveId}`,
      '/admin/waves/new',
      `/admin/users/${cyId}`,
      '/no-such-page',
    ]
    for (const path of pages) {
      await page.goto(address + path)
      const nav = page.locator('nav.app-admin-nav')
      t.equal(await nav.locator('button:has-text("Sign out")').count(), 1, `${path} has Sign out`)
      t.match(await nav.innerText(), 'Ana Lewis', `${path} names who is signed in`)
    }
    await page.goto(`${address}/preview/prison-peer-social-care/2024?lang=cy`)
    t.equal(await page.locator('nav.app-admin-nav').getAttribute('lang'), 'en', 'on a Welsh preview the team’s navigation is marked as English')
    await noViolations(t, browser, page, 'Welsh preview with the team’s navigation')

    // Audit log, with entries, and its error state.
    await page.goto(`${address}/admin/audit`)
    t.match(await page.locator('table').innerText(), 'Ana Lewis signed in')
    await noViolations(t, browser, page, 'audit log')
    await page.fill('#organisation', 'NOPE')
    await page.click('button:has-text("Show entries")')
    t.equal(await page.locator('.govuk-error-summary').count(), 1)
    await noViolations(t, browser, page, 'audit log with an error')

    // Change your own password.
    await page.goto(`${address}/account/password`)
    await noViolations(t, browser, page, 'change your password')
    await page.fill('#current_password', 'not it')
    await page.fill('#new_password', 'short')
    await page.click('button:has-text("Change password")')
    t.same(await page.locator('.govuk-error-summary a').allInnerTexts(), ['Your current password is not right: enter the password you signed in with', 'Enter a new password of at least 12 characters'])
    await noViolations(t, browser, page, 'change your password with errors')
    await page.fill('#current_password', PASSWORD)
    await page.fill('#new_password', 'a new long passphrase')
    await page.fill('#new_password_again', 'a new long passphrase')
    await page.click('button:has-text("Change password")')
    t.equal(new URL(page.url()).pathname, '/admin')
    t.match(await banner(page), 'Your password has been changed')

    // An admin looks after Cy's account.
    await page.goto(`${address}/admin/users`)
    await noViolations(t, browser, page, 'accounts')
    await page.click('a:has-text("Cy Jones")')
    await noViolations(t, browser, page, 'an account')
    await page.click('button:has-text("Send a password reset link")')
    t.match(await banner(page), 'Password reset link queued')
    // The first radio (admin) carries the plain id the error summary links to.
    await page.check('#role')
    await page.click('button:has-text("Change the role")')
    t.match(await banner(page), 'Role changed')
    t.match(await page.locator('.govuk-summary-list').innerText(), 'admin')
    await page.check('#role-analyst')
    await page.click('button:has-text("Change the role")')
    await page.click('button:has-text("Disable the account")')
    t.match(await banner(page), 'Account disabled')
    await noViolations(t, browser, page, 'a disabled account')
    await page.click('button:has-text("Re-enable the account")')
    t.match(await banner(page), 'Account re-enabled')

    // Ana cannot disable herself: she is the last active admin.
    await page.goto(`${address}/admin/users`)
    await page.click('a:has-text("Ana Lewis")')
    await page.click('button:has-text("Disable the account")')
    t.match(await page.locator('.govuk-error-summary').innerText(), 'This is the last active admin account')
    await noViolations(t, browser, page, 'the last admin refused')

    // Cy's reset link, in Cy's own browser: works once.
    const mails = await app.db.selectFrom('outbox').select('text_body').where('kind', '=', 'password_reset').execute()
    const link = `${address}/password-reset/${/password-reset\/([A-Za-z0-9_-]{43})/.exec(mails[0].text_body)![1]}`
    const cy = await (await withoutJavaScript(browser)).newPage()
    await cy.goto(link)
    await noViolations(t, browser, cy, 'choose a new password')
    await cy.fill('#new_password', 'cy’s new passphrase')
    await cy.fill('#new_password_again', 'cy’s new passphrasf')
    await cy.click('button:has-text("Set the new password")')
    t.same(await cy.locator('.govuk-error-summary a').allInnerTexts(), ['Enter the same new password twice: the two do not match'])
    await noViolations(t, browser, cy, 'choose a new password with an error')
    await cy.fill('#new_password', 'cy’s new passphrase')
    await cy.fill('#new_password_again', 'cy’s new passphrase')
    await cy.click('button:has-text("Set the new password")')
    t.equal(new URL(cy.url()).pathname, '/login')
    t.match(await banner(cy), 'Your new password is set')
    await noViolations(t, browser, cy, 'sign-in after a reset')
    await cy.goto(link)
    t.match(await cy.locator('h1').innerText(), 'This link no longer works', 'the second use is refused with a clear page')
    await noViolations(t, browser, cy, 'a spent reset link')
    await signInAs(cy, address, 'cy@example.org', 'cy’s new passphrase')
    t.equal(new URL(cy.url()).pathname, '/admin')

    // Sign out from any page.
    await page.goto(`${address}/surveys`)
    await page.click('nav.app-admin-nav button:has-text("Sign out")')
    t.equal(new URL(page.url()).pathname, '/login')
    await page.goto(`${address}/admin`)
    t.equal(new URL(page.url()).pathname, '/login', 'signed out')
  })
}
