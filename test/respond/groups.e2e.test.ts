// A repeating group in a real browser with JavaScript off, in English and in Welsh: a service
// adds three prison sites (one stopped by a check across answers first), removes one after
// "Are you sure?", checks its answers per site and submits. axe-core audits every new page and
// state: the empty list, the list of three, an item page with an error, the remove confirmation.
import t from 'tap'
import type { Page } from 'playwright-core'
import { axeViolationsWithoutJavaScript, browserAvailable, launchBrowser, withoutJavaScript } from '../helpers/browser.js'
import { buildTestApp, FIXTURES } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const { available, reason } = browserAvailable()

// What each language says, written out here from the fixture and the catalogues.
const WORDS = {
  en: {
    none: 'You have not added any yet.',
    addSite: 'Add a site',
    three: 'You have added 3 sites',
    two: 'You have added 2 sites',
    tooMany: 'Staff at this site (11) cannot be more than your staff at all sites (10)',
    sure: 'Are you sure you want to remove HMP Parc?',
    removed: 'It has been removed, with its answers.',
    completed: 'Completed',
    itemHeading: 'Each site: Carchar Caerdydd',
    submitted: 'Submit',
  },
  cy: {
    none: 'Nid ydych chi wedi ychwanegu unrhyw rai eto.',
    addSite: 'Ychwanegu safle',
    three: 'Rydych chi wedi ychwanegu 3 safle',
    two: 'Rydych chi wedi ychwanegu 2 safle',
    tooMany: 'Ni all staff y safle hwn (11) fod yn fwy na’ch staff ym mhob safle (10)',
    sure: 'Ydych chi’n siŵr eich bod am ddileu HMP Parc?',
    removed: 'Mae wedi’i ddileu, gyda’i atebion.',
    completed: 'Wedi’i gwblhau',
    itemHeading: 'Pob safle: Carchar Caerdydd',
    submitted: 'Cyflwyno',
  },
} as const

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim()

if (!available) {
  t.test('repeating groups in a browser', { skip: reason }, async () => {})
} else {
  t.test('a repeating group without JavaScript', async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-groups`, mailWorker: false })
    const wave = await openTestWave(app, { surveyId: 'site-visits', version: '1', organisations: ['ORGEN', 'ORGCY'] })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    for (const language of ['en', 'cy'] as const) {
      const words = WORDS[language]
      const code = language === 'en' ? 'ORGEN' : 'ORGCY'
      await t.test(`${language}: three sites, one removed, checked and submitted`, async (t) => {
        const link = `${address}/r/${wave.tokens[code]}`
        const page = await (await withoutJavaScript(browser)).newPage()
        const audit = async (state: string) => t.same(await axeViolationsWithoutJavaScript(browser, page), [], `${state}: no accessibility violations`)

        await page.goto(`${link}/pages/about_page?lang=${language}`)
        await page.check('#has_sites-0')
        await page.fill('#staff_total', '10')
        await page.click('button[value=continue]')
        await page.click(`a[href$="/groups/sites"]`)
        t.match(await text(page, 'main'), words.none)
        await audit('the empty list')

        const site = async (name: string, buddies: boolean, staff?: string) => {
          await page.fill('#site_name', name)
          await page.check(buddies ? '#site_has_buddies-0' : '#site_has_buddies-1')
          if (buddies) await page.fill('#site_buddies', '5')
          await page.click('button[value=continue]')
          if (staff !== undefined) {
            await page.fill('#site_staff', staff)
            await page.click('button[value=continue]')
          }
        }
        await page.click(`text=${words.addSite}`)
        await site('Carchar Caerdydd', true, '4')
        const another = async () => {
          await page.check('#answer')
          await page.click('form button.govuk-button')
        }
        await another()
        await site('HMP Parc', false)
        await another()
        await site('HMP Berwyn', true)
        await page.fill('#site_staff', '11')
        await page.click('button[value=continue]')
        t.match(await text(page, '.govuk-error-summary__list'), words.tooMany, 'the check names both answers')
        t.equal(await page.inputValue('#site_staff'), '11', 'what was typed is kept')
        await audit('an item page with an error')
        await page.fill('#site_staff', '2')
        await page.click('button[value=continue]')

        t.equal(await text(page, 'h1'), words.three)
        await audit('the list of three')
        await page.click('a[href$="/remove"] >> nth=1')
        t.equal(await text(page, 'h1'), words.sure)
        await audit('the remove confirmation')
        await page.check('#answer')
        await page.click('form button.govuk-button')
        t.match(await text(page, '.govuk-notification-banner'), words.removed)
        t.equal(await text(page, 'h1'), words.two)
        await audit('the list after a removal')
        await page.check('#answer-no')
        await page.click('form button.govuk-button')

        const tasks = await text(page, '.govuk-task-list')
        t.match(tasks, `${words.itemHeading} ${words.completed}`, 'a task-list entry per site')
        t.notMatch(tasks, 'HMP Parc')
        await page.click('a[href$="/pages/closing_page"]')
        await page.click('button[value=continue]')
        await page.goto(`${link}/check`)
        const headings = await page.locator('h2.govuk-heading-m').allTextContents()
        t.ok(headings.includes(words.itemHeading), 'check your answers lists each site under its name')
        t.notOk(headings.some((h) => h.includes('HMP Parc')))
        await page.click(`form[action$="/submit"] button`)
        t.match(page.url(), '/confirmation')
        const response = await app.db.selectFrom('responses').select(['id', 'status']).where('organisation_id', '=', wave.organisationIds[code]).executeTakeFirstOrThrow()
        t.equal(response.status, 'submitted')
        const names = await app.db.selectFrom('item_answer_values').select(['text_value']).where('response_id', '=', response.id).where('question_id', '=', 'site_name').orderBy('text_value').execute()
        t.same(names.map((n) => n.text_value), ['Carchar Caerdydd', 'HMP Berwyn'])
      })
    }
  })
}
