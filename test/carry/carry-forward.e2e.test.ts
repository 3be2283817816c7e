// Carrying answers forward in a real browser with JavaScript off, in English and Welsh: the team
// chooses the earlier wave and the questions (with and without errors), one respondent confirms
// one carried answer and changes the other in English, another does the opposite in Welsh, the
// raw data flags each, and the previous response opens from the task list. axe-core reports no
// violation on any of these pages.
import t from 'tap'
import { parse } from 'csv-parse/sync'
import { axeViolationsWithoutJavaScript, browserAvailable, launchBrowser, withoutJavaScript } from '../helpers/browser.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { submitAnswers } from '../helpers/responses.js'
import { earlierWave } from './earlier-wave.js'
import { openTestWave } from '../helpers/waves.js'

const { available, reason } = browserAvailable()

if (!available) {
  t.test('carrying answers forward, in a browser', { skip: reason }, async () => {})
} else {
  t.test('last wave’s answers confirmed and changed, in English and Welsh, with JavaScript off', async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
    const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1', organisations: ['W1', 'W2'] })
    const [w1, w2] = [wave.organisationIds.W1, wave.organisationIds.W2]
    const earlier = await earlierWave(app, {
      surveyId: 'welsh-prisons',
      version: '1',
      label: '2023',
      organisations: [w1, w2],
      answers: [
        { has_scheme: { code: 1 }, buddies: { value: 3 }, tasks: { codes: [1] }, comments: { value: 'Going well' } },
        { has_scheme: { code: 1 }, buddies: { value: 5 }, tasks: { codes: [2] } },
      ],
    })
    // The same version: the earlier wave ran before this one.
    await app.db.updateTable('waves').set({ launched_at: '2023-03-01T09:00:00.000Z', opens_at: '2023-03-01T09:00:00.000Z' }).where('id', '=', earlier).execute()

    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await launchBrowser()
    t.teardown(() => browser.close())
    const audit = async (page: Parameters<typeof axeViolationsWithoutJavaScript>[1], what: string) => t.same(await axeViolationsWithoutJavaScript(browser, page), [], `${what}: no accessibility violations`)

    // The team chooses, first forgetting everything.
    const team = await withoutJavaScript(browser)
    await team.addCookies([{ name: 'sid', value: (await signIn(app)).replace(/^sid=/, ''), url: address }])
    const admin = await team.newPage()
    await admin.goto(`${address}/admin/waves/${wave.waveId}`)
    await admin.click('#carry-forward a:has-text("Change")')
    t.match(await admin.locator('h1').textContent(), 'Carry answers forward into 2020')
    await audit(admin, 'the settings page')
    await admin.click('#save-carry-forward')
    t.match(await admin.textContent('.govuk-error-summary'), 'Choose the earlier wave the answers come from')
    await audit(admin, 'the settings page with errors')
    await admin.check('#source')
    await admin.check('#question-has_scheme')
    await admin.check('#question-buddies')
    await admin.click('#save-carry-forward')
    t.match(await admin.textContent('.govuk-notification-banner'), '2 questions now start from the earlier wave’s answers')
    t.match(await admin.textContent('#carry-saved'), '2 questions start from the answers given in 2023')
    await audit(admin, 'the settings page once saved')

    // In English: "has a scheme" confirmed, the number of buddies changed.
    const english = await (await withoutJavaScript(browser)).newPage()
    await english.goto(`${address}/r/${wave.tokens.W1}/pages/scheme_page`)
    t.match(await english.textContent('#has_scheme-carried'), /Last time \(2023\) your authority said:\s*Yes/)
    t.match(await english.textContent('#buddies-carried'), /Last time \(2023\) your authority said:\s*3 buddies/)
    t.ok(await english.isChecked('input[name="has_scheme"][value="1"]'), 'last time’s answer is filled in')
    t.equal(await english.inputValue('#buddies'), '3')
    await audit(english, 'a page with carried answers in English')
    await english.fill('#buddies', '4')
    await english.click('button[value=continue]')
    t.match(await english.locator('h1').textContent(), 'About the scheme')

    // In Welsh: "has a scheme" changed to "don't know", the number of buddies confirmed.
    const welsh = await (await withoutJavaScript(browser)).newPage()
    await welsh.goto(`${address}/r/${wave.tokens.W2}/pages/scheme_page?lang=cy`)
    t.match(await welsh.textContent('#has_scheme-carried'), /Y tro diwethaf \(2023\) dywedodd eich awdurdod:\s*Ie/)
    t.match(await welsh.textContent('#buddies-carried'), /Y tro diwethaf \(2023\) dywedodd eich awdurdod:\s*5 cyfeillion/)
    t.equal(await welsh.inputValue('#buddies'), '5')
    await audit(welsh, 'a page with carried answers in Welsh')
    await welsh.check('input[name="has_scheme"][value="8"]')
    await welsh.click('button[value=continue]')
    t.match(await welsh.locator('h1').textContent(), 'Gofal cymdeithasol yn y carchar', 'saved: back to the task list (the details are not needed now)')

    const statuses = await app.db.selectFrom('carried_answers').innerJoin('responses', 'responses.id', 'carried_answers.response_id').select(['responses.organisation_id', 'carried_answers.question_id', 'carried_answers.status']).orderBy('carried_answers.question_id').execute()
    t.same(statuses.filter((s) => s.organisation_id === w1).map((s) => [s.question_id, s.status]), [['buddies', 'changed'], ['has_scheme', 'confirmed']])
    t.same(statuses.filter((s) => s.organisation_id === w2).map((s) => [s.question_id, s.status]), [['buddies', 'confirmed'], ['has_scheme', 'changed']])

    // Check your answers in Welsh says what happened; the previous response opens from the task list.
    await welsh.goto(`${address}/r/${wave.tokens.W2}/check`)
    t.match(await welsh.textContent('main'), 'Wedi newid ers 2023')
    t.match(await welsh.textContent('main'), 'Wedi’i gadarnhau: yr un fath ag yn 2023')
    await audit(welsh, 'check your answers with carried answers in Welsh')
    await english.goto(`${address}/r/${wave.tokens.W1}`)
    await english.click('#previous-response a')
    t.match(await english.textContent('main'), 'What your organisation said in 2023, as it was submitted')
    t.match(await english.textContent('main'), 'Going well', 'its own answers')
    await audit(english, 'the previous response')
    await welsh.goto(`${address}/r/${wave.tokens.W2}/previous`)
    t.match(await welsh.textContent('main'), 'Beth ddywedodd eich sefydliad yn 2023')
    t.notMatch(await welsh.textContent('main'), 'Going well', 'never the other prison’s answers')
    await audit(welsh, 'the previous response in Welsh')

    // Submitted as saved: the raw data flags each carried answer.
    await submitAnswers(app, wave.waveId, w1, { has_scheme: { code: 1 }, buddies: { value: 4 }, tasks: { codes: [1] } })
    await submitAnswers(app, wave.waveId, w2, { has_scheme: { code: 8 }, buddies: { value: 5 } })
    const raw = await app.inject({ url: `/admin/analysis/waves/${wave.waveId}/raw.csv?names=1`, headers: { cookie: await signIn(app, 'analyst') } })
    const rows = (parse(raw.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]).sort((a, b) => a.organisation_code.localeCompare(b.organisation_code))
    t.same(rows.map((r) => [r.organisation_code, r.has_scheme_carried, r.buddies_carried]), [['W1', '1', '2'], ['W2', '2', '1']], '1 confirmed, 2 changed')

    // The wave's statistics, split by what happened to the carried answers.
    await admin.goto(`${address}/admin/analysis/waves/${wave.waveId}`)
    t.match(await admin.textContent('#carried-has_scheme'), /Confirmed unchanged\s*1\s*50\.0/)
    await audit(admin, 'the statistics split by answers carried forward')
  })
}
