// The pages anyone can reach (home, accessibility statement, privacy notice, cookies), the
// "Get help" block on a respondent's pages and the wave's own privacy notice, in English and
// Welsh: an axe-core audit of each, and what a person does with them in a browser with
// JavaScript turned off: follow the footer, move through a page with the keyboard, read at
// 400% zoom, and (for the team) correct and save the notice.
import t from 'tap'
import type { Page } from 'playwright-core'
import { closeWave } from '../../src/waves/waves.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { axeViolationsWithoutJavaScript, browserAvailable, launchBrowser, withoutJavaScript } from '../helpers/browser.js'
import { openTestWave } from '../helpers/waves.js'

const { available, reason } = browserAvailable()

/** Where the keyboard focus is, and whether it can be seen (GOV.UK draws a radio's or a checkbox's focus on its label). */
async function focused(page: Page): Promise<{ text: string; tag: string; href: string | null; visible: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement
    const drawn = el.matches('.govuk-radios__input, .govuk-checkboxes__input') ? getComputedStyle(el.nextElementSibling!, '::before') : getComputedStyle(el)
    const visible = drawn.boxShadow !== 'none' || (drawn.outlineStyle !== 'none' && parseFloat(drawn.outlineWidth) > 0 && drawn.outlineColor !== 'rgba(0, 0, 0, 0)')
    return { text: (el.textContent ?? '').trim().slice(0, 60), tag: el.tagName.toLowerCase(), href: el.getAttribute('href'), visible }
  })
}

/** Whether the page fits the window's width without scrolling sideways. */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)

if (!available) {
  t.test('browser accessibility audit of the service pages', { skip: reason }, async () => {})
} else {
  t.test('the home, accessibility, privacy and cookies pages, the help block and the wave’s notice: axe-core, no JavaScript, keyboard, 400% zoom', async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
    const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1', organisations: ['W1', 'W2'] })
    const closed = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1', organisations: ['C1'] })
    await closeWave(app.db, closed.waveId)
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    const respondent = `/r/${wave.tokens.W1}`

    // Everything a person does here is done in a browser with JavaScript off; axe-core audits
    // each page as that browser received it.
    const page = await (await withoutJavaScript(browser)).newPage()
    const pages = ['/', '/accessibility', '/privacy', '/cookies', respondent, `${respondent}/pages/scheme_page`, `${respondent}/privacy`, `/r/${closed.tokens.C1}`]
    for (const language of ['en', 'cy']) {
      await page.goto(`${address}/?lang=${language}`)
      for (const path of pages) {
        const res = await page.goto(address + path)
        t.equal(await page.getAttribute('html', 'lang'), language, `${path} in ${language}`)
        t.equal(await page.locator('script').count(), 0, `${path} (${language}) needs no JavaScript`)
        t.same(await axeViolationsWithoutJavaScript(browser, page), [], `${path} (${language}) has no accessibility violations`)
        if (path.startsWith('/r/')) t.equal(await page.locator('.app-get-help a[href="mailto:study@example.org"]').count(), 1, `${path} (${language}, ${res?.status()}) has the help block`)
      }
    }

    // The footer's links work without JavaScript, and lead from a survey to its own notice.
    await page.goto(`${address}/?lang=en`)
    await page.goto(address + respondent)
    await page.click('footer a:has-text("Privacy notice")')
    t.equal(new URL(page.url()).pathname, `${respondent}/privacy`)
    t.match(await page.locator('h1').textContent(), 'Privacy notice')
    await page.click('footer a:has-text("Cookies")')
    t.match(await page.locator('h1').textContent(), 'Cookies')
    await page.click('footer a:has-text("Accessibility statement")')
    t.match(await page.locator('h1').textContent(), 'Accessibility statement')

    // The keyboard alone reaches everything on a question page, in order, and always shows where it is.
    await page.goto(`${address}${respondent}/pages/scheme_page`)
    const stops: Awaited<ReturnType<typeof focused>>[] = []
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      const stop = await focused(page)
      if (stop.tag === 'body') break
      stops.push(stop)
    }
    t.equal(stops[0]?.text, 'Skip to main content', 'the first stop skips to the content')
    t.same(stops.filter((s) => !s.visible), [], 'every stop shows the focus')
    const order = (test: (s: (typeof stops)[number]) => boolean) => stops.findIndex(test)
    const help = order((s) => s.href === 'mailto:study@example.org')
    t.ok(order((s) => s.text === 'Save and continue') < help, 'the help block comes after the form')
    t.ok(help > 0 && help < order((s) => s.href === '/accessibility'), 'and before the footer')
    t.ok(order((s) => s.href === '/cookies') > 0, 'the footer is reached')

    // At 400% zoom (a 320-pixel window) a respondent's pages and the service pages fit the width.
    const narrow = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } })).newPage()
    for (const path of [...pages, `${respondent}/check`, `${respondent}/print`, `${respondent}/saved`]) {
      await narrow.goto(address + path)
      t.ok(await fitsWidth(narrow), `${path} fits 320 pixels without scrolling sideways`)
    }

    // The team's privacy notice form, with JavaScript off too: errors, then a save respondents see.
    const admin = await (await withoutJavaScript(browser)).newPage()
    await admin.context().addCookies([{ name: 'sid', value: (await signIn(app)).replace(/^sid=/, ''), url: address }])
    await admin.goto(`${address}/admin/waves/${wave.waveId}`)
    t.same(await axeViolationsWithoutJavaScript(browser, admin), [], 'the wave page with its privacy notice row has no accessibility violations')
    await admin.click('a[href$="/privacy"]:has-text("Check or change")')
    t.equal(await admin.locator('script').count(), 0, 'the privacy notice form needs no JavaScript')
    t.same(await axeViolationsWithoutJavaScript(browser, admin), [], 'the privacy notice form has no accessibility violations')
    await admin.fill('#notice_cy', '')
    await admin.click('button[value=save]')
    t.equal(await admin.locator('.govuk-error-summary').count(), 1, 'the error summary is shown')
    t.same(await axeViolationsWithoutJavaScript(browser, admin), [], 'the form with errors has no accessibility violations')
    await admin.click('a[href="#notice_cy"]')
    t.equal(new URL(admin.url()).hash, '#notice_cy', 'the summary links to the field')
    await admin.fill('#notice_en', '## Who we are\nThe prison study team.')
    await admin.fill('#notice_cy', '## Pwy ydym ni\nTîm yr astudiaeth carchardai.')
    await admin.click('button[value=save]')
    t.match(await admin.locator('#privacy-notice').textContent(), 'Saved on')
    await page.goto(`${address}${respondent}/privacy?lang=cy`)
    t.match(await page.locator('main h2').first().textContent(), 'Pwy ydym ni')
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the team’s own notice has no accessibility violations')
  })
}
