// The pages of a repeating group, in the GOV.UK "add multiple things" pattern: a list of the
// items added (each with change and remove links) and "Do you need to add another?", the
// questions of each item on pages of their own, and removal after "Are you sure?". Plain forms
// and redirects, as the rest of the journey, so it works without JavaScript.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ID_PATTERN } from '../db/ids.js'
import { translator, type Translate } from '../i18n/catalogue.js'
import { answerToFields, describeAnswer, isComplete, isRequired, parsePage, type FieldError, type FormFields } from '../questionnaire/answers.js'
import { checkPage, withConfirmations, withPageAnswers, type SoftWarning } from '../questionnaire/checks.js'
import { findGroup, itemLimits, walkItem } from '../questionnaire/groups.js'
import { isAnswerable, localize } from '../questionnaire/model.js'
import type { Language } from '../questionnaire/schema.js'
import { questionsOnForm } from '../questionnaire/skip-logic.js'
import { numberWithUnit } from '../questionnaire/units.js'
import { pageIdParam } from '../surveys/params.js'
import { formatUkTime } from '../i18n/uk-dates.js'
import { isCsrfFailure } from '../web/errors.js'
import { renderPage } from '../web/render.js'
import { removeItem, saveItemPage, setListFinished } from './group-items.js'
import { itemProgress, type GroupProgress, type ItemProgress } from './group-progress.js'
import { itemBase, itemTitle } from './group-summary.js'
import { nextPageInSection, responseProgress, type ResponseProgress, type SectionProgress } from './progress.js'
import { loadResponse, type StoredResponse } from './responses.js'
import { pageBody, type Journey, type TokenParams } from './routes.js'

/** What the respondent journey lends the group pages: finding the response, and its page template. */
export interface JourneyPages {
  openLink(request: FastifyRequest<{ Params: TokenParams }>, reply: FastifyReply, options?: { allowClosed?: boolean }): Promise<Journey | undefined>
  showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    pageId: string,
    stored: StoredResponse,
    progress: ResponseProgress,
    values: FormFields,
    errors: FieldError[],
    options?: { status?: number; returnTo?: string; baseVersion?: number; conflict?: { at: string; answers: { question: string; answer: string[] }[] }; expired?: boolean; warnings?: SoftWarning[] },
  ): Promise<unknown>
  common(journey: Journey): Record<string, unknown>
  pageContext(journey: Journey, status?: number): { language: Language; languages: Language[]; status: number }
  renderSubmittedRefusal(request: FastifyRequest, reply: FastifyReply, journey: Journey): Promise<unknown>
  /** A save that arrived after the wave closed: says so, and gives back what was typed. */
  showNotSaved(request: FastifyRequest<{ Params: { token: string; pageId: string }; Body: FormFields }>, reply: FastifyReply, journey: Journey): Promise<unknown>
  routeLimit: { rateLimit: { max: number; timeWindow: string } }
}

interface GroupParams extends TokenParams {
  groupId: string
}
interface ItemParams extends GroupParams {
  itemId: string
}
interface ItemPageParams extends ItemParams {
  pageId: string
}

const NEW_ITEM = 'new'
const tokenParam = { type: 'string', maxLength: 100 } as const
const groupParams = { type: 'object', required: ['token', 'groupId'], properties: { token: tokenParam, groupId: pageIdParam } } as const
const itemParams = {
  type: 'object',
  required: ['token', 'groupId', 'itemId'],
  properties: { token: tokenParam, groupId: pageIdParam, itemId: { type: 'string', anyOf: [{ pattern: ID_PATTERN }, { const: NEW_ITEM }] } },
} as const
const itemPageParams = { ...itemParams, required: [...itemParams.required, 'pageId'], properties: { ...itemParams.properties, pageId: pageIdParam } } as const
const yesNoBody = { type: 'object', properties: { _csrf: { type: 'string', maxLength: 200 }, answer: { type: 'string', enum: ['yes', 'no'] } } } as const
const langQuery = { type: 'object', properties: { lang: { type: 'string' }, removed: { type: 'string', enum: ['1'] }, return: { type: 'string', enum: ['check'] } } } as const

