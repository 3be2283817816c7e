// A council officer's whole journey in a real browser: open the emailed link, fill every
// section (skip logic, a validation error on the way), leave, come back as a colleague, check
// the answers, submit, get a confirmation and a copy by e-mail. Every page type is audited with
// axe-core on the way.
import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import type { Page } from 'playwright-core'
import { closeWave } from '../../src/waves/waves.js'
import { buildTestApp } from '../helpers/app.js'
import { axeViolations, browserAvailable, fillPage, launchBrowser } from '../helpers/browser.js'
import { freePort } from '../helpers/server-process.js'
import { openTestWave } from '../helpers/waves.js'

const { available, reason } = browserAvailable()

if (!available) {
  t.test('respondent journey in a browser', { skip: reason }, async () => {})
} else {
  t.test('an authority fills, leaves, comes back and submits its response', async (t) => {
    // Links on pages come from PUBLIC_URL, so the server is told the address it will listen at.
    const port = await freePort()
    const app = await buildTestApp(t, { mailWorker: false, mailDir: t.testdir(), publicUrl: `http://127.0.0.1:${port}` })
    const wave = await openTestWave(app, { closesAt: '2099-03-31T22:59:59.999Z' })
    const address = await app.listen({ port, host: '127.0.0.1' })
    const link = `${address}/r/${wave.tokens.E06000001}`
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    const audited = new Set<string>()
    const audit = async (page: Page, kind: string) => {
      t.equal(await page.locator('script').count(), 0, `${kind}: no JavaScript needed`)
      t.same(await axeViolations(page), [], `${kind}: no accessibility violations`)
      audited.add(kind)
    }

    // The officer opens the link from the e-mail.
    const officer = await (await browser.newContext()).newPage()
    await officer.goto(link)
    t.match(await officer.locator('h1').textContent(), 'Social care for people in prison and on release from prison')
    t.match(await officer.textContent('main'), 'You have completed 0 of 6 sections')
    t.match(await officer.textContent('main'), 'Please respond by 31 March 2099')
    t.match(await officer.textContent('#status-in_prison'), 'Cannot start yet', 'the prison section waits for the number of prisons')
    await audit(officer, 'task list')

    const answers: Record<string, string | string[]> = {
      respondent_role: '5',
      respondent_role__other: 'Prison social care lead',
      prisons_in_area: '2',
      self_referral: '1',
      peer_identification: '2',
      residence_disputes: '2',
      accommodation_problems: '2',
      main_challenges: ['4', '6'],
      challenges_text: 'Finding <accessible> housing before release.',
    }
    const seen: string[] = []
    const doSection = async (page: Page, title: string) => {
      await page.click(`a.govuk-task-list__link:has-text("${title}")`)
      while (!page.url().endsWith(link.slice(address.length))) {
        seen.push((await page.locator('h1').textContent())!.trim())
        await fillPage(page, answers)
        await page.click('button[value=continue]')
      }
    }

    await doSection(officer, 'About your authority and you')
    t.match(await officer.textContent('main'), 'You have completed 1 of 6 sections')
    t.match(await officer.textContent('#status-in_prison'), 'Not yet started', 'with two prisons in the area, the prison section is needed')

    // A validation error on the way: the number is refused, what was typed is kept.
    await officer.click('a.govuk-task-list__link:has-text("Social care for people in prison")')
    await fillPage(officer, answers)
    await officer.click('button[value=continue]')
    await fillPage(officer, answers)
    await officer.click('button[value=continue]')
    await fillPage(officer, answers)
    await officer.click('button[value=continue]')
    t.match(await officer.locator('h1').textContent(), 'Referrals and assessments in the last 12 months', 'peer follow-up skipped, self-referral follow-up shown')
    await fillPage(officer, { ...answers, referrals_received: 'about 40' })
    await officer.click('button[value=continue]')
    t.equal(await officer.locator('.govuk-error-summary').count(), 1)
    t.match(await officer.textContent('.govuk-error-summary'), 'Enter a whole number, like 12')
    t.equal(await officer.inputValue('#referrals_received'), 'about 40', 'what was typed is kept')
    await audit(officer, 'question page with errors')

    // She saves what she can and leaves for the day.
    await officer.fill('#referrals_received', '40')
    await officer.click('button[value=later]')
    t.match(await officer.locator('h1').textContent(), 'Your answers have been saved')
    t.match(await officer.textContent('main'), link)
    await audit(officer, 'saved page')
    await officer.context().close()

    // A colleague opens the forwarded link in another browser and finishes the other sections.
    const colleague = await (await browser.newContext()).newPage()
    await colleague.goto(link)
    t.match(await colleague.textContent('main'), 'In progress')
    // The numbers page was saved complete ("save and come back later" with every answer in), so
    // "continue" leads on to the first page still to do, never back into finished work.
    t.match(await colleague.textContent('main'), 'Continue where you left off: Care and support provided')
    await colleague.click('a:has-text("Continue where you left off")')
    t.match(await colleague.locator('h1').textContent(), 'Care and support provided')
    await colleague.click('a.govuk-back-link')
    t.equal(await colleague.inputValue('#referrals_received'), '40', 'the saved answer is there')
    await audit(colleague, 'question page')
    while (!colleague.url().endsWith(link.slice(address.length))) {
      seen.push((await colleague.locator('h1').textContent())!.trim())
      await fillPage(colleague, answers)
      await colleague.click('button[value=continue]')
    }
    // Two prisons in the area: the questions about each prison, once per prison.
    await colleague.click('a.govuk-task-list__link:has-text("Each prison in your area")')
    for (const [i, prison] of ['HMP Leeds', 'HMP Wealstun'].entries()) {
      await colleague.click(i === 0 ? 'a:has-text("Add a prison")' : 'form button.govuk-button')
      await fillPage(colleague, { ...answers, prison_name: prison, prison_referrals_12m: String(12 - i) })
      await colleague.click('button[value=continue]')
      await fillPage(colleague, { ...answers, prison_referrals_12m: String(12 - i) })
      await colleague.click('button[value=continue]')
      t.match(await colleague.locator('h1').textContent(), `You have added ${i + 1} prison`)
      if (i === 0) await colleague.check('#answer')
    }
    await colleague.check('#answer-no')
    await colleague.click('form button.govuk-button')
    t.match(await colleague.textContent('#status-each_prison'), 'Completed')
    for (const section of ['Planning for release', 'Training and data', 'Challenges and good practice']) await doSection(colleague, section)
    t.match(await colleague.textContent('main'), 'You have completed 6 of 6 sections')
    t.notOk(seen.includes('Accommodation and disagreements'), 'no follow-up when there were no disputes or accommodation problems')
    t.ok(seen.includes('Most recent training'), 'the training date page followed "yes"')

    // Check answers, change one, submit.
    await colleague.click('a:has-text("Check your answers and submit")')
    t.match(await colleague.textContent('main'), 'Other: Prison social care lead')
    t.match(await colleague.textContent('main'), 'Finding <accessible> housing before release.')
    t.notMatch(await colleague.textContent('main'), 'How well does this work?', 'hidden questions are not listed')
    await audit(colleague, 'check answers')
    await colleague.click('a[href*="/pages/about_area?return=check"]')
    await colleague.fill('#prisons_in_area', '3')
    await colleague.click('button[value=continue]')
    t.match(await colleague.locator('h1').textContent(), 'Check your answers', 'a change returns to check your answers')
    t.match(await colleague.textContent('main'), /Prisons in your area|How many prisons/)
    await colleague.fill('#copy_to', 'deputy@example.org')
    await colleague.click('button:has-text("Submit")')
    t.match(await colleague.locator('h1').textContent(), 'Response submitted')
    const reference = (await colleague.locator('.govuk-panel__body strong').textContent())!.trim()
    t.match(reference, /^[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    t.match(await colleague.textContent('main'), 'deputy@example.org')
    await audit(colleague, 'confirmation')

    // The link now shows the submitted response, read-only, and a printable copy.
    await colleague.goto(link)
    t.match(await colleague.locator('h1').textContent(), 'Your organisation has submitted its response')
    await colleague.goto(`${link}/print`)
    t.match(await colleague.textContent('main'), `Reference: ${reference}`)
    await audit(colleague, 'print copy')

    // The confirmation e-mail with a copy of the answers.
    const result = await app.sendMail()
    t.equal(result.sent, 1)
    const files = readdirSync(app.config.mailDir).filter((f) => f.endsWith('.eml'))
    t.equal(files.length, 1)
    const eml = readFileSync(`${app.config.mailDir}/${files[0]}`, 'utf8')
    t.match(eml, /To: contact-e06000001@example.org, deputy@example.org/)
    t.match(eml, `reference ${reference}`)
    t.match(eml, 'Finding <accessible> housing before release.')
    t.match(eml, 'Finding &lt;accessible&gt; housing before release.', 'escaped in the HTML part')

    // Error pages: an unknown link, and a link once the wave has closed.
    await colleague.goto(`${address}/r/${'A'.repeat(43)}`)
    t.match(await colleague.locator('h1').textContent(), 'This link is not recognised')
    await audit(colleague, 'unknown link')
    await closeWave(app.db, wave.waveId)
    await colleague.goto(`${address}/r/${wave.tokens.E06000002}`)
    t.match(await colleague.locator('h1').textContent(), 'This survey has closed')
    t.match(await colleague.textContent('main'), 'study@example.org')
    await audit(colleague, 'closed wave')
    t.same([...audited].sort(), ['check answers', 'closed wave', 'confirmation', 'print copy', 'question page', 'question page with errors', 'saved page', 'task list', 'unknown link'])
  })
}
