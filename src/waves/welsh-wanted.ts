// An organisation can ask for Welsh (its language is 'cy' or 'both'). When the wave's
// questionnaire version has no Welsh, it gets English e-mails and an English questionnaire; under
// the Welsh Language Standards the team should know that before the wave goes out, not hear it
// from a prison in Wales afterwards.
import type { Kysely } from 'kysely'
import type { Database, WaveTable } from '../db/schema.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { languagesOf } from '../questionnaire/model.js'

const WANTS_WELSH = ['cy', 'both']

/** Organisations in the wave that want Welsh but will get English: 0 when the version has Welsh. */
export async function welshWantedButMissing(db: Kysely<Database>, wave: Pick<WaveTable, 'id' | 'survey_id' | 'version'>, catalogue: Catalogue): Promise<number> {
  const version = catalogue.find(wave.survey_id, wave.version)
  if (!version || languagesOf(version.definition).includes('cy')) return 0
  const row = await db
    .selectFrom('responses')
    .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('responses.wave_id', '=', wave.id)
    .where('organisations.language', 'in', WANTS_WELSH)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}
