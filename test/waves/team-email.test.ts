// Every invitation and reminder tells the organisation how to reach the research team: the
// {team_email} placeholder, in the default texts of both languages and in the team's own texts.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { unknownPlaceholders } from '../../src/waves/messages.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations, launchWave, sendReminders } from '../../src/waves/waves.js'
import { buildTestApp, FIXTURES, form, formSession, signIn } from '../helpers/app.js'
import { startSmtp } from '../helpers/smtp.js'

// An address a team could have: the apostrophe must be escaped in the HTML part, and only there.
const TEAM_EMAIL = "o'neill.study@example.org"

async function bilingualWave(app: FastifyInstance): Promise<string> {
  const ids = [
    await createOrganisation(app.db, { code: 'W1', name: 'HMP Example Cardiff', type: 'prison', language: 'both', contacts: [{ name: 'Rhys Evans', email: 'rhys@cardiff.example' }] }),
    await createOrganisation(app.db, { code: 'E1', name: 'HMP Example Leeds', type: 'prison', language: 'en', contacts: [{ name: 'Sam Patel', email: 'sam@leeds.example' }] }),
  ]
  const waveId = await createWave(app.db, { surveyId: 'welsh-prisons', version: '1', label: '2026', closesAt: '2099-03-31T22:59:00.000Z', teamName: 'Prison Care Study', teamEmail: TEAM_EMAIL, status: 'draft' })
  await inviteOrganisations(app.db, waveId, ids)
  return waveId
}

t.test('the default invitation and reminder say, in Welsh and English, where to write with a question', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, smtpUrl: smtp.url, mailWorker: false })
  const waveId = await bilingualWave(app)
  await launchWave(app.db, waveId, { catalogue: app.catalogue })
  await sendReminders(app.db, waveId, { catalogue: app.catalogue }, 'not_submitted', 'round-1')
  t.same(await app.sendMail(), { sent: 4, failed: 0, retrying: 0 })

  for (const mail of smtp.received) {
    t.match(mail.text, `If you have a question, reply to this e-mail or write to ${TEAM_EMAIL}.`, `${mail.subject}: in English`)
    t.match(mail.html, 'write to o&#39;neill.study@example.org.', `${mail.subject}: escaped in the HTML`)
    t.notMatch(`${mail.text} ${mail.html}`, '{team_email}', 'no placeholder left')
    t.match(mail.replyTo?.text, TEAM_EMAIL, 'and a reply reaches the same address')
  }
  const welsh = smtp.received.filter((m) => m.subject?.startsWith('Ymatebwch') || m.subject?.startsWith('Nodyn atgoffa'))
  t.equal(welsh.length, 2, 'Cardiff’s invitation and reminder are bilingual')
  for (const mail of welsh) t.match(mail.text, `Os oes gennych gwestiwn, atebwch yr e-bost hwn neu ysgrifennwch at ${TEAM_EMAIL}.`)
})

t.test('the team’s own texts may use {team_email}: listed and explained on the page, previewed, sent', async (t) => {
  const smtp = await startSmtp()
  t.teardown(() => smtp.close())
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, smtpUrl: smtp.url, mailWorker: false })
  const cookie = await signIn(app)
  const waveId = await bilingualWave(app)
  const page = await app.inject({ url: `/admin/waves/${waveId}/messages`, headers: { cookie } })
  t.equal(page.statusCode, 200)
  t.match(page.body, /<code>\{team_email\}<\/code><\/dt><dd class="govuk-summary-list__value">the research team’s e-mail address/, 'the placeholder is listed with what it becomes')
  t.match(page.body, 'write to o&#39;neill.study@example.org', 'the preview of the default text shows the address')

  const fields: Record<string, string> = {}
  for (const lang of ['en', 'cy']) for (const kind of ['invitation', 'reminder']) {
    fields[`${lang}_${kind}_subject`] = `${lang} ${kind}`
    fields[`${lang}_${kind}_body`] = `Open {link}. Questions to {team_email}, please.`
  }
  const session = await formSession(app, `/admin/waves/${waveId}/messages`, cookie)
  const post = (extra: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/admin/waves/${waveId}/messages`, headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: session.token, ...fields, ...extra }) })
  const preview = await post({ _action: 'preview' })
  t.equal(preview.statusCode, 200, '{team_email} is a known placeholder')
  t.match(preview.body, 'Questions to o&#39;neill.study@example.org, please.')
  const mark = await post({ en_invitation_body: 'Open {{public_url}}/r/x or {link}' })
  t.equal(mark.statusCode, 400, 'the mark the outbox uses for the server’s address cannot be written into a text')
  t.same(unknownPlaceholders('{{public_url}}'), ['public_url'])
  t.equal((await post({})).statusCode, 303, 'saved')

  await launchWave(app.db, waveId, { catalogue: app.catalogue })
  t.same(await app.sendMail(), { sent: 2, failed: 0, retrying: 0 })
  for (const mail of smtp.received) t.match(mail.text, `Questions to ${TEAM_EMAIL}, please.`)
})
