// The respondent's answers, section by section, as shown on "check your answers", the print
// copy and the confirmation e-mail.
import type { Translate } from '../i18n/catalogue.js'
import { describeAnswer, type Answers } from '../questionnaire/answers.js'
import { isAnswerable, localize } from '../questionnaire/model.js'
import type { Language } from '../questionnaire/schema.js'
import type { VisiblePage } from '../questionnaire/skip-logic.js'
import { noPiping, withPipedOptions, type Pipe } from '../questionnaire/piping.js'

export interface SummarySection {
  id: string
  title: string
  rows: { questionId: string; question: string; answer: string[]; pageId: string; confirmed?: string }[]
  /** Where the change links of an item of a repeating group lead (its pages), instead of the response's. */
  base?: string
}

/**
 * `pipe` fills the questions' placeholders with the answers and the organisation (piping.ts); a
 * row whose answer the respondent confirmed at a soft check says so ("You confirmed this answer").
 */
export function summariseAnswers(pages: VisiblePage[], answers: Answers, t: Translate, language: Language, pipe: Pipe = noPiping): SummarySection[] {
  const sections: SummarySection[] = []
  for (const visible of pages) {
    let section = sections.find((s) => s.id === visible.section.id)
    if (!section) sections.push((section = { id: visible.section.id, title: localize(visible.section.title, language), rows: [] }))
    for (const q of visible.questions) {
      if (!isAnswerable(q)) continue
      const confirmed = Object.keys(answers[q.id]?.confirmed ?? {}).length > 0
      section.rows.push({ questionId: q.id, question: pipe(localize(q.text, language)), answer: describeAnswer(withPipedOptions(q, pipe, language), answers[q.id], t, language), pageId: visible.page.id, ...(confirmed ? { confirmed: t('answer.confirmed') } : {}) })
    }
  }
  return sections
}
