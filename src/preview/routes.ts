// Preview: the research team pages through any version exactly as a respondent would, with
// skip logic and validation, but nothing is saved. The answers so far travel with the form in a
// hidden field, so the preview works without JavaScript, without storage, on any app process.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { translator } from '../i18n/catalogue.js'
import { describeAnswer, parsePage, answerToFields, sanitizeAnswers, type Answers, type FieldError, type FormFields } from '../questionnaire/answers.js'
import type { SurveyVersion } from '../questionnaire/catalogue.js'
import { allPages, isAnswerable, languagesOf, localize } from '../questionnaire/model.js'
import type { Language } from '../questionnaire/schema.js'
import { questionIndex, questionsOnForm } from '../questionnaire/skip-logic.js'
import { walkWithOneItem } from '../questionnaire/groups.js'
import { chooseLanguage } from '../web/language.js'
import { renderPage } from '../web/render.js'
import { errorSummary, pageQuestionViews } from '../web/question-view.js'
import { checkPage, withConfirmations, withPageAnswers, type SoftWarning } from '../questionnaire/checks.js'
import { piping, withPipedOptions } from '../questionnaire/piping.js'
import { pageIdParam, surveyVersionParams, type SurveyVersionParams } from '../surveys/params.js'

interface PageParams extends SurveyVersionParams {
  pageId: string
}

const pageParams = {
  type: 'object',
  required: ['survey', 'version', 'pageId'],
  properties: { ...surveyVersionParams.properties, pageId: pageIdParam },
} as const

const pageBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string', maxLength: 200 },
    _state: { type: 'string', maxLength: 2_000_000 },
    _action: { type: 'string', enum: ['continue', 'back', 'show'] },
    _lang: { type: 'string', enum: ['en', 'cy'] },
  },
} as const

export function encodeState(answers: Answers): string {
  return Buffer.from(JSON.stringify(answers), 'utf8').toString('base64url')
}

export function decodeState(version: SurveyVersion, raw: string | undefined): Answers {
  if (!raw) return {}
  try {
    return sanitizeAnswers(questionIndex(version.definition), JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')))
  } catch {
    return {}
  }
}

export async function previewRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.requireUser)
  const findVersion = (request: FastifyRequest<{ Params: SurveyVersionParams }>) =>
    app.catalogue.find(request.params.survey, request.params.version)

  app.get<{ Params: SurveyVersionParams }>('/preview/:survey/:version', { schema: { params: surveyVersionParams } }, async (request, reply) => {
    const version = findVersion(request)
    if (!version) return reply.callNotFound()
    const languages = languagesOf(version.definition)
    const language = chooseLanguage(request, reply, languages)
    const t = translator(language)
    const definition = version.definition
    const sections = definition.sections.map((section) => ({
      title: localize(section.title, language),
      conditional: Boolean(section.show_if),
      firstPage: section.pages[0].id,
      pageCount: section.pages.length,
    }))
    return renderPage(
      request,
      reply,
      'preview/start',
      {
        base: `/preview/${definition.survey}/${definition.version}`,
        title: localize(definition.title, language),
        intro: localize(definition.intro, language),
        version: definition.version,
        sections,
        firstPage: definition.sections[0].pages[0].id,
        questionCount: allPages(definition).reduce((n, p) => n + p.page.questions.filter(isAnswerable).length, 0),
        t,
      },
      { language, languages },
    )
  })

  app.get<{ Params: PageParams }>('/preview/:survey/:version/pages/:pageId', { schema: { params: pageParams } }, async (request, reply) => {
    const version = findVersion(request)
    if (!version) return reply.callNotFound()
    const language = chooseLanguage(request, reply, languagesOf(version.definition))
    return showPage(request, reply, version, request.params.pageId, {}, {}, [], language)
  })

  app.post<{ Params: PageParams; Body: Record<string, string | string[] | undefined> }>(
    '/preview/:survey/:version/pages/:pageId',
    { schema: { params: pageParams, body: pageBody }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const version = findVersion(request)
      if (!version) return reply.callNotFound()
      const definition = version.definition
      const language = chooseLanguage(request, reply, languagesOf(definition))
      const answers = decodeState(version, request.body._state as string | undefined)
      const pageId = request.params.pageId
      const action = request.body._action ?? 'continue'
      const { pages } = walkWithOneItem(definition, answers)
      const index = pages.findIndex((p) => p.page.id === pageId)

      if (action === 'show') return showPage(request, reply, version, pageId, answers, undefined, [], language)
      if (action === 'back') {
        const previous = index > 0 ? pages[index - 1] : undefined
        if (!previous) return reply.redirect(`/preview/${definition.survey}/${definition.version}`, 303)
        return showPage(request, reply, version, previous.page.id, answers, undefined, [], language)
      }

      const page = allPages(definition).find((p) => p.page.id === pageId)
      if (!page) return reply.callNotFound()
      const shown = index >= 0 ? questionsOnForm(pages[index]) : page.page.questions
      const t = translator(language)
      const parsed = parsePage(shown, request.body as FormFields, t, language)
      const checks = checkPage(definition, page.page, parsed.answers, answers, walkWithOneItem(definition, answers).answers, request.body as FormFields, t, language)
      const errors = [...parsed.errors, ...checks.errors]
      if (errors.length || checks.warnings.length) return showPage(request, reply, version, pageId, answers, parsed.values, errors, language, errors.length ? 400 : 200, checks.warnings)

      const merged = withPageAnswers(answers, page.page, withConfirmations(parsed.answers, checks.confirmed))
      const after = walkWithOneItem(definition, merged)
      const position = after.pages.findIndex((p) => p.page.id === pageId)
      const order = allPages(definition).findIndex((p) => p.page.id === pageId)
      // A page reached directly may itself be hidden: go on to the next visible page after it.
      const next =
        position >= 0
          ? after.pages[position + 1]
          : after.pages.find((p) => allPages(definition).findIndex((x) => x.page.id === p.page.id) > order)
      if (next) return showPage(request, reply, version, next.page.id, after.answers, undefined, [], language)
      return showCheckAnswers(request, reply, version, after.answers, language)
    },
  )
}

