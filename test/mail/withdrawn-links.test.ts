// A link withdrawn between queuing and sending is never sent. Each e-mail's link is made by the
// worker at the moment it sends; when the organisation no longer has a link in the wave (its
// contacts were erased while the message was already in a worker's hands), the message fails with
// a reason the team can read, and nothing reaches the mail server. And the team's "make a link"
// for such an organisation says in words that no link was made.
import t from 'tap'
import { eraseOrganisationContacts } from '../../src/waves/erasure.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations, launchWave } from '../../src/waves/waves.js'
import { buildTestApp, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { startSmtp } from '../helpers/smtp.js'

const { databases, skipped } = testDatabases()
if (skipped) t.test('withdrawn links on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`a link withdrawn before its e-mail leaves is not sent, and not made by the team (${database.kind})`, async (t) => {
    const smtp = await startSmtp()
    t.teardown(() => smtp.close())
    const app = await buildTestApp(t, { smtpUrl: smtp.url, mailWorker: false, mailRatePerMinute: 0 }, database)
    const organisation = (code: string, email: string) =>
      createOrganisation(app.db, { code, name: `Authority ${code}`, type: 'local authority', attributes: {}, contacts: [{ name: `Contact ${code}`, email }] })
    const withdrawn = await organisation('E06000001', 'left@one.example')
    const kept = await organisation('E06000002', 'stays@two.example')
    const waveId = await createWave(app.db, { surveyId: 'la-release-social-care', version: '2020', label: '2020', teamName: 'Prison Social Care Study', teamEmail: 'study@example.org', status: 'draft' })
    await inviteOrganisations(app.db, waveId, [withdrawn, kept])
    t.equal((await launchWave(app.db, waveId, { catalogue: app.catalogue })).queued, 2)

    // The state a worker meets when an erasure commits while it holds the message: the
    // invitation revoked, its links gone, the message still in its hands.
    await app.db.deleteFrom('link_tokens').where('invitation_id', 'in', app.db.selectFrom('invitations').select('id').where('organisation_id', '=', withdrawn)).execute()
    await app.db.updateTable('invitations').set({ status: 'revoked', revoked_at: new Date().toISOString() }).where('organisation_id', '=', withdrawn).execute()

    const result = await app.sendMail()
    t.equal(result.sent, 1, 'the other organisation’s invitation is sent')
    t.same(
      smtp.received.map((m) => m.to && !Array.isArray(m.to) && m.to.value[0].address),
      ['stays@two.example'],
      'the mail server received nothing for the withdrawn link',
    )
    const link = /\/r\/([A-Za-z0-9_-]{43})/.exec(smtp.received[0].text ?? '')?.[1]
    t.equal((await app.inject({ url: `/r/${link}` })).statusCode, 200, 'the link sent opens the response')
    const failed = await app.db.selectFrom('outbox').select(['status', 'last_error', 'to_address']).where('organisation_id', '=', withdrawn).execute()
    t.same(failed, [{ status: 'failed', last_error: 'not sent: the organisation no longer has a link in this wave', to_address: 'left@one.example' }])
    t.equal(await app.db.selectFrom('link_tokens').select('token_hash').where('invitation_id', 'in', app.db.selectFrom('invitations').select('id').where('organisation_id', '=', withdrawn)).execute().then((rows) => rows.length), 0, 'no link was made for it')

    // The team asks for a link to read out, after the contacts were erased for good.
    await eraseOrganisationContacts(app.db, withdrawn, null)
    const cookie = await signIn(app)
    const page = `/admin/waves/${waveId}/organisations/${withdrawn}`
    const s = await formSession(app, page, cookie)
    const asked = await app.inject({ method: 'POST', url: `${page}/link`, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: s.token }) })
    t.equal(asked.statusCode, 303)
    t.equal(asked.headers.location, `${page}?done=no_link`)
    const shown = await app.inject({ url: asked.headers.location as string, headers: { cookie } })
    t.match(shown.body, 'No link was made: this organisation has no link in this wave (its links were withdrawn)')
    t.notMatch(shown.body, /\/r\/[A-Za-z0-9_-]{43}/, 'no link on the page')
  })
}
