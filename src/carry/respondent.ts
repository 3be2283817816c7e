// What the respondent sees of the past: beside each carried question, "Last time (2015/16) your
// authority said: …" with that answer filled in until the page is first saved; the status of each
// carried answer on "check your answers" and the print copy; and the organisation's previous
// submitted response, read-only. Always the link's own organisation: nothing here takes an
// organisation from the request.
import type { Kysely } from 'kysely'
import type { Database, WaveTable } from '../db/schema.js'
import type { Translate } from '../i18n/catalogue.js'
import { answerToFields, describeAnswer, type Answers, type FormFields } from '../questionnaire/answers.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { isAnswerable } from '../questionnaire/model.js'
import type { Language, Question } from '../questionnaire/schema.js'
import { carriedStatuses, carrySetting, earlierAnswers, recordCarriedStatuses, statusesOf, type EarlierAnswers } from './carry-forward.js'

interface LinkLike {
  wave: WaveTable
  organisation: { id: string; type: string }
  response: { id: string }
}

export interface CarriedNote {
  /** "Last time (2015/16) your authority said:" */
  said: string
  answer: string[]
}

/** "your authority", "your prison" or "your organisation", by the organisation's type. */
function whoKey(type: string): string {
  const lower = type.toLowerCase()
  return lower.includes('prison') ? 'prison' : lower.includes('authority') || lower.includes('council') ? 'authority' : 'organisation'
}

export interface CarriedPage {
  earlier: EarlierAnswers
  notes: Record<string, CarriedNote>
  /** Form fields showing the earlier answers, for a page not saved yet. */
  prefill: FormFields
}

/** The carried questions among a page's questions, with what was said last time; undefined when there are none. */
export async function carriedOnPage(db: Kysely<Database>, catalogue: Catalogue, link: LinkLike, questions: Question[], language: Language, t: Translate): Promise<CarriedPage | undefined> {
  const earlier = await earlierAnswers(db, catalogue, link.wave, link.organisation.id, questions.filter(isAnswerable).map((q) => q.id))
  if (!earlier) return undefined
  const notes: Record<string, CarriedNote> = {}
  const prefill: FormFields = {}
  const said = t(`respond.carried.said.${whoKey(link.organisation.type)}`, { wave: earlier.source.label })
  for (const [id, answer] of earlier.answers) {
    if (!answer) continue
    const question = earlier.plans.get(id)!.question
    notes[id] = { said, answer: describeAnswer(question, answer, t, language) }
    Object.assign(prefill, answerToFields(question, answer))
  }
  return { earlier, notes, prefill }
}

/** The save's hook: the statuses of the page's carried questions, written in its transaction. */
export function carriedStatusWriter(carried: CarriedPage | undefined, responseId: string, answers: Answers) {
  if (!carried) return undefined
  const statuses = carriedStatuses(carried.earlier, answers)
  return (trx: Kysely<Database>) => recordCarriedStatuses(trx, responseId, carried.earlier.source.id, statuses)
}

/** "Confirmed from 2015/16", "Changed since 2015/16" or "New: not answered in 2015/16", per question, for check-your-answers and print. */
export async function carriedStatusNotes(db: Kysely<Database>, waveId: string, responseId: string, t: Translate): Promise<Record<string, string>> {
  const setting = await carrySetting(db, waveId)
  if (!setting) return {}
  const statuses = await statusesOf(db, responseId)
  return Object.fromEntries([...statuses].map(([id, status]) => [id, t(`respond.carried.status.${status}`, { wave: setting.source.label })]))
}

/**
 * The organisation's previous submitted response in the same survey: in the most recent earlier
 * wave (of this version or an earlier one, not launched after this one) where it submitted, or
 * whose imported answers hold it.
 */
export async function previousResponse(db: Kysely<Database>, catalogue: Catalogue, link: LinkLike): Promise<{ wave: WaveTable; responseId: string; submittedAt: string | null; reference: string } | undefined> {
  const versions = catalogue.surveys.find((s) => s.id === link.wave.survey_id)?.versions.map((v) => v.definition.version) ?? []
  const position = versions.indexOf(link.wave.version)
  const rows = await db
    .selectFrom('responses')
    .innerJoin('waves', 'waves.id', 'responses.wave_id')
    .selectAll('waves')
    .select(['responses.id as response_id', 'responses.submitted_at as response_submitted_at', 'responses.reference as response_reference'])
    .where('responses.organisation_id', '=', link.organisation.id)
    .where('responses.status', '=', 'submitted')
    .where('waves.survey_id', '=', link.wave.survey_id)
    .where('waves.id', '!=', link.wave.id)
    .execute()
  const since = link.wave.launched_at ?? link.wave.created_at
  const earlier = rows
    .filter((w) => {
      const at = versions.indexOf(w.version)
      // A wave of an earlier version is earlier; one of the same version, if launched before this one.
      return at >= 0 && (at < position || (at === position && !(w.launched_at && w.launched_at > since)))
    })
    .sort((a, b) => versions.indexOf(b.version) - versions.indexOf(a.version) || (b.launched_at ?? b.created_at).localeCompare(a.launched_at ?? a.created_at))
  const found = earlier[0]
  if (!found) return undefined
  const { response_id: responseId, response_submitted_at: submittedAt, response_reference: reference, ...wave } = found
  return { wave: wave as WaveTable, responseId, submittedAt, reference }
}