async function showPage(
  request: FastifyRequest,
  reply: FastifyReply,
  version: SurveyVersion,
  pageId: string,
  answers: Answers,
  typed: FormFields | undefined,
  errors: FieldError[],
  language: Language,
  status = 200,
  warnings: SoftWarning[] = [],
) {
  const definition = version.definition
  const located = allPages(definition).find((p) => p.page.id === pageId)
  if (!located) return reply.callNotFound()
  const t = translator(language)
  const { pages } = walkWithOneItem(definition, answers)
  const index = pages.findIndex((p) => p.page.id === pageId)
  const questions = index >= 0 ? questionsOnForm(pages[index]) : located.page.questions
  const values: FormFields = typed ?? Object.assign({}, ...questions.filter(isAnswerable).map((q) => answerToFields(q, answers[q.id])))
  const pipe = previewPipe(definition, answers, language)
  return renderPage(
    request,
    reply,
    'preview/page',
    {
      base: `/preview/${definition.survey}/${definition.version}`,
      surveyTitle: localize(definition.title, language),
      sectionTitle: localize(located.section.title, language),
      pageTitle: localize(located.page.title, language),
      pageIntro: pipe(localize(located.page.intro, language) || (located.section.pages[0].id === pageId ? localize(located.section.intro, language) : '')),
      pageId,
      hiddenByAnswers: index < 0,
      progress: index >= 0 ? { current: index + 1, total: pages.length } : undefined,
      questions: pageQuestionViews(questions, values, errors, warnings, language, t, pipe),
      errorSummary: errorSummary(errors, questions, language, t, pipe),
      softChecks: warnings.map((w) => ({ href: `#${w.field.id}`, text: w.message })),
      state: encodeState(answers),
      hasPrevious: index > 0,
    },
    { language, languages: languagesOf(definition), status },
  )
}

async function showCheckAnswers(request: FastifyRequest, reply: FastifyReply, version: SurveyVersion, answers: Answers, language: Language) {
  const definition = version.definition
  const t = translator(language)
  const { pages } = walkWithOneItem(definition, answers)
  const pipe = previewPipe(definition, answers, language)
  const sections: { title: string; rows: { question: string; answer: string[]; pageId: string }[] }[] = []
  for (const visible of pages) {
    const title = localize(visible.section.title, language)
    let section = sections.find((s) => s.title === title)
    if (!section) sections.push((section = { title, rows: [] }))
    for (const q of visible.questions) {
      if (!isAnswerable(q)) continue
      section.rows.push({ question: pipe(localize(q.text, language)), answer: describeAnswer(withPipedOptions(q, pipe, language), answers[q.id], t, language), pageId: visible.page.id })
    }
  }
  return renderPage(
    request,
    reply,
    'preview/check',
    { base: `/preview/${definition.survey}/${definition.version}`, surveyTitle: localize(definition.title, language), sections, state: encodeState(answers) },
    { language, languages: languagesOf(definition) },
  )
}

/**
 * The preview has no organisation: piped text shows the answers given in the preview so far, and
 * each placeholder with nothing to show by its name ("[organisation.region]"), so the team sees
 * what is piped where.
 */
function previewPipe(definition: SurveyVersion['definition'], answers: Answers, language: Language) {
  return piping({ answers: walkWithOneItem(definition, answers).answers, questions: questionIndex(definition), t: translator(language), language, showNames: true })
}
