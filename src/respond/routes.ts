// The respondent journey: the emailed link opens the organisation's own response. Task list,
// question pages saved one at a time, "check your answers", submit once, confirmation, print.
// Plain HTML forms with redirects after every save, so it works without JavaScript and a
// refresh never posts twice.
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { SECRET_TOKEN } from '../db/ids.js'
import { formatUkDate, formatUkTime } from '../i18n/uk-dates.js'
import { translator } from '../i18n/catalogue.js'
import { recordFacts } from '../analysis/facts.js'
import { isEmailAddress } from '../mail/address.js'
import { queueMessage } from '../mail/outbox.js'
import { answerToFields, isComplete, isRequired, parsePage, describeAnswer, type FieldError, type FormFields } from '../questionnaire/answers.js'
import type { SurveyVersion } from '../questionnaire/catalogue.js'
import { isAnswerable, languagesOf, localize } from '../questionnaire/model.js'
import type { Language, Question } from '../questionnaire/schema.js'
import { contactsOf } from '../waves/organisations.js'
import { privacyNoticeFor } from '../waves/privacy-notices.js'
import { isCsrfFailure } from '../web/errors.js'
import { chooseLanguage } from '../web/language.js'
import { noticeBlocks } from '../web/notice-text.js'
import { errorSummary, pageQuestionViews } from '../web/question-view.js'
import { questionIndex, questionsOnForm, walkVisible } from '../questionnaire/skip-logic.js'
import { piping } from '../questionnaire/piping.js'
import { checkPage, withConfirmations, withPageAnswers, type SoftWarning } from '../questionnaire/checks.js'
import { renderPage } from '../web/render.js'
import { pageIdParam } from '../surveys/params.js'
import { summariseResponse } from './group-summary.js'
import { groupRoutes, sectionHref, taskListEntries } from './group-routes.js'
import { submitItems } from './group-submission.js'
import { confirmationMessage } from './confirmation-mail.js'
import { nextPageInSection, previousPageInSection, responseProgress, type ResponseProgress } from './progress.js'
import { carriedOnPage, carriedStatusNotes, carriedStatusWriter, previousResponse } from '../carry/respondent.js'
import { importMark } from '../imports/import-mark.js'
import { findByToken, loadResponse, recordOpened, savePage, submitResponse, type LinkContext, type StoredResponse } from './responses.js'

export interface TokenParams {
  token: string
}
interface PageParams extends TokenParams {
  pageId: string
}

const tokenParams = {
  type: 'object',
  required: ['token'],
  properties: { token: { type: 'string', maxLength: 100 } },
} as const

const pageParams = {
  type: 'object',
  required: ['token', 'pageId'],
  properties: { ...tokenParams.properties, pageId: pageIdParam },
} as const

export const pageBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string', maxLength: 200 },
    _action: { type: 'string', enum: ['continue', 'later'] },
    _page_version: { type: 'string', pattern: '^[0-9]{1,9}$' },
    _return: { type: 'string', enum: ['check', ''] },
  },
} as const

const submitBody = {
  type: 'object',
  properties: {
    _csrf: { type: 'string', maxLength: 200 },
    copy_to: { type: 'string', maxLength: 320 },
  },
} as const


export interface Journey {
  link: LinkContext
  version: SurveyVersion
  language: Language
  languages: Language[]
  base: string
  /** Closed by the team or past the deadline: nothing more can be saved. */
  closed: boolean
  /** The response's own address when `base` is an item's of a repeating group (group-routes.ts). */
  home?: string
}

