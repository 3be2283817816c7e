// The server is killed (SIGKILL) in the middle of a burst of saves and submissions, then
// restarted: every save it acknowledged is there, nothing is half-written, and every
// acknowledged submission is complete with its confirmation e-mail queued once.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { configFromEnv } from '../../src/config.js'
import { FIXTURES } from '../helpers/app.js'
import { FormClient, formToken, startServer } from '../helpers/server-process.js'
import { openTestWave } from '../helpers/waves.js'

t.test('SIGKILL during a burst of saves and submissions loses nothing acknowledged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'crash-'))
  const env = { DATA_DIR: dir, SURVEYS_DIR: `${FIXTURES}/surveys-bilingual`, MAIL_WORKER: 'false' }
  const config = { ...configFromEnv(env), logLevel: 'silent' }
  const setup = await buildApp(config, { logger: false })
  const codes = ['S1', 'S2', 'S3', 'S4', 'U1', 'U2', 'U3', 'U4']
  const wave = await openTestWave(setup, { surveyId: 'welsh-prisons', version: '1', organisations: codes })
  await setup.close()

  const server = await startServer(env)
  const acknowledged = new Map<string, number>()
  const attempted = new Map<string, number>()
  const submitted = new Set<string>()
  let stop = false

  const saver = async (code: string) => {
    const client = new FormClient(server.url)
    const page = `/r/${wave.tokens[code]}/pages/scheme_page`
    for (let i = 0; !stop; i++) {
      try {
        const { csrf, version } = formToken((await client.get(page)).body)
        attempted.set(code, i)
        const res = await client.post(page, { _csrf: csrf, _page_version: version, has_scheme: '2', buddies: String(i) })
        if (res.status === 303) acknowledged.set(code, i)
      } catch {
        return // the server is gone
      }
    }
  }
  const submitter = async (code: string) => {
    const client = new FormClient(server.url)
    const base = `/r/${wave.tokens[code]}`
    try {
      for (const [page, fields] of [['scheme_page', { has_scheme: '2', buddies: '3' }], ['views_page', { comments: `Submitted by ${code}` }]] as const) {
        const { csrf, version } = formToken((await client.get(`${base}/pages/${page}`)).body)
        await client.post(`${base}/pages/${page}`, { _csrf: csrf, _page_version: version, ...fields })
      }
      const { csrf } = formToken((await client.get(`${base}/check`)).body)
      const res = await client.post(`${base}/submit`, { _csrf: csrf })
      if (res.status === 303 && res.location?.endsWith('/confirmation')) submitted.add(code)
    } catch {
      // killed mid-way
    }
  }

  const work = [...codes.filter((c) => c.startsWith('S')).map(saver), ...codes.filter((c) => c.startsWith('U')).map((c, i) => new Promise((r) => setTimeout(r, i * 60)).then(() => submitter(c)))]
  while ([...acknowledged.values()].reduce((a, b) => a + b, 0) < 40) await new Promise((resolve) => setTimeout(resolve, 10))
  await server.kill('SIGKILL')
  stop = true
  await Promise.all(work)
  t.ok(acknowledged.size === 4, `saves were acknowledged for every saver before the kill (${[...acknowledged.values()].join(', ')})`)

  const restarted = await startServer(env)
  t.teardown(() => restarted.kill())
  const check = await buildApp(config, { logger: false })
  t.teardown(() => check.close())
  for (const code of codes.filter((c) => c.startsWith('S'))) {
    const response = await check.db.selectFrom('responses').select('id').where('organisation_id', '=', wave.organisationIds[code]).executeTakeFirstOrThrow()
    const answer = await check.db.selectFrom('response_answers').select('answer_json').where('response_id', '=', response.id).where('question_id', '=', 'buddies').executeTakeFirstOrThrow()
    const page = await check.db.selectFrom('response_pages').select('version').where('response_id', '=', response.id).where('page_id', '=', 'scheme_page').executeTakeFirstOrThrow()
    const stored = (JSON.parse(answer.answer_json) as { value: number }).value
    t.ok(stored === acknowledged.get(code) || stored === attempted.get(code), `${code}: the stored save (${stored}) is the last acknowledged (${acknowledged.get(code)}) or the one in flight (${attempted.get(code)})`)
    t.equal(page.version, stored + 1, `${code}: the page version and the answer were written together`)
  }
  for (const code of codes.filter((c) => c.startsWith('U'))) {
    const response = await check.db.selectFrom('responses').selectAll().where('organisation_id', '=', wave.organisationIds[code]).executeTakeFirstOrThrow()
    const facts = await check.db.selectFrom('asked_questions').select('question_id').where('response_id', '=', response.id).execute()
    const mails = await check.db.selectFrom('outbox').select('id').where('organisation_id', '=', wave.organisationIds[code]).where('kind', '=', 'confirmation').execute()
    if (submitted.has(code)) t.equal(response.status, 'submitted', `${code}: an acknowledged submission survived`)
    if (response.status === 'submitted') {
      t.ok(facts.length > 0, `${code}: a submission is complete with its answer facts`)
      t.equal(mails.length, 1, `${code}: exactly one confirmation queued`)
    } else {
      t.equal(facts.length, 0, `${code}: no facts for a submission that did not happen`)
      t.equal(mails.length, 0, `${code}: no confirmation for a submission that did not happen`)
    }
  }
  const res = await fetch(`${restarted.url}/r/${wave.tokens.S1}`)
  t.equal(res.status, 200, 'the restarted server serves the links')
})
