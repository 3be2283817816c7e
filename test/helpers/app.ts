// Builds the real app on a fresh database for one test, and closes it afterwards.
import { randomBytes } from 'node:crypto'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { configFromEnv, type AppConfig } from '../../src/config.js'
import { sqlite, type TestDatabase } from './databases.js'

export const REAL_SURVEYS = resolve('surveys')
/** The links' key for test apps (as LINK_TOKEN_KEY would give it): no key file, no warning on PostgreSQL. */
const TEST_LINK_KEY = randomBytes(32).toString('base64')
export const FIXTURES = resolve('test/fixtures')

interface Teardown {
  teardown(fn: () => unknown): void
}

/** `empty`: a database with no tables at all, for the tests of an upgrade from an earlier schema. */
export async function testConfig(t: Teardown, overrides: Partial<AppConfig> = {}, database: TestDatabase = sqlite, options: { empty?: boolean } = {}): Promise<AppConfig> {
  const { url, cleanup } = options.empty ? await database.create() : await database.createMigrated()
  t.teardown(cleanup)
  return { ...configFromEnv({}), surveysDir: REAL_SURVEYS, databaseUrl: url, logLevel: 'silent', linkTokenKey: TEST_LINK_KEY, ...overrides }
}

export async function buildTestApp(t: Teardown, overrides: Partial<AppConfig> = {}, database?: TestDatabase): Promise<FastifyInstance> {
  const app = await buildApp(await testConfig(t, overrides, database), { logger: false })
  t.teardown(() => app.close())
  return app
}

/** A writable copy of a surveys folder, for tests that change definition files. */
export function copySurveys(t: Teardown, from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'surveys-'))
  cpSync(from, dir, { recursive: true })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Fetches a page with a form and returns the CSRF token and cookie needed to post it. */
export async function formSession(app: FastifyInstance, url: string, cookie = ''): Promise<{ token: string; cookie: string; html: string }> {
  const res = await app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} })
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1]
  if (!token) throw new Error(`No CSRF token on ${url} (status ${res.statusCode})`)
  const setCookies = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
  const jar = new Map(cookie ? cookie.split('; ').map((c) => c.split('=') as [string, string]) : [])
  for (const c of setCookies) {
    const [pair] = c.split(';')
    const [name, ...value] = pair.split('=')
    jar.set(name, value.join('='))
  }
  return { token, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), html: res.body }
}

export function form(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(fields)) for (const v of ([] as string[]).concat(value)) params.append(key, v)
  return params.toString()
}

/** Creates an account with the given role and returns a session cookie for it. */
export async function signIn(app: FastifyInstance, role: 'admin' | 'analyst' = 'admin'): Promise<string> {
  const { createUser } = await import('../../src/accounts/users.js')
  const { startSession } = await import('../../src/accounts/sessions.js')
  const id = await createUser(app.db, { email: `${role}-${Math.random().toString(36).slice(2)}@example.org`, name: `Test ${role}`, role, password: 'correct horse battery staple' })
  return `sid=${await startSession(app.db, id)}`
}

/** A multipart/form-data body with text fields and one file (text, or bytes such as a zip), as a browser sends an upload. */
export function multipart(fields: Record<string, string>, file: { field: string; name: string; content: string | Buffer; type?: string }): { payload: string | Buffer; contentType: string } {
  const boundary = `----test${Math.random().toString(16).slice(2)}`
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`
  const tail = `\r\n--${boundary}--\r\n`
  const contentType = `multipart/form-data; boundary=${boundary}`
  if (typeof file.content === 'string') return { payload: `${parts.join('')}${head}${file.content}${tail}`, contentType }
  return { payload: Buffer.concat([Buffer.from(parts.join('') + head), file.content, Buffer.from(tail)]), contentType }
}
