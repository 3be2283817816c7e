// One app process for the schedule tests: the real app on the database it is given, its clock set
// to NOW, its schedule worker ticking every few milliseconds for a while, then closed. Two of these
// run side by side on one database, as two servers behind a load balancer would.
import { buildApp } from '../../src/app.js'
import { configFromEnv } from '../../src/config.js'

const now = new Date(process.env.NOW!)
const app = await buildApp({ ...configFromEnv(process.env), logLevel: 'silent', mailWorker: false, scheduleWorker: true, schedulePollMs: 5 }, { logger: false, now: () => now })
await app.ready()
const direct = await app.runWaveSchedule()
await new Promise((resolve) => setTimeout(resolve, Number(process.env.TICK_FOR_MS ?? 200)))
await app.close()
process.stdout.write(JSON.stringify(direct))
