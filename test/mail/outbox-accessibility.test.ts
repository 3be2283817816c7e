// The team's mail pages in a real browser with JavaScript off, audited by axe-core: the outbox
// with a message in every state and more than one page, filtered to nothing, a message's page in
// each state, and a wave's dashboard while a launch is going out with failures to show.
import t from 'tap'
import { axeViolationsWithoutJavaScript, browserAvailable, teamMemberWithoutJavaScript } from '../helpers/browser.js'
import { buildTestApp } from '../helpers/app.js'
import { insertOutboxRows, plusMs, type RowSpec } from '../helpers/outbox.js'
import { openTestWave } from '../helpers/waves.js'

const { available, reason } = browserAvailable()
if (!available) {
  t.test('mail pages accessibility', { skip: reason }, async () => {})
} else {
  t.test('the outbox and a message’s page pass axe-core with JavaScript off, in every state', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false })
    const wave = await openTestWave(app)
    const now = new Date().toISOString()
    const inState: RowSpec[] = [
      { waveId: wave.waveId, createdAt: now },
      { waveId: wave.waveId, createdAt: now, status: 'sending', attempts: 1, claimedAt: now },
      { waveId: wave.waveId, createdAt: now, attempts: 2, lastError: '450 Mailbox temporarily unavailable', nextAttemptAt: plusMs(now, 240_000) },
      { waveId: wave.waveId, createdAt: now, status: 'sent', sentAt: now, sentVia: 'smtp' },
      { waveId: wave.waveId, createdAt: now, status: 'sent', sentAt: now, sentVia: 'file' },
      { waveId: wave.waveId, createdAt: now, status: 'failed', attempts: 6, lastError: '550 5.1.1 No such user', claimedAt: now },
      { waveId: wave.waveId, kind: 'confirmation', createdAt: now, subject: 'Your response to Social care in prison (2020), reference ABCD-1234' },
    ]
    // Enough sent before them for a second page, and a launch still going out.
    const earlier: RowSpec[] = Array.from({ length: 60 }, (_, i) => ({ waveId: wave.waveId, createdAt: plusMs(now, -30_000 + i), status: 'sent', sentAt: plusMs(now, -120_000 + i * 1000) }))
    const ids = await insertOutboxRows(app, [...earlier, ...inState])
    const [, , retrying, , written, failed] = ids.slice(60)

    const { address, browser, page } = await teamMemberWithoutJavaScript(t, app)

    // Each audit takes seconds: the pages differ in what they show, not only in their data.
    const paths = [
      '/admin/outbox',
      '/admin/outbox?status=failed&wave=' + (await openTestWave(app, { organisations: ['W06000015'] })).waveId,
      ...[retrying, written, failed].map((id) => `/admin/outbox/${id}`),
      `/admin/waves/${wave.waveId}`,
    ]
    for (const path of paths) {
      const response = await page.goto(address + path)
      t.equal(response?.status(), 200, path)
      t.equal(await page.locator('script').count(), 0, `${path} needs no JavaScript`)
      t.same(await axeViolationsWithoutJavaScript(browser, page), [], `${path} has no accessibility violations`)
    }

    // What those pages showed, so the audit is known to have seen every state.
    await page.goto(`${address}/admin/outbox`)
    for (const label of ['Queued', 'Sending now', 'Retrying', 'Sent', 'Written to the mail folder', 'Failed']) t.equal(await page.locator('.govuk-table .govuk-tag', { hasText: new RegExp(`^${label}$`) }).count() > 0, true, `a message tagged ${label}`)
    t.equal(await page.locator('.govuk-warning-text').count(), 2, 'retrying and failed both warned of')
    t.match(await page.locator('.app-mail-progress').innerText(), /^2020: Sent 62 of 66 invitations, about \d+ minutes? left at \d+ a minute\.$/)
    await page.selectOption('#status', 'failed')
    await page.click('button:has-text("Show e-mails")')
    t.equal(new URL(page.url()).search, '?status=failed&wave=', 'the filter works without JavaScript, any wave sent as empty')
    t.equal(await page.locator('.govuk-table tbody tr').count(), 1)
    await page.goto(`${address}/admin/outbox`)
    await page.click('a[rel=next]')
    t.match(await page.locator('#outbox-shown').innerText(), 'Showing 51 to 67 of 67 e-mails')
    t.same(await axeViolationsWithoutJavaScript(browser, page), [], 'the second page has no accessibility violations')
  })
}
