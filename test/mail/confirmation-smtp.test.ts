// The confirmation e-mail over a real SMTP conversation: what the respondent receives, and what
// happens when the mail server refuses it for a while.
import t from 'tap'
import { buildTestApp, FIXTURES, form, formSession } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'
import { openTestWave } from '../helpers/waves.js'
import { MAX_ATTEMPTS } from '../../src/mail/worker.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function submitFixtureResponse(t: Parameters<typeof buildTestApp>[0] & { equal: (a: unknown, b: unknown) => void }, smtpUrl: string) {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false, smtpUrl })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const base = `/r/${wave.tokens.E06000001}`
  const pages: [string, Record<string, string | string[]>][] = [
    ['scheme_page', { has_scheme: '1', buddies: '7' }],
    ['scheme_details', { tasks: ['1', '3'], tasks__other: 'Reading <letters> & forms' }],
    ['views_page', { comments: '=HYPERLINK("http://example.com")' }],
  ]
  for (const [page, fields] of pages) {
    const s = await formSession(app, `${base}/pages/${page}`, 'lang=cy')
    await app.inject({ method: 'POST', url: `${base}/pages/${page}`, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, _page_version: '0', ...fields }) })
  }
  const s = await formSession(app, `${base}/check`, 'lang=cy')
  const res = await app.inject({ method: 'POST', url: `${base}/submit`, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, copy_to: 'dirprwy@example.org' }) })
  t.equal(res.statusCode, 303)
  return app
}

t.test('the respondent receives a copy of the answers, in the language used, over SMTP', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const app = await submitFixtureResponse(t, smtp.url)
  t.same(await app.sendMail(), { sent: 1, failed: 0, retrying: 0 })
  t.equal(smtp.received.length, 1)
  const mail = smtp.received[0]
  const reference = (await app.db.selectFrom('responses').select('reference').where('status', '=', 'submitted').executeTakeFirstOrThrow()).reference
  t.equal(mail.subject, `Eich ymateb i Gofal cymdeithasol yn y carchar (2020), cyfeirnod ${reference}`, "names the survey and the wave")
  t.same(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : [], ['contact-e06000001@example.org', 'dirprwy@example.org'])
  t.match(mail.replyTo?.text, 'study@example.org')
  t.match(mail.text, 'Glanhau celloedd')
  t.match(mail.text, 'Rhywbeth arall: Reading <letters> & forms')
  t.match(mail.html, 'Reading &lt;letters&gt; &amp; forms')
  t.notMatch(mail.html, '<letters>')
  const row = await app.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow()
  t.equal(row.status, 'sent')
  t.same(await app.sendMail(), { sent: 0, failed: 0, retrying: 0 }, 'a sent message is never sent again')
  t.equal(smtp.received.length, 1)
})

t.test('a refusing mail server leads to retries with a visible error, then a marked failure, never a lost message', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  smtp.failing = true
  const app = await submitFixtureResponse(t, smtp.url)
  t.same(await app.sendMail(), { sent: 0, failed: 0, retrying: 1 })
  let row = await app.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow()
  t.equal(row.status, 'queued')
  t.equal(row.attempts, 1)
  t.match(row.last_error, /450|temporarily unavailable/i)
  t.ok(row.next_attempt_at > new Date().toISOString(), 'the next try waits')
  t.same(await app.sendMail(), { sent: 0, failed: 0, retrying: 0 }, 'not retried before its time')

  // Let every retry fall due at once; the last one marks the message failed.
  for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
    await app.db.updateTable('outbox').set({ next_attempt_at: '2000-01-01T00:00:00.000Z' }).execute()
    await app.sendMail()
  }
  row = await app.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow()
  t.equal(row.status, 'failed')
  t.equal(row.attempts, MAX_ATTEMPTS)
  t.equal(smtp.received.length, 0)
})
