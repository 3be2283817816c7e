// The research team runs a wave: imports organisations, creates and launches the wave, the
// invitations arrive over SMTP, respondents follow their links and submit, the dashboard counts
// them; reminders, contact changes, reissued links, deadlines and closing.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import type { ParsedMail } from 'mailparser'
import { buildTestApp, FIXTURES, form, formSession, multipart, signIn } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const CSV = `code,name,type,region,language,contact_name,contact_email,contact_role
W1,HMP Example Cardiff,prison,Wales,both,Rhys Evans,rhys@cardiff.example,Governor
W1,HMP Example Cardiff,prison,Wales,both,Ann Jones,ann@cardiff.example,Social care lead
E1,HMP Example Leeds,prison,Yorkshire,en,Sam Patel,sam@leeds.example,Head of residence
E2,HMP Example Norwich,prison,East of England,en,Jo Smith,jo@norwich.example,
L1,Example Borough Council,local authority,London,en,Kim Lee,kim@borough.example,
`

async function adminPost(app: FastifyInstance, cookie: string, url: string, fields: Record<string, string | string[]> = {}) {
  const session = await formSession(app, '/admin/organisations', cookie)
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token, ...fields }) })
}

async function importCsv(app: FastifyInstance, cookie: string, content: string) {
  const session = await formSession(app, '/admin/organisations', cookie)
  const body = multipart({ _csrf: session.token }, { field: 'csv', name: 'organisations.csv', content })
  return app.inject({ method: 'POST', url: '/admin/organisations/import', headers: { 'content-type': body.contentType, cookie: session.cookie }, payload: body.payload })
}

async function createPrisonWave(app: FastifyInstance, cookie: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await adminPost(app, cookie, '/admin/waves', {
    version: 'welsh-prisons/1',
    label: '2026',
    deadline__day: '31',
    deadline__month: '3',
    deadline__year: '2099',
    team_name: 'Prison Care Study',
    team_email: 'study@example.org',
    types: 'prison',
    ...extra,
  })
  t.equal(res.statusCode, 303, 'wave created')
  return new URL(res.headers.location!, 'http://x').pathname.split('/').pop()!
}

/** The CSV imported, a wave of its three prisons launched and the invitations sent over SMTP. */
async function launchedPrisonWave(t: Test) {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, smtpUrl: smtp.url, mailWorker: false })
  const cookie = await signIn(app)
  await importCsv(app, cookie, CSV)
  const waveId = await createPrisonWave(app, cookie)
  await adminPost(app, cookie, `/admin/waves/${waveId}/launch`)
  await app.sendMail()
  return { smtp, app, cookie, waveId }
}

const linkIn = (mail: ParsedMail) => /\/r\/([A-Za-z0-9_-]{43})/.exec(mail.text ?? '')![1]

async function answerAndSubmit(app: FastifyInstance, token: string) {
  const base = `/r/${token}`
  for (const [page, fields] of [
    ['scheme_page', { has_scheme: '2', buddies: '0' }],
    ['views_page', { comments: 'Submitted from the link in the e-mail' }],
  ] as [string, Record<string, string>][]) {
    const s = await formSession(app, `${base}/pages/${page}`)
    await app.inject({ method: 'POST', url: `${base}/pages/${page}`, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token, _page_version: '0', ...fields }) })
  }
  const s = await formSession(app, `${base}/check`)
  const res = await app.inject({ method: 'POST', url: `${base}/submit`, headers: { ...FORM, cookie: s.cookie }, payload: form({ _csrf: s.token }) })
  t.equal(res.statusCode, 303, 'submitted')
}

