// Guessing links is slowed and refused without ever refusing a working link: every prison reaches
// the server through a few shared gateways and a council office shares one address, so one
// mistyped-link campaign from such an address must not lock out everyone behind it.
import { performance } from 'node:perf_hooks'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { closeWave, reissueLink } from '../../src/waves/waves.js'
import { buildTestApp, form } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const GATEWAY = '198.51.100.20'
const ELSEWHERE = '203.0.113.99'
const unknownLink = (i: number) => `/r/${String(i).padStart(43, 'Z')}`

const visit = (app: FastifyInstance, url: string, remoteAddress = GATEWAY) => app.inject({ url, remoteAddress })

/** A page saved from the gateway address, as a prison officer behind it would. */
async function saveFromGateway(app: FastifyInstance, page: string, fields: Record<string, string>) {
  const get = await visit(app, page)
  const token = /name="_csrf" value="([^"]+)"/.exec(get.body)?.[1] ?? ''
  const cookie = ([] as string[]).concat(get.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ')
  return app.inject({ method: 'POST', url: page, remoteAddress: GATEWAY, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: token, _page_version: '0', ...fields }) })
}

t.test('behind a gateway that tried 20 and then 25 unknown links, every working link still opens and saves', async (t) => {
  const app = await buildTestApp(t, { linkGuessDelayMs: 1 })
  const wave = await openTestWave(app)
  const working = `/r/${wave.tokens.E06000001}`

  for (let i = 0; i < 20; i++) t.equal((await visit(app, unknownLink(i))).statusCode, 404, `unknown link ${i + 1} is not recognised`)
  const refused = await visit(app, unknownLink(20))
  t.equal(refused.statusCode, 429, 'the next unknown link from the gateway is refused')
  t.match(refused.body, 'Too many attempts')
  t.match(refused.body, 'the link from the e-mail always opens')

  const afterTwenty = await visit(app, working)
  t.equal(afterTwenty.statusCode, 200, 'a working link opens after 20 unknown links from its address')
  t.match(afterTwenty.body, 'Authority E06000001')
  t.equal((await visit(app, `${working}/pages/about_respondent`)).statusCode, 200, 'and its question pages open')
  const saved = await saveFromGateway(app, `${working}/pages/about_respondent`, { respondent_role: '2', respondent_team: 'Healthcare' })
  t.equal(saved.statusCode, 303, 'and a page saves')

  for (let i = 21; i < 25; i++) t.equal((await visit(app, unknownLink(i))).statusCode, 429, `unknown link ${i + 1} is refused`)
  await app.failureLimiters.links.sync()
  t.equal((await visit(app, working)).statusCode, 200, 'after 25 unknown links (and a look at the shared counts) the working link still opens')
  t.equal((await visit(app, `/r/${wave.tokens.E06000002}`)).statusCode, 200, 'so does another organisation’s link behind the same gateway')

  t.equal((await visit(app, unknownLink(30), ELSEWHERE)).statusCode, 404, 'an unknown link from another address is only not recognised')
  t.equal((await visit(app, working, ELSEWHERE)).statusCode, 200, 'and working links open there as ever')

  // A link that exists but no longer works gets its own page, never the guessing answer.
  await reissueLink(app.db, wave.waveId, wave.organisationIds.E06000001, { catalogue: app.catalogue })
  const replaced = await visit(app, working)
  t.equal(replaced.statusCode, 410)
  t.match(replaced.body, 'This link has been replaced')
  await closeWave(app.db, wave.waveId)
  const closed = await visit(app, `/r/${wave.tokens.E06000002}`)
  t.equal(closed.statusCode, 410)
  t.match(closed.body, 'This survey has closed')
  t.equal((await visit(app, unknownLink(31))).statusCode, 429, 'unknown links from the gateway are still refused')
})

t.test('unknown links wait longer with each failure from their address; working links never wait', async (t) => {
  // Steps long enough that a slow machine's page render cannot be mistaken for a pause.
  const stepMs = 400
  const app = await buildTestApp(t, { linkGuessDelayMs: stepMs })
  const wave = await openTestWave(app)
  // Nine earlier failures, counted as any process would count them.
  for (let i = 0; i < 9; i++) await app.failureLimiters.links.recordFailure(GATEWAY)

  const timed = async (url: string, remoteAddress = GATEWAY) => {
    const started = performance.now()
    const res = await visit(app, url, remoteAddress)
    return { status: res.statusCode, ms: performance.now() - started }
  }
  const tenth = await timed(unknownLink(1))
  t.equal(tenth.status, 404)
  t.ok(tenth.ms >= 10 * stepMs - 5, `the tenth unknown link waited ${Math.round(tenth.ms)} ms (at least ${10 * stepMs})`)
  const working = await timed(`/r/${wave.tokens.E06000001}`)
  t.equal(working.status, 200)
  t.ok(working.ms < 5 * stepMs, `the working link from the same address did not wait (${Math.round(working.ms)} ms)`)
  const first = await timed(unknownLink(2), ELSEWHERE)
  t.equal(first.status, 404)
  t.ok(first.ms < 5 * stepMs, `a first mistake from another address waits one step, not ten (${Math.round(first.ms)} ms)`)
})
