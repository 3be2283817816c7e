// Coding in a real browser: a whole answer coded with JavaScript off (check boxes and a button,
// nothing else), a passage coded with JavaScript on by selecting its words, and every coding page
// audited by axe-core in each of its states (before joining, coding, finished with differences).
import t from 'tap'
import type { Answers } from '../../src/questionnaire/answers.js'
import { buildTestApp, FIXTURES, form, formSession, signIn } from '../helpers/app.js'
import { axeViolationsWithoutJavaScript, browserAvailable, signedInPage, teamMemberWithoutJavaScript } from '../helpers/browser.js'
import { submittedWave } from '../helpers/responses.js'

const { available, reason } = browserAvailable()
const answers: Answers[] = ['Nobody told us the release date.', 'Housing was found too late.\nThe probation team had no address for him.', 'We had no <script>alert(1)</script> information.'].map((views) => ({
  q_role: { code: 1 },
  q_scheme: { code: 1 },
  q_tasks: { codes: [1] },
  q_staff: { value: 2 },
  q_rate: { rows: { a: 1 } },
  q_views: { value: views },
}))

if (!available) {
  t.test('coding in a browser', { skip: reason }, async () => {})
} else {
  t.test('coding with JavaScript off and on, every page accessible', async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
    const { waveId, organisations } = await submittedWave(app, { surveyId: 'demo-analysis', version: '1', label: 'W1', answers })
    const { address, browser, page } = await teamMemberWithoutJavaScript(t, app, 'analyst')
    const audit = async (what: string) => t.same(await axeViolationsWithoutJavaScript(browser, page), [], `${what}: no accessibility violations`)

    // The codebook, empty and then with a theme and two codes, one of them beneath the theme.
    await page.goto(`${address}/admin/coding`)
    await page.click('a:has-text("Codebook (0 codes)")')
    await audit('the empty codebook')
    await page.click('button:has-text("Add code")')
    t.equal(await page.locator('.govuk-error-summary a').innerText(), 'Enter a name for the code')
    await audit('the codebook with an error')
    for (const [name, theme] of [['Information sharing', ''], ['Housing', ''], ['Accommodation on release', 'Housing']]) {
      await page.fill('#name', name)
      await page.fill('#description', `Answers about ${name.toLowerCase()}`)
      if (theme) await page.selectOption('#parentId', { label: theme })
      await page.click('button:has-text("Add code")')
      t.equal(await page.locator('.govuk-notification-banner').innerText().then((s) => s.includes('Code added')), true, `${name} added`)
    }
    await audit('the codebook with a theme')
    await page.click('a:has-text("Accommodation on release")')
    await audit('a code’s page')

    // The grid before joining, then coding the whole of the first answer.
    await page.goto(`${address}/admin/coding/waves/${waveId}`)
    t.equal(await page.locator('[data-passage-form]').count(), 0, 'no coding forms before joining')
    await audit('the grid before joining')
    await page.click('button:has-text("Start coding this wave")')
    t.equal(await page.locator('script').count(), 1, 'the passage script is offered (and not run here)')
    await audit('the grid while coding')
    const first = page.locator('section.app-coding-answer').filter({ hasText: 'Nobody told us' })
    await first.getByLabel('Information sharing').check()
    await first.locator('button:has-text("Save codes for answer")').click()
    t.match(await page.locator('.govuk-notification-banner').innerText(), /Answer saved with 1 code/)
    t.ok(new URL(page.url()).hash.startsWith('#answer-'), 'back at the answer just coded')
    t.equal(await page.locator('section.app-coding-answer').filter({ hasText: 'Nobody told us' }).getByLabel('Information sharing').isChecked(), true)
    // A passage without JavaScript: the words copied into the field.
    const second = page.locator('section.app-coding-answer').filter({ hasText: 'Housing was found' })
    await second.locator('summary').click()
    await second.getByLabel('Passage').fill('Housing was found too late.')
    await second.getByLabel('Code', { exact: true }).selectOption({ label: '— Accommodation on release' })
    await second.locator('button:has-text("Code the passage")').click()
    t.equal(await page.locator('mark').first().innerText(), 'Housing was found too late.')
    t.equal(await page.locator('section.app-coding-answer').filter({ hasText: 'alert(1)' }).locator('script').count(), 0, 'an answer’s markup is text, not markup')
    await audit('the grid with a passage coded')
    // A passage that is not in the answer: the message beside the field, the words kept.
    await page.locator('section.app-coding-answer').filter({ hasText: 'Nobody told us' }).locator('summary').click()
    await page.locator('section.app-coding-answer').filter({ hasText: 'Nobody told us' }).getByLabel('Passage').fill('somebody told us')
    await page.locator('section.app-coding-answer').filter({ hasText: 'Nobody told us' }).locator('button:has-text("Code the passage")').click()
    t.equal(await page.locator('.govuk-error-summary a').innerText(), 'The passage was not found in the answer: copy the words exactly as they are in it')
    t.equal(await page.locator('.govuk-textarea--error').inputValue(), 'somebody told us')
    await audit('the grid with a passage error')
    await page.locator('section.app-coding-answer').filter({ hasText: 'Nobody told us' }).locator('button:has-text("Choose answer")').click()
    t.match(await page.locator('.govuk-notification-banner').innerText(), /Quotation chosen/)
    await page.goto(`${address}/admin/coding/waves/${waveId}?status=not_coded`)
    t.equal(await page.locator('section.app-coding-answer').count(), 1, 'one answer not yet coded')

    // With JavaScript on: selecting words fills the passage form with their place in the answer.
    const coder = await signIn(app, 'analyst')
    const withJs = await signedInPage(browser, address, coder)
    await withJs.goto(`${address}/admin/coding/waves/${waveId}`)
    await withJs.click('button:has-text("Start coding this wave")')
    const answer = withJs.locator('section.app-coding-answer').filter({ hasText: 'Housing was found' }).locator('[data-answer-text]')
    await answer.evaluate((element) => {
      const node = element.firstChild!
      const text = node.textContent!
      const range = document.createRange()
      range.setStart(node, text.indexOf('probation team'))
      range.setEnd(node, text.indexOf('probation team') + 'probation team'.length)
      const selection = window.getSelection()!
      selection.removeAllRanges()
      selection.addRange(range)
      element.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }))
    })
    const passageForm = withJs.locator('section.app-coding-answer').filter({ hasText: 'Housing was found' }).locator('[data-passage-form]')
    t.equal(await passageForm.locator('[name=passage]').inputValue(), 'probation team')
    const start = 'Housing was found too late.\nThe '.length
    t.equal(await passageForm.locator('[name=start]').inputValue(), String(start), 'the start offset counts the line break')
    await passageForm.locator('select[name=code]').selectOption({ label: 'Information sharing' })
    await passageForm.locator('button:has-text("Code the passage")').click()
    const stored = await app.db.selectFrom('codings').select(['start_offset', 'end_offset']).where('organisation_id', '=', organisations[1]).where('start_offset', 'is not', null).where('user_id', '!=', (await app.db.selectFrom('codings').select('user_id').where('organisation_id', '=', organisations[0]).executeTakeFirstOrThrow()).user_id).executeTakeFirstOrThrow()
    t.same([stored.start_offset, stored.end_offset], [start, start + 'probation team'.length])
    await withJs.context().close()

    // Both finish (the second coder's answers are all left without a code): the agreement and the differences.
    for (const organisation of organisations) {
      const session = await formSession(app, `/admin/coding/waves/${waveId}`, coder)
      await app.inject({ method: 'POST', url: `/admin/coding/waves/${waveId}/answers`, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: session.token, organisation, question: 'q_views' }) })
    }
    const session = await formSession(app, `/admin/coding/waves/${waveId}`, coder)
    await app.inject({ method: 'POST', url: `/admin/coding/waves/${waveId}/finish`, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: session.token }) })
    await page.goto(`${address}/admin/coding/waves/${waveId}`)
    await page.click('button:has-text("I have finished coding")')
    await audit('the grid when coding has finished')
    await page.click('a:has-text("Agreement between the coders")')
    t.match(await page.locator('main').innerText(), /both coded 2 answers/)
    await audit('the agreement page')
    await page.goto(`${address}/admin/coding/waves/${waveId}/differences`)
    await audit('the differences page')
    const difference = page.locator('section.app-coding-answer').first()
    await difference.getByLabel('Yes, it applies').check()
    await difference.locator('button:has-text("Save decision")').click()
    t.match(await page.locator('.govuk-notification-banner').innerText(), /Decision saved/)
    await audit('the differences page after a decision')
    await page.goto(`${address}/admin/coding/surveys/demo-analysis/themes?by=organisation_type`)
    t.match(await page.locator('main').innerText(), /Organisations whose answers carry each code/)
    await audit('the themes page with a breakdown')
    await page.goto(`${address}/admin/coding/surveys/demo-analysis/quotations`)
    t.match(await page.locator('main').innerText(), /Nobody told us the release date\./)
    await audit('the quotations page')
  })
}
