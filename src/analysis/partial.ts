// Partial responses in analysis: responses in progress that the research team kept when the wave
// closed. They are never counted as submitted; every statistic and export leaves them out unless
// the analyst includes them, and wherever a wave has some, the page or file says how many and
// whether they are in it.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'

export async function partialResponses(db: Kysely<Database>, waveId: string): Promise<number> {
  const row = await db.selectFrom('responses').select((eb) => eb.fn.countAll<string | number>().as('n')).where('wave_id', '=', waveId).where('status', '=', 'partial').executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** The sentence a downloaded file carries when the wave has partial responses; none otherwise. */
export function partialNote(count: number, included: boolean): string | undefined {
  if (count === 0) return undefined
  return translator('en')(included ? 'admin.partial.file_included' : 'admin.partial.file_excluded', { count })
}
