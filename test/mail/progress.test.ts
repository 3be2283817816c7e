// "Sent 1,200 of 3,000 invitations, about 15 minutes left at 120 a minute": the figures in the
// sentence checked against numbers worked out by hand, on SQLite and PostgreSQL.
import t from 'tap'
import { translator } from '../../src/i18n/catalogue.js'
import { mailCounts, sendingRate } from '../../src/mail/status.js'
import { mailStatusView, progressSentence } from '../../src/mail/status-view.js'
import { buildTestApp, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { insertOutboxRows, plusMs, type RowSpec } from '../helpers/outbox.js'
import { openTestWave } from '../helpers/waves.js'

const en = translator('en')
const NOW = new Date('2027-03-01T12:00:00.000Z')
const LAUNCHED = '2027-03-01T11:40:00.000Z'

/**
 * A launch of 3,000 invitations queued at 11:40, one a millisecond; the first 1,200 sent, the
 * i-th at 12:00 − (1,200 − i) × 0.5 s, so the last one at 11:59:59.5.
 */
function halfSentLaunch(waveId: string): RowSpec[] {
  return Array.from({ length: 3000 }, (_, i) => ({
    waveId,
    createdAt: plusMs(LAUNCHED, i),
    ...(i < 1200 ? { status: 'sent' as const, sentAt: plusMs(NOW.toISOString(), -(1200 - i) * 500) } : {}),
  }))
}

t.test('the sentence, from the figures alone', async (t) => {
  const launch = { kind: 'invitation', total: 3000, sent: 1200, remaining: 1800 }
  t.equal(progressSentence(launch, 120, en), 'Sent 1,200 of 3,000 invitations, about 15 minutes left at 120 a minute.', '1,800 ÷ 120 = 15')
  // 1,801 ÷ 120 = 15.008…: a part of a minute is a minute more.
  t.equal(progressSentence({ ...launch, remaining: 1801, sent: 1199 }, 120, en), 'Sent 1,199 of 3,000 invitations, about 16 minutes left at 120 a minute.')
  t.equal(progressSentence({ kind: 'invitation', total: 1, sent: 0, remaining: 1 }, 120, en), 'Sent 0 of 1 invitation, about 1 minute left at 120 a minute.', 'singular forms')
  // 30,000 ÷ 120 = 250 minutes = 4 h 10 min: given as about 4 hours.
  t.equal(progressSentence({ kind: 'reminder', total: 30000, sent: 0, remaining: 30000 }, 120, en), 'Sent 0 of 30,000 reminders, about 4 hours left at 120 a minute.')
  // 100 at 80.4 a minute: 1.24… minutes, so 2; the rate shown rounded.
  t.equal(progressSentence({ kind: 'invitation', total: 100, sent: 0, remaining: 100 }, 80.4, en), 'Sent 0 of 100 invitations, about 2 minutes left at 80 a minute.')
  t.equal(progressSentence(launch, null, en), 'Sent 1,200 of 3,000 invitations. No estimate of the time left yet: nothing has been sent in the last 5 minutes.', 'no rate, no estimate')
  t.equal(progressSentence({ kind: 'weekly_digest', total: 2, sent: 1, remaining: 1 }, null, en), 'Sent 1 of 2 e-mails. No estimate of the time left yet: nothing has been sent in the last 5 minutes.', 'a kind without a name of its own')
})

const { databases, skipped } = testDatabases()
if (skipped) t.test('launch progress on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`launch progress measured from the outbox (${database.kind})`, async (t) => {
    const app = await buildTestApp(t, { mailWorker: false }, database)
    const wave = await openTestWave(app)
    await insertOutboxRows(app, halfSentLaunch(wave.waveId))

    // In the five minutes before 12:00 (after 11:55:00): i from 601 to 1,199, so 599 messages, the
    // first at 11:55:00.5, 299.5 s before now: 599 ÷ (299.5 ÷ 60) = 120 a minute.
    const rate = await sendingRate(app.db, NOW)
    t.ok(rate !== null && Math.abs(rate - 120) < 1e-9, `120 a minute (measured ${rate})`)
    t.same(await mailCounts(app.db, { waveId: wave.waveId }), { queued: 1800, retrying: 0, sent: 1200, failed: 0 })

    const view = await mailStatusView(app.db, en, { waveId: wave.waveId, now: NOW })
    t.same(view.progress, ['Sent 1,200 of 3,000 invitations, about 15 minutes left at 120 a minute.'])
    t.same(
      view.counts.map((c) => [c.label, c.n]),
      [
        ['Queued', '1,800'],
        ['Retrying', '0'],
        ['Sent', '1,200'],
        ['Failed', '0'],
      ],
    )
    t.same(view.problems, [], 'nothing has failed')

    const outbox = await mailStatusView(app.db, en, { now: NOW })
    t.same(outbox.progress, ['2020: Sent 1,200 of 3,000 invitations, about 15 minutes left at 120 a minute.'], 'the outbox page says which wave')

    // An hour later with nothing sent since, there is no rate to go by.
    const stalled = await mailStatusView(app.db, en, { waveId: wave.waveId, now: new Date(NOW.getTime() + 3_600_000) })
    t.same(stalled.progress, ['Sent 1,200 of 3,000 invitations. No estimate of the time left yet: nothing has been sent in the last 5 minutes.'])

    // Just launched, with a minute's worth of sending: 10 sent in the last 20 seconds count as a
    // minute (never 30 a minute from a few seconds), so 1,790 left at 10 a minute is 179 minutes,
    // given as about 3 hours.
    const other = await openTestWave(app, { organisations: ['W06000015'] })
    await insertOutboxRows(app, Array.from({ length: 1800 }, (_, i) => ({ waveId: other.waveId, createdAt: plusMs('2027-03-01T13:00:00.000Z', i), ...(i < 10 ? { status: 'sent' as const, sentAt: plusMs('2027-03-01T13:00:00.000Z', 40_000 + i * 2000) } : {}) })))
    const early = await mailStatusView(app.db, en, { waveId: other.waveId, now: new Date('2027-03-01T13:01:00.000Z') })
    t.same(early.progress, ['Sent 10 of 1,800 invitations, about 3 hours left at 10 a minute.'])

    // On the dashboard, from a real request (the clock is the real one: counts only).
    const cookie = await signIn(app)
    const dashboard = await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie } })
    t.match(dashboard.body, 'id="mail-count-queued">1,800<')
    t.match(dashboard.body, 'id="mail-count-sent">1,200<')
    t.match(dashboard.body, 'Sent 1,200 of 3,000 invitations. No estimate of the time left yet')
  })

  t.test(`a round of reminders is counted apart from the rounds before it (${database.kind})`, async (t) => {
    const app = await buildTestApp(t, { mailWorker: false }, database)
    const wave = await openTestWave(app)
    const rows: RowSpec[] = [
      // The launch, all sent; the first round of reminders at 09:00, all sent.
      ...Array.from({ length: 20 }, (_, i) => ({ waveId: wave.waveId, createdAt: plusMs('2027-03-01T08:00:00.000Z', i), status: 'sent' as const, sentAt: '2027-03-01T08:05:00.000Z' })),
      ...Array.from({ length: 10 }, (_, i) => ({ waveId: wave.waveId, kind: 'reminder', createdAt: plusMs('2027-03-01T09:00:00.000Z', i * 10), status: 'sent' as const, sentAt: '2027-03-01T09:01:00.000Z' })),
      // The second round at 11:00, five reminders 30 s apart: two sent, one retrying, two queued.
      ...Array.from({ length: 5 }, (_, i) => ({
        waveId: wave.waveId,
        kind: 'reminder',
        createdAt: plusMs('2027-03-01T11:00:00.000Z', i * 30_000),
        ...(i < 2 ? { status: 'sent' as const, sentAt: plusMs('2027-03-01T11:58:00.000Z', i * 60_000) } : i === 2 ? { attempts: 1, lastError: '450 Mailbox temporarily unavailable', nextAttemptAt: '2027-03-01T12:03:00.000Z' } : {}),
      })),
      // A confirmation someone is waiting for is never "a launch".
      { waveId: wave.waveId, kind: 'confirmation', createdAt: '2027-03-01T11:59:00.000Z' },
    ]
    await insertOutboxRows(app, rows)
    // Sent in the last five minutes: the two reminders, at 11:58 and 11:59; 2 ÷ 2 minutes = 1 a minute.
    // Three reminders left at 1 a minute: 3 minutes.
    const view = await mailStatusView(app.db, en, { waveId: wave.waveId, now: NOW })
    t.same(view.progress, ['Sent 2 of 5 reminders, about 3 minutes left at 1 a minute.'])
    t.same(await mailCounts(app.db, { waveId: wave.waveId }), { queued: 3, retrying: 1, sent: 32, failed: 0 }, 'two reminders and the confirmation queued, one reminder retrying')
    t.same(view.problems.map((p) => [p.text, p.href]), [['1 e-mail could not be delivered yet and will be tried again.', `/admin/outbox?status=retrying&wave=${wave.waveId}`]])
  })
}
