// Respondents saving during fieldwork, in a process of their own for the backup test: saves one
// organisation with its contact (one transaction, as the app does) after another, and prints
// "saved <n>" once each has committed, i.e. once it is acknowledged. Stops on SIGTERM.
import { openDatabase } from '../../src/db/database.js'
import { createOrganisation } from '../../src/waves/organisations.js'

const { db } = openDatabase(process.env.DATABASE_URL!)
let stopping = false
process.on('SIGTERM', () => (stopping = true))
for (let n = 0; !stopping; n++) {
  await createOrganisation(db, { code: `LIVE${n}`, name: `Saved while the backup ran ${n}`, type: 'prison', contacts: [{ name: `Officer ${n}`, email: `officer${n}@example.org` }] })
  process.stdout.write(`saved ${n}\n`)
  await new Promise((resolve) => setTimeout(resolve, 2))
}
await db.destroy()