t.test('a launched wave reaches every contact over SMTP; links lead to responses the dashboard counts', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, smtpUrl: smtp.url, mailWorker: false, publicUrl: 'https://survey.example.org' })
  const cookie = await signIn(app)
  t.equal((await importCsv(app, cookie, CSV)).statusCode, 303, 'organisations imported')
  const waveId = await createPrisonWave(app, cookie)

  const draft = await app.inject({ url: `/admin/waves/${waveId}`, headers: { cookie } })
  t.match(draft.body, 'Launch: send the invitation to 3 organisations', 'only prisons were chosen')
  t.equal((await adminPost(app, cookie, `/admin/waves/${waveId}/launch`)).statusCode, 303)
  t.equal((await adminPost(app, cookie, `/admin/waves/${waveId}/launch`)).statusCode, 409, 'launching twice is refused')
  t.same(await app.sendMail(), { sent: 3, failed: 0, retrying: 0 })

  t.equal(smtp.received.length, 3)
  const cardiff = smtp.received.find((m) => m.subject?.includes('Ymatebwch'))!
  t.equal(cardiff.subject, 'Ymatebwch os gwelwch yn dda: Gofal cymdeithasol yn y carchar (2026) / Please respond: Social care in prison (2026)', 'Welsh first for an organisation that asked for both; the survey and the wave named')
  t.same(!Array.isArray(cardiff.to) ? cardiff.to?.value.map((a) => a.address) : [], ['rhys@cardiff.example', 'ann@cardiff.example'])
  t.match(cardiff.text, 'Annwyl Rhys Evans, Ann Jones')
  t.match(cardiff.text, 'Ymatebwch erbyn 31 Mawrth 2099')
  t.match(cardiff.text, 'Please respond by 31 March 2099')
  t.match(cardiff.html, /<a href="https:\/\/survey\.example\.org\/r\/[A-Za-z0-9_-]{43}">/)
  t.match(cardiff.replyTo?.text, 'study@example.org')
  const leeds = smtp.received.find((m) => m.text?.includes('HMP Example Leeds'))!
  t.equal(leeds.subject, 'Please respond: Social care in prison (2026)')

  // Two organisations follow the link in their e-mail and submit.
  for (const mail of [cardiff, leeds]) {
    const token = linkIn(mail)
    t.equal((await app.inject(`/r/${token}`)).statusCode, 200, 'the link opens the response')
    await answerAndSubmit(app, token)
  }
  const dashboard = await app.inject({ url: `/admin/waves/${waveId}`, headers: { cookie } })
  t.match(dashboard.body, '2 of 3 responded (67%)')
  t.match(dashboard.body, /id="count-invited">3</)
  t.match(dashboard.body, /id="count-opened">2</)
  t.match(dashboard.body, /id="count-submitted">2</)
  t.match(dashboard.body, 'Not yet submitted (1)')
  t.match(dashboard.body, 'HMP Example Norwich')
  t.match(dashboard.body, /Wales<\/th><td class="govuk-table__cell govuk-table__cell--numeric">1<\/td><td class="govuk-table__cell govuk-table__cell--numeric">1<\/td><td class="govuk-table__cell govuk-table__cell--numeric">100%/, 'rate by region')
  t.match(dashboard.body, '<svg class="app-chart" role="img"', 'a chart with a text equivalent')

  const csv = await app.inject({ url: `/admin/waves/${waveId}/tracking.csv`, headers: { cookie } })
  t.equal(csv.statusCode, 200)
  t.ok(csv.body.startsWith('\uFEFFcode,name,type,region,contacts,status'), 'UTF-8 with BOM')
  t.match(csv.body, /W1,HMP Example Cardiff,prison,Wales,.*,submitted,/)
  t.match(csv.body, /E2,HMP Example Norwich,prison,East of England,Jo Smith <jo@norwich.example>,not_started,/)

  // Reminders go only to those who have not submitted, once per click.
  t.same(await app.sendMail(), { sent: 2, failed: 0, retrying: 0 }, 'first, the two confirmation e-mails')
  const round = /name="round" value="([^"]+)"/.exec(dashboard.body)![1]
  const reminded = await adminPost(app, cookie, `/admin/waves/${waveId}/remind`, { target: 'not_submitted', round })
  t.equal(reminded.headers.location, `/admin/waves/${waveId}?done=reminders_queued&n=1`)
  const after = await app.inject({ url: reminded.headers.location as string, headers: { cookie } })
  t.match(after.body, /id="done-notice"[\s\S]*Reminders queued for 1 organisation</, 'the page says what was done, in the singular')
  const crafted = await app.inject({ url: `/admin/waves/${waveId}?done=title&n=2`, headers: { cookie } })
  t.notMatch(crafted.body, 'id="done-notice"', 'only sentences made for actions are shown')
  await adminPost(app, cookie, `/admin/waves/${waveId}/remind`, { target: 'not_submitted', round })
  t.same(await app.sendMail(), { sent: 1, failed: 0, retrying: 0 }, 'a double click sends one reminder')
  const reminder = smtp.received[5]
  t.equal(reminder.subject, 'Reminder: Social care in prison (2026)')
  t.match(reminder.text, 'HMP Example Norwich')

  const auditLog = await app.db.selectFrom('audit_log').select('action').execute()
  for (const action of ['organisations_imported', 'wave_created', 'wave_launched', 'export_tracking_csv', 'reminders_sent']) {
    t.ok(auditLog.some((e) => e.action === action), `the audit log records ${action}`)
  }
})