export async function respondRoutes(app: FastifyInstance) {
  const limiter = app.failureLimiters.links
  // Generous per-client limit: a whole council office may share one address.
  const routeLimit = { rateLimit: { max: app.config.linkRatePerMinute, timeWindow: '1 minute' } }

  /**
   * Finds the response behind a link, or answers with the right page for a bad one. A closed
   * wave (closed by the team, or past its deadline) answers with the closed page unless the
   * route reads what was saved (`allowClosed`) or must say what was not saved.
   */
  async function openLink(request: FastifyRequest<{ Params: TokenParams }>, reply: FastifyReply, options: { allowClosed?: boolean } = {}): Promise<Journey | undefined> {
    const token = request.params.token
    const link = SECRET_TOKEN.test(token) ? await findByToken(app.db, app.linkTokenKey, token) : undefined
    if (!link) {
      // Only links that do not work are slowed and refused: every prison reaches us through a few
      // shared gateways, so refusing an address would refuse every prison's working link too.
      if (limiter.blocked(request.ip)) {
        await linkProblem(request, reply, 'rate_limited', 429)
        return undefined
      }
      const failures = await limiter.recordFailure(request.ip)
      // An honest typo waits a moment; a scan from one address crawls long before it is blocked.
      await sleep(failures * app.config.linkGuessDelayMs)
      await linkProblem(request, reply, 'unknown', 404)
      return undefined
    }
    const version = app.catalogue.find(link.wave.survey_id, link.wave.version)
    if (!version) throw new Error(`Wave ${link.wave.id} uses ${link.wave.survey_id} ${link.wave.version}, which is not loaded`)
    const languages = languagesOf(version.definition)
    const language = chooseLanguage(request, reply, languages)
    if (link.invitation.status === 'revoked') {
      await linkProblem(request, reply, 'revoked', 410, link, language)
      return undefined
    }
    const closed = link.wave.status === 'closed' || (link.wave.closes_at !== null && link.wave.closes_at < new Date().toISOString() && link.response.status !== 'submitted')
    if (closed && !options.allowClosed) {
      await linkProblem(request, reply, 'closed', 410, link, language, `/r/${token}`)
      return undefined
    }
    if (link.wave.status === 'draft') {
      await linkProblem(request, reply, 'not_open', 403, link, language)
      return undefined
    }
    return { link, version, language, languages, base: `/r/${token}`, closed }
  }

  async function linkProblem(request: FastifyRequest, reply: FastifyReply, kind: string, status: number, link?: LinkContext, language: Language = 'en', base?: string) {
    reply.header('x-robots-tag', 'noindex')
    // Only a closed wave's link comes with `base` (and its link): after closing, what was saved stays
    // readable, as does the wave's own notice; a replaced or draft link has no pages of its own.
    const printHref = base && link?.response.status !== 'not_started' ? `${base}/print` : undefined
    const privacyHref = base ? `${base}/privacy` : undefined
    return renderPage(
      request,
      reply,
      'respond/link-problem',
      { kind, teamName: link?.wave.team_name, teamEmail: link?.wave.team_email, printHref, privacyHref },
      { language, status },
    )
  }

  app.get<{ Params: TokenParams }>('/r/:token', { schema: { params: tokenParams }, config: routeLimit }, async (request, reply) => {
    const journey = await openLink(request, reply)
    if (!journey) return reply
    const { link, version, language } = journey
    await recordOpened(app.db, link.invitation)
    const stored = await loadResponse(app.db, link.response.id)
    const progress = responseProgress(version.definition, stored)
    const t = translator(language)
    if (link.response.status === 'submitted') {
      return renderPage(request, reply, 'respond/submitted', { ...common(journey), reference: link.response.reference, submittedAt: formatUkDate(link.response.submitted_at, t) }, pageContext(journey))
    }
    // Once anything is saved, "continue" leads to the first section still to do, never back
    // into a finished one (the page saved last may be the last page of a completed section).
    const toDo = stored.pages.size > 0 ? progress.sections.find((s) => s.status === 'in_progress' || s.status === 'not_started') : undefined
    const resume = toDo && (toDo.group ? { href: sectionHref(journey.base, toDo), title: localize(toDo.section.title, language) } : progress.pages.find((p) => p.page.id === toDo.resumePageId))
    return renderPage(
      request,
      reply,
      'respond/start',
      {
        ...common(journey),
        intro: localize(version.definition.intro, language),
        sections: taskListEntries(progress, journey.base, t, language),
        completedCount: progress.completedCount,
        neededCount: progress.neededCount,
        complete: progress.complete,
        resume: resume && 'href' in resume ? resume : resume ? { href: `${journey.base}/pages/${resume.page.id}`, title: localize(resume.page.title ?? resume.section.title, language) } : undefined,
        deadline: link.wave.closes_at ? formatUkDate(link.wave.closes_at, t) : undefined,
        previous: await previousResponse(app.db, app.catalogue, link),
      },
      pageContext(journey),
    )
  })

  app.get<{ Params: PageParams; Querystring: { return?: string } }>(
    '/r/:token/pages/:pageId',
    { schema: { params: pageParams, querystring: { type: 'object', properties: { return: { type: 'string', enum: ['check'] }, lang: { type: 'string' } } } }, config: routeLimit },
    async (request, reply) => {
      const journey = await openLink(request, reply)
      if (!journey) return reply
      if (journey.link.response.status === 'submitted') return reply.redirect(journey.base, 303)
      const stored = await loadResponse(app.db, journey.link.response.id)
      const progress = responseProgress(journey.version.definition, stored)
      const visible = progress.pages.find((p) => p.page.id === request.params.pageId)
      if (!visible) {
        // Unknown, or hidden by the answers given: the task list shows what is left to do.
        if (!journey.version.definition.sections.some((s) => s.pages.some((p) => p.id === request.params.pageId))) return reply.callNotFound()
        return reply.redirect(journey.base, 303)
      }
      const values: FormFields = Object.assign({}, ...questionsOnForm(visible).filter(isAnswerable).map((q) => answerToFields(q, progress.answers[q.id])))
      return showPage(request, reply, journey, request.params.pageId, stored, progress, values, [], { returnTo: request.query.return, prefill: true })
    },
  )

  app.post<{ Params: PageParams; Body: Record<string, string | string[] | undefined> }>(
    '/r/:token/pages/:pageId',
    {
      schema: { params: pageParams, body: pageBody },
      preHandler: app.csrfProtection,
      config: routeLimit,
      errorHandler: async (error, request, reply) => {
        if (!isCsrfFailure(error)) return app.errorHandler(error, request, reply)
        return showTypedAgain(request as FastifyRequest<{ Params: PageParams; Body: FormFields }>, reply)
      },
    },
    async (request, reply) => {
      const journey = await openLink(request, reply, { allowClosed: true })
      if (!journey) return reply
      const { link, version, language } = journey
      if (journey.closed) return showNotSaved(request, reply, journey)
      if (link.response.status === 'submitted') return renderSubmittedRefusal(request, reply, journey)
      const stored = await loadResponse(app.db, link.response.id)
      const progress = responseProgress(version.definition, stored)
      const visible = progress.pages.find((p) => p.page.id === request.params.pageId)
      if (!visible) return reply.redirect(journey.base, 303)
      const action = (request.body._action as string | undefined) ?? 'continue'
      const returnTo = request.body._return === 'check' ? 'check' : undefined
      const t = translator(language)
      const parsed = parsePage(questionsOnForm(visible), request.body as FormFields, t, language, { partial: action === 'later' })
      const questionIds = visible.page.questions.filter(isAnswerable).map((q) => q.id)
      const checks = checkPage(version.definition, visible.page, parsed.answers, stored.answers, progress.answers, request.body as FormFields, t, language)
      const errors = [...parsed.errors, ...checks.errors]
      // Saving for later never stops to ask "is that right?": the page stays to do until it is confirmed.
      if (errors.length || (checks.warnings.length && action !== 'later')) {
        const baseVersion = Number(request.body._page_version ?? 0)
        return showPage(request, reply, journey, visible.page.id, stored, progress, parsed.values, errors, { status: errors.length ? 400 : 200, returnTo, baseVersion, warnings: checks.warnings })
      }
      const answers = withConfirmations(parsed.answers, checks.confirmed)
      const now = walkVisible(version.definition, withPageAnswers(progress.answers, visible.page, answers)).pages.find((p) => p.page.id === visible.page.id) ?? visible
      const completed = checks.warnings.length === 0 && now.questions.every((q) => !isAnswerable(q) || !isRequired(q) || isComplete(q, answers[q.id]))
      const carried = await carriedOnPage(app.db, app.catalogue, link, questionsOnForm(visible), language, t)
      const result = await savePage(app.db, {
        responseId: link.response.id,
        pageId: visible.page.id,
        baseVersion: Number(request.body._page_version ?? 0),
        questionIds,
        answers,
        completed,
        afterSave: carriedStatusWriter(carried, link.response.id, answers),
      })
      if (result.outcome === 'submitted') return renderSubmittedRefusal(request, reply, journey)
      if (result.outcome === 'conflict') {
        const pipe = pipeFor(journey, progress.answers)
        const colleague = visible.questions.filter(isAnswerable).map((q) => ({ question: pipe(localize(q.text, language)), answer: describeAnswer(q, result.answers[q.id], t, language) }))
        return showPage(request, reply, journey, visible.page.id, stored, progress, parsed.values, [], {
          status: 409,
          returnTo,
          baseVersion: result.current.version,
          conflict: { at: formatUkTime(result.current.updatedAt, t), answers: colleague },
        })
      }
      if (action === 'later') return reply.redirect(`${journey.base}/saved?page=${visible.page.id}`, 303)
      if (returnTo === 'check') return reply.redirect(`${journey.base}/check`, 303)
      // The next page follows from what was stored plus this save: no need to read it all back.
      const merged = { ...stored.answers, ...answers }
      for (const id of questionIds) if (!(id in parsed.answers)) delete merged[id]
      const next = nextPageInSection(walkVisible(version.definition, merged).pages, visible.page.id)
      return reply.redirect(next ? `${journey.base}/pages/${next.page.id}` : journey.base, 303)
    },
  )

  app.get<{ Params: TokenParams; Querystring: { page?: string } }>(
    '/r/:token/saved',
    { schema: { params: tokenParams, querystring: { type: 'object', properties: { page: pageIdParam, lang: { type: 'string' } } } }, config: routeLimit },
    async (request, reply) => {
      const journey = await openLink(request, reply)
      if (!journey) return reply
      const page = request.query.page ? journey.version.definition.sections.flatMap((s) => s.pages).find((p) => p.id === request.query.page) : undefined
      // The link people copy and forward comes from PUBLIC_URL: the Host header is the client's to forge.
      return renderPage(
        request,
        reply,
        'respond/saved',
        { ...common(journey), link: `${app.config.publicUrl}${journey.base}`, pageHref: page ? `${journey.base}/pages/${page.id}` : journey.base, deadline: journey.link.wave.closes_at ? formatUkDate(journey.link.wave.closes_at, translator(journey.language)) : undefined },
        pageContext(journey),
      )
    },
  )

  app.get<{ Params: TokenParams }>('/r/:token/check', { schema: { params: tokenParams }, config: routeLimit }, async (request, reply) => {
    const journey = await openLink(request, reply)
    if (!journey) return reply
    if (journey.link.response.status === 'submitted') return reply.redirect(journey.base, 303)
    return showCheck(request, reply, journey, await progressOf(journey), [], '')
  })

  app.post<{ Params: TokenParams; Body: { copy_to?: string } }>(
    '/r/:token/submit',
    {
      schema: { params: tokenParams, body: submitBody },
      preHandler: app.csrfProtection,
      config: routeLimit,
      errorHandler: async (error, request, reply) => {
        if (!isCsrfFailure(error)) return app.errorHandler(error, request, reply)
        const journey = await openLink(request as FastifyRequest<{ Params: TokenParams }>, reply)
        if (!journey) return reply
        if (journey.link.response.status === 'submitted') return reply.redirect(`${journey.base}/confirmation`, 303)
        const copyTo = String((request.body as { copy_to?: string } | undefined)?.copy_to ?? '').trim()
        return showCheck(request, reply, journey, await progressOf(journey), [], copyTo, 403, { expired: true })
      },
    },
    async (request, reply) => {
      const journey = await openLink(request, reply)
      if (!journey) return reply
      const { link, version, language } = journey
      if (link.response.status === 'submitted') return reply.redirect(`${journey.base}/confirmation`, 303)
      const t = translator(language)
      const copyTo = (request.body.copy_to ?? '').trim()
      if (copyTo && !isEmailAddress(copyTo)) {
        return showCheck(request, reply, journey, await progressOf(journey), [{ questionId: 'copy_to', fieldId: 'copy_to', message: t('error.email') }], copyTo, 400)
      }
      const progress = await progressOf(journey)
      if (!progress.complete) return showCheck(request, reply, journey, progress, [], copyTo, 409)
      const contacts = await contactsOf(app.db, link.organisation.id)
      const recipients = [...new Set([...contacts.map((c) => c.email), ...(copyTo ? [copyTo] : [])])]
      await submitResponse(app.db, link.response.id, Object.keys(progress.answers), async (trx, submittedAt) => {
        await recordFacts(trx, link.wave.id, link.response.id, progress.pages.flatMap((p) => p.questions), progress.answers)
        await submitItems(trx, link.wave.id, link.response.id, progress.sections.flatMap((s) => s.group ?? []))
        if (recipients.length === 0) return
        await queueMessage(
          trx,
          confirmationMessage({
            responseId: link.response.id,
            submittedAt,
            reference: link.response.reference,
            waveId: link.wave.id,
            organisationId: link.organisation.id,
            organisationName: link.organisation.name,
            surveyTitle: localize(version.definition.title, language),
            waveLabel: link.wave.label,
            teamName: link.wave.team_name,
            teamEmail: link.wave.team_email,
            to: recipients,
            sections: summariseResponse(progress, t, language, journey.base, pipeFor(journey, progress.answers)),
            t,
          }),
        )
      })
      const query = copyTo ? `?copy=${encodeURIComponent(copyTo)}` : ''
      return reply.redirect(`${journey.base}/confirmation${query}`, 303)
    },
  )

  app.get<{ Params: TokenParams; Querystring: { copy?: string } }>(
    '/r/:token/confirmation',
    { schema: { params: tokenParams, querystring: { type: 'object', properties: { copy: { type: 'string', maxLength: 320 }, lang: { type: 'string' } } } }, config: routeLimit },
    async (request, reply) => {
      const journey = await openLink(request, reply)
      if (!journey) return reply
      if (journey.link.response.status !== 'submitted') return reply.redirect(journey.base, 303)
      const contacts = await contactsOf(app.db, journey.link.organisation.id)
      const copy = request.query.copy && isEmailAddress(request.query.copy) ? [request.query.copy] : []
      return renderPage(
        request,
        reply,
        'respond/confirmation',
        { ...common(journey), reference: journey.link.response.reference, sentTo: [...new Set([...contacts.map((c) => c.email), ...copy])] },
        pageContext(journey),
      )
    },
  )

  app.get<{ Params: TokenParams }>('/r/:token/print', { schema: { params: tokenParams }, config: routeLimit }, async (request, reply) => {
    const journey = await openLink(request, reply, { allowClosed: true })
    if (!journey) return reply
    const t = translator(journey.language)
    const progress = await progressOf(journey)
    return renderPage(
      request,
      reply,
      'respond/print',
      {
        ...common(journey),
        organisation: journey.link.organisation.name,
        reference: journey.link.response.reference,
        submitted: journey.link.response.status === 'submitted',
        submittedAt: formatUkDate(journey.link.response.submitted_at, t),
        sections: summariseResponse(progress, t, journey.language, journey.base, pipeFor(journey, progress.answers)),
        carriedStatus: await carriedStatusNotes(app.db, journey.link.wave.id, journey.link.response.id, t),
      },
      pageContext(journey),
    )
  })

  // What the organisation said in its previous wave, read-only, for a new officer: only ever the
  // link's own organisation's response, never one named by the request.
  app.get<{ Params: TokenParams }>('/r/:token/previous', { schema: { params: tokenParams }, config: routeLimit }, async (request, reply) => {
    const journey = await openLink(request, reply, { allowClosed: true })
    if (!journey) return reply
    const previous = await previousResponse(app.db, app.catalogue, journey.link)
    const earlier = previous && app.catalogue.find(previous.wave.survey_id, previous.wave.version)
    if (!previous || !earlier) return reply.callNotFound()
    const t = translator(journey.language)
    const progress = responseProgress(earlier.definition, await loadResponse(app.db, previous.responseId))
    return renderPage(
      request,
      reply,
      'respond/print',
      {
        ...common(journey),
        surveyTitle: localize(earlier.definition.title, journey.language),
        organisation: journey.link.organisation.name,
        reference: previous.reference,
        submitted: true,
        submittedAt: formatUkDate(previous.submittedAt, t),
        sections: summariseResponse(progress, t, journey.language, journey.base),
        previousWave: previous.wave.label,
        // A past wave brought in from a file was not submitted here: its import date is no submission date.
        previousImported: Boolean(await importMark(app.db, previous.wave.id)),
      },
      pageContext(journey),
    )
  })

  // The wave's privacy notice stays readable once the response is submitted or the wave has
  // closed: people may ask how their answers are used long after they gave them.
  app.get<{ Params: TokenParams }>('/r/:token/privacy', { schema: { params: tokenParams }, config: routeLimit }, async (request, reply) => {
    const journey = await openLink(request, reply, { allowClosed: true })
    if (!journey) return reply
    const data = common(journey)
    const notice = await privacyNoticeFor(app.db, journey.link.wave.id, journey.language, { team: data.teamName, email: data.teamEmail, survey: data.surveyTitle })
    return renderPage(request, reply, 'respond/privacy', { ...data, blocks: noticeBlocks(notice) }, pageContext(journey))
  })

  await groupRoutes(app, { openLink, showPage, common, pageContext, renderSubmittedRefusal, showNotSaved, routeLimit })

  async function progressOf(journey: Journey) {
    return responseProgress(journey.version.definition, await loadResponse(app.db, journey.link.response.id))
  }

  /** Fills the placeholders of the journey's texts with the answers so far and the organisation (piping.ts). */
  function pipeFor(journey: Journey, answers: ResponseProgress['answers']) {
    const { organisation } = journey.link
    return piping({
      answers,
      questions: questionIndex(journey.version.definition),
      organisation: { name: organisation.name, attributes: JSON.parse(organisation.attributes_json) as Record<string, string> },
      t: translator(journey.language),
      language: journey.language,
    })
  }

  function common(journey: Journey) {
    return {
      base: journey.base,
      surveyTitle: localize(journey.version.definition.title, journey.language),
      organisation: journey.link.organisation.name,
      teamName: journey.link.wave.team_name,
      teamEmail: journey.link.wave.team_email,
      privacyHref: `${journey.home ?? journey.base}/privacy`,
    }
  }

  function pageContext(journey: Journey, status = 200) {
    return { language: journey.language, languages: journey.languages, status }
  }

  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    pageId: string,
    stored: StoredResponse,
    progress: ResponseProgress,
    values: FormFields,
    errors: FieldError[],
    options: { status?: number; returnTo?: string; baseVersion?: number; conflict?: { at: string; answers: { question: string; answer: string[] }[] }; expired?: boolean; warnings?: SoftWarning[]; prefill?: boolean } = {},
  ) {
    const { language } = journey
    const t = translator(language)
    const visible = progress.pages.find((p) => p.page.id === pageId)!
    const sectionPages = progress.pages.filter((p) => p.section.id === visible.section.id)
    const previous = previousPageInSection(progress.pages, pageId)
    const questions: Question[] = questionsOnForm(visible)
    const warnings = options.warnings ?? []
    const carried = await carriedOnPage(app.db, app.catalogue, journey.link, questions, language, t)
    // Last time's answers start a page never saved; once saved, the page shows what was saved.
    if (carried && options.prefill && !stored.pages.has(pageId)) values = { ...carried.prefill, ...values }
    const pipe = pipeFor(journey, progress.answers)
    return renderPage(
      request,
      reply,
      'respond/page',
      {
        ...common(journey),
        sectionTitle: localize(visible.section.title, language),
        pageTitle: localize(visible.page.title, language) || localize(visible.section.title, language),
        pageIntro: pipe(localize(visible.page.intro, language) || (sectionPages[0].page.id === pageId ? localize(visible.section.intro, language) : '')),
        pageId,
        pageVersion: options.baseVersion ?? stored.pages.get(pageId)?.version ?? 0,
        position: { current: sectionPages.findIndex((p) => p.page.id === pageId) + 1, total: sectionPages.length },
        backHref: options.returnTo === 'check' ? `${journey.home ?? journey.base}/check` : previous ? `${journey.base}/pages/${previous.page.id}` : journey.base,
        returnTo: options.returnTo ?? '',
        questions: pageQuestionViews(questions, values, errors, warnings, language, t, pipe),
        errorSummary: errorSummary(errors, questions, language, t, pipe),
        softChecks: warnings.map((w) => ({ href: `#${w.field.id}`, text: w.message })),
        conflict: options.conflict,
        expired: options.expired === true,
        carried: carried?.notes,
      },
      pageContext(journey, options.status),
    )
  }

  async function showCheck(request: FastifyRequest, reply: FastifyReply, journey: Journey, progress: ResponseProgress, errors: FieldError[], copyTo: string, status = 200, options: { expired?: boolean } = {}) {
    const t = translator(journey.language)
    return renderPage(
      request,
      reply,
      'respond/check',
      {
        ...common(journey),
        sections: summariseResponse(progress, t, journey.language, journey.base, pipeFor(journey, progress.answers)),
        // Every section still to do, so a response that cannot be submitted always says why.
        incomplete: progress.sections
          .filter((s) => s.status !== 'completed' && s.status !== 'not_needed')
          .map((s) => ({ title: localize(s.section.title, journey.language), href: sectionHref(journey.base, s) })),
        complete: progress.complete,
        copyTo,
        copyError: errors.find((e) => e.fieldId === 'copy_to')?.message,
        errorSummary: errors.map((e) => ({ href: `#${e.fieldId}`, text: e.message })),
        expired: options.expired === true,
        carriedStatus: await carriedStatusNotes(app.db, journey.link.wave.id, journey.link.response.id, t),
      },
      pageContext(journey, status),
    )
  }

  /**
   * The form's CSRF cookie has gone (browser restarted, cookies cleared, the page left open for
   * days): nothing is saved, but the page comes back with everything typed and a new token, so
   * one more click saves it. Forged posts gain nothing: they only show the sender's own input.
   */
  async function showTypedAgain(request: FastifyRequest<{ Params: PageParams; Body: FormFields }>, reply: FastifyReply) {
    const journey = await openLink(request, reply, { allowClosed: true })
    if (!journey) return reply
    if (journey.closed) return showNotSaved(request, reply, journey)
    if (journey.link.response.status === 'submitted') return renderSubmittedRefusal(request, reply, journey)
    const stored = await loadResponse(app.db, journey.link.response.id)
    const progress = responseProgress(journey.version.definition, stored)
    const visible = progress.pages.find((p) => p.page.id === request.params.pageId)
    if (!visible) return reply.redirect(journey.base, 303)
    const body = request.body ?? {}
    const parsed = parsePage(questionsOnForm(visible), body, translator(journey.language), journey.language, { partial: true })
    const version = Number(/^[0-9]{1,9}$/.test(String(body._page_version ?? '')) ? body._page_version : (stored.pages.get(visible.page.id)?.version ?? 0))
    return showPage(request, reply, journey, visible.page.id, stored, progress, parsed.values, [], {
      status: 403,
      returnTo: body._return === 'check' ? 'check' : undefined,
      baseVersion: version,
      expired: true,
    })
  }

  /** A save that arrived after the wave closed: say so, and give back what was typed. */
  async function showNotSaved(request: FastifyRequest<{ Params: PageParams; Body: FormFields }>, reply: FastifyReply, journey: Journey) {
    const { language } = journey
    const t = translator(language)
    const page = journey.version.definition.sections.flatMap((s) => s.pages).find((p) => p.id === request.params.pageId)
    const questions = (page?.questions ?? []).filter(isAnswerable)
    const parsed = parsePage(questions, request.body ?? {}, t, language, { partial: true })
    const typed = questions
      .map((q) => ({ question: localize(q.text, language), answer: parsed.answers[q.id] ? describeAnswer(q, parsed.answers[q.id], t, language) : typedText(q, parsed.values) }))
      .filter((row) => row.answer.length > 0)
    return renderPage(
      request,
      reply,
      'respond/not-saved',
      { ...common(journey), typed, printHref: journey.link.response.status !== 'not_started' ? `${journey.base}/print` : undefined },
      pageContext(journey, 410),
    )
  }

  async function renderSubmittedRefusal(request: FastifyRequest, reply: FastifyReply, journey: Journey) {
    return renderPage(request, reply, 'respond/submitted', { ...common(journey), reference: journey.link.response.reference, submittedAt: formatUkDate(journey.link.response.submitted_at, translator(journey.language)), refused: true }, pageContext(journey, 409))
  }
}

/** What was typed for a question whose answer could not be read (a typo in a number), as typed. */
function typedText(question: Question, values: FormFields): string[] {
  return Object.entries(values)
    .filter(([name]) => name === question.id || name.startsWith(`${question.id}__`))
    .flatMap(([, value]) => ([] as string[]).concat(value ?? []))
    .map((v) => v.trim())
    .filter((v) => v !== '')
}
