// Quotations for a report: answers, or passages of them, chosen by the team and shown as a report
// would print them: pseudonymised (the respondent id of the exports, never the organisation's
// name), with the organisation's type, the wave, the question and the codes the answer carries.
import ExcelJS from 'exceljs'
import type { Kysely } from 'kysely'
import type { FreeTextAnswer } from '../analysis/free-text.js'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { toCsv } from '../web/csv.js'
import { answerKey, type AnswerKey } from './codings.js'

export interface Quotation {
  id: string
  wave: string
  questionId: string
  question: string
  organisationType: string
  respondentId: string
  text: string
  codes: string[]
  chosenBy: string
}

export async function chooseQuotation(db: Kysely<Database>, waveId: string, answer: AnswerKey, span: { start: number; end: number } | undefined, chosenBy: string): Promise<string> {
  const id = newId()
  await db
    .insertInto('quotations')
    .values({ id, wave_id: waveId, organisation_id: answer.organisationId, question_key: answer.questionKey, start_offset: span?.start ?? null, end_offset: span?.end ?? null, chosen_by: chosenBy, chosen_at: nowIso() })
    .execute()
  return id
}

export async function removeQuotation(db: Kysely<Database>, id: string): Promise<{ wave_id: string } | undefined> {
  const found = await db.selectFrom('quotations').select('wave_id').where('id', '=', id).executeTakeFirst()
  if (found) await db.deleteFrom('quotations').where('id', '=', id).execute()
  return found
}

/** A wave's quotations with their text; one whose answer is no longer there (erased) is left out. */
export async function quotationsOf(
  db: Kysely<Database>,
  wave: { id: string; label: string },
  answers: FreeTextAnswer[],
  codesOfAnswer: (key: string) => string[],
): Promise<Quotation[]> {
  const rows = await db.selectFrom('quotations').selectAll().where('wave_id', '=', wave.id).orderBy('chosen_at').orderBy('id').execute()
  const byKey = new Map(answers.map((a) => [answerKey({ organisationId: a.organisationId, questionKey: a.questionId }), a]))
  const out: Quotation[] = []
  for (const r of rows) {
    const key = answerKey({ organisationId: r.organisation_id, questionKey: r.question_key })
    const answer = byKey.get(key)
    if (!answer) continue
    const text = r.start_offset === null ? answer.answer : answer.answer.slice(r.start_offset, r.end_offset ?? undefined)
    out.push({ id: r.id, wave: wave.label, questionId: answer.questionId, question: answer.question, organisationType: answer.organisationType, respondentId: answer.respondentId, text, codes: codesOfAnswer(key), chosenBy: r.chosen_by })
  }
  return out
}

const HEADER = ['wave', 'question_id', 'question', 'organisation_type', 'respondent_id', 'quotation', 'codes']
const line = (q: Quotation) => [q.wave, q.questionId, q.question, q.organisationType, q.respondentId, q.text, q.codes.join('; ')]

export const quotationsCsv = (quotations: Quotation[]) => toCsv(HEADER, quotations.map(line))

export async function quotationsWorkbook(quotations: Quotation[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  book.creator = 'Survey Waves'
  const sheet = book.addWorksheet('Quotations')
  sheet.addRow(HEADER).font = { bold: true }
  // Strings are written as text cells, never formulas: an answer beginning with "=" stays words.
  for (const q of quotations) sheet.addRow(line(q))
  sheet.views = [{ state: 'frozen', ySplit: 1 }]
  sheet.columns.forEach((c, i) => (c.width = i === 5 ? 80 : 18))
  sheet.getColumn(6).alignment = { wrapText: true, vertical: 'top' }
  return Buffer.from(await book.xlsx.writeBuffer())
}
