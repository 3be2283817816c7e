// buildApp(config): the one factory the server, the CLI and every test use. It refuses to
// build (throws) when a questionnaire definition is invalid or a used version has changed.
import { createHmac } from 'node:crypto'
import { existsSync } from 'node:fs'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import view from '@fastify/view'
import { Eta } from 'eta'
import { cachedEta } from './web/cached-eta.js'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import type { Kysely } from 'kysely'
import type { AppConfig } from './config.js'
import { openDatabase, type DatabaseHandle } from './db/database.js'
import { keepNewFilesPrivate } from './db/private-files.js'
import { projectPath } from './project-root.js'
import { migrateToLatest } from './db/migrate.js'
import type { Database } from './db/schema.js'
import { accounts } from './accounts/plugin.js'
import { analysisRoutes } from './analysis/routes.js'
import { codingRoutes } from './coding/routes.js'
import { projectCodingXml } from './coding/refi-project.js'
import { accountRoutes } from './accounts/routes.js'
import { ADDRESS_LIMIT, PAIR_LIMIT, WINDOW_MS as SIGN_IN_WINDOW_MS, type SignInLimiters } from './accounts/sign-in-limits.js'
import { userRoutes } from './accounts/user-routes.js'
import { auditRoutes } from './accounts/audit-routes.js'
import { translator } from './i18n/catalogue.js'
import { previewRoutes } from './preview/routes.js'
import { linkTokenKeyFor } from './respond/link-key.js'
import { respondRoutes } from './respond/routes.js'
import { mailWorker } from './mail/plugin.js'
import { mailRoutes } from './mail/routes.js'
import { loadCatalogue, type Catalogue } from './questionnaire/catalogue.js'
import { DefinitionError, hasErrors } from './questionnaire/problems.js'
import { registerVersions } from './surveys/version-registry.js'
import { surveyRoutes } from './surveys/routes.js'
import { errorHandling } from './web/errors.js'
import { formBodies } from './web/form-bodies.js'
import { keepUploadName } from './web/upload-names.js'
import { redactingLogger, redactUrl } from './web/log-redaction.js'
import { csrfUserInfo, HSTS, overHttps } from './web/secure-context.js'
import { FailureLimiter } from './web/failure-limiter.js'
import { homeRoutes } from './web/home.js'
import { healthRoutes } from './operations/health.js'
import { pastWaveRoutes } from './imports/routes.js'
import { organisationPageRoutes } from './waves/organisation-page-routes.js'
import { organisationRoutes } from './waves/organisation-routes.js'
import { waveRoutes } from './waves/routes.js'
import { versionMoveRoutes } from './waves/version-move-routes.js'
import { carryRoutes } from './carry/routes.js'
import { scheduleWorker } from './waves/schedule-worker.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig
    db: Kysely<Database>
    /** The key of the personal links' hashes (src/respond/link-key.ts): never stored in the database. */
    linkTokenKey: Buffer
    databaseKind: DatabaseHandle['kind']
    catalogue: Catalogue
    /** Every route, for the hostile-input tests and for anyone auditing the surface. */
    routeTable: { method: string; url: string }[]
    /** Guessing limits shared by every process on the database: respondent links and sign-ins. */
    failureLimiters: { links: FailureLimiter } & SignInLimiters
    /** The current time: the clock, unless a test set another (BuildOptions.now). */
    now(): Date
  }
}

export const VIEWS_DIR = projectPath('views')
export const ASSETS_DIR = projectPath('public', 'build')

export interface BuildOptions {
  logger?: FastifyServerOptions['logger']
  /** The clock the wave schedule reads (reminder times, deadlines); tests set the time with it. */
  now?: () => Date
}

