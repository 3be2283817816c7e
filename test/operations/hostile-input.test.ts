// Every route gets malformed, oversized, wrongly typed and random input, signed in and not:
// every answer is a 4xx (or a normal page), never a 500 or a crash, and without a valid CSRF
// token nothing in the database changes.
import { createHash } from 'node:crypto'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, formSession, signIn } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const NASTY = ['', ' ', '0', '-1', '1e309', 'NaN', 'null', 'undefined', '[]', '{}', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', '=HYPERLINK("http://x")', '%00', '\u0000', '😀'.repeat(50), 'x'.repeat(5000), 'é', '\r\n\r\nInjected: yes', '%ZZ']

async function snapshot(app: FastifyInstance): Promise<string> {
  const parts: unknown[] = []
  for (const table of ['organisations', 'contacts', 'waves', 'responses', 'response_answers', 'response_pages', 'users', 'outbox', 'questionnaire_versions'] as const) {
    parts.push(await app.db.selectFrom(table).selectAll().execute())
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex')
}

t.test('hostile input on every route: never a 500, and no change without a valid form', async (t) => {
  const app = await buildTestApp(t, { mailWorker: false, bodyLimit: 20_000 })
  const wave = await openTestWave(app)
  const admin = await signIn(app, 'admin')
  const analyst = await signIn(app, 'analyst')
  const organisation = wave.organisationIds.E06000001
  const rnd = random(20261125)
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]
  // Each parameter by its whole name (":surveyId" is not ":survey" followed by "Id"): real values,
  // or, when hostile, now and then something nasty in their place.
  const real: Record<string, string> = {
    waveId: wave.waveId,
    organisationId: organisation,
    token: wave.tokens.E06000001,
    survey: 'la-release-social-care',
    surveyId: 'la-release-social-care',
    version: '2020',
    pageId: 'about_respondent',
  }
  const fill = (url: string, hostile: boolean) =>
    url
      .replace(/:(\w+)/g, (_, name: string) => (hostile && rnd() < (name === 'token' || !(name in real) ? 0.5 : 0.3) ? encodeURIComponent(pick(NASTY)) || 'x' : (real[name] ?? '00000000-0000-4000-8000-000000000000')))
      .replace('*', 'app.css')

  const routes = app.routeTable.filter((r) => !r.url.startsWith('/assets'))
  t.ok(routes.length > 40, `${routes.length} routes to try`)
  const before = await snapshot(app)
  let requests = 0
  const failures: string[] = []
  const send = async (options: { method: string; url: string; headers: Record<string, string>; payload?: string }) => {
    requests++
    const res = await app.inject(options as unknown as import('light-my-request').InjectOptions)
    if (res.statusCode >= 500) failures.push(`${options.method} ${options.url.slice(0, 80)} -> ${res.statusCode}: ${res.body.slice(0, 200)}`)
    return res
  }

  for (const route of routes) {
    for (let round = 0; round < 6; round++) {
      const cookie = pick([admin, analyst, '', 'sid=forged; _csrf=forged', `${admin}; lang=${pick(NASTY).replace(/[;\r\n]/g, '')}`])
      const url = `${fill(route.url, true)}?${pick(['', 'lang=cy', `waves=${pick(NASTY)}`, `special=${encodeURIComponent(pick(NASTY))}`, `by=${encodeURIComponent(pick(NASTY))}`, 'threshold=-5&publication=1', `next=${encodeURIComponent(pick(NASTY))}`, 'a[b][c]=d&a=1'])}`
      const bodies = [
        { type: 'application/x-www-form-urlencoded', payload: `_csrf=forged&${encodeURIComponent(pick(NASTY))}=${encodeURIComponent(pick(NASTY))}&_page_version=${encodeURIComponent(pick(NASTY))}&_action=${encodeURIComponent(pick(NASTY))}` },
        { type: 'application/json', payload: JSON.stringify({ _csrf: 123, email: ['x'], types: { a: 1 }, _page_version: -1 }) },
        { type: 'application/json', payload: '{"unterminated": ' },
        { type: 'multipart/form-data; boundary=broken', payload: '--nope\r\nContent-Disposition: form-data; name="csv"\r\n\r\nx' },
        { type: 'text/plain', payload: pick(NASTY) },
        { type: 'application/x-www-form-urlencoded', payload: `x=${'y'.repeat(30_000)}` },
        { type: 'application/xml', payload: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' },
      ]
      const body = pick(bodies)
      const headers: Record<string, string> = { cookie, 'user-agent': pick(NASTY).replace(/[\r\n\u0000]/g, '') || 'fuzz', accept: pick(['text/html', '*/*', 'application/json', 'garbage/garbage']) }
      if (route.method === 'GET') await send({ method: 'GET', url, headers })
      else await send({ method: route.method as 'POST', url, headers: { ...headers, 'content-type': body.type }, payload: body.payload })
    }
  }
  t.same(failures, [], `no 500 in ${requests} hostile requests`)
  t.equal(await snapshot(app), before, 'nothing changed without a valid CSRF token')

  // Now with a valid session and CSRF token, but wrongly typed and random fields.
  const session = await formSession(app, '/admin/organisations', admin)
  const respondent = await formSession(app, `/r/${wave.tokens.E06000002}/pages/about_respondent`)
  for (const route of routes.filter((r) => r.method === 'POST' && !/erase|close|launch|reissue|reopen|remind|logout/.test(r.url))) {
    for (let round = 0; round < 4; round++) {
      const own = route.url.startsWith('/r/') ? respondent : session
      const fields = new URLSearchParams({ _csrf: own.token })
      for (let i = 0; i < 6; i++) fields.append(pick(['email', 'name', 'role', 'types', 'version', 'label', 'deadline__day', 'contact_email', 'respondent_role', 'respondent_team', '_page_version', '_action', '_return', 'copy_to', 'round', 'target', pick(NASTY)]), pick(NASTY))
      await send({ method: 'POST', url: fill(route.url, false).replace(wave.tokens.E06000001, wave.tokens.E06000002), headers: { cookie: own.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: fields.toString() })
    }
  }
  t.same(failures, [], `still no 500 after ${requests} requests with valid tokens and garbage fields`)

  // And with valid tokens, fields of the wrong shape: numbers, arrays and objects sent as JSON,
  // and a file part where a text field belongs. Each is a 4xx or a normal page with an error.
  const refused: string[] = []
  // The imports limit a file's size, not the number of parts: many files where text belongs are a
  // bad request there (400); elsewhere, the coding uploads included, they pass the parts limit (413).
  const UPLOADS = ['/admin/organisations/import', '/admin/imports']
  const shapes = [5, true, null, ['a', 'b'], { nested: { deeper: 1 } }, [{ a: 1 }]]
  const names = ['email', 'name', 'role', 'types', 'version', 'label', 'respondent_role', 'respondent_team', 'copy_to', 'target', '_page_version', '_action', 'deadline__day']
  for (const route of routes.filter((r) => r.method === 'POST' && !/erase|close|launch|reissue|reopen|remind|logout/.test(r.url))) {
    const own = route.url.startsWith('/r/') ? respondent : session
    const url = fill(route.url, false).replace(wave.tokens.E06000001, wave.tokens.E06000002)
    for (const shape of shapes) {
      const payload = JSON.stringify({ _csrf: own.token, ...Object.fromEntries(names.map((n) => [n, shape])) })
      const res = await send({ method: 'POST', url, headers: { cookie: own.cookie, 'content-type': 'application/json' }, payload })
      if (res.statusCode !== 415) refused.push(`${route.url} JSON ${JSON.stringify(shape)} -> ${res.statusCode}`)
    }
    const boundary = 'hostileboundary'
    const part = (name: string, body: string, filename?: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n${filename ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n${body}\r\n`
    // One file where a text field belongs: 400. Many files: over the upload limit (413), or for
    // the imports, whose limit is on the file's size, files where text belongs (400).
    for (const [files, status] of [[names.slice(0, 1), 400], [names, UPLOADS.includes(route.url) ? 400 : 413]] as const) {
      const multipartBody = part('_csrf', own.token) + files.map((n) => part(n, 'x', `${n}.bin`)).join('') + `--${boundary}--\r\n`
      const res = await send({ method: 'POST', url, headers: { cookie: own.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: multipartBody })
      if (res.statusCode !== status) refused.push(`${route.url} ${files.length} file parts -> ${res.statusCode}`)
    }
    if (route.url === '/r/:token/pages/:pageId') {
      // The page's own answer fields (about_respondent asks respondent_role and respondent_team): a
      // file part in one is a 400; one answer sent twice (an array where one value belongs) or in
      // object notation is the page with its error or a 4xx (a 500 is caught by send).
      for (const field of ['respondent_role', 'respondent_team']) {
        const multipartBody = part('_csrf', own.token) + part('_page_version', '0') + part(field, 'x', `${field}.bin`) + `--${boundary}--\r\n`
        const res = await send({ method: 'POST', url, headers: { cookie: own.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: multipartBody })
        if (res.statusCode !== 400) refused.push(`${route.url} a file part in the answer ${field} -> ${res.statusCode}`)
        const twice = new URLSearchParams([['_csrf', own.token], ['_page_version', '0'], [field, 'one'], [field, 'two'], [`${field}[nested]`, 'three']])
        await send({ method: 'POST', url, headers: { cookie: own.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: twice.toString() })
      }
    }
  }
  t.same(failures, [], `no 500 for JSON numbers, arrays, objects or file parts after ${requests} requests`)
  t.same(refused, [], 'JSON is refused as an unsupported type (415), a file part in a text field as a bad request (400)')
})
