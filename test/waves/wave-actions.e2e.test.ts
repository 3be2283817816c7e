// The research team's day with a browser that has JavaScript off: a submitted organisation is
// found and its response reopened; launch and close each ask before they act; a closed wave is
// reopened with a new deadline and its links work again; reminders are scheduled. Every page and
// every state on the way (error states included) passes axe-core.
import t from 'tap'
import type { Page } from 'playwright-core'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations } from '../../src/waves/waves.js'
import { buildTestApp } from '../helpers/app.js'
import { axeViolationsWithoutJavaScript, browserAvailable, teamMemberWithoutJavaScript } from '../helpers/browser.js'
import { issueLinkFor } from '../../src/respond/link-tokens.js'

const { available, reason } = browserAvailable()
if (!available) {
  t.test('the team runs a wave in a browser without JavaScript', { skip: reason }, async () => {})
} else {
  t.test('the team runs a wave in a browser without JavaScript', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false, scheduleWorker: false })
    const ids: Record<string, string> = {}
    for (const [code, name] of [['E1', 'Example Borough Council'], ['E2', 'Example County Council'], ['W1', 'Cyngor Enghraifft']] as const) {
      ids[code] = await createOrganisation(app.db, { code, name, type: 'local authority', attributes: { authority_type: 'Unitary' }, contacts: [{ name: `Officer ${code}`, email: `${code.toLowerCase()}@example.org` }] })
    }
    const waveId = await createWave(app.db, { surveyId: 'la-release-social-care', version: '2020', label: '2020', closesAt: '2099-03-31T22:59:59.999Z', teamName: 'Study', teamEmail: 'study@example.org', status: 'draft' })
    await inviteOrganisations(app.db, waveId, Object.values(ids))
    const { address, browser, context, page } = await teamMemberWithoutJavaScript(t, app)
    const audited = async (what: string, p: Page = page) => t.same(await axeViolationsWithoutJavaScript(browser, p), [], `${what}: no accessibility violations`)
    const waveStatus = async () => (await app.db.selectFrom('waves').select('status').where('id', '=', waveId).executeTakeFirstOrThrow()).status

    // Launch asks first.
    await page.goto(`${address}/admin/waves/${waveId}`)
    await audited('the draft wave page')
    await page.click('#launch')
    t.match(page.url(), `/admin/waves/${waveId}/launch`)
    t.equal(await waveStatus(), 'draft', 'following the launch button launches nothing')
    t.match(await page.textContent('#launch-invitations'), '3 organisations will be sent an invitation')
    await audited('the launch confirmation')
    await page.click('#confirm-launch')
    t.equal(await waveStatus(), 'open')
    t.match(await page.textContent('#done-notice'), 'Wave launched: 3 invitations queued for sending')
    await audited('the wave page saying it was launched')

    // Scheduled reminders, with an error on the way.
    await page.click(`a[href="/admin/waves/${waveId}/reminders"]`)
    await audited('the reminders page')
    await page.check('#kind-dates')
    await page.fill('#dates', '31/2/2098')
    await page.click('#save-schedule')
    t.equal(await page.locator('.govuk-error-summary li').count(), 1)
    t.equal(await page.inputValue('#dates'), '31/2/2098', 'what was typed is kept')
    await audited('the reminders page with an error')
    await page.fill('#dates', '2/3/2098')
    await page.click('#save-schedule')
    t.match(await page.textContent('#done-notice'), 'Scheduled reminders saved')
    t.match(await page.textContent('#schedule-upcoming'), '09:00 on 2 March 2098 (UK time)')

    // A submitted organisation is found by name, opened, and its response reopened after a confirmation.
    await app.db.updateTable('responses').set({ status: 'submitted', submitted_at: '2098-01-20T11:30:00.000Z' }).where('organisation_id', '=', ids.E2).execute()
    const reference = (await app.db.selectFrom('responses').select('reference').where('organisation_id', '=', ids.E2).executeTakeFirstOrThrow()).reference
    await page.fill('#q', 'county')
    await page.click('form[role=search] button')
    t.match(await page.textContent('#list-summary'), '1 organisation matches “county”.')
    await audited('the search result')
    await page.click('text=Example County Council')
    t.match(await page.textContent('#organisation-status'), 'Submitted')
    t.match(await page.textContent('#organisation-reference'), reference)
    await audited('a submitted organisation’s page')
    await page.click('#reopen-response')
    await audited('the confirmation of reopening a response')
    await page.click('#confirm-reopen-response')
    t.match(await page.textContent('#done-notice'), 'Response reopened')
    t.match(await page.textContent('#organisation-status'), 'In progress')
    await audited('the organisation’s page after reopening')

    // Close asks first, and asks what happens to the response now in progress; then reopen.
    await page.goto(`${address}/admin/waves/${waveId}`)
    await page.click('#close')
    t.equal(await waveStatus(), 'open', 'following the close button closes nothing')
    await page.click('#confirm-close')
    t.equal(await page.locator('.govuk-error-summary a[href="#in_progress"]').count(), 1, 'the choice is asked for')
    t.equal(await waveStatus(), 'open')
    await audited('the close confirmation with an error')
    await page.check('#in_progress-2')
    await page.click('#confirm-close')
    t.equal(await waveStatus(), 'closed')
    t.match(await page.textContent('#done-notice'), 'Wave closed')
    await audited('the closed wave')

    const token = (await issueLinkFor(app.db, app.linkTokenKey, waveId, ids.E1))!
    const respondent = await context.newPage()
    t.equal((await respondent.goto(`${address}/r/${token}`))!.status(), 410, 'the link says the survey has closed')

    await page.click('#reopen')
    await page.fill('#deadline__day', '1')
    await page.fill('#deadline__month', '1')
    await page.fill('#deadline__year', '2000')
    await page.click('#confirm-reopen')
    t.match(await page.textContent('.govuk-error-summary'), 'The deadline must be in the future')
    await audited('the reopen page with an error')
    await page.fill('#deadline__day', '30')
    await page.fill('#deadline__month', '4')
    await page.fill('#deadline__year', '2099')
    await page.click('#confirm-reopen')
    t.match(await page.textContent('#done-notice'), 'Wave reopened')
    t.match(await page.textContent('main'), 'Closes at the end of 30 April 2099 (UK time)')
    t.equal(await waveStatus(), 'open')
    t.equal((await respondent.goto(`${address}/r/${token}`))!.status(), 200, 'the link works again')
    await audited('the reopened wave')
  })
}
