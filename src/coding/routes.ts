// The thematic coding pages: a survey's codebook, the grid where a coder codes a wave's free
// text one answer at a time (whole answers with check boxes, passages by quoting them, so all of
// it works without JavaScript), and, once both coders have finished, their agreement per code and
// the differences to settle. Coding is an analyst's work: analysts and admins may do all of it,
// and every change is in the audit log.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../accounts/audit.js'
import { freeTextAnswers, type FreeTextAnswer, type FreeTextSet } from '../analysis/free-text.js'
import { ID_PATTERN } from '../db/ids.js'
import type { WaveTable } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { formatUkDate } from '../i18n/uk-dates.js'
import { localize } from '../questionnaire/model.js'
import type { Definition } from '../questionnaire/schema.js'
import { attributeLabel } from '../web/attribute-label.js'
import { redirectDone } from '../web/done-notice.js'
import { pagination } from '../web/pagination.js'
import { renderTeamPage } from '../web/render.js'
import { waveParams, type WaveParams } from '../waves/params.js'
import { waveWithDefinition } from '../waves/wave-definition.js'
import { findPassage, piecesOf } from './answer-text.js'
import { CodebookFileError, importCodebook, parseQdc, qdcDocument } from './refi-codebook.js'
import { importProject, readProjectArchive } from './refi-import.js'
import { codedWave, themeBreakdown, themeTable, type ThemeTable } from './themes.js'
import { chooseQuotation, quotationsCsv, quotationsOf, quotationsWorkbook, removeQuotation, type Quotation } from './quotations.js'
import { toCsv } from '../web/csv.js'
import { checkCode, codesOf, codeTree, createCode, findCode, historyOf, inTransaction, mergeCode, splitCode, updateCode, type Code, type CodeFields } from './codebook.js'
import {
  agreedCoding,
  answerKey,
  codedAnswersOf,
  codersOf,
  codeWholeAnswer,
  codePassage,
  codingFinished,
  codingsOf,
  compareCoders,
  decide,
  finishCoding,
  joinCoding,
  removeCoding,
  type Coder,
  type Coding,
} from './codings.js'

const t = translator('en')
const PAGE_SIZE = 25
const QUESTION_KEY = '^[a-z][a-z0-9_]{0,119}$'
/** The grid's filters, carried back after each action so the coder stays where they were. */
const BACK = /^\?[A-Za-z0-9_=&%.:+-]{0,600}$/

const surveyParams = { type: 'object', required: ['surveyId'], properties: { surveyId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100 } } } as const
const codeParams = { type: 'object', required: ['codeId'], properties: { codeId: { type: 'string', pattern: ID_PATTERN } } } as const
const textField = (max: number) => ({ type: 'string', maxLength: max }) as const
const codeBody = {
  type: 'object',
  properties: { _csrf: textField(200), name: textField(1000), description: textField(20000), inclusion: textField(20000), exclusion: textField(20000), example: textField(20000), parentId: textField(36) },
} as const
type CodeForm = { name?: string; description?: string; inclusion?: string; exclusion?: string; example?: string; parentId?: string }

const gridQuery = {
  type: 'object',
  properties: {
    question: { type: 'string', pattern: `^(${QUESTION_KEY.slice(1, -1)})?$` },
    status: { type: 'string', enum: ['all', 'not_coded', 'coded'] },
    code: { type: 'string', pattern: `^(${ID_PATTERN.slice(1, -1)})?$` },
    attribute: { type: 'string', maxLength: 300 },
    page: { type: 'integer', minimum: 1, maximum: 100000 },
  },
} as const
interface GridQuery {
  question?: string
  status?: 'all' | 'not_coded' | 'coded'
  code?: string
  attribute?: string
  page?: number
}

const answerBody = {
  type: 'object',
  required: ['organisation', 'question'],
  properties: {
    _csrf: textField(200),
    organisation: { type: 'string', pattern: ID_PATTERN },
    question: { type: 'string', pattern: QUESTION_KEY },
    codes: { anyOf: [{ type: 'string', pattern: ID_PATTERN }, { type: 'array', maxItems: 500, items: { type: 'string', pattern: ID_PATTERN } }] },
    code: { type: 'string', maxLength: 36 },
    passage: textField(20000),
    start: { type: 'string', pattern: '^[0-9]{0,9}$' },
    end: { type: 'string', pattern: '^[0-9]{0,9}$' },
    applied: { type: 'string', enum: ['yes', 'no'] },
    back: textField(700),
    anchor: { type: 'string', pattern: '^answer-[0-9]{1,7}$' },
  },
} as const
interface AnswerForm {
  organisation: string
  question: string
  codes?: string | string[]
  code?: string
  passage?: string
  start?: string
  end?: string
  applied?: 'yes' | 'no'
  back?: string
  anchor?: string
}

const fieldsOf = (body: CodeForm): CodeFields => ({
  name: body.name ?? '',
  description: body.description ?? '',
  inclusion: body.inclusion ?? '',
  exclusion: body.exclusion ?? '',
  example: body.example ?? '',
  parentId: body.parentId || null,
})

/** "authority_type: London borough" and the organisation type, the values the grid can be filtered by. */
const attributeChoices = (set: FreeTextSet) => {
  const seen = new Set<string>()
  for (const a of set.answers) {
    seen.add(`organisation_type:${a.organisationType}`)
    for (const name of set.attributes) if (a.attributes[name]) seen.add(`${name}:${a.attributes[name]}`)
  }
  return [...seen].sort((a, b) => a.localeCompare(b, 'en-GB')).map((value) => {
    const at = value.indexOf(':')
    return { value, label: `${attributeLabel(value.slice(0, at))}: ${value.slice(at + 1)}` }
  })
}