export async function buildApp(config: AppConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const { catalogue, problems } = loadCatalogue(config.surveysDir)
  if (!catalogue || hasErrors(problems)) throw new DefinitionError(problems)

  keepNewFilesPrivate()
  const startWarnings: string[] = []
  const linkTokenKey = linkTokenKeyFor(config, (message) => startWarnings.push(message))
  const handle = openDatabase(config.databaseUrl)
  try {
    await migrateToLatest(handle.db, { linkTokenKey })
    const lockProblems = await registerVersions(handle.db, catalogue)
    if (lockProblems.length) throw new DefinitionError(lockProblems)
  } catch (err) {
    await handle.db.destroy()
    throw err
  }

  const app = Fastify({
    logger: redactingLogger(options.logger ?? { level: config.logLevel }),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // A slow or stalled client cannot hold a connection: see timeoutsFromEnv in config.ts.
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    // Node checks the header and request deadlines on a timer (every 30 s by default, which
    // would let a stalled client outlive its deadline by as much): check several times within it.
    http: { headersTimeout: config.headersTimeoutMs, requestTimeout: config.requestTimeoutMs, connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))) },
    // Links and form posts never need more; anything longer is refused before routing.
    routerOptions: { maxParamLength: 200 },
    // Errors raised by the router itself (a parameter too long, a malformed URL) get the same
    // plain HTML page as every other 4xx rather than Fastify's JSON.
    frameworkErrors: (error, request, reply) => {
      request.log.info({ code: error.code, url: request.url }, redactUrl(error.message))
      const t = translator('en')
      ;(reply as unknown as FastifyReply)
        .code(error.statusCode && error.statusCode < 500 ? error.statusCode : 400)
        .type('text/html; charset=utf-8')
        .send(`<!DOCTYPE html><html lang="en"><head><title>${t('error_page.bad_request.title')}</title></head><body><main><h1>${t('error_page.bad_request.title')}</h1><p>${t('error_page.bad_request.body')}</p></main></body></html>`)
    },
  })
  app.decorate('config', config)
  app.decorate('db', handle.db)
  app.decorate('linkTokenKey', linkTokenKey)
  for (const warning of startWarnings) app.log.warn(warning)
  app.decorate('databaseKind', handle.kind)
  app.decorate('catalogue', catalogue)
  app.decorate('now', options.now ?? (() => new Date()))
  const routeTable: { method: string; url: string }[] = []
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', (route) => {
    for (const method of ([] as string[]).concat(route.method)) if (method !== 'HEAD') routeTable.push({ method, url: route.url })
  })
  const failureLimiters = {
    links: new FailureLimiter(handle.db, 'link', { maxFailures: 20, windowMs: 15 * 60_000 }),
    logins: new FailureLimiter(handle.db, 'login', { maxFailures: PAIR_LIMIT, windowMs: SIGN_IN_WINDOW_MS }),
    loginAddresses: new FailureLimiter(handle.db, 'login-address', { maxFailures: ADDRESS_LIMIT, windowMs: SIGN_IN_WINDOW_MS }),
    // Counts only, never a block: the largest value an integer column holds on both databases.
    loginAccounts: new FailureLimiter(handle.db, 'login-account', { maxFailures: 2 ** 31 - 1, windowMs: SIGN_IN_WINDOW_MS }),
  }
  app.decorate('failureLimiters', failureLimiters)
  for (const limiter of Object.values(failureLimiters)) await limiter.start((err) => app.log.error({ err }, 'Could not read the shared failure counts'))
  app.addHook('onClose', async () => {
    for (const limiter of Object.values(failureLimiters)) limiter.stop()
    await handle.db.destroy()
  })
  if (problems.length) for (const p of problems) app.log.warn(`${p.file}:${p.line}:${p.column} ${p.path}: ${p.message}`)

  await app.register(formbody, { bodyLimit: config.bodyLimit })
  // CSV uploads: the fields (CSRF token included) arrive in request.body, the file as a Buffer.
  // The organisations import raises the file size for itself (IMPORT_FILE_LIMIT in its route).
  await app.register(multipart, { attachFieldsToBody: 'keyValues', onFile: keepUploadName, limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 20 } })
  await app.register(formBodies)
  // Every cookie (the session, the CSRF secret, the language) is Secure under HTTPS: always when the
  // public address is https, else when the request came over HTTPS (through a proxy named in
  // TRUST_PROXY), as overHttps says; set once here, for cookies added later too.
  await app.register(cookie, { parseOptions: { secure: config.publicUrl.startsWith('https://') ? true : 'auto' } })
  // The token is bound to the session cookie (secure-context.ts), with a key every process shares.
  const csrfKey = createHmac('sha256', linkTokenKey).update('csrf tokens').digest()
  await app.register(csrf, { cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: false }, getUserInfo: csrfUserInfo, csrfOpts: { hmacKey: csrfKey } })
  await app.register(rateLimit, { global: false })
  const developing = process.env.NODE_ENV === 'development'
  await app.register(view, {
    // Compiled templates are cached except while developing templates (NODE_ENV=development).
    engine: { eta: developing ? new Eta({ views: VIEWS_DIR, autoEscape: true, cache: false }) : cachedEta(VIEWS_DIR) },
    production: !developing,
    root: VIEWS_DIR,
  })
  if (existsSync(ASSETS_DIR)) {
    await app.register(fastifyStatic, { root: ASSETS_DIR, prefix: '/assets/', maxAge: '1h' })
  } else {
    app.log.warn(`${ASSETS_DIR} is missing: run "npm run build" to build the stylesheet`)
  }
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff')
    reply.header('x-frame-options', 'DENY')
    reply.header('referrer-policy', 'no-referrer')
    if (overHttps(request)) reply.header('strict-transport-security', HSTS)
    reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
  })

  await app.register(errorHandling)
  await app.register(accounts)
  await app.register(accountRoutes)
  await app.register(userRoutes)
  await app.register(auditRoutes)
  await app.register(waveRoutes)
  await app.register(versionMoveRoutes)
  await app.register(carryRoutes)
  await app.register(organisationRoutes)
  await app.register(organisationPageRoutes)
  await app.register(mailRoutes)
  await app.register(analysisRoutes, { projectCoding: (waveId: string, surveyId: string) => projectCodingXml(app.db, waveId, surveyId) })
  await app.register(codingRoutes)
  await app.register(homeRoutes)
  await app.register(surveyRoutes)
  await app.register(previewRoutes)
  await app.register(respondRoutes)
  await app.register(mailWorker)
  await app.register(scheduleWorker)
  await app.register(healthRoutes)
  await app.register(pastWaveRoutes)
  return app
}
