// Checks across answers and same-page follow-ups, in a real browser with JavaScript off, in
// English and in Welsh: a hard check refuses the page and names both answers (in the error
// summary and at the field, with everything typed kept), a soft check is confirmed with a tick
// and not asked again, and a follow-up sits beneath its option, needed only when it is chosen.
// axe-core audits every new state.
import t from 'tap'
import type { Page } from 'playwright-core'
import { axeViolationsWithoutJavaScript, browserAvailable, launchBrowser, withoutJavaScript } from '../helpers/browser.js'
import { buildTestApp, FIXTURES } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const { available, reason } = browserAvailable()

// What each language says, written out here from the fixture and the catalogues.
const WORDS = {
  en: {
    problem: 'There is a problem',
    hardCheck: 'Assessments (12) cannot be more than referrals (10)',
    softCheck: 'You said 0 assessments in 12 months. Is that right?',
    confirm: 'Yes, this answer is right',
    staffing: 'Staff',
    emailLabel: 'Your email address (if you chose “Yes”)',
    enterAnswer: 'Enter your answer',
    contactTime: 'When to contact you',
  },
  cy: {
    problem: 'Mae problem wedi codi',
    hardCheck: 'Ni all asesiadau (12) fod yn fwy nag atgyfeiriadau (10)',
    softCheck: 'Dywedoch 0 asesiad mewn 12 mis. Ydy hynny’n gywir?',
    confirm: 'Ydy, mae’r ateb hwn yn gywir',
    staffing: 'Staff',
    emailLabel: 'Eich cyfeiriad e-bost (os dewisoch “Ie”)',
    enterAnswer: 'Rhowch eich ateb',
    contactTime: 'Pryd i gysylltu â chi',
  },
} as const

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim()

if (!available) {
  t.test('checks and follow-ups in a browser', { skip: reason }, async () => {})
} else {
  // One app and one browser for both languages: a council answering in English, a prison in Welsh.
  t.test('checks and follow-ups without JavaScript', async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-checks`, mailWorker: false })
    const wave = await openTestWave(app, { surveyId: 'care-checks', version: '1', organisations: ['ORGEN', 'ORGCY'] })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    for (const language of ['en', 'cy'] as const) {
      const words = WORDS[language]
      const code = language === 'en' ? 'ORGEN' : 'ORGCY'
      await t.test(`${language}: a hard check, a soft check confirmed, and a follow-up`, async (t) => {
        const link = `${address}/r/${wave.tokens[code]}`
        const page = await (await withoutJavaScript(browser)).newPage()
        const response = await app.db.selectFrom('responses').select('id').where('organisation_id', '=', wave.organisationIds[code]).executeTakeFirstOrThrow()
        const answers = async () => Object.fromEntries((await app.db.selectFrom('response_answers').select(['question_id', 'answer_json']).where('response_id', '=', response.id).execute()).map((r) => [r.question_id, JSON.parse(r.answer_json)]))

        // More assessments than referrals: refused, both answers named, nothing typed lost.
        await page.goto(`${link}/pages/caseload?lang=${language}`)
        await page.fill('#referrals', '10')
        await page.fill('#assessments', '12')
        await page.fill('#care_plans', '3')
        await page.click('button[value=continue]')
        t.equal(await text(page, '.govuk-error-summary__title'), words.problem)
        t.match(await text(page, '.govuk-error-summary__list'), words.hardCheck, 'the error summary names both answers')
        t.match(await text(page, '#assessments-error'), words.hardCheck, 'and so does the message at the field to fix')
        t.same([await page.inputValue('#referrals'), await page.inputValue('#assessments'), await page.inputValue('#care_plans')], ['10', '12', '3'], 'everything typed is kept')
        await page.click('.govuk-error-summary__list a')
        t.equal(new URL(page.url()).hash, '#assessments', 'the summary links to the assessments field')
        t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the hard check state has no accessibility violations')
        t.same(await answers(), {}, 'nothing was saved')

        // None at all: "is that right?", confirmed with a tick, and recorded with the answer.
        await page.fill('#assessments', '0')
        await page.fill('#care_plans', '')
        await page.click('button[value=continue]')
        t.equal(await page.locator('.govuk-error-summary').count(), 0, 'a soft check is not an error')
        t.match(await text(page, '.govuk-notification-banner'), words.softCheck, 'the banner says what to check')
        t.match(await text(page, '#assessments__confirm_no_assessments-warning'), words.softCheck, 'and so does the warning beneath the answer')
        t.equal(await text(page, 'label[for="assessments__confirm_no_assessments"]'), words.confirm)
        t.equal(await page.inputValue('#assessments'), '0', 'the answer is still there to change')
        t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the soft check state has no accessibility violations')
        await page.check('#assessments__confirm_no_assessments')
        await page.click('button[value=continue]')
        t.equal(await text(page, 'h1'), words.staffing, 'confirmed: on to the next page')
        const saved = await answers()
        t.same(saved.assessments.value, 0)
        t.same(Object.keys(saved.assessments.confirmed), ['no_assessments'], 'the confirmation is recorded with the answer')
        // Back to the page and saved again with the same answers: not asked again.
        await page.goto(`${link}/pages/caseload`)
        await page.click('button[value=continue]')
        t.equal(await text(page, 'h1'), words.staffing, 'the same answers: no second warning')

        // The follow-up beneath "Yes", always visible and saying when it applies.
        await page.goto(`${link}/pages/contact_page`)
        t.equal(await text(page, 'label[for="contact_email"]'), words.emailLabel)
        t.ok(await page.isVisible('#contact_email'), 'shown without JavaScript')
        t.equal(await page.locator('#may_contact-follow-up-1 #contact_email').count(), 1, 'beneath its option, in the conditional reveal')
        t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the page with follow-ups has no accessibility violations')
        await page.check('input[name="may_contact"][value="1"]')
        await page.check('input[name="support_types"][value="1"]')
        await page.click('button[value=continue]')
        t.match(await text(page, '.govuk-error-summary__list'), words.enterAnswer, 'chosen "Yes": the e-mail is needed')
        t.match(await text(page, '#contact_email-error'), words.enterAnswer)
        t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the follow-up in error has no accessibility violations')
        // "No", with an address typed anyway: saved without it.
        await page.check('input[name="may_contact"][value="2"]')
        await page.fill('#contact_email', 'typed@example.org')
        await page.click('button[value=continue]')
        const refused = await answers()
        t.same([refused.may_contact, refused.contact_email], [{ code: 2 }, undefined], 'an answer beneath an option not chosen is ignored')
        // "Yes" with an address: saved, and the page that depends on it opens.
        await page.goto(`${link}/pages/contact_page`)
        await page.check('input[name="may_contact"][value="1"]')
        await page.fill('#contact_email', 'ann@example.org')
        await page.click('button[value=continue]')
        t.equal(await text(page, 'h1'), words.contactTime)
        t.same((await answers()).contact_email, { value: 'ann@example.org' })
      })
    }
  })
}
