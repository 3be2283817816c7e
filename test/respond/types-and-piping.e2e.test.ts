// The new answer types and piping in a real browser with JavaScript off, in English and Welsh:
// each type's mistake is refused with its message at the field and in the summary, everything
// typed kept; the right answers save; the next page shows the organisation's name and region and
// the earlier answers piped into its text, hint and an option, escaped; check your answers says
// which answer was confirmed. axe-core audits every new state.
import t from 'tap'
import type { Page } from 'playwright-core'
import { axeViolationsWithoutJavaScript, browserAvailable, launchBrowser, withoutJavaScript } from '../helpers/browser.js'
import { buildTestApp, FIXTURES } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { inviteOrganisations } from '../../src/waves/waves.js'
import { issueLinks } from '../helpers/waves.js'

const { available, reason } = browserAvailable()

// What each language says, written out here from the fixture and the catalogues.
const WORDS = {
  en: {
    problem: 'There is a problem',
    spend: 'Enter an amount in pounds, like £1,234.50',
    share: 'Enter a percentage between 0% and 100%',
    month: 'Enter a real month and year, like 3 2020',
    tasks: 'Select at least 2 answers',
    email: 'Enter an e-mail address in the correct format, like name@example.com',
    phone: 'Enter a UK telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192',
    postcode: 'Enter a real UK postcode, like SW1A 1AA',
    intro: 'HMP <Parc> & Cardiff is in the Wales region.',
    assessments: 'You received 2 referrals. How many of them led to an assessment?',
    hint: 'The service started in February 2020.',
    option: 'Yes, £1,234.50 was enough',
    confirmed: 'You confirmed this answer',
    soft: 'You said 0 referrals. Is that right?',
  },
  cy: {
    problem: 'Mae problem wedi codi',
    spend: 'Rhowch swm mewn punnoedd, fel £1,234.50',
    share: 'Rhowch ganran rhwng 0% a 100%',
    month: 'Rhowch fis a blwyddyn go iawn, fel 3 2020',
    tasks: 'Dewiswch o leiaf 2 ateb',
    email: 'Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.com',
    phone: 'Rhowch rif ffôn yn y DU, fel 01632 960 001, 07700 900 982 neu +44 808 157 0192',
    postcode: 'Rhowch god post go iawn yn y DU, fel CF10 1AA',
    intro: 'Mae HMP <Parc> & Cardiff yn rhanbarth Wales.',
    assessments: 'Cawsoch 2 atgyfeiriad. Faint ohonynt a arweiniodd at asesiad?',
    hint: 'Dechreuodd y gwasanaeth ym mis Chwefror 2020.',
    option: 'Oedd, roedd £1,234.50 yn ddigon',
    confirmed: 'Gwnaethoch gadarnhau’r ateb hwn',
    soft: 'Dywedoch 0 atgyfeiriad. Ydy hynny’n gywir?',
  },
} as const

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim()

