// Two app processes on one PostgreSQL database, serving the same wave under concurrent load:
// no lost answers, no duplicate submissions, no e-mail sent twice, sessions valid on both.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { startSession } from '../../src/accounts/sessions.js'
import { createUser } from '../../src/accounts/users.js'
import { configFromEnv } from '../../src/config.js'
import { FIXTURES } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { FormClient, formToken, startServer } from '../helpers/server-process.js'
import { startSmtp } from '../helpers/smtp.js'
import { openTestWave } from '../helpers/waves.js'

const postgres = testDatabases().databases.find((d) => d.kind === 'postgres')

if (!postgres) {
  t.test('two app processes on one PostgreSQL database', { skip: 'no PostgreSQL: set TEST_POSTGRES_URL (bash .ci/run starts one)' }, async () => {})
} else {
  t.test('two app processes on one PostgreSQL database under concurrent load', async (t) => {
    const { url, cleanup } = await postgres.create()
    t.teardown(cleanup)
    const smtp = await startSmtp()
    t.teardown(() => smtp.close())
    const env = { DATABASE_URL: url, SURVEYS_DIR: `${FIXTURES}/surveys-bilingual`, SMTP_URL: smtp.url, MAIL_WORKER: 'true', MAIL_POLL_MS: '50', MAIL_RATE_PER_MINUTE: '1000' }
    const setup = await buildApp({ ...configFromEnv(env), logLevel: 'silent', mailWorker: false }, { logger: false })
    const codes = Array.from({ length: 12 }, (_, i) => `P${i + 1}`)
    const wave = await openTestWave(setup, { surveyId: 'welsh-prisons', version: '1', organisations: codes })
    const adminId = await createUser(setup.db, { email: 'ada@example.org', name: 'Ada', role: 'admin', password: 'correct horse battery staple' })
    const sid = await startSession(setup.db, adminId)
    await setup.close()

    const a = await startServer(env)
    const b = await startServer(env)
    t.teardown(async () => {
      await a.kill()
      await b.kill()
    })
    for (const server of [a, b]) {
      const res = await fetch(`${server.url}/admin`, { headers: { cookie: `sid=${sid}` }, redirect: 'manual' })
      t.equal(res.status, 200, `the admin session works on ${server.url}`)
    }

    // Reminders queued through one process; both workers pick from the outbox.
    const dashboard = await fetch(`${a.url}/admin/waves/${wave.waveId}`, { headers: { cookie: `sid=${sid}` } })
    const html = await dashboard.text()
    const csrfCookie = /_csrf=([^;]+)/.exec(dashboard.headers.getSetCookie().join(';'))![1]
    const remind = await fetch(`${a.url}/admin/waves/${wave.waveId}/remind`, {
      method: 'POST',
      headers: { cookie: `sid=${sid}; _csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: formToken(html).csrf, target: 'not_submitted', round: /name="round" value="([^"]+)"/.exec(html)![1] }).toString(),
      redirect: 'manual',
    })
    t.equal(remind.status, 303)

    // Every organisation fills its response, alternating between the two processes, and
    // presses submit on both at once.
    const results = await Promise.all(
      codes.map(async (code, i) => {
        const client = new FormClient(i % 2 ? a.url : b.url)
        const base = `/r/${wave.tokens[code]}`
        for (const [step, [page, fields]] of ([['scheme_page', { has_scheme: '1', buddies: String(i) }], ['scheme_details', { tasks: '1' }], ['views_page', { comments: `From ${code}` }]] as const).entries()) {
          client.base = step % 2 ? a.url : b.url
          const { csrf, version } = formToken((await client.get(`${base}/pages/${page}`)).body)
          const saved = await client.post(`${base}/pages/${page}`, { _csrf: csrf, _page_version: version, ...fields })
          if (saved.status !== 303) throw new Error(`${code} ${page}: ${saved.status}`)
        }
        const { csrf } = formToken((await client.get(`${base}/check`)).body)
        const submits = await Promise.all([a.url, b.url].map((server) => {
          client.base = server
          return client.post(`${base}/submit`, { _csrf: csrf })
        }))
        return submits.map((s) => s.status)
      }),
    )
    t.ok(results.every((statuses) => statuses.every((s) => s === 303)), 'every submit was answered')

    const deadline = Date.now() + 20_000
    while (smtp.received.length < codes.length * 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 500))
    const reminders = smtp.received.filter((m) => m.subject?.startsWith('Reminder'))
    const confirmations = smtp.received.filter((m) => m.subject?.startsWith('Your response'))
    t.equal(reminders.length, codes.length, 'one reminder per organisation')
    t.equal(confirmations.length, codes.length, 'one confirmation per organisation: each response submitted once')
    t.equal(new Set(smtp.received.map((m) => m.messageId)).size, smtp.received.length, 'no message arrived twice')

    const check = await buildApp({ ...configFromEnv(env), logLevel: 'silent', mailWorker: false }, { logger: false })
    t.teardown(() => check.close())
    for (const [i, code] of codes.entries()) {
      const response = await check.db.selectFrom('responses').selectAll().where('organisation_id', '=', wave.organisationIds[code]).executeTakeFirstOrThrow()
      t.equal(response.status, 'submitted')
      const answers = await check.db.selectFrom('response_answers').select(['question_id', 'answer_json']).where('response_id', '=', response.id).execute()
      t.same(Object.fromEntries(answers.map((x) => [x.question_id, JSON.parse(x.answer_json)])), { has_scheme: { code: 1 }, buddies: { value: i }, tasks: { codes: [1] }, comments: { value: `From ${code}` } }, `${code}: no answer lost`)
    }
  })
}
