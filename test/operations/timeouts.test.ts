// A slow or stalled client cannot hold the server: against a real listening server, clients that
// stop sending their body or never finish their headers are cut off at the configured deadline,
// while everyone else is answered meanwhile; idle kept-alive connections are closed too.
import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { configFromEnv } from '../../src/config.js'
import { buildTestApp } from '../helpers/app.js'

const REQUEST_TIMEOUT_MS = 1500
const HEADERS_TIMEOUT_MS = 800
const KEEP_ALIVE_TIMEOUT_MS = 600
// Node checks its deadlines on a timer (a quarter of the headers timeout here), and this machine
// may be busy: a connection must be gone within this much after its deadline.
const LATE_MS = 1000

/** A raw client: writes what it is given, records everything it receives, and when it was closed. */
function rawClient(port: number, send: string): { socket: Socket; received: () => string; closed: Promise<number>; idleBeforeClose: () => number } {
  const started = Date.now()
  const socket = connect(port, '127.0.0.1', () => socket.write(send))
  let received = ''
  let lastData = started
  let closedAt = 0
  socket.on('data', (d) => {
    received += d
    lastData = Date.now()
  })
  socket.on('close', () => (closedAt = Date.now()))
  socket.on('error', () => {})
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)))
  return { socket, received: () => received, closed, idleBeforeClose: () => closedAt - lastData }
}

t.test('clients that stall are disconnected at their deadline while other requests are answered', async (t) => {
  const app = await buildTestApp(t, { requestTimeoutMs: REQUEST_TIMEOUT_MS, headersTimeoutMs: HEADERS_TIMEOUT_MS, keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS, mailWorker: false, scheduleWorker: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  // 50 sign-in posts announcing 1,000 bytes and sending 10; 50 requests whose headers never end.
  const stalledBodies = Array.from({ length: 50 }, () => rawClient(port, 'POST /login HTTP/1.1\r\nHost: survey.example.org\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a%40'))
  const stalledHeaders = Array.from({ length: 50 }, () => rawClient(port, 'GET /login HTTP/1.1\r\nHost: survey.example.org\r\nX-Slow: one byte at a ti'))

  // Meanwhile respondents and the team are answered, again and again, while those wait.
  const answered: number[] = []
  const until = Date.now() + HEADERS_TIMEOUT_MS
  while (Date.now() < until) {
    answered.push((await fetch(`http://127.0.0.1:${port}/login`)).status)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.ok(answered.length >= 3, `${answered.length} requests made while the stalled clients waited`)
  t.ok(answered.every((status) => status === 200), 'every one answered with the sign-in page')

  const headerTimes = await Promise.all(stalledHeaders.map((c) => c.closed))
  t.ok(Math.min(...headerTimes) >= HEADERS_TIMEOUT_MS - 50, `no header-stalled client was cut before ${HEADERS_TIMEOUT_MS} ms (earliest ${Math.min(...headerTimes)} ms)`)
  t.ok(Math.max(...headerTimes) <= HEADERS_TIMEOUT_MS + LATE_MS, `all 50 were disconnected by ${HEADERS_TIMEOUT_MS + LATE_MS} ms (latest ${Math.max(...headerTimes)} ms)`)
  t.match(stalledHeaders[0].received(), /^HTTP\/1\.1 408 Request Timeout/, 'and told why: 408')

  const bodyTimes = await Promise.all(stalledBodies.map((c) => c.closed))
  t.ok(Math.min(...bodyTimes) >= REQUEST_TIMEOUT_MS - 50, `no body-stalled client was cut before ${REQUEST_TIMEOUT_MS} ms (earliest ${Math.min(...bodyTimes)} ms)`)
  t.ok(Math.max(...bodyTimes) <= REQUEST_TIMEOUT_MS + LATE_MS, `all 50 were disconnected by ${REQUEST_TIMEOUT_MS + LATE_MS} ms (latest ${Math.max(...bodyTimes)} ms)`)
  t.match(stalledBodies[0].received(), /^HTTP\/1\.1 408 Request Timeout/)
  t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200, 'and the server is as well as before')
})

t.test('an idle kept-alive connection is closed after the keep-alive timeout', async (t) => {
  const app = await buildTestApp(t, { requestTimeoutMs: REQUEST_TIMEOUT_MS, headersTimeoutMs: HEADERS_TIMEOUT_MS, keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS, mailWorker: false, scheduleWorker: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const client = rawClient(port, 'GET /health HTTP/1.1\r\nHost: survey.example.org\r\n\r\n')
  await client.closed
  const idleFor = client.idleBeforeClose()
  t.match(client.received(), /^HTTP\/1\.1 200 OK[\s\S]*Keep-Alive: timeout=\d/, 'answered, and kept alive')
  // Node closes the socket a second after the time it announced, so a client never reuses a
  // connection the server is closing at that instant.
  t.ok(idleFor >= KEEP_ALIVE_TIMEOUT_MS - 50 && idleFor <= KEEP_ALIVE_TIMEOUT_MS + 1000 + LATE_MS, `closed after ${idleFor} ms idle (keep-alive timeout ${KEEP_ALIVE_TIMEOUT_MS} ms, and Node's second)`)
})

t.test('timeouts come from the environment, with safe defaults, and a wrong value is refused in words', async (t) => {
  const defaults = configFromEnv({})
  t.same(
    [defaults.requestTimeoutMs, defaults.headersTimeoutMs, defaults.keepAliveTimeoutMs, defaults.connectionTimeoutMs, defaults.shutdownTimeoutMs],
    [60_000, 20_000, 72_000, 120_000, 25_000],
  )
  const set = configFromEnv({ REQUEST_TIMEOUT_MS: '30000', HEADERS_TIMEOUT_MS: '5000', KEEP_ALIVE_TIMEOUT_MS: '65000', CONNECTION_TIMEOUT_MS: '0', SHUTDOWN_TIMEOUT_MS: '9000' })
  t.same([set.requestTimeoutMs, set.headersTimeoutMs, set.keepAliveTimeoutMs, set.connectionTimeoutMs, set.shutdownTimeoutMs], [30_000, 5_000, 65_000, 0, 9_000])
  t.throws(() => configFromEnv({ REQUEST_TIMEOUT_MS: '30s' }), { message: 'REQUEST_TIMEOUT_MS must be a whole number of milliseconds, not "30s"' })
  t.throws(() => configFromEnv({ KEEP_ALIVE_TIMEOUT_MS: '-1' }), { message: 'KEEP_ALIVE_TIMEOUT_MS must be a whole number of milliseconds, not "-1"' })
  t.throws(() => configFromEnv({ REQUEST_TIMEOUT_MS: '0' }), { message: /cannot be 0: a stalled client would hold its connection for ever/ })
  t.throws(() => configFromEnv({ REQUEST_TIMEOUT_MS: '10000', HEADERS_TIMEOUT_MS: '20000' }), { message: 'HEADERS_TIMEOUT_MS (20000) cannot be longer than REQUEST_TIMEOUT_MS (10000): the headers are part of the request' })
})
