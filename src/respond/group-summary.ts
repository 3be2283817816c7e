// The answers of a response with its repeating groups: after the organisation's sections, in
// the questionnaire's order, a section for each item of a group ("Each prison in your area: HMP
// Leeds"), as check your answers, the print copy and the confirmation e-mail show them.
import type { Translate } from '../i18n/catalogue.js'
import { localize } from '../questionnaire/model.js'
import { noPiping, type Pipe } from '../questionnaire/piping.js'
import type { Language } from '../questionnaire/schema.js'
import { summariseAnswers, type SummarySection } from './answer-summary.js'
import type { ItemProgress } from './group-progress.js'
import type { ResponseProgress } from './progress.js'

/** An item as the respondent reads it: its name, or "Item 2" before it has one. */
export function itemTitle(item: ItemProgress, t: Translate): string {
  return item.name ?? t('respond.group.unnamed', { number: item.number })
}

export function itemBase(responseBase: string, groupId: string, itemId: string): string {
  return `${responseBase}/groups/${groupId}/items/${itemId}`
}

/** `pipe` fills placeholders from the organisation's answers, in its sections and its items' alike. */
export function summariseResponse(progress: ResponseProgress, t: Translate, language: Language, responseBase: string, pipe: Pipe = noPiping): SummarySection[] {
  const organisation = summariseAnswers(progress.pages, progress.answers, t, language, pipe)
  return progress.sections.flatMap((s): SummarySection[] => {
    if (!s.group) return organisation.filter((o) => o.id === s.section.id)
    const group = localize(s.section.title, language)
    return s.group.items.map((item) => ({
      rows: summariseAnswers(item.pages, item.answers, t, language, pipe).flatMap((section) => section.rows),
      id: `${s.section.id}-${item.item.id}`,
      title: t('respond.group.item_heading', { group, item: itemTitle(item, t) }),
      base: itemBase(responseBase, s.section.id, item.item.id),
    }))
  })
}
