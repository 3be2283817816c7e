// A wave's privacy notice: the research team is the controller of what its survey collects, so
// it writes the notice, one text per language of the questionnaire. Until it does, respondents
// see a default built from the wave's own details, and the wave's page says it is the default.
import type { Kysely } from 'kysely'
import { nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import type { Language } from '../questionnaire/schema.js'

export const PRIVACY_NOTICE_MAX_LENGTH = 20_000

export interface NoticeFacts {
  team: string
  email: string
  survey: string
}

export interface StoredNotice {
  body: string
  updatedAt: string
  updatedBy: string | null
}

export function defaultPrivacyNotice(language: Language, facts: NoticeFacts): string {
  return translator(language)('site.wave_privacy.default', { ...facts })
}

export async function storedPrivacyNotices(db: Kysely<Database>, waveId: string): Promise<Map<Language, StoredNotice>> {
  const rows = await db.selectFrom('wave_privacy_notices').select(['language', 'body', 'updated_at', 'updated_by']).where('wave_id', '=', waveId).execute()
  return new Map(rows.map((r) => [r.language as Language, { body: r.body, updatedAt: r.updated_at, updatedBy: r.updated_by }]))
}

/** The notice a respondent reads in `language`: the team's own, or the default. */
export async function privacyNoticeFor(db: Kysely<Database>, waveId: string, language: Language, facts: NoticeFacts): Promise<string> {
  const row = await db.selectFrom('wave_privacy_notices').select('body').where('wave_id', '=', waveId).where('language', '=', language).executeTakeFirst()
  return row?.body ?? defaultPrivacyNotice(language, facts)
}

/** Replaces the notice in each language given, all or nothing. */
export async function savePrivacyNotices(db: Kysely<Database>, waveId: string, bodies: Partial<Record<Language, string>>, savedBy: string): Promise<void> {
  const now = nowIso()
  await db.transaction().execute(async (trx) => {
    for (const [language, body] of Object.entries(bodies)) {
      await trx.deleteFrom('wave_privacy_notices').where('wave_id', '=', waveId).where('language', '=', language).execute()
      await trx.insertInto('wave_privacy_notices').values({ wave_id: waveId, language, body, updated_at: now, updated_by: savedBy }).execute()
    }
  })
}
