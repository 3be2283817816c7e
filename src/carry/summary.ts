// The wave page's line on answers carried forward: from which wave, how many questions.
import type { Kysely } from 'kysely'
import type { Database, WaveTable } from '../db/schema.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { carryForward } from './carry-forward.js'

export async function carrySummary(db: Kysely<Database>, catalogue: Catalogue, wave: WaveTable): Promise<{ label: string; carried: number } | null> {
  const carry = await carryForward(db, catalogue, wave)
  return carry ? { label: carry.source.label, carried: carry.plans.size } : null
}
