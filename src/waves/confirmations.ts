// What the team is shown before launching a wave: how many organisations will be invited, in
// which languages, which have no contact to send to, and one real invitation exactly as it will
// be sent. Counted with grouped queries, so the page is as quick for 30,000 organisations as for 30.
import { sql, type Kysely } from 'kysely'
import type { Database, WaveTable } from '../db/schema.js'
import { SAMPLE_LINK_TOKEN } from './messages.js'
import { composeWaveMessage, waveContacts, type WaveContext } from './waves.js'

export interface LaunchPreview {
  /** Organisations in the wave, with a link. */
  organisations: number
  /** Of those, the ones with at least one contact: the invitations that will be queued. */
  invitations: number
  /** Invitations by the language the organisation asked for: en, cy or both. */
  languages: { en: number; cy: number; both: number }
  withoutContacts: { count: number; names: string[] }
  sample: { organisation: string; to: string; subject: string; text: string } | null
}

/** Organisations without contacts named on the page; beyond these, only the count. */
const NAMED = 10

export async function launchPreview(db: Kysely<Database>, wave: WaveTable, context: WaveContext, publicUrl: string): Promise<LaunchPreview> {
  const inWave = db
    .selectFrom('invitations')
    .innerJoin('organisations', 'organisations.id', 'invitations.organisation_id')
    .where('invitations.wave_id', '=', wave.id)
    .where('invitations.status', '=', 'active')
  const hasContact = sql<boolean>`exists (select 1 from contacts where contacts.organisation_id = organisations.id)`
  const byLanguage = await inWave.select(['organisations.language', (eb) => eb.fn.countAll<string | number>().as('n')]).where(hasContact).groupBy('organisations.language').execute()
  const languages = { en: 0, cy: 0, both: 0 }
  for (const row of byLanguage) {
    const language = row.language === 'cy' || row.language === 'both' ? row.language : 'en'
    languages[language] += Number(row.n)
  }
  const without = await inWave.select((eb) => eb.fn.countAll<string | number>().as('n')).where(sql<boolean>`not ${hasContact}`).executeTakeFirstOrThrow()
  const named = await inWave.select('organisations.name').where(sql<boolean>`not ${hasContact}`).orderBy('organisations.name').limit(NAMED).execute()
  const invitations = languages.en + languages.cy + languages.both
  // The sample is a real organisation of the wave, Welsh-speaking where there is one, as its
  // e-mail shows the most: both languages, Welsh first.
  const sampled = await inWave
    .select(['organisations.id', 'organisations.name', 'organisations.language'])
    .where(hasContact)
    .orderBy(sql`case organisations.language when 'both' then 0 when 'cy' then 1 else 2 end`)
    .orderBy('organisations.name')
    .limit(1)
    .executeTakeFirst()
  let sample: LaunchPreview['sample'] = null
  if (sampled) {
    const contacts = await waveContacts(db, sampled.id)
    const message = composeWaveMessage(context, wave, sampled, contacts, 'invitation', `${publicUrl}/r/${SAMPLE_LINK_TOKEN}`)
    sample = { organisation: sampled.name, to: contacts.map((c) => `${c.name} <${c.email}>`).join(', '), subject: message.subject, text: message.text }
  }
  return { organisations: invitations + Number(without.n), invitations, languages, withoutContacts: { count: Number(without.n), names: named.map((r) => r.name) }, sample }
}
