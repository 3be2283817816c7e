// Starts the web server: configuration from the environment, the app from buildApp.
import { issueSetupToken } from './accounts/users.js'
import { buildApp } from './app.js'
import { configFromEnv } from './config.js'
import { DefinitionError } from './questionnaire/problems.js'

const config = configFromEnv()
try {
  const app = await buildApp(config)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info(`${signal} received: closing`)
      app.close().then(() => process.exit(0), () => process.exit(1))
    })
  }
  await app.listen({ port: config.port, host: config.host })
  // No default password: with no accounts yet, a one-time link creates the first admin.
  const setupToken = await issueSetupToken(app.db)
  // A plain line on stdout, not a JSON log record: the person starting the server reads it at once.
  if (setupToken) process.stdout.write(`\nNo accounts yet. Create the first admin at: ${config.publicUrl}/setup/${setupToken}\n\n`)
  app.log.info(`Questionnaire previews: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/surveys`)
} catch (err) {
  if (err instanceof DefinitionError) {
    console.error(`The server did not start.\n${err.message}`)
  } else {
    console.error('The server did not start:', err)
  }
  process.exit(1)
}