t.test('a failing mail server: retries, then a failure shown on the dashboard, nothing lost', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  smtp.failing = true
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, smtpUrl: smtp.url, mailWorker: false })
  const cookie = await signIn(app)
  await importCsv(app, cookie, CSV)
  const waveId = await createPrisonWave(app, cookie)
  await adminPost(app, cookie, `/admin/waves/${waveId}/launch`)
  t.same(await app.sendMail(), { sent: 0, failed: 0, retrying: 3 })
  let dashboard = await app.inject({ url: `/admin/waves/${waveId}`, headers: { cookie } })
  t.match(dashboard.body, /retrying: .*450/i, 'the retrying error is visible per organisation')
  for (let i = 0; i < 6; i++) {
    await app.db.updateTable('outbox').set({ next_attempt_at: '2000-01-01T00:00:00.000Z' }).where('status', '=', 'queued').execute()
    await app.sendMail()
  }
  dashboard = await app.inject({ url: `/admin/waves/${waveId}`, headers: { cookie } })
  t.match(dashboard.body, /id="count-failed">3</)
  t.match(dashboard.body, /failed: .*temporarily unavailable/i)
  const outbox = await app.inject({ url: '/admin/outbox?status=failed', headers: { cookie } })
  t.equal((outbox.body.match(/govuk-tag--red">Failed</g) ?? []).length, 3, 'the outbox page lists every failed message')
})

t.test('changing a contact, reissuing a link, moving the deadline and closing', async (t) => {
  const { smtp, app, cookie, waveId } = await launchedPrisonWave(t)
  const leeds = await app.db.selectFrom('organisations').select('id').where('code', '=', 'E1').executeTakeFirstOrThrow()
  const oldToken = linkIn(smtp.received.find((m) => m.text?.includes('HMP Example Leeds'))!)

  const replaced = await adminPost(app, cookie, `/admin/waves/${waveId}/organisations/${leeds.id}/contacts`, { contact_name: 'New Person', contact_email: 'new.person@leeds.example' })
  t.equal(replaced.statusCode, 303)
  await app.sendMail()
  const resent = smtp.received[smtp.received.length - 1]
  t.same(!Array.isArray(resent.to) ? resent.to?.value.map((a) => a.address) : [], ['new.person@leeds.example'])
  // Links are kept only as hashes, so each e-mail carries a link of its own, to the same response.
  const contactsToken = linkIn(resent)
  t.not(contactsToken, oldToken, 'the new contact gets a link of their own')
  const opened = await app.inject(`/r/${contactsToken}`)
  t.equal(opened.statusCode, 200)
  t.match(opened.body, 'HMP Example Leeds', 'to the same organisation’s response')
  t.equal((await app.inject(`/r/${oldToken}`)).statusCode, 200, 'and the first link still works')

  const bad = await adminPost(app, cookie, `/admin/waves/${waveId}/organisations/${leeds.id}/contacts`, { contact_name: '', contact_email: 'not an address' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, 'Enter the contact’s name')

  await adminPost(app, cookie, `/admin/waves/${waveId}/organisations/${leeds.id}/reissue`)
  await app.sendMail()
  const newToken = linkIn(smtp.received[smtp.received.length - 1])
  t.not(newToken, oldToken)
  t.equal((await app.inject(`/r/${oldToken}`)).statusCode, 410, 'the old link says it was replaced')
  t.equal((await app.inject(`/r/${contactsToken}`)).statusCode, 410, 'so does every other link sent before')
  t.equal((await app.inject(`/r/${newToken}`)).statusCode, 200)

  t.equal((await adminPost(app, cookie, `/admin/waves/${waveId}/deadline`, { deadline__day: '31', deadline__month: '2', deadline__year: '2099' })).statusCode, 400, 'not a real date')
  t.equal((await adminPost(app, cookie, `/admin/waves/${waveId}/deadline`, { deadline__day: '30', deadline__month: '4', deadline__year: '2099' })).statusCode, 303)
  const wave = await app.db.selectFrom('waves').selectAll().where('id', '=', waveId).executeTakeFirstOrThrow()
  t.equal(wave.closes_at!.slice(0, 10), '2099-04-30')

  await adminPost(app, cookie, `/admin/waves/${waveId}/close`)
  const closed = await app.inject(`/r/${newToken}`)
  t.equal(closed.statusCode, 410)
  t.match(closed.body, 'This survey has closed')
})

t.test('the e-mail texts can be edited and previewed; an unknown placeholder is caught', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const cookie = await signIn(app)
  await importCsv(app, cookie, CSV)
  const waveId = await createPrisonWave(app, cookie)
  const page = await app.inject({ url: `/admin/waves/${waveId}/messages`, headers: { cookie } })
  t.match(page.body, 'name="cy_invitation_body"')
  const fields: Record<string, string> = {}
  for (const lang of ['en', 'cy']) for (const kind of ['invitation', 'reminder']) {
    fields[`${lang}_${kind}_subject`] = `${lang} ${kind} for {organisation}`
    fields[`${lang}_${kind}_body`] = `Hello {contact}, open {link} before {deadline}.`
  }
  const typo = await adminPost(app, cookie, `/admin/waves/${waveId}/messages`, { ...fields, en_invitation_body: 'Hello {contcat}, {link}' })
  t.equal(typo.statusCode, 400)
  t.match(typo.body, 'Unknown placeholder {contcat}')
  const preview = await adminPost(app, cookie, `/admin/waves/${waveId}/messages`, { ...fields, _action: 'preview' })
  t.match(preview.body, 'cy invitation for HMP Example Cardiff – Gofal cymdeithasol yn y carchar (2026) / en invitation for HMP Example Cardiff – Social care in prison (2026)', 'a subject without the survey and the wave gets them added')
  t.equal((await adminPost(app, cookie, `/admin/waves/${waveId}/messages`, fields)).statusCode, 303)
  const stored = JSON.parse((await app.db.selectFrom('waves').select('messages_json').where('id', '=', waveId).executeTakeFirstOrThrow()).messages_json)
  t.equal(stored.cy.reminder.subject, 'cy reminder for {organisation}')
})

t.test('organisations added by code to a running wave are invited at once; a wrong code adds nothing and keeps the list', async (t) => {
  const { smtp, app, cookie, waveId } = await launchedPrisonWave(t)
  const invitedBefore = smtp.received.length
  const invitations = async () => (await app.db.selectFrom('invitations').select('organisation_id').where('wave_id', '=', waveId).execute()).length
  t.equal(await invitations(), 3, 'the three prisons')

  const wrong = await adminPost(app, cookie, `/admin/waves/${waveId}/organisations`, { codes: 'L1\nX9, <b>Y8</b>' })
  t.equal(wrong.statusCode, 400)
  t.match(wrong.body, 'No organisation has these codes: X9, &lt;b&gt;Y8&lt;/b&gt;', 'every unknown code named, escaped')
  t.match(wrong.body, /<textarea[^>]*id="codes"[^>]*>L1\nX9, &lt;b&gt;Y8&lt;\/b&gt;<\/textarea>/, 'the list typed is kept for correcting')
  t.match(wrong.body, 'href="#codes"', 'the error summary points at the box')
  t.equal(await invitations(), 3, 'nothing added while a code is wrong')

  t.equal((await adminPost(app, cookie, `/admin/waves/${waveId}/organisations`, {})).statusCode, 400, 'neither a type nor a code')

  const added = await adminPost(app, cookie, `/admin/waves/${waveId}/organisations`, { codes: 'L1, E1\n' })
  t.equal(added.statusCode, 303)
  t.equal(await invitations(), 4, 'the council is added; the prison already in the wave is left as it is')
  await app.sendMail()
  const sent = smtp.received.slice(invitedBefore)
  t.equal(sent.length, 1, 'one invitation, to the organisation added')
  t.same(!Array.isArray(sent[0].to) ? sent[0].to?.value.map((a) => a.address) : [], ['kim@borough.example'])
  const audit = await app.db.selectFrom('audit_log').select('details_json').where('action', '=', 'wave_organisations_added').execute()
  t.match(audit.at(-1)?.details_json, /"added":1/, 'the addition is audited')
})

t.test('a wave whose questionnaire has no Welsh says, before launch, how many organisations that want Welsh will get English', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false })
  const cookie = await signIn(app)
  await importCsv(
    app,
    cookie,
    `code,name,type,region,language,contact_name,contact_email
W1,HMP Example Cardiff,prison,Wales,both,Rhys Evans,rhys@cardiff.example
W2,HMP Example Swansea,prison,Wales,cy,Elin Hughes,elin@swansea.example
E1,HMP Example Leeds,prison,Yorkshire,en,Sam Patel,sam@leeds.example
L1,Example Borough Council,local authority,London,en,Kim Lee,kim@borough.example
`,
  )
  const englishOnly = await createPrisonWave(app, cookie, { version: 'la-release-social-care/2020' })
  const draft = await app.inject({ url: `/admin/waves/${englishOnly}`, headers: { cookie } })
  const warning = '2 organisations in this wave want Welsh, but this version of the questionnaire has no Welsh: they will get their e-mails and the questionnaire in English.'
  t.match(draft.body, warning, 'Cardiff (both) and Swansea (Welsh); not Leeds')
  t.ok(draft.body.indexOf(warning) < draft.body.indexOf('Launch: send the invitation to 3 organisations'), 'shown before the launch button')
  t.match(draft.body, /class="govuk-warning-text" id="welsh-missing"/)

  const bilingual = await createPrisonWave(app, cookie, { version: 'prison-peer-social-care/2024' })
  t.notMatch((await app.inject({ url: `/admin/waves/${bilingual}`, headers: { cookie } })).body, 'want Welsh', 'a version with Welsh gives them Welsh: nothing to warn about')

  const councils = await createPrisonWave(app, cookie, { version: 'la-release-social-care/2020', types: 'local authority' })
  t.notMatch((await app.inject({ url: `/admin/waves/${councils}`, headers: { cookie } })).body, 'want Welsh', 'nobody in this wave wants Welsh')
  t.equal((await adminPost(app, cookie, `/admin/waves/${councils}/organisations`, { codes: 'W2' })).statusCode, 303)
  t.match(
    (await app.inject({ url: `/admin/waves/${councils}`, headers: { cookie } })).body,
    '1 organisation in this wave wants Welsh, but this version of the questionnaire has no Welsh: it will get its e-mails and the questionnaire in English.',
    'an organisation added by code counts too, in the singular',
  )

  await adminPost(app, cookie, `/admin/waves/${englishOnly}/launch`)
  t.match((await app.inject({ url: `/admin/waves/${englishOnly}`, headers: { cookie } })).body, warning, 'still shown while the wave is open')
  await adminPost(app, cookie, `/admin/waves/${englishOnly}/close`)
  t.notMatch((await app.inject({ url: `/admin/waves/${englishOnly}`, headers: { cookie } })).body, 'want Welsh', 'not once it is closed')
})
