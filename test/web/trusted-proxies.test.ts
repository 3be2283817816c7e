// TRUST_PROXY names the reverse proxies whose X-Forwarded-For is believed. From any other peer the
// header is ignored: a client cannot dodge the limits on respondent links by inventing addresses,
// nor turn them on an address it names. Through a named proxy, each client behind it is counted
// on its own. A real listening server, requested over loopback.
import t, { type Test } from 'tap'
import { trustedProxies } from '../../src/config.js'
import { buildTestApp } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

const LIMIT = 3

async function listening(t: Test, trustProxy: false | string[]) {
  const app = await buildTestApp(t, { trustProxy, linkRatePerMinute: LIMIT, linkGuessDelayMs: 0 })
  const wave = await openTestWave(app)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const get = async (path: string, forwardedFor?: string) => (await fetch(`${address}${path}`, { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} })).status
  return { app, wave, get }
}

t.test('from a peer that is not a named proxy, X-Forwarded-For is ignored by the limits', async (t) => {
  const { app, wave, get } = await listening(t, false)
  const statuses = [await get(`/r/${'Z'.repeat(43)}`, '203.0.113.7')]
  for (let i = 1; i <= LIMIT; i++) statuses.push(await get(`/r/${wave.tokens.E06000001}`, `198.51.100.${i}`))
  t.same(statuses, [404, 200, 200, 429], 'four invented addresses are one client: the fourth request is over the limit')
  const counted = await app.db.selectFrom('failure_counts').select('subject').where('scope', '=', 'link').execute()
  t.same(counted.map((c) => c.subject), ['127.0.0.1'], 'the wrong link was counted against the real address, not the one named')
})

t.test('TRUST_PROXY with the proxy’s address: each client behind it is counted on its own', async (t) => {
  const { app, wave, get } = await listening(t, ['127.0.0.1'])
  const link = `/r/${wave.tokens.E06000001}`
  const others = []
  for (let i = 1; i <= LIMIT + 1; i++) others.push(await get(link, `198.51.100.${i}`))
  t.same(others, [200, 200, 200, 200], 'four clients behind the proxy, one request each')
  const one = []
  for (let i = 1; i <= LIMIT + 1; i++) one.push(await get(link, '192.0.2.10'))
  t.same(one, [200, 200, 200, 429], 'one client over its limit is refused, alone')
  t.equal(await get(link, '192.0.2.10, 198.51.100.1'), 200, 'the proxy’s own entry (the last) is the client, not what the client wrote before it')
  await get(`/r/${'Z'.repeat(43)}`, '203.0.113.7')
  const counted = await app.db.selectFrom('failure_counts').select('subject').where('scope', '=', 'link').execute()
  t.same(counted.map((c) => c.subject), ['203.0.113.7'], 'a wrong link is counted against the client the proxy names')
})

t.test('TRUST_PROXY names proxies: never "anyone", never a malformed address', async (t) => {
  t.equal(trustedProxies(undefined), false)
  t.equal(trustedProxies('false'), false)
  t.equal(trustedProxies(''), false)
  t.same(trustedProxies('10.0.0.5, 10.1.0.0/16,loopback, 2001:db8::/32'), ['10.0.0.5', '10.1.0.0/16', 'loopback', '2001:db8::/32'])
  t.throws(() => trustedProxies('true'), /TRUST_PROXY=true would believe the X-Forwarded-For header of any client: give the addresses or CIDR ranges/)
  t.throws(() => trustedProxies('10.0.0.0/33'), /TRUST_PROXY: "10.0.0.0\/33" is not an IP address or CIDR range/)
  t.throws(() => trustedProxies('proxy.example.org'), /"proxy.example.org" is not an IP address/)
  t.throws(() => trustedProxies('1'), /"1" is not an IP address/, 'a hop count trusts whoever is one hop away: refused')
})