export function listHref(responseBase: string, groupId: string): string {
  return `${responseBase}/groups/${groupId}`
}

/** Where a section's task-list entry leads: a group's list, or the first page still to do. */
export function sectionHref(responseBase: string, s: SectionProgress): string {
  if (s.group) return listHref(responseBase, s.section.id)
  return s.resumePageId ? `${responseBase}/pages/${s.resumePageId}` : responseBase
}

/** The task list: a section per entry, and beneath a repeating group an entry for each of its items. */
export function taskListEntries(progress: ResponseProgress, responseBase: string, t: Translate, language: Language) {
  return progress.sections.flatMap((s) => [
    { id: s.section.id, title: localize(s.section.title, language), status: s.status, href: s.group || s.resumePageId ? sectionHref(responseBase, s) : undefined },
    ...(s.group?.items ?? []).map((item) => ({
      id: `item-${item.item.id}`,
      title: t('respond.group.item_heading', { group: localize(s.section.title, language), item: itemTitle(item, t) }),
      status: item.status,
      href: `${itemBase(responseBase, s.section.id, item.item.id)}/pages/${item.resumePageId}`,
    })),
  ])
}

export async function groupRoutes(app: FastifyInstance, journeys: JourneyPages) {
  const { openLink, showPage, common, pageContext, renderSubmittedRefusal, showNotSaved, routeLimit } = journeys

  /** The response and the group, when the group is asked; otherwise the reply already sent. */
  async function openGroup(request: FastifyRequest<{ Params: GroupParams }>, reply: FastifyReply, options: { allowClosed?: boolean } = {}) {
    const journey = await openLink(request, reply, options)
    if (!journey) return undefined
    if (!findGroup(journey.version.definition, request.params.groupId)) {
      await reply.callNotFound()
      return undefined
    }
    if (journey.link.response.status === 'submitted' && !journey.closed) {
      await (request.method === 'GET' ? reply.redirect(journey.base, 303) : renderSubmittedRefusal(request, reply, journey))
      return undefined
    }
    const stored = await loadResponse(app.db, journey.link.response.id)
    const progress = responseProgress(journey.version.definition, stored)
    const group = progress.sections.find((s) => s.section.id === request.params.groupId)?.group
    if (!group) {
      // Not asked, given the answers so far: the task list says why.
      await reply.redirect(journey.base, 303)
      return undefined
    }
    return { journey, stored, progress, group }
  }

  function firstPageHref(journey: Journey, group: GroupProgress, item: string): string {
    return `${itemBase(journey.base, group.group.id, item)}/pages/${group.group.pages[0].id}`
  }

  async function showList(request: FastifyRequest, reply: FastifyReply, journey: Journey, group: GroupProgress, error?: string, status = 200, removed = false) {
    const { language } = journey
    const t = translator(language)
    const repeat = group.group.repeat
    const { min, max } = itemLimits(group.group)
    const count = group.items.length
    return renderPage(
      request,
      reply,
      'respond/group-list',
      {
        ...common(journey),
        sectionTitle: localize(group.group.title, language),
        heading: count === 0 ? localize(group.group.title, language) : t('respond.group.added', { items: numberWithUnit(count, repeat.items, language) }),
        intro: count === 0 ? localize(group.group.intro, language) : '',
        action: listHref(journey.base, group.group.id),
        addHref: group.canAdd ? firstPageHref(journey, group, NEW_ITEM) : undefined,
        addItem: localize(repeat.add_item, language),
        addAnother: localize(repeat.add_another, language),
        mayHaveNone: min === 0,
        full: group.canAdd ? undefined : t('respond.group.full', { items: numberWithUnit(max, repeat.items, language) }),
        items: group.items.map((item) => ({
          title: itemTitle(item, t),
          status: item.status,
          changeHref: `${itemBase(journey.base, group.group.id, item.item.id)}/pages/${item.resumePageId}`,
          removeHref: `${itemBase(journey.base, group.group.id, item.item.id)}/remove`,
        })),
        error,
        errorSummary: error ? [{ href: '#answer', text: error }] : [],
        removed,
      },
      pageContext(journey, status),
    )
  }

  app.get<{ Params: GroupParams; Querystring: { removed?: string } }>('/r/:token/groups/:groupId', { schema: { params: groupParams, querystring: langQuery }, config: routeLimit }, async (request, reply) => {
    const opened = await openGroup(request, reply)
    if (!opened) return reply
    return showList(request, reply, opened.journey, opened.group, undefined, 200, request.query.removed === '1')
  })

  app.post<{ Params: GroupParams; Body: { answer?: 'yes' | 'no' } }>(
    '/r/:token/groups/:groupId',
    { schema: { params: groupParams, body: yesNoBody }, preHandler: app.csrfProtection, config: routeLimit },
    async (request, reply) => {
      const opened = await openGroup(request, reply)
      if (!opened) return reply
      const { journey, group } = opened
      const t = translator(journey.language)
      const repeat = group.group.repeat
      const answer = request.body.answer
      if (answer === undefined) return showList(request, reply, journey, group, t('respond.group.choose'), 400)
      if (answer === 'yes' && group.canAdd) {
        await setListFinished(app.db, journey.link.response.id, group.group.id, false)
        return reply.redirect(firstPageHref(journey, group, NEW_ITEM), 303)
      }
      if (group.tooFew) return showList(request, reply, journey, group, t('respond.group.too_few', { items: numberWithUnit(itemLimits(group.group).min, repeat.items, journey.language) }), 400)
      await setListFinished(app.db, journey.link.response.id, group.group.id, true)
      return reply.redirect(journey.base, 303)
    },
  )

  // The back link of an item's first page, and "back to the list".
  app.get<{ Params: ItemParams }>('/r/:token/groups/:groupId/items/:itemId', { schema: { params: itemParams, querystring: langQuery }, config: routeLimit }, async (request, reply) =>
    reply.redirect(listHref(`/r/${request.params.token}`, request.params.groupId), 303),
  )

  /** An item and its page, or the reply already sent (the item was removed, the page is not asked). */
  async function openItemPage(request: FastifyRequest<{ Params: ItemPageParams }>, reply: FastifyReply, options: { allowClosed?: boolean } = {}) {
    const opened = await openGroup(request, reply, options)
    if (!opened) return undefined
    const { journey, group, progress } = opened
    const { itemId, pageId } = request.params
    const isNew = itemId === NEW_ITEM
    const item: ItemProgress | undefined = isNew
      ? group.canAdd
        ? itemProgress(journey.version.definition, group.group, progress.answers, { id: NEW_ITEM, groupId: group.group.id, position: group.items.length + 1, answers: {}, pages: new Map() }, group.items.length + 1)
        : undefined
      : group.items.find((i) => i.item.id === itemId)
    const visible = item?.pages.find((p) => p.page.id === pageId)
    if (!item || !visible || (isNew && visible !== item.pages[0])) {
      if (!group.group.pages.some((p) => p.id === pageId)) await reply.callNotFound()
      else await reply.redirect(listHref(journey.base, group.group.id), 303)
      return undefined
    }
    const t = translator(journey.language)
    const heading = t('respond.group.item_heading', { group: localize(group.group.title, journey.language), item: itemTitle(item, t) })
    // The item's pages, captioned with the item, for the question page template.
    const pages = item.pages.map((p) => ({ ...p, section: { ...p.section, title: heading } }))
    const itemJourney: Journey = { ...journey, base: itemBase(journey.base, group.group.id, itemId), home: journey.base }
    const itemStored: StoredResponse = { answers: item.item.answers, pages: item.item.pages }
    const itemView: ResponseProgress = { ...progress, pages, answers: { ...progress.answers, ...item.answers } }
    return { ...opened, isNew, item, visible, itemJourney, itemStored, itemView }
  }

  app.get<{ Params: ItemPageParams; Querystring: { return?: string } }>(
    '/r/:token/groups/:groupId/items/:itemId/pages/:pageId',
    { schema: { params: itemPageParams, querystring: langQuery }, config: routeLimit },
    async (request, reply) => {
      const opened = await openItemPage(request, reply)
      if (!opened) return reply
      const { item, visible, itemJourney, itemStored, itemView } = opened
      const values: FormFields = Object.assign({}, ...questionsOnForm(visible).filter(isAnswerable).map((q) => answerToFields(q, item.answers[q.id])))
      return showPage(request, reply, itemJourney, visible.page.id, itemStored, itemView, values, [], { returnTo: request.query.return })
    },
  )

  app.post<{ Params: ItemPageParams; Body: Record<string, string | string[] | undefined> }>(
    '/r/:token/groups/:groupId/items/:itemId/pages/:pageId',
    {
      schema: { params: itemPageParams, body: pageBody },
      preHandler: app.csrfProtection,
      config: routeLimit,
      // A form whose CSRF cookie has gone comes back with everything typed, as a question page does.
      errorHandler: async (error, request, reply) => {
        if (!isCsrfFailure(error)) return app.errorHandler(error, request, reply)
        const opened = await openItemPage(request as FastifyRequest<{ Params: ItemPageParams }>, reply)
        if (!opened) return reply
        const body = (request.body ?? {}) as FormFields
        const parsed = parsePage(questionsOnForm(opened.visible), body, translator(opened.journey.language), opened.journey.language, { partial: true })
        const version = /^[0-9]{1,9}$/.test(String(body._page_version ?? '')) ? Number(body._page_version) : (opened.item.item.pages.get(opened.visible.page.id)?.version ?? 0)
        return showPage(request, reply, opened.itemJourney, opened.visible.page.id, opened.itemStored, opened.itemView, parsed.values, [], { status: 403, baseVersion: version, expired: true, returnTo: body._return === 'check' ? 'check' : undefined })
      },
    },
    async (request, reply) => {
      const closing = await openLink(request, reply, { allowClosed: true })
      if (!closing) return reply
      if (closing.closed) return showNotSaved(request as FastifyRequest<{ Params: ItemPageParams; Body: FormFields }>, reply, closing)
      const opened = await openItemPage(request, reply)
      if (!opened) return reply
      const { journey, stored, progress, group, item, visible, isNew, itemJourney, itemStored, itemView } = opened
      const { language } = journey
      const definition = journey.version.definition
      const t = translator(language)
      const body = request.body as FormFields
      const action = (request.body._action as string | undefined) ?? 'continue'
      const returnTo = request.body._return === 'check' ? 'check' : undefined
      const baseVersion = Number(request.body._page_version ?? 0)
      const parsed = parsePage(questionsOnForm(visible), body, t, language, { partial: action === 'later' })
      const checks = checkPage(definition, visible.page, parsed.answers, { ...stored.answers, ...item.item.answers }, itemView.answers, body, t, language)
      const errors = [...parsed.errors, ...checks.errors]
      if (errors.length || (checks.warnings.length && action !== 'later')) {
        return showPage(request, reply, itemJourney, visible.page.id, itemStored, itemView, parsed.values, errors, { status: errors.length ? 400 : 200, returnTo, baseVersion, warnings: checks.warnings })
      }
      const answers = withConfirmations(parsed.answers, checks.confirmed)
      const itemAnswers = withPageAnswers(item.answers, visible.page, answers)
      const now = walkItem(definition, group.group, progress.answers, itemAnswers).pages.find((p) => p.page.id === visible.page.id) ?? visible
      const completed = checks.warnings.length === 0 && now.questions.every((q) => !isAnswerable(q) || !isRequired(q) || isComplete(q, answers[q.id]))
      const result = await saveItemPage(app.db, {
        responseId: journey.link.response.id,
        groupId: group.group.id,
        itemId: isNew ? undefined : item.item.id,
        pageId: visible.page.id,
        baseVersion: isNew ? 0 : baseVersion,
        questionIds: visible.page.questions.filter(isAnswerable).map((q) => q.id),
        answers,
        completed,
        maxItems: itemLimits(group.group).max,
      })
      if (result.outcome === 'full') return reply.redirect(listHref(journey.base, group.group.id), 303)
      if (result.outcome === 'submitted') return renderSubmittedRefusal(request, reply, journey)
      if (result.outcome === 'conflict') {
        const colleague = visible.questions.filter(isAnswerable).map((q) => ({ question: localize(q.text, language), answer: describeAnswer(q, result.answers[q.id], t, language) }))
        return showPage(request, reply, itemJourney, visible.page.id, itemStored, itemView, parsed.values, [], {
          status: 409,
          returnTo,
          baseVersion: result.current.version,
          conflict: { at: formatUkTime(result.current.updatedAt, t), answers: colleague },
        })
      }
      if (action === 'later') return reply.redirect(`${journey.base}/saved`, 303)
      if (returnTo === 'check') return reply.redirect(`${journey.base}/check`, 303)
      const next = nextPageInSection(walkItem(definition, group.group, progress.answers, itemAnswers).pages, visible.page.id)
      return reply.redirect(next ? `${itemBase(journey.base, group.group.id, result.itemId)}/pages/${next.page.id}` : listHref(journey.base, group.group.id), 303)
    },
  )

  async function openItem(request: FastifyRequest<{ Params: ItemParams }>, reply: FastifyReply) {
    const opened = await openGroup(request, reply)
    if (!opened) return undefined
    const item = opened.group.items.find((i) => i.item.id === request.params.itemId)
    if (!item) {
      // Already removed (by a colleague, or a second click): the list shows what is left.
      await reply.redirect(listHref(opened.journey.base, opened.group.group.id), 303)
      return undefined
    }
    return { ...opened, item }
  }

  async function showRemove(request: FastifyRequest, reply: FastifyReply, journey: Journey, group: GroupProgress, item: ItemProgress, error?: string, status = 200) {
    const t = translator(journey.language)
    return renderPage(
      request,
      reply,
      'respond/group-remove',
      {
        ...common(journey),
        sectionTitle: localize(group.group.title, journey.language),
        question: t('respond.group.remove_question', { item: itemTitle(item, t) }),
        action: `${itemBase(journey.base, group.group.id, item.item.id)}/remove`,
        backHref: listHref(journey.base, group.group.id),
        error,
        errorSummary: error ? [{ href: '#answer', text: error }] : [],
      },
      pageContext(journey, status),
    )
  }

  app.get<{ Params: ItemParams }>('/r/:token/groups/:groupId/items/:itemId/remove', { schema: { params: itemParams, querystring: langQuery }, config: routeLimit }, async (request, reply) => {
    const opened = await openItem(request, reply)
    if (!opened) return reply
    return showRemove(request, reply, opened.journey, opened.group, opened.item)
  })

  app.post<{ Params: ItemParams; Body: { answer?: 'yes' | 'no' } }>(
    '/r/:token/groups/:groupId/items/:itemId/remove',
    { schema: { params: itemParams, body: yesNoBody }, preHandler: app.csrfProtection, config: routeLimit },
    async (request, reply) => {
      const opened = await openItem(request, reply)
      if (!opened) return reply
      const { journey, group, item } = opened
      const t = translator(journey.language)
      const list = listHref(journey.base, group.group.id)
      if (request.body.answer === undefined) return showRemove(request, reply, journey, group, item, t('respond.group.remove_choose', { item: itemTitle(item, t) }), 400)
      if (request.body.answer === 'no') return reply.redirect(list, 303)
      const removed = await removeItem(app.db, journey.link.response.id, item.item.id)
      return reply.redirect(removed ? `${list}?removed=1` : list, 303)
    },
  )
}