if (!available) {
  t.test('answer types and piping in a browser', { skip: reason }, async () => {})
} else {
  t.test('answer types and piping without JavaScript', async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-types`, mailWorker: false })
    const wave = await openTestWave(app, { surveyId: 'service-types', version: '1', organisations: ['ORGEN'] })
    // A Welsh prison whose name needs escaping, with its region as an attribute.
    const prison = await createOrganisation(app.db, { code: 'PRISONCY', name: 'HMP <Parc> & Cardiff', type: 'prison', attributes: { region: 'Wales' }, contacts: [{ name: 'Lead', email: 'lead@example.org' }] })
    await inviteOrganisations(app.db, wave.waveId, [prison])
    const tokens = { en: wave.tokens.ORGEN, cy: (await issueLinks(app, wave.waveId, [prison])).get(prison)! }
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    for (const language of ['en', 'cy'] as const) {
      const words = WORDS[language]
      await t.test(`${language}: every new type refused, then saved, then piped`, async (t) => {
        const link = `${address}/r/${tokens[language]}`
        const page = await (await withoutJavaScript(browser)).newPage()

        await page.goto(`${link}/pages/figures?lang=${language}`)
        t.equal(await page.locator('#service_start__day').count(), 0, 'a month and year only')
        await page.fill('#referrals', '0')
        await page.fill('#spend', 'about £40')
        await page.fill('#share_assessed', '100.5')
        await page.fill('#service_start__month', '13')
        await page.fill('#service_start__year', '2020')
        await page.check('#tasks-0')
        await page.click('button[value=continue]')
        t.equal(await text(page, '.govuk-error-summary__title'), words.problem)
        const summary = await page.locator('.govuk-error-summary__list a').allTextContents()
        t.same(summary.map((s) => s.replace(/^.* – /, '')), [words.spend, words.share, words.month, words.tasks], 'each mistake, in field order')
        t.match(await text(page, '#spend-error'), words.spend, 'the message at the field')
        t.same([await page.inputValue('#spend'), await page.inputValue('#share_assessed'), await page.inputValue('#service_start__month')], ['about £40', '100.5', '13'], 'everything typed is kept')
        t.ok(await page.isChecked('#tasks-0'))
        t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the refused page has no accessibility violations')

        await page.fill('#spend', '£1,234.50')
        await page.fill('#share_assessed', '12.5%')
        await page.fill('#service_start__month', '2')
        await page.check('#tasks-1')
        await page.click('button[value=continue]')
        t.match(await text(page, '.govuk-notification-banner'), words.soft, 'no referrals: is that right?')
        t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the soft check state has no accessibility violations')
        await page.check('#referrals__confirm_no_referrals')
        await page.click('button[value=continue]')

        // The next page: the organisation and the answers piped in, escaped, in this language.
        t.match(new URL(page.url()).pathname, /\/pages\/follow_on$/)
        await page.goto(`${link}/pages/follow_on?lang=${language}`)
        if (language === 'en') t.match(await text(page, 'main'), 'Authority ORGEN is in the North East region.')
        else t.match(await text(page, 'main'), words.intro, 'an organisation name with < and & shown as typed, not as markup')
        t.match(await text(page, 'main'), words.hint)
        t.match(await text(page, 'label[for="spend_enough-0"]'), words.option)
        await page.fill('#assessments', '0')
        await page.check('#spend_enough-0')
        await page.fill('#contact_email', 'ann@example')
        await page.fill('#contact_phone', '7700 900982')
        await page.fill('#office_postcode', 'Cardiff')
        await page.click('button[value=continue]')
        const second = await page.locator('.govuk-error-summary__list a').allTextContents()
        t.same(second.map((s) => s.replace(/^.* – /, '')), [words.email, words.phone, words.postcode])
        t.equal(await page.inputValue('#office_postcode'), 'Cardiff', 'what was typed is kept')
        t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the refused contact details have no accessibility violations')
        await page.fill('#contact_email', 'ann@example.org')
        await page.fill('#contact_phone', '+44 7700 900982')
        await page.fill('#office_postcode', ' cf10 1aa ')
        await page.click('button[value=continue]')

        await page.goto(`${link}/check?lang=${language}`)
        const main = await text(page, 'main')
        t.match(main, words.confirmed, 'the confirmed answer says so')
        t.match(main, '£1,234.50')
        t.match(main, '12.5%')
        t.match(main, '07700 900982')
        t.match(main, 'CF10 1AA')
        t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'check your answers has no accessibility violations')
      })
    }
    // The piped sentence with an answer given: a second referral count through the English link.
    await t.test('a piped number reads in the sentence', async (t) => {
      const page = await (await withoutJavaScript(browser)).newPage()
      const link = `${address}/r/${tokens.cy}`
      await page.goto(`${link}/pages/figures?lang=cy`)
      await page.fill('#referrals', '2')
      await page.click('button[value=continue]')
      await page.goto(`${link}/pages/follow_on?lang=cy`)
      t.match(await text(page, 'main'), WORDS.cy.assessments)
      await page.goto(`${link}/pages/follow_on?lang=en`)
      t.match(await text(page, 'main'), WORDS.en.assessments)
    })
  })
}