const matchesAttribute = (a: FreeTextAnswer, filter: string) => {
  const at = filter.indexOf(':')
  const [name, value] = [filter.slice(0, at), filter.slice(at + 1)]
  return name === 'organisation_type' ? a.organisationType === value : a.attributes[name] === value
}

export async function codingRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.requireUser)

  const loadWave = (request: FastifyRequest<{ Params: WaveParams }>, reply: FastifyReply) => waveWithDefinition(app, request, reply)

  const surveyTitle = (surveyId: string) => {
    const survey = app.catalogue.surveys.find((s) => s.id === surveyId)
    return survey ? localize(survey.versions[survey.versions.length - 1].definition.title, 'en') : undefined
  }

  // ---- The list of codebooks and waves -------------------------------------------------------

  app.get('/admin/coding', async (request, reply) => {
    const waves = await app.db.selectFrom('waves').select(['id', 'survey_id', 'label', 'status', 'created_at']).orderBy('survey_id').orderBy('created_at', 'desc').execute()
    const coders = await app.db.selectFrom('coders').innerJoin('users', 'users.id', 'coders.user_id').select(['coders.wave_id', 'users.name', 'coders.done_at']).execute()
    const counts = await app.db.selectFrom('codes').select(['survey_id']).select((eb) => eb.fn.countAll<string | number>().as('n')).where('status', '=', 'active').groupBy('survey_id').execute()
    const surveys = [...new Set([...app.catalogue.surveys.map((s) => s.id), ...waves.map((w) => w.survey_id)])].sort()
    return renderTeamPage(request, reply, 'coding/index', {
      surveys: surveys.map((id) => ({
        id,
        title: surveyTitle(id) ?? id,
        codes: Number(counts.find((c) => c.survey_id === id)?.n ?? 0),
        waves: waves.filter((w) => w.survey_id === id).map((w) => ({ ...w, coders: coders.filter((c) => c.wave_id === w.id) })),
      })),
    })
  })

  // ---- The codebook ----------------------------------------------------------------------------

  async function codebookPage(request: FastifyRequest, reply: FastifyReply, surveyId: string, values: Record<string, string>, errors: Record<string, string>, status = 200) {
    const title = surveyTitle(surveyId)
    if (!title) return reply.callNotFound()
    const codes = await codesOf(app.db, surveyId, { withMerged: true })
    const used = await app.db
      .selectFrom('codings')
      .innerJoin('codes', 'codes.id', 'codings.code_id')
      .select(['codings.code_id'])
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('codes.survey_id', '=', surveyId)
      .groupBy('codings.code_id')
      .execute()
    const active = codes.filter((c) => c.status === 'active')
    return renderTeamPage(
      request,
      reply,
      'coding/codebook',
      { surveyId, title, tree: codeTree(active), merged: codes.filter((c) => c.status === 'merged'), names: new Map(codes.map((c) => [c.id, c.name])), used: new Map(used.map((u) => [u.code_id, Number(u.n)])), values, errors },
      status,
    )
  }

  app.get<{ Params: { surveyId: string } }>('/admin/coding/surveys/:surveyId', { schema: { params: surveyParams } }, async (request, reply) => codebookPage(request, reply, request.params.surveyId, {}, {}))

  const errorsIn = (problems: Record<string, string>) => Object.fromEntries(['name', 'description', 'inclusion', 'exclusion', 'example', 'parentId'].filter((f) => problems[f]).map((f) => [f, t(problems[f])]))

  app.post<{ Params: { surveyId: string }; Body: CodeForm }>(
    '/admin/coding/surveys/:surveyId',
    { schema: { params: surveyParams, body: codeBody }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const { surveyId } = request.params
      if (!surveyTitle(surveyId)) return reply.callNotFound()
      const fields = fieldsOf(request.body)
      const errors = errorsIn(await checkCode(app.db, surveyId, fields))
      if (Object.keys(errors).length) return codebookPage(request, reply, surveyId, { ...request.body } as Record<string, string>, errors, 400)
      const id = await createCode(app.db, request.user!, surveyId, fields)
      await audit(app.db, request.user!, 'code_created', { survey: surveyId, codeId: id, name: fields.name.trim() })
      return redirectDone(reply, `/admin/coding/surveys/${surveyId}`, 'code_created')
    },
  )

  async function loadCode(request: FastifyRequest<{ Params: { codeId: string } }>, reply: FastifyReply): Promise<Code | undefined> {
    const code = await findCode(app.db, request.params.codeId)
    if (!code) await reply.callNotFound()
    return code
  }

  async function codePage(request: FastifyRequest, reply: FastifyReply, code: Code, values: Record<string, string>, errors: Record<string, string>, status = 200) {
    const codes = await codesOf(app.db, code.survey_id, { withMerged: true })
    const names = new Map(codes.map((c) => [c.id, c.name]))
    const history = (await historyOf(app.db, code.id)).map((e) => ({ ...e, when: formatUkDate(e.at, t) }))
    const others = codeTree(codes.filter((c) => c.status === 'active' && c.id !== code.id))
    return renderTeamPage(request, reply, 'coding/code', { code, title: surveyTitle(code.survey_id) ?? code.survey_id, names, history, others, values, errors }, status)
  }

  app.get<{ Params: { codeId: string } }>('/admin/coding/codes/:codeId', { schema: { params: codeParams } }, async (request, reply) => {
    const code = await loadCode(request, reply)
    return code ? codePage(request, reply, code, {}, {}) : reply
  })

  app.post<{ Params: { codeId: string }; Body: CodeForm }>('/admin/coding/codes/:codeId', { schema: { params: codeParams, body: codeBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const code = await loadCode(request, reply)
    if (!code) return reply
    if (code.status !== 'active') return codePage(request, reply, code, {}, { name: t('admin.coding.error.merged_code') }, 409)
    const fields = fieldsOf(request.body)
    const errors = errorsIn(await checkCode(app.db, code.survey_id, fields, code))
    if (Object.keys(errors).length) return codePage(request, reply, code, { ...request.body } as Record<string, string>, errors, 400)
    const changed = await updateCode(app.db, request.user!, code, fields)
    if (changed.length) await audit(app.db, request.user!, 'code_updated', { survey: code.survey_id, codeId: code.id, name: fields.name.trim(), changed })
    return redirectDone(reply, `/admin/coding/codes/${code.id}`, changed.length ? 'code_updated' : 'code_unchanged')
  })

  app.post<{ Params: { codeId: string }; Body: { into?: string } }>(
    '/admin/coding/codes/:codeId/merge',
    { schema: { params: codeParams, body: { type: 'object', properties: { _csrf: textField(200), into: textField(36) } } }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const code = await loadCode(request, reply)
      if (!code) return reply
      const into = request.body.into ? await findCode(app.db, request.body.into) : undefined
      if (code.status !== 'active') return codePage(request, reply, code, {}, { into: t('admin.coding.error.merged_code') }, 409)
      if (!into || into.survey_id !== code.survey_id || into.status !== 'active' || into.id === code.id) return codePage(request, reply, code, {}, { into: t('admin.coding.error.merge_target') }, 400)
      const moved = await mergeCode(app.db, request.user!, code, into)
      await audit(app.db, request.user!, 'code_merged', { survey: code.survey_id, codeId: code.id, name: code.name, into: into.name, count: moved })
      return redirectDone(reply, `/admin/coding/codes/${into.id}`, 'code_merged', moved)
    },
  )

  app.post<{ Params: { codeId: string }; Body: { names?: string } }>(
    '/admin/coding/codes/:codeId/split',
    { schema: { params: codeParams, body: { type: 'object', properties: { _csrf: textField(200), names: textField(5000) } } }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const code = await loadCode(request, reply)
      if (!code) return reply
      const names = (request.body.names ?? '').split(/\r?\n/).map((n) => n.trim()).filter(Boolean)
      const values = { names: request.body.names ?? '' }
      if (code.status !== 'active') return codePage(request, reply, code, values, { names: t('admin.coding.error.merged_code') }, 409)
      if (names.length < 2) return codePage(request, reply, code, values, { names: t('admin.coding.error.split_two') }, 400)
      const lower = names.map((n) => n.toLocaleLowerCase('en-GB'))
      if (new Set(lower).size !== names.length) return codePage(request, reply, code, values, { names: t('admin.coding.error.split_repeated') }, 400)
      for (const name of names) {
        const problems = await checkCode(app.db, code.survey_id, { name, description: '', inclusion: '', exclusion: '', example: '', parentId: code.id })
        if (problems.name) return codePage(request, reply, code, values, { names: t('admin.coding.error.split_name', { name, problem: t(problems.name) }) }, 400)
      }
      await splitCode(app.db, request.user!, code, names)
      await audit(app.db, request.user!, 'code_split', { survey: code.survey_id, codeId: code.id, name: code.name, into: names })
      return redirectDone(reply, `/admin/coding/codes/${code.id}`, 'code_split', names.length)
    },
  )

  // ---- Coding a wave ------------------------------------------------------------------------

  interface Layer {
    coders: Coder[]
    me: Coder | undefined
    finished: boolean
    /** What the page shows per answer: the signed-in coder's codings, or the agreed codes once coding is finished. */
    mine: Map<string, Coding[]>
    agreed: Map<string, Set<string>> | undefined
    undecided: number
    codedByMe: Set<string>
  }

  async function layerFor(wave: WaveTable, userId: string, codeIds: string[]): Promise<Layer> {
    const coders = await codersOf(app.db, wave.id)
    const me = coders.find((c) => c.userId === userId)
    const finished = codingFinished(coders)
    const mine = new Map<string, Coding[]>()
    if (me) for (const c of await codingsOf(app.db, wave.id, userId)) mine.set(answerKey(c), [...(mine.get(answerKey(c)) ?? []), c])
    const agreed = finished ? await agreedCoding(app.db, wave.id, codeIds) : undefined
    const codedByMe = me ? ((await codedAnswersOf(app.db, wave.id)).get(userId) ?? new Set<string>()) : new Set<string>()
    return { coders, me, finished, mine, agreed: agreed?.codes, undecided: agreed?.undecided ?? 0, codedByMe }
  }

  /** A passage that could not be coded: the message beside its field, with what was typed kept. */
  interface PassageError {
    organisationId: string
    questionKey: string
    message: string
    passage: string
    code?: string
  }

  async function gridPage(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, definition: Definition, q: GridQuery, passageError?: PassageError, httpStatus = 200) {
    const set = await freeTextAnswers(app.db, wave.id, wave.label, definition, false)
    const codes = await codesOf(app.db, wave.survey_id)
    const tree = codeTree(codes)
    const layer = await layerFor(wave, request.user!.id, codes.map((c) => c.id))
    const status = q.status ?? 'all'
    const codesOfAnswer = (a: FreeTextAnswer): Set<string> => {
      const key = answerKey({ organisationId: a.organisationId, questionKey: a.questionId })
      if (layer.finished) return layer.agreed?.get(key) ?? new Set()
      return new Set((layer.mine.get(key) ?? []).map((c) => c.codeId))
    }
    const isCoded = (a: FreeTextAnswer) => {
      const key = answerKey({ organisationId: a.organisationId, questionKey: a.questionId })
      return layer.finished ? Boolean(layer.agreed?.has(key)) : layer.codedByMe.has(key)
    }
    const shown = set.answers.filter(
      (a) =>
        (!q.question || a.questionId === q.question) &&
        (status === 'all' || (status === 'coded') === isCoded(a)) &&
        (!q.code || codesOfAnswer(a).has(q.code)) &&
        (!q.attribute || matchesAttribute(a, q.attribute)),
    )
    const pageCount = Math.max(1, Math.ceil(shown.length / PAGE_SIZE))
    const page = Math.min(q.page ?? 1, pageCount)
    const filters = { question: q.question, status: q.status, code: q.code, attribute: q.attribute }
    const hrefFor = (p: number) => {
      const search = new URLSearchParams(Object.entries({ ...filters, page: p > 1 ? String(p) : undefined }).filter((e): e is [string, string] => Boolean(e[1])))
      const text = search.toString()
      return `/admin/coding/waves/${wave.id}${text ? `?${text}` : ''}`
    }
    const back = hrefFor(page).replace(/^[^?]*/, '') || '?'
    const first = (page - 1) * PAGE_SIZE
    const rows = shown.slice(first, first + PAGE_SIZE).map((a, i) => {
      const key = answerKey({ organisationId: a.organisationId, questionKey: a.questionId })
      const codings = layer.finished ? [] : (layer.mine.get(key) ?? [])
      return {
        answer: a,
        anchor: `answer-${first + i + 1}`,
        pieces: piecesOf(a.answer, codings.filter((c) => c.start !== null).map((c) => ({ start: c.start!, end: c.end!, codeId: c.codeId }))),
        whole: new Set(codings.filter((c) => c.start === null).map((c) => c.codeId)),
        passages: codings.filter((c) => c.start !== null).map((c) => ({ ...c, text: a.answer.slice(c.start!, c.end!) })),
        agreed: layer.finished ? [...codesOfAnswer(a)] : [],
        coded: isCoded(a),
      }
    })
    return renderTeamPage(request, reply, 'coding/grid', {
      wave,
      set,
      tree,
      names: new Map(codes.map((c) => [c.id, c.name])),
      layer,
      canCode: Boolean(layer.me && !layer.me.doneAt),
      rows,
      total: set.answers.length,
      shownCount: shown.length,
      first,
      filters: { ...filters, status },
      attributeChoices: attributeChoices(set),
      back,
      pagination: pagination(page, pageCount, hrefFor),
      passageError,
      hasErrors: Boolean(passageError),
    }, httpStatus)
  }

  app.get<{ Params: WaveParams; Querystring: GridQuery }>('/admin/coding/waves/:waveId', { schema: { params: waveParams, querystring: gridQuery } }, async (request, reply) => {
    const loaded = await loadWave(request, reply)
    return loaded ? gridPage(request, reply, loaded.wave, loaded.definition, request.query) : reply
  })

  /** The grid's filters from a form's `back` field, checked as the page's own query would be. */
  function queryFromBack(back: string | undefined): GridQuery {
    if (!back || !BACK.test(back)) return {}
    const params = new URLSearchParams(back.slice(1))
    const page = Number(params.get('page'))
    const pick = (name: string, pattern: RegExp) => {
      const value = params.get(name)
      return value && pattern.test(value) ? value : undefined
    }
    return {
      question: pick('question', new RegExp(QUESTION_KEY)),
      status: pick('status', /^(all|not_coded|coded)$/) as GridQuery['status'],
      code: pick('code', new RegExp(ID_PATTERN)),
      attribute: pick('attribute', /^.{1,300}$/),
      page: Number.isInteger(page) && page >= 1 ? page : undefined,
    }
  }

  const backTo = (wave: WaveTable, body: { back?: string }, anchor = '') => `/admin/coding/waves/${wave.id}${body.back && BACK.test(body.back) ? body.back : ''}${anchor}`

  const waveAction = (path: string, handle: (request: FastifyRequest<{ Params: WaveParams; Body: AnswerForm }>, reply: FastifyReply, wave: WaveTable, codes: Code[]) => Promise<unknown>) =>
    app.post<{ Params: WaveParams; Body: AnswerForm }>(`/admin/coding/waves/:waveId/${path}`, { schema: { params: waveParams, body: path.startsWith('answers') || path === 'decisions' || path === 'quotations' ? answerBody : { type: 'object', properties: { _csrf: textField(200), back: textField(700) } } }, preHandler: app.csrfProtection }, async (request, reply) => {
      const loaded = await loadWave(request, reply)
      if (!loaded) return reply
      return handle(request, reply, loaded.wave, await codesOf(app.db, loaded.wave.survey_id))
    })

  waveAction('join', async (request, reply, wave) => {
    const refused = await joinCoding(app.db, wave.id, request.user!.id)
    if (refused) return refuse(request, reply, wave, refused, 409)
    await audit(app.db, request.user!, 'coding_joined', { waveId: wave.id })
    return redirectDone(reply, backTo(wave, request.body), 'coding_joined')
  })

  // Finishing, and going back to coding: only a coder of the wave, for themselves.
  for (const [path, done, action] of [['finish', true, 'coding_finished'], ['reopen', false, 'coding_reopened']] as const) {
    waveAction(path, async (request, reply, wave) => {
      const me = (await codersOf(app.db, wave.id)).find((c) => c.userId === request.user!.id)
      if (!me) return refuse(request, reply, wave, 'admin.coding.error.not_a_coder', 403)
      await finishCoding(app.db, wave.id, me.userId, done)
      await audit(app.db, request.user!, action, { waveId: wave.id })
      return redirectDone(reply, backTo(wave, request.body), action)
    })
  }

  /** A coder who may still change their codes, and the answer they name, which must be one of the wave's. */
  async function codingTarget(request: FastifyRequest<{ Params: WaveParams; Body: AnswerForm }>, reply: FastifyReply, wave: WaveTable) {
    const me = (await codersOf(app.db, wave.id)).find((c) => c.userId === request.user!.id)
    if (!me) return void (await refuse(request, reply, wave, 'admin.coding.error.not_a_coder', 403))
    if (me.doneAt) return void (await refuse(request, reply, wave, 'admin.coding.error.finished', 409))
    const version = app.catalogue.find(wave.survey_id, wave.version)!
    const set = await freeTextAnswers(app.db, wave.id, wave.label, version.definition, false)
    const answer = set.answers.find((a) => a.organisationId === request.body.organisation && a.questionId === request.body.question)
    if (!answer) return void (await refuse(request, reply, wave, 'admin.coding.error.no_answer', 404))
    return { me, answer, key: { organisationId: answer.organisationId, questionKey: answer.questionId } }
  }

  async function refuse(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, key: string, status: number) {
    return renderTeamPage(request, reply, 'coding/refused', { wave, message: t(key), back: backTo(wave, (request.body ?? {}) as { back?: string }) }, status)
  }

  waveAction('answers', async (request, reply, wave, codes) => {
    const target = await codingTarget(request, reply, wave)
    if (!target) return reply
    const wanted = ([] as string[]).concat(request.body.codes ?? [])
    const known = new Set(codes.map((c) => c.id))
    if (wanted.some((id) => !known.has(id))) return refuse(request, reply, wave, 'admin.coding.error.code_unknown', 400)
    await codeWholeAnswer(app.db, wave.id, target.me.userId, target.key, wanted)
    await audit(app.db, request.user!, 'answer_coded', { waveId: wave.id, organisationId: target.key.organisationId, question: target.key.questionKey, codes: wanted.map((id) => codes.find((c) => c.id === id)!.name), count: wanted.length })
    return redirectDone(reply, backTo(wave, request.body, request.body.anchor ? `#${request.body.anchor}` : ''), 'answer_coded', wanted.length)
  })

  waveAction('answers/passage', async (request, reply, wave, codes) => {
    const target = await codingTarget(request, reply, wave)
    if (!target) return reply
    const code = codes.find((c) => c.id === request.body.code)
    if (!code) return refuse(request, reply, wave, 'admin.coding.error.passage_code', 400)
    // With JavaScript the page sends the selection's offsets; without it, the words copied from the answer.
    const start = request.body.start ? Number(request.body.start) : undefined
    const end = request.body.end ? Number(request.body.end) : undefined
    const text = target.answer.answer
    const span =
      start !== undefined && end !== undefined && start < end && end <= text.length && (!request.body.passage || text.slice(start, end) === request.body.passage) ? { start, end } : findPassage(text, request.body.passage ?? '')
    if (!span) {
      const message = t(request.body.passage?.trim() ? 'admin.coding.error.passage_not_found' : 'admin.coding.error.passage_missing')
      const error = { ...target.key, message, passage: request.body.passage ?? '', code: code.id }
      return gridPage(request, reply, wave, app.catalogue.find(wave.survey_id, wave.version)!.definition, queryFromBack(request.body.back), error, 400)
    }
    await codePassage(app.db, wave.id, target.me.userId, target.key, code.id, span.start, span.end)
    await audit(app.db, request.user!, 'passage_coded', { waveId: wave.id, organisationId: target.key.organisationId, question: target.key.questionKey, code: code.name, passage: text.slice(span.start, span.end).slice(0, 200) })
    return redirectDone(reply, backTo(wave, request.body, request.body.anchor ? `#${request.body.anchor}` : ''), 'passage_coded')
  })

  app.post<{ Params: WaveParams & { codingId: string }; Body: { back?: string; anchor?: string } }>(
    '/admin/coding/waves/:waveId/codings/:codingId/remove',
    {
      schema: {
        params: { type: 'object', required: ['waveId', 'codingId'], properties: { waveId: { type: 'string', pattern: ID_PATTERN }, codingId: { type: 'string', pattern: ID_PATTERN } } },
        body: { type: 'object', properties: { _csrf: textField(200), back: textField(700), anchor: { type: 'string', pattern: '^answer-[0-9]{1,7}$' } } },
      },
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const loaded = await loadWave(request, reply)
      if (!loaded) return reply
      const me = (await codersOf(app.db, loaded.wave.id)).find((c) => c.userId === request.user!.id)
      if (!me || me.doneAt) return refuse(request, reply, loaded.wave, me ? 'admin.coding.error.finished' : 'admin.coding.error.not_a_coder', me ? 409 : 403)
      const removed = await removeCoding(app.db, loaded.wave.id, me.userId, request.params.codingId)
      if (!removed) return reply.callNotFound()
      await audit(app.db, request.user!, 'coding_removed', { waveId: loaded.wave.id, codingId: request.params.codingId })
      return redirectDone(reply, backTo(loaded.wave, request.body, request.body.anchor ? `#${request.body.anchor}` : ''), 'coding_removed')
    },
  )

  // ---- Two coders: agreement and differences ------------------------------------------------

  async function comparisonFor(request: FastifyRequest<{ Params: WaveParams }>, reply: FastifyReply) {
    const loaded = await loadWave(request, reply)
    if (!loaded) return undefined
    const coders = await codersOf(app.db, loaded.wave.id)
    const codes = await codesOf(app.db, loaded.wave.survey_id)
    if (coders.length < 2 || !codingFinished(coders)) {
      await renderTeamPage(request, reply, 'coding/refused', { wave: loaded.wave, message: t('admin.coding.error.not_both_finished'), back: `/admin/coding/waves/${loaded.wave.id}` }, 409)
      return undefined
    }
    const comparison = (await compareCoders(app.db, loaded.wave.id, codes.map((c) => c.id)))!
    return { ...loaded, codes, comparison }
  }

  app.get<{ Params: WaveParams }>('/admin/coding/waves/:waveId/agreement', { schema: { params: waveParams } }, async (request, reply) => {
    const found = await comparisonFor(request, reply)
    if (!found) return reply
    const { wave, codes, comparison } = found
    const rows = codeTree(codes).map((code) => ({ code, agreement: comparison.perCode.get(code.id)! }))
    return renderTeamPage(request, reply, 'coding/agreement', { wave, comparison, rows, undecided: comparison.differences.filter((d) => !d.decision).length })
  })

  const differencesQuery = { type: 'object', properties: { page: { type: 'integer', minimum: 1, maximum: 100000 }, show: { type: 'string', enum: ['undecided', 'all'] } } } as const
  app.get<{ Params: WaveParams; Querystring: { page?: number; show?: 'undecided' | 'all' } }>(
    '/admin/coding/waves/:waveId/differences',
    { schema: { params: waveParams, querystring: differencesQuery } },
    async (request, reply) => {
      const found = await comparisonFor(request, reply)
      if (!found) return reply
      const { wave, definition, codes, comparison } = found
      const set = await freeTextAnswers(app.db, wave.id, wave.label, definition, false)
      const answers = new Map(set.answers.map((a) => [answerKey({ organisationId: a.organisationId, questionKey: a.questionId }), a]))
      const show = request.query.show ?? 'undecided'
      const listed = comparison.differences.filter((d) => show === 'all' || !d.decision)
      const pageCount = Math.max(1, Math.ceil(listed.length / PAGE_SIZE))
      const page = Math.min(request.query.page ?? 1, pageCount)
      const first = (page - 1) * PAGE_SIZE
      const hrefFor = (p: number) => `/admin/coding/waves/${wave.id}/differences?show=${show}${p > 1 ? `&page=${p}` : ''}`
      return renderTeamPage(request, reply, 'coding/differences', {
        wave,
        comparison,
        show,
        total: comparison.differences.length,
        undecided: comparison.differences.filter((d) => !d.decision).length,
        rows: listed.slice(first, first + PAGE_SIZE).map((d, i) => ({ ...d, anchor: `difference-${first + i + 1}`, answer: answers.get(answerKey(d)), codeName: codes.find((c) => c.id === d.codeId)?.name ?? '' })),
        back: hrefFor(page).replace(/^[^?]*/, ''),
        pagination: pagination(page, pageCount, hrefFor),
      })
    },
  )

  app.post<{ Params: WaveParams; Body: AnswerForm }>('/admin/coding/waves/:waveId/decisions', { schema: { params: waveParams, body: answerBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const found = await comparisonFor(request, reply)
    if (!found) return reply
    const { wave, codes, comparison } = found
    const difference = comparison.differences.find((d) => d.organisationId === request.body.organisation && d.questionKey === request.body.question && d.codeId === request.body.code)
    if (!difference || !request.body.applied) return refuse(request, reply, wave, difference ? 'admin.coding.error.decision_missing' : 'admin.coding.error.no_difference', 400)
    await decide(app.db, wave.id, difference, difference.codeId, request.body.applied === 'yes', request.user!.email)
    await audit(app.db, request.user!, 'coding_decided', { waveId: wave.id, organisationId: difference.organisationId, question: difference.questionKey, code: codes.find((c) => c.id === difference.codeId)?.name ?? '', applied: request.body.applied === 'yes' })
    const back = request.body.back && BACK.test(request.body.back) ? request.body.back : ''
    return redirectDone(reply, `/admin/coding/waves/${wave.id}/differences${back}`, 'coding_decided')
  })

  // ---- The exchange format: codebooks (.qdc) out and in, codings (.qdpx) in ----------------------

  /** An uploaded file's bytes, or a refusal saying what was wrong with the upload. */
  const uploadOf = (body: unknown): Buffer | undefined => {
    const file = (body as Record<string, unknown> | undefined)?.file
    return Buffer.isBuffer(file) && file.length ? file : undefined
  }
  const tooLarge = (render: (request: FastifyRequest, reply: FastifyReply, message: string) => unknown) => (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.code === 'FST_REQ_FILE_TOO_LARGE') return render(request, reply, t('admin.coding.error.file_too_large'))
    // A body that is not a form at all (JSON) is refused as every route refuses it: 415.
    if (error.statusCode === 415) throw error
    if (error.code?.startsWith('FST_') && error.statusCode && error.statusCode < 500) return render(request, reply, t('admin.coding.error.upload_failed'))
    throw error
  }

  app.get<{ Params: { surveyId: string } }>('/admin/coding/surveys/:surveyId/codebook.qdc', { schema: { params: surveyParams } }, async (request, reply) => {
    const { surveyId } = request.params
    if (!surveyTitle(surveyId)) return reply.callNotFound()
    const tree = codeTree(await codesOf(app.db, surveyId))
    if (!tree.length) return codebookPage(request, reply, surveyId, {}, { file: t('admin.coding.error.nothing_to_export') }, 409)
    await audit(app.db, request.user!, 'codebook_exported', { survey: surveyId, count: tree.length })
    return reply
      .header('content-type', 'application/xml; charset=utf-8')
      .header('content-disposition', `attachment; filename="codebook-${surveyId}.qdc"`)
      .header('cache-control', 'no-store')
      .send(qdcDocument(tree))
  })

  const importCodebookFailed = (request: FastifyRequest, reply: FastifyReply, message: string) =>
    codebookPage(request, reply, (request.params as { surveyId: string }).surveyId, {}, { file: message }, 400)

  app.post<{ Params: { surveyId: string } }>(
    '/admin/coding/surveys/:surveyId/codebook',
    { schema: { params: surveyParams }, preHandler: app.csrfProtection, config: { fileFields: ['file'] }, errorHandler: tooLarge(importCodebookFailed) },
    async (request, reply) => {
      const { surveyId } = request.params
      if (!surveyTitle(surveyId)) return reply.callNotFound()
      const file = uploadOf(request.body)
      if (!file) return importCodebookFailed(request, reply, t('admin.coding.error.choose_file'))
      try {
        const codes = parseQdc(file.toString('utf8'))
        const result = await inTransactionOf(app, (trx) => importCodebook(trx, request.user!, surveyId, codes))
        await audit(app.db, request.user!, 'codebook_imported', { survey: surveyId, added: result.added, updated: result.updated, count: codes.length })
        return redirectDone(reply, `/admin/coding/surveys/${surveyId}`, 'codebook_imported', result.added, result.updated)
      } catch (error) {
        if (error instanceof CodebookFileError) return importCodebookFailed(request, reply, error.message)
        throw error
      }
    },
  )

  const importProjectFailed = async (request: FastifyRequest, reply: FastifyReply, message: string) => {
    const wave = await app.db.selectFrom('waves').selectAll().where('id', '=', (request.params as WaveParams).waveId).executeTakeFirst()
    if (!wave) return reply.callNotFound()
    return renderTeamPage(request, reply, 'coding/refused', { wave, message, back: `/admin/coding/waves/${wave.id}#import` }, 400)
  }

  app.post<{ Params: WaveParams }>(
    '/admin/coding/waves/:waveId/import',
    { schema: { params: waveParams }, preHandler: app.csrfProtection, config: { fileFields: ['file'] }, errorHandler: tooLarge(importProjectFailed) },
    async (request, reply) => {
      const loaded = await loadWave(request, reply)
      if (!loaded) return reply
      const { wave, definition } = loaded
      const file = uploadOf(request.body)
      if (!file) return importProjectFailed(request, reply, t('admin.coding.error.choose_file'))
      const fileName = ((request.body as Record<string, unknown>).fileName as string | undefined) ?? 'the file'
      try {
        const set = await freeTextAnswers(app.db, wave.id, wave.label, definition, false)
        const result = await importProject(app.db, { ...request.user!, name: request.user!.name }, wave, set, await readProjectArchive(file), fileName)
        await audit(app.db, request.user!, 'coding_imported', { waveId: wave.id, count: result.codings, matched: result.matched, unmatched: result.unmatched.length, decisions: result.decisions })
        return renderTeamPage(request, reply, 'coding/imported', { wave, result })
      } catch (error) {
        if (error instanceof CodebookFileError) return importProjectFailed(request, reply, error.message)
        throw error
      }
    },
  )

  // ---- Themes beside the numbers ---------------------------------------------------------------

  const themesQuery = {
    type: 'object',
    properties: {
      waves: { anyOf: [{ type: 'string', pattern: ID_PATTERN }, { type: 'array', maxItems: 6, items: { type: 'string', pattern: ID_PATTERN } }] },
      question: { type: 'string', pattern: `^(${QUESTION_KEY.slice(1, -1)})?$` },
      by: { type: 'string', pattern: '^[A-Za-z0-9_ -]{0,60}$' },
    },
  } as const
  type ThemesQuery = { waves?: string | string[]; question?: string; by?: string }

  async function themes(request: FastifyRequest<{ Params: { surveyId: string }; Querystring: ThemesQuery }>) {
    const { surveyId } = request.params
    const all = await app.db.selectFrom('waves').selectAll().where('survey_id', '=', surveyId).orderBy('created_at').execute()
    const chosen = ([] as string[]).concat(request.query.waves ?? [])
    const waves = chosen.length ? all.filter((w) => chosen.includes(w.id)) : all
    const coded = []
    for (const wave of waves) {
      const version = app.catalogue.find(wave.survey_id, wave.version)
      if (!version) continue
      coded.push(await codedWave(app.db, wave, (await freeTextAnswers(app.db, wave.id, wave.label, version.definition, false)).answers))
    }
    const tree = codeTree(await codesOf(app.db, surveyId))
    const question = request.query.question || undefined
    const table = themeTable(app.catalogue, surveyId, tree, coded, question)
    const newest = table.waves[table.waves.length - 1]
    const breakdown = request.query.by && newest ? themeBreakdown(tree, newest, request.query.by, question) : undefined
    const questions = [...new Map(coded.flatMap((w) => w.answers.map((a) => [a.questionId, a.question] as const))).entries()]
    const attributes = [...new Set(coded.flatMap((w) => w.answers.flatMap((a) => Object.keys(a.attributes))))].sort()
    return { surveyId, all, chosen: waves.map((w) => w.id), coded, table, breakdown, newest, question, questions, attributes, by: request.query.by ?? '' }
  }

  app.get<{ Params: { surveyId: string }; Querystring: ThemesQuery }>('/admin/coding/surveys/:surveyId/themes', { schema: { params: surveyParams, querystring: themesQuery } }, async (request, reply) => {
    const title = surveyTitle(request.params.surveyId)
    if (!title) return reply.callNotFound()
    const found = await themes(request)
    const query = new URLSearchParams([...found.chosen.map((w) => ['waves', w]), ...(found.question ? [['question', found.question]] : [])]).toString()
    return renderTeamPage(request, reply, 'coding/themes', { ...found, title, csvHref: `/admin/coding/surveys/${found.surveyId}/themes.csv${query ? `?${query}` : ''}` })
  })

  app.get<{ Params: { surveyId: string }; Querystring: ThemesQuery }>('/admin/coding/surveys/:surveyId/themes.csv', { schema: { params: surveyParams, querystring: themesQuery } }, async (request, reply) => {
    if (!surveyTitle(request.params.surveyId)) return reply.callNotFound()
    const { table, question } = await themes(request)
    await audit(app.db, request.user!, 'themes_exported', { survey: request.params.surveyId, waves: table.waves.map((w) => w.id), question: question ?? '' })
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="themes-${request.params.surveyId}.csv"`)
      .header('cache-control', 'no-store')
      .send(themesCsv(table, question))
  })

  // ---- Quotations for a report ------------------------------------------------------------------

  waveAction('quotations', async (request, reply, wave) => {
    const version = app.catalogue.find(wave.survey_id, wave.version)!
    const set = await freeTextAnswers(app.db, wave.id, wave.label, version.definition, false)
    const answer = set.answers.find((a) => a.organisationId === request.body.organisation && a.questionId === request.body.question)
    if (!answer) return refuse(request, reply, wave, 'admin.coding.error.no_answer', 404)
    const quoted = request.body.passage?.trim()
    const span = quoted ? findPassage(answer.answer, quoted) : undefined
    if (quoted && !span) return refuse(request, reply, wave, 'admin.coding.error.passage_not_found', 400)
    await chooseQuotation(app.db, wave.id, { organisationId: answer.organisationId, questionKey: answer.questionId }, span, request.user!.email)
    await audit(app.db, request.user!, 'quotation_chosen', { waveId: wave.id, organisationId: answer.organisationId, question: answer.questionId })
    return redirectDone(reply, backTo(wave, request.body, request.body.anchor ? `#${request.body.anchor}` : ''), 'quotation_chosen')
  })

  async function surveyQuotations(surveyId: string): Promise<Quotation[]> {
    const waves = await app.db.selectFrom('waves').selectAll().where('survey_id', '=', surveyId).orderBy('created_at').execute()
    const out: Quotation[] = []
    const names = new Map((await codesOf(app.db, surveyId)).map((c) => [c.id, c.name]))
    for (const wave of waves) {
      const version = app.catalogue.find(wave.survey_id, wave.version)
      if (!version) continue
      const answers = (await freeTextAnswers(app.db, wave.id, wave.label, version.definition, false)).answers
      const coded = await codedWave(app.db, wave, answers)
      out.push(...(await quotationsOf(app.db, wave, answers, (key) => [...(coded.coding?.get(key) ?? [])].map((id) => names.get(id) ?? '').filter(Boolean).sort())))
    }
    return out
  }

  app.get<{ Params: { surveyId: string } }>('/admin/coding/surveys/:surveyId/quotations', { schema: { params: surveyParams } }, async (request, reply) => {
    const title = surveyTitle(request.params.surveyId)
    if (!title) return reply.callNotFound()
    return renderTeamPage(request, reply, 'coding/quotations', { surveyId: request.params.surveyId, title, quotations: await surveyQuotations(request.params.surveyId) })
  })

  for (const kind of ['csv', 'xlsx'] as const) {
    app.get<{ Params: { surveyId: string } }>(`/admin/coding/surveys/:surveyId/quotations.${kind}`, { schema: { params: surveyParams } }, async (request, reply) => {
      const { surveyId } = request.params
      if (!surveyTitle(surveyId)) return reply.callNotFound()
      const quotations = await surveyQuotations(surveyId)
      await audit(app.db, request.user!, 'quotations_exported', { survey: surveyId, count: quotations.length, format: kind })
      return reply
        .header('content-type', kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="quotations-${surveyId}.${kind}"`)
        .header('cache-control', 'no-store')
        .send(kind === 'csv' ? quotationsCsv(quotations) : await quotationsWorkbook(quotations))
    })
  }

  app.post<{ Params: { quotationId: string } }>(
    '/admin/coding/quotations/:quotationId/remove',
    { schema: { params: { type: 'object', required: ['quotationId'], properties: { quotationId: { type: 'string', pattern: ID_PATTERN } } }, body: { type: 'object', properties: { _csrf: textField(200) } } }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const removed = await removeQuotation(app.db, request.params.quotationId)
      if (!removed) return reply.callNotFound()
      const wave = await app.db.selectFrom('waves').select(['id', 'survey_id']).where('id', '=', removed.wave_id).executeTakeFirstOrThrow()
      await audit(app.db, request.user!, 'quotation_removed', { waveId: wave.id })
      return redirectDone(reply, `/admin/coding/surveys/${wave.survey_id}/quotations`, 'quotation_removed')
    },
  )
}

const inTransactionOf = <T>(app: FastifyInstance, work: Parameters<typeof inTransaction<T>>[1]) => inTransaction(app.db, work)

const fixed = (x: number | null | undefined, digits: number) => (x === null || x === undefined ? '' : x.toFixed(digits))

/** The theme table as analysts read it in R or a spreadsheet: one row per code, a group of columns per wave. */
function themesCsv(table: ThemeTable, question: string | undefined): string {
  const header = ['code', 'theme', 'depth', 'question', ...table.waves.flatMap((w) => ['base', 'count', 'percent', 'ci_low', 'ci_high'].map((c) => `${w.label}_${c}`)), 'change_points', 'p_value', 'comparable']
  const names = new Map(table.rows.map((r) => [r.code.id, r.code.name]))
  const rows = table.rows.map((r) => [
    r.code.name,
    r.code.parent_id ? (names.get(r.code.parent_id) ?? '') : '',
    r.code.depth,
    question ?? 'all free text',
    ...r.cells.flatMap((c) => [c.base, c.count, fixed(c.percent === null ? null : c.percent * 100, 1), fixed(c.interval ? c.interval.low * 100 : null, 1), fixed(c.interval ? c.interval.high * 100 : null, 1)]),
    r.change ? r.change.points.toFixed(1) : '',
    r.change ? r.change.p.toPrecision(4) : '',
    table.comparable ? 'yes' : 'no',
  ])
  return toCsv(header, rows)
}
