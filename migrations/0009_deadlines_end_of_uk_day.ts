import type { Kysely } from 'kysely'
import { endOfUkDay } from '../src/i18n/uk-dates.js'

// Deadlines were stored as 22:59 UTC of the chosen day: 23:59 in summer, but 22:59 in winter, an
// hour before the end of the day the team chose. They become the end of that day on UK clocks.
export async function up(db: Kysely<any>): Promise<void> {
  const waves: { id: string; closes_at: string }[] = await db.selectFrom('waves').select(['id', 'closes_at']).where('closes_at', 'like', '%T22:59:00.000Z').execute()
  for (const wave of waves) {
    const [year, month, day] = wave.closes_at.slice(0, 10).split('-').map(Number)
    const end = endOfUkDay(year, month, day)
    if (end) await db.updateTable('waves').set({ closes_at: end }).where('id', '=', wave.id).execute()
  }
}

export async function down(): Promise<void> {
  // The old times were an hour early in winter: nothing worth restoring.
}
