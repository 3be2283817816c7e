// A respondent who has just submitted is waiting for the confirmation; 500 organisations can wait
// a little for their invitations. Over a real SMTP conversation, the confirmation queued while a
// launch is going out is the next message the mail server receives.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations, launchWave } from '../../src/waves/waves.js'
import { buildTestApp, FIXTURES } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { submitWelshPrisonsThroughForms } from '../helpers/responses.js'
import { startSmtp } from '../helpers/smtp.js'
import { issueLinks } from '../helpers/waves.js'

const INVITATIONS = 500

async function launchedWave(app: FastifyInstance): Promise<{ waveId: string; firstToken: string }> {
  const organisationIds: string[] = []
  for (let i = 0; i < INVITATIONS; i++) {
    organisationIds.push(await createOrganisation(app.db, { code: `P${i}`, name: `HMP Example ${i}`, type: 'prison', attributes: {}, contacts: [{ name: `Governor ${i}`, email: `governor${i}@prison${i}.example` }] }))
  }
  const waveId = await createWave(app.db, { surveyId: 'welsh-prisons', version: '1', label: '2026', teamName: 'Prison Social Care Study', teamEmail: 'study@example.org', status: 'draft' })
  await inviteOrganisations(app.db, waveId, organisationIds)
  const tokens = await issueLinks(app, waveId, organisationIds)
  const { queued } = await launchWave(app.db, waveId, { catalogue: app.catalogue })
  if (queued !== INVITATIONS) throw new Error(`expected ${INVITATIONS} invitations, queued ${queued}`)
  return { waveId, firstToken: tokens.get(organisationIds[0])! }
}

const { databases, skipped } = testDatabases()
if (skipped) t.test('priority on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`a confirmation queued during a launch of ${INVITATIONS} invitations reaches the mail server before the invitations still waiting (${database.kind})`, async (t) => {
    // A mail server that takes a few milliseconds a message, as real ones do.
    const smtp = await startSmtp(3)
    t.teardown(() => smtp.close())
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, smtpUrl: smtp.url, mailWorker: false, mailRatePerMinute: 0 }, database)
    const { firstToken } = await launchedWave(app)

    let sending = true
    const worker = (async () => {
      while (sending) if ((await app.sendMail()).sent === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    })()
    t.teardown(async () => {
      sending = false
      await worker
    })
    while (smtp.received.length < 50) await new Promise((resolve) => setTimeout(resolve, 5))

    const submitted = await submitWelshPrisonsThroughForms(app, firstToken)
    t.equal(submitted.statusCode, 303, 'submitted')
    // Everything the server had received by now went before the confirmation was queued; at most
    // one more invitation was already in the SMTP conversation.
    const receivedWhenQueued = smtp.received.length
    t.ok(receivedWhenQueued < INVITATIONS - 100, `submitted mid-launch (${receivedWhenQueued} invitations delivered)`)

    while (smtp.received.length < INVITATIONS + 1) await new Promise((resolve) => setTimeout(resolve, 10))
    sending = false
    await worker

    const subjects = smtp.received.map((m) => m.subject ?? '')
    const position = subjects.findIndex((s) => s.startsWith('Your response to'))
    t.ok(position >= 0, 'the confirmation arrived')
    t.equal(subjects[position], `Your response to Social care in prison (2026), reference ${(await app.db.selectFrom('responses').select('reference').where('status', '=', 'submitted').executeTakeFirstOrThrow()).reference}`)
    t.ok(position <= receivedWhenQueued + 1, `received as message ${position + 1}, right after the ${receivedWhenQueued} invitations sent before it was queued (and at most one in flight)`)
    t.equal(subjects.slice(position + 1).filter((s) => s.startsWith('Please respond')).length, INVITATIONS - position, 'every invitation still waiting came after it')
    t.equal(new Set(subjects).size, 2, 'only invitations and the confirmation')
    t.equal(subjects.length, INVITATIONS + 1, 'each sent once')
    const stored = await app.db.selectFrom('outbox').select(['kind', 'priority']).where('kind', '=', 'confirmation').executeTakeFirstOrThrow()
    t.equal(stored.priority, 1, 'the confirmation is stored with the waiting priority')
  })
}
