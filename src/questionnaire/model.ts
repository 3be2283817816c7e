// Read-only helpers over a validated definition: walking its questions in order, the options a
// question offers (yes/no questions have built-in ones) and text in a chosen language.
import { translator } from '../i18n/catalogue.js'
import type { AnswerableQuestion, Condition, Definition, Language, Option, Page, Question, Section, Text } from './schema.js'
import type { Path } from './problems.js'

// Fixed codes for yes/no questions, documented in the README, so every wave exports them alike.
export const YES_NO_CODES = { yes: 1, no: 2, dont_know: 8, not_applicable: 9 } as const

export interface PlacedQuestion {
  question: Question
  section: Section
  page: Page
  sectionIndex: number
  pageIndex: number
  questionIndex: number
  /** Position of the page in the whole questionnaire, counting from 0. */
  pageOrder: number
  /** Position of the question in the whole questionnaire, counting from 0. */
  order: number
  path: Path
}

export function isAnswerable(question: Question): question is AnswerableQuestion {
  return question.type !== 'info'
}

export function placedQuestions(definition: Definition): PlacedQuestion[] {
  const placed: PlacedQuestion[] = []
  let pageOrder = 0
  definition.sections.forEach((section, sectionIndex) => {
    section.pages.forEach((page, pageIndex) => {
      page.questions.forEach((question, questionIndex) => {
        placed.push({
          question,
          section,
          page,
          sectionIndex,
          pageIndex,
          questionIndex,
          pageOrder,
          order: placed.length,
          path: ['sections', sectionIndex, 'pages', pageIndex, 'questions', questionIndex],
        })
      })
      pageOrder++
    })
  })
  return placed
}

export function allPages(definition: Definition): { section: Section; page: Page; sectionIndex: number; pageOrder: number }[] {
  const pages: { section: Section; page: Page; sectionIndex: number; pageOrder: number }[] = []
  definition.sections.forEach((section, sectionIndex) =>
    section.pages.forEach((page) => pages.push({ section, page, sectionIndex, pageOrder: pages.length })),
  )
  return pages
}

export function questionOptions(question: Question): Option[] {
  switch (question.type) {
    case 'single_choice':
    case 'multiple_choice':
    case 'grid':
      return question.options
    case 'yes_no': {
      const label = (key: string): Text => ({ en: translator('en')(key), cy: translator('cy')(key) })
      const options: Option[] = [
        { code: YES_NO_CODES.yes, label: label('answer.yes') },
        { code: YES_NO_CODES.no, label: label('answer.no') },
      ]
      if (question.dont_know) options.push({ code: YES_NO_CODES.dont_know, label: label('answer.dont_know'), special: 'dont_know' })
      if (question.not_applicable)
        options.push({ code: YES_NO_CODES.not_applicable, label: label('answer.not_applicable'), special: 'not_applicable' })
      return options
    }
    default:
      return []
  }
}

export function languagesOf(definition: Definition): Language[] {
  return definition.languages ?? ['en']
}

export function textIn(text: Text | undefined, language: Language): string | undefined {
  if (text === undefined) return undefined
  if (typeof text === 'string') return language === 'en' ? text : undefined
  return text[language]
}

/** Text in the requested language, falling back to English (then anything) rather than showing nothing. */
export function localize(text: Text | undefined, language: Language): string {
  if (text === undefined) return ''
  return textIn(text, language) ?? textIn(text, 'en') ?? (typeof text === 'string' ? text : (text.cy ?? ''))
}

/** A follow-up's option, as the condition it amounts to (asked when that option is chosen). */
export function followUpCondition(question: Question): Condition | undefined {
  return question.type !== 'info' && question.follow_up_of ? { question: question.follow_up_of.question, in: [question.follow_up_of.option] } : undefined
}

/** Everything that decides whether a question is asked: its section's, page's and own skip logic, and a follow-up's option. */
export function askedWhen(p: { section: Section; page: Page; question: Question }): (Condition | undefined)[] {
  return [p.section.show_if, p.page.show_if, p.question.show_if, followUpCondition(p.question)]
}
