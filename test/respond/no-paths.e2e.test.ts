// The common "no" paths in a real browser with JavaScript off: a council with no prison in its
// area (most English councils) and a prison without a buddy scheme must both be able to submit.
// Before this test existed, both stayed at "Cannot start yet" for ever.
import t, { type Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { axeViolationsWithoutJavaScript, browserAvailable, fillPage, respondentWithoutJavaScript } from '../helpers/browser.js'
import { buildTestApp, REAL_SURVEYS } from '../helpers/app.js'

const { available, reason } = browserAvailable()
const catalogue = loadCatalogue(REAL_SURVEYS).catalogue!

/** "No" to every yes/no question of a questionnaire: the path a respondent without the service takes. */
function noToEverything(survey: string, version: string): Record<string, string> {
  const definition = catalogue.find(survey, version)!.definition
  const answers: Record<string, string> = {}
  for (const q of definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions))) if (q.type === 'yes_no') answers[q.id] = '2'
  return answers
}

/** Follows the task list from the top, section by section, until "check and submit" is offered. */
async function answerEverySection(t: Test, page: Page, link: string, answers: Record<string, string | string[]>): Promise<string[]> {
  const seen: string[] = []
  for (let sections = 0; sections < 12; sections++) {
    if ((await page.locator('a.govuk-button:has-text("Check your answers and submit")').count()) > 0) return seen
    const next = page.locator('.govuk-task-list__item:has(.govuk-tag) a.govuk-task-list__link').first()
    t.equal(await next.count(), 1, 'the task list offers a section to do')
    await next.click()
    while (new URL(page.url()).pathname !== new URL(link).pathname) {
      seen.push((await page.locator('h1').textContent())!.trim())
      await fillPage(page, answers)
      await page.click('button[value=continue]')
    }
  }
  t.fail('the task list never offered "check and submit"')
  return seen
}

async function submitFromCheck(t: Test, browser: Browser, page: Page) {
  await page.click('a:has-text("Check your answers and submit")')
  t.match(await page.locator('h1').textContent(), 'Check your answers')
  t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'check answers: no accessibility violations')
  await page.click('button:has-text("Submit")')
  t.match(await page.locator('h1').textContent(), 'Response submitted')
}


if (!available) {
  t.test('the "no" paths in a browser', { skip: reason }, async () => {})
} else {
  t.test('a council with no prison in its area submits, without JavaScript', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false, mailDir: t.testdir() })
    const { link, browser, page } = await respondentWithoutJavaScript(t, app, { surveyId: 'la-release-social-care', version: '2020', closesAt: '2099-03-31T22:59:59.999Z' })
    await page.goto(link)
    t.match(await page.textContent('#status-in_prison'), 'Cannot start yet', 'before the number of prisons is known')

    const answers = { ...noToEverything('la-release-social-care', '2020'), prisons_in_area: '0', main_challenges: ['1'] }
    const seen = await answerEverySection(t, page, link, answers)
    t.match(await page.textContent('#status-in_prison'), 'Not needed', 'no prison: the prison section is not needed')
    t.match(await page.textContent('main'), 'You have completed 4 of 4 sections')
    t.notOk(seen.includes('How social care is organised'), 'no page of the prison section was shown')
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'task list with a section not needed: no accessibility violations')
    await submitFromCheck(t, browser, page)
    const response = await app.db.selectFrom('responses').selectAll().executeTakeFirstOrThrow()
    t.equal(response.status, 'submitted')
  })

  t.test('a prison without a buddy scheme submits, without JavaScript', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false, mailDir: t.testdir() })
    const { link, browser, page } = await respondentWithoutJavaScript(t, app, { surveyId: 'prison-peer-social-care', version: '2024', closesAt: '2099-03-31T22:59:59.999Z' })
    await page.goto(link)
    const answers = noToEverything('prison-peer-social-care', '2024')
    const seen = await answerEverySection(t, page, link, answers)
    t.ok(seen.includes('Without a scheme'), 'asked why there is no scheme')
    t.notOk(seen.includes('About the scheme'), 'not asked about a scheme it does not have')
    for (const id of ['tasks', 'selection_training', 'pay', 'risks']) t.match(await page.textContent(`#status-${id}`), 'Not needed', `${id}: not needed`)
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'task list: no accessibility violations')
    await submitFromCheck(t, browser, page)
    t.equal((await app.db.selectFrom('responses').selectAll().executeTakeFirstOrThrow()).status, 'submitted')
  })
}
