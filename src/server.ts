// Starts the web server: configuration from the environment, the app from buildApp. `npm start`
// runs it compiled (dist/src/server.js); in production run that file with node directly.
import { issueSetupToken } from './accounts/users.js'
import { buildApp } from './app.js'
import { configFromEnv, type AppConfig } from './config.js'
import { closeOnSignals } from './operations/shutdown.js'
import { DefinitionError } from './questionnaire/problems.js'

let config: AppConfig
try {
  config = configFromEnv()
} catch (err) {
  // A wrong setting is the operator's to fix: the sentence says which and why, a stack would not.
  console.error(`The server did not start: ${(err as Error).message}`)
  process.exit(1)
}
try {
  const app = await buildApp(config)
  closeOnSignals(app, config.shutdownTimeoutMs)
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
