// The research team's pages for waves: create a wave from a questionnaire version, choose the
// organisations, write and preview the e-mails, launch, watch the response rate, remind, change
// a contact, reissue a link, extend the deadline, close. Analysts see; only admins change.
import { endOfUkDay, formatUkDate, ukParts } from '../i18n/uk-dates.js'
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../accounts/audit.js'
import { takeFormDraft } from '../accounts/form-drafts.js'
import { ID_PATTERN, nowIso } from '../db/ids.js'
import type { WaveTable } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { languagesOf, localize } from '../questionnaire/model.js'
import type { Language } from '../questionnaire/schema.js'
import { reopenResponse } from '../respond/responses.js'
import { isEmailAddress } from '../mail/address.js'
import { toCsv } from '../web/csv.js'
import { noticeBlocks } from '../web/notice-text.js'
import { renderTeamPage } from '../web/render.js'
import { redirectDone } from '../web/done-notice.js'
import { mailStatusView } from '../mail/status-view.js'
import { eraseOrganisationContacts, eraseWave } from './erasure.js'
import { composeMessage, defaultMessages, PLACEHOLDERS, SAMPLE_LINK_TOKEN, unknownPlaceholders, type MessageKind, type WaveMessages } from './messages.js'
import { contactsOf } from './organisations.js'
import { defaultPrivacyNotice, PRIVACY_NOTICE_MAX_LENGTH, savePrivacyNotices, storedPrivacyNotices, type NoticeFacts, type StoredNotice } from './privacy-notices.js'
import { orgParams, waveParams, type OrgParams, type WaveParams } from './params.js'
import { countFor, listWaveOrganisations, STATUS_FILTERS, waveCounts, waveProgress, waveSummary, type StatusFilter } from './progress.js'
import { issueLinkFor } from '../respond/link-tokens.js'
import { launchPreview } from './confirmations.js'
import { parseRule, readRuleForm, REMINDER_HOUR, reminderTimes, ruleFormValues, type ReminderRule } from './reminder-schedule.js'
import { attributeLabel } from '../web/attribute-label.js'
import { welshWantedButMissing } from './welsh-wanted.js'
import { importMark, importMarks } from '../imports/import-mark.js'
import { carrySummary } from '../carry/summary.js'
import { closeWave, createWave, extendDeadline, getWave, inviteOrganisations, launchWave, reissueLink, reopenWave, replaceContacts, responsesInProgress, sendInvitation, sendReminders, wavePlaceholders, WaveStateError, type InProgressChoice, type WaveContext } from './waves.js'

const formBody = (properties: Record<string, unknown>) => ({ type: 'object', properties: { _csrf: { type: 'string' }, ...properties } }) as const
const text = (max = 300) => ({ type: 'string', maxLength: max })

type Fields = Record<string, string | string[] | undefined>

/** A GOV.UK date input's three fields as the end of that day on UK clocks, GMT or BST. */
export function parseDeadline(day = '', month = '', year = ''): string | undefined {
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return undefined
  return endOfUkDay(Number(year), Number(month), Number(day))
}

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value ?? '').trim()
}

export async function waveRoutes(app: FastifyInstance) {
  const context: WaveContext = { catalogue: app.catalogue }
  const t = translator('en')
  /** "09:00 on 3 March 2027": UK clocks, as every time on these pages. */
  const timeOnDate = (iso: string) => {
    const { hour, minute } = ukParts(new Date(iso))
    return t('admin.time_on_date', { time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`, date: formatUkDate(iso, t) })
  }

  async function loadWave(request: FastifyRequest<{ Params: WaveParams }>, reply: FastifyReply): Promise<WaveTable | undefined> {
    const wave = await getWave(app.db, request.params.waveId)
    if (!wave) await reply.callNotFound()
    return wave
  }

  // Newest first within each survey (the catalogue keeps them oldest first, along their lineage):
  // a new wave is nearly always of the latest version, which is then the one already chosen.
  const versionChoices = () =>
    app.catalogue.surveys.map((survey) => ({
      survey: localize(survey.versions[survey.versions.length - 1].definition.title, 'en'),
      versions: [...survey.versions].reverse().map((v) => ({ value: `${survey.id}/${v.definition.version}`, label: `${localize(v.definition.title, 'en')} – ${v.definition.version}` })),
    }))

  app.get('/admin', { onRequest: app.requireUser }, async (request, reply) => {
    const waves = await app.db.selectFrom('waves').selectAll().orderBy('created_at', 'desc').execute()
    // Counts for the list; the full progress of a wave is for its own page.
    const counts = await waveCounts(app.db)
    const imported = await importMarks(app.db, waves.map((w) => w.id))
    const rows = waves.map((wave) => {
      const { invited, submitted, rate } = counts.get(wave.id) ?? { invited: 0, submitted: 0, rate: 0 }
      return { ...wave, invited, submitted, rate: Math.round(rate * 100), imported: imported.has(wave.id) }
    })
    return renderTeamPage(request, reply, 'admin/waves', { waves: rows })
  })

  async function newWaveForm(request: FastifyRequest, reply: FastifyReply, values: Fields, errors: Record<string, string>, status = 200) {
    // Demo and deactivated organisations are never invited to a real wave, so they are not counted.
    const types = await app.db.selectFrom('organisations').select(['type']).select((eb) => eb.fn.countAll<string | number>().as('n')).where('demo', '=', 0).where('deactivated_at', 'is', null).groupBy('type').orderBy('type').execute()
    return renderTeamPage(request, reply, 'admin/wave-new', { versions: versionChoices(), types: types.map((r) => ({ type: r.type, count: Number(r.n) })), values, errors }, status)
  }

  // A form whose session ended comes back filled after signing in again (see accounts/form-drafts.ts).
  app.get('/admin/waves/new', { onRequest: app.requireAdmin }, async (request, reply) => newWaveForm(request, reply, (await takeFormDraft(app.db, request)) ?? {}, {}))

  app.post<{ Body: Fields }>(
    '/admin/waves',
    {
      schema: { body: formBody({ version: text(150), label: text(100), team_name: text(200), team_email: text(320), sender_name: text(200), deadline__day: text(2), deadline__month: text(2), deadline__year: text(4), types: { anyOf: [text(100), { type: 'array', items: text(100), maxItems: 50 }] } }) },
      onRequest: app.requireAdmin, preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const b = request.body
      const errors: Record<string, string> = {}
      const [surveyId, version] = first(b.version).split('/')
      if (!app.catalogue.find(surveyId ?? '', version ?? '')) errors.version = t('admin.wave.error.version')
      if (!first(b.label)) errors.label = t('admin.wave.error.label')
      if (!first(b.team_name)) errors.team_name = t('admin.wave.error.team_name')
      if (!isEmailAddress(first(b.team_email))) errors.team_email = t('admin.wave.error.team_email')
      const deadline = parseDeadline(first(b.deadline__day), first(b.deadline__month), first(b.deadline__year))
      if (!deadline) errors.deadline__day = t('admin.wave.error.deadline')
      else if (deadline < app.now().toISOString()) errors.deadline__day = t('admin.wave.error.deadline_past')
      const types = ([] as string[]).concat(b.types ?? [])
      if (types.length === 0) errors.types = t('admin.wave.error.types')
      if (Object.keys(errors).length) return newWaveForm(request, reply, b, errors, 400)
      const waveId = await createWave(app.db, {
        surveyId,
        version,
        label: first(b.label),
        closesAt: deadline,
        teamName: first(b.team_name),
        teamEmail: first(b.team_email),
        senderName: first(b.sender_name) || undefined,
        status: 'draft',
      })
      const organisations = await app.db.selectFrom('organisations').select('id').where('type', 'in', types).where('demo', '=', 0).where('deactivated_at', 'is', null).execute()
      await inviteOrganisations(app.db, waveId, organisations.map((o) => o.id))
      await audit(app.db, request.user!, 'wave_created', { waveId, survey: surveyId, version, label: first(b.label), organisations: organisations.length })
      return redirectDone(reply, `/admin/waves/${waveId}`, 'wave_created', organisations.length)
    },
  )

  app.get<{ Params: WaveParams; Querystring: ListQuery }>('/admin/waves/:waveId', { schema: { params: waveParams, querystring: listQuery }, onRequest: app.requireUser }, async (request, reply) => {
    const wave = await loadWave(request, reply)
    if (!wave) return reply
    return showWave(request, reply, wave, {})
  })

  async function showWave(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, errors: Record<string, string>, status = 200, notice?: string, values: Record<string, string> = {}) {
    const summary = await waveSummary(app.db, wave.id)
    const query = (request.method === 'GET' ? request.query : {}) as ListQuery
    const search = (query.q ?? '').trim()
    // A search looks in every status unless one is chosen: a reference is often a submitted response's.
    const filter: StatusFilter = query.status ?? (search ? 'all' : 'not_submitted')
    const pageNumber = Number(query.page ?? 1)
    const list = await listWaveOrganisations(app.db, wave.id, { status: filter, search, page: pageNumber, pageSize: PAGE_SIZE })
    const types = await app.db.selectFrom('organisations').select('type').distinct().orderBy('type').execute()
    const version = app.catalogue.find(wave.survey_id, wave.version)
    const lastSaved = [...(await storedPrivacyNotices(app.db, wave.id)).values()].reduce<StoredNotice | undefined>((a, b) => (a && a.updatedAt > b.updatedAt ? a : b), undefined)
    const listUrl = (changes: Partial<ListQuery>) => {
      const params = new URLSearchParams()
      const next = { status: query.status, q: search || undefined, page: undefined, ...changes }
      for (const [key, value] of Object.entries(next)) if (value) params.set(key, String(value))
      const text = params.toString()
      return `/admin/waves/${wave.id}${text ? `?${text}` : ''}#organisations`
    }
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE))
    return renderTeamPage(
      request,
      reply,
      'admin/wave',
      {
        wave,
        surveyTitle: version ? localize(version.definition.title, 'en') : wave.survey_id,
        progress: summary,
        ratePercent: Math.round(summary.rate * 100),
        charts: [[t('admin.wave.by_type'), summary.byType], ...Object.entries(summary.byAttribute).map(([name, rows]) => [t('admin.wave.by_attribute', { name: inSentence(attributeLabel(name)) }), rows])],
        list: {
          ...list,
          filter,
          search,
          filters: STATUS_FILTERS.filter((f) => f !== 'partial' || summary.byStatus.partial > 0).map((f) => ({ value: f, count: countFor(f, summary.byStatus), href: listUrl({ status: f, q: undefined }), current: f === filter && !search })),
          page: pageNumber,
          pages,
          previous: pageNumber > 1 ? listUrl({ page: String(pageNumber - 1) }) : null,
          next: pageNumber < pages ? listUrl({ page: String(pageNumber + 1) }) : null,
          from: list.total ? (pageNumber - 1) * PAGE_SIZE + 1 : 0,
          to: Math.min(list.total, pageNumber * PAGE_SIZE),
        },
        dateOf: (iso: string | null) => formatUkDate(iso, t),
        reminders: await scheduleOverview(wave),
        round: randomUUID(),
        types: types.map((r) => r.type),
        errors,
        values,
        notice,
        closes: wave.closes_at ? formatUkDate(wave.closes_at, t) : null,
        isAdmin: request.user?.role === 'admin',
        // Shown while organisations can still be added or the launch held back.
        welshMissing: wave.status === 'closed' ? 0 : await welshWantedButMissing(app.db, wave, app.catalogue),
        // When it was last saved, or null while respondents still see the default text.
        privacyNotice: lastSaved ? { date: formatUkDate(lastSaved.updatedAt, t), by: lastSaved.updatedBy } : null,
        mailStatus: await mailStatusView(app.db, t, { waveId: wave.id }),
        imported: await importedView(wave.id),
        carryForward: await carrySummary(app.db, app.catalogue, wave),
      },
      status,
    )
  }

  /** Where an imported wave came from, as its page says it. */
  async function importedView(waveId: string) {
    const mark = await importMark(app.db, waveId)
    return mark ? { ...mark, date: timeOnDate(mark.importedAt) } : null
  }

  /** What is scheduled and what was sent, as the dashboard and the reminders page show it. */
  async function scheduleOverview(wave: WaveTable) {
    const stored = await app.db.selectFrom('reminder_schedules').selectAll().where('wave_id', '=', wave.id).executeTakeFirst()
    const rule = stored ? parseRule(stored.rule_json) : undefined
    const handled = await app.db.selectFrom('reminder_slots').selectAll().where('wave_id', '=', wave.id).orderBy('due_at').execute()
    const done = new Set(handled.map((slot) => slot.due_at))
    const now = app.now().toISOString()
    const upcoming = rule ? reminderTimes(rule, wave).filter((at) => !done.has(at) && at > now) : []
    return {
      rule,
      describe: rule ? describeRule(rule) : null,
      upcoming: upcoming.map((at) => timeOnDate(at)),
      sent: handled.map((slot) => ({ due: timeOnDate(slot.due_at), done: timeOnDate(slot.done_at), status: slot.status, queued: slot.queued, target: slot.target })),
      updated: stored ? { date: formatUkDate(stored.updated_at, t), by: stored.updated_by } : null,
    }
  }

  function describeRule(rule: ReminderRule): string {
    const who = t(`admin.reminders.target.${rule.target}`)
    if (rule.kind === 'dates') return t('admin.reminders.rule_dates', { count: rule.dates.length, who })
    return t('admin.reminders.rule_every', { days: t('admin.reminders.days', { count: rule.everyDays }), times: t('admin.reminders.times', { count: rule.maxTimes }), who })
  }

  app.get<{ Params: WaveParams }>('/admin/waves/:waveId/tracking.csv', { schema: { params: waveParams }, onRequest: app.requireUser }, async (request, reply) => {
    const wave = await loadWave(request, reply)
    if (!wave) return reply
    const progress = await waveProgress(app.db, wave.id)
    const attributes = [...new Set(progress.organisations.flatMap((o) => Object.keys(o.attributes)))].sort()
    const csv = toCsv(
      ['code', 'name', 'type', ...attributes, 'contacts', 'status', 'reference', 'opened_at', 'submitted_at', 'last_contact', 'last_contact_at', 'delivery_problem'],
      progress.organisations.map((o) => [o.code, o.name, o.type, ...attributes.map((a) => o.attributes[a] ?? ''), o.contacts, o.status, o.reference, o.openedAt, o.submittedAt, o.lastContact?.kind, o.lastContact?.at, o.deliveryProblem]),
    )
    await audit(app.db, request.user!, 'export_tracking_csv', { waveId: wave.id, rows: progress.organisations.length })
    const filename = `tracking-${wave.survey_id}-${wave.label.replace(/[^A-Za-z0-9-]+/g, '_')}.csv`
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv)
  })

  async function messagesForm(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, texts: WaveMessages, errors: Record<string, string>, status = 200) {
    const version = app.catalogue.find(wave.survey_id, wave.version)!
    const languages = languagesOf(version.definition)
    // The preview fills the placeholders with the first organisation of the wave, when it has any.
    const sample = await app.db.selectFrom('responses').innerJoin('organisations', 'organisations.id', 'responses.organisation_id').select(['organisations.id', 'organisations.name']).where('responses.wave_id', '=', wave.id).orderBy('organisations.name').executeTakeFirst()
    const [sampleContact] = sample ? await contactsOf(app.db, sample.id) : []
    const previews = (['invitation', 'reminder'] as MessageKind[]).map((kind) => ({
      kind,
      ...composeMessage(texts, kind, languages.includes('cy') ? 'both' : 'en', languages, (language) => ({
        ...wavePlaceholders(wave, version, language),
        organisation: sample?.name ?? 'Example Council',
        contact: sampleContact?.name || 'Alex Example',
        link: `${app.config.publicUrl}/r/${SAMPLE_LINK_TOKEN}`,
      })),
    }))
    return renderTeamPage(request, reply, 'admin/wave-messages', { wave, messageLanguages: languages, texts, errors, previews, placeholders: PLACEHOLDERS }, status)
  }

  function currentTexts(wave: WaveTable): WaveMessages {
    const version = app.catalogue.find(wave.survey_id, wave.version)!
    return { ...defaultMessages(languagesOf(version.definition)), ...(JSON.parse(wave.messages_json) as WaveMessages) }
  }

  app.get<{ Params: WaveParams }>('/admin/waves/:waveId/messages', { schema: { params: waveParams }, onRequest: app.requireAdmin }, async (request, reply) => {
    const wave = await loadWave(request, reply)
    if (!wave) return reply
    const draft = await takeFormDraft(app.db, request)
    const texts = currentTexts(wave)
    if (draft) for (const [language, entry] of Object.entries(texts)) for (const [kind, text] of Object.entries(entry)) Object.assign(text, { subject: first(draft[`${language}_${kind}_subject`]), body: first(draft[`${language}_${kind}_body`]) })
    return messagesForm(request, reply, wave, texts, {})
  })

  app.post<{ Params: WaveParams; Body: Fields }>(
    '/admin/waves/:waveId/messages',
    { schema: { params: waveParams, body: { type: 'object', additionalProperties: { type: 'string', maxLength: 20000 } } }, onRequest: app.requireAdmin, preHandler: app.csrfProtection },
    async (request, reply) => {
      const wave = await loadWave(request, reply)
      if (!wave) return reply
      const languages = languagesOf(app.catalogue.find(wave.survey_id, wave.version)!.definition)
      const texts: WaveMessages = {}
      const errors: Record<string, string> = {}
      for (const language of languages) {
        const entry = {} as Record<MessageKind, { subject: string; body: string }>
        for (const kind of ['invitation', 'reminder'] as MessageKind[]) {
          const subject = first(request.body[`${language}_${kind}_subject`])
          const body = (first(request.body[`${language}_${kind}_body`]) || '').replace(/\r\n?/g, '\n')
          entry[kind] = { subject, body }
          if (!subject) errors[`${language}_${kind}_subject`] = t('admin.messages.error.subject')
          if (!body.includes('{link}')) errors[`${language}_${kind}_body`] = t('admin.messages.error.link')
          const unknown = unknownPlaceholders(`${subject} ${body}`)
          if (unknown.length) errors[`${language}_${kind}_body`] = t('admin.messages.error.placeholder', { names: unknown.map((u) => `{${u}}`).join(', ') })
        }
        texts[language as Language] = entry
      }
      if (Object.keys(errors).length || request.body._action === 'preview') return messagesForm(request, reply, wave, texts, errors, Object.keys(errors).length ? 400 : 200)
      await app.db.updateTable('waves').set({ messages_json: JSON.stringify(texts) }).where('id', '=', wave.id).execute()
      await audit(app.db, request.user!, 'wave_messages_saved', { waveId: wave.id })
      return redirectDone(reply, `/admin/waves/${wave.id}`, 'messages_saved')
    },
  )

  function noticeFacts(wave: WaveTable, language: Language): NoticeFacts {
    const version = app.catalogue.find(wave.survey_id, wave.version)
    return { team: wave.team_name, email: wave.team_email, survey: version ? localize(version.definition.title, language) : wave.survey_id }
  }

  async function privacyForm(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, texts: Partial<Record<Language, string>>, errors: Record<string, string>, status = 200) {
    const languages = languagesOf(app.catalogue.find(wave.survey_id, wave.version)!.definition)
    const notices = languages.map((language) => ({ language, field: `notice_${language}`, text: texts[language] ?? '', blocks: noticeBlocks(texts[language] ?? '') }))
    return renderTeamPage(request, reply, 'admin/wave-privacy', { wave, notices, errors, maxLength: PRIVACY_NOTICE_MAX_LENGTH }, status)
  }

  app.get<{ Params: WaveParams }>('/admin/waves/:waveId/privacy', { schema: { params: waveParams }, onRequest: app.requireAdmin }, async (request, reply) => {
    const wave = await loadWave(request, reply)
    if (!wave) return reply
    const stored = await storedPrivacyNotices(app.db, wave.id)
    const languages = languagesOf(app.catalogue.find(wave.survey_id, wave.version)!.definition)
    const draft = await takeFormDraft(app.db, request)
    const texts = Object.fromEntries(languages.map((language) => [language, draft ? first(draft[`notice_${language}`]) : (stored.get(language)?.body ?? defaultPrivacyNotice(language, noticeFacts(wave, language)))]))
    return privacyForm(request, reply, wave, texts, {})
  })

  app.post<{ Params: WaveParams; Body: Fields }>(
    '/admin/waves/:waveId/privacy',
    // The limit in the schema is only a backstop: a notice slightly too long gets the form back with its message.
    { schema: { params: waveParams, body: formBody({ _action: { type: 'string', enum: ['save', 'preview'] }, notice_en: text(100_000), notice_cy: text(100_000) }) }, onRequest: app.requireAdmin, preHandler: app.csrfProtection },
    async (request, reply) => {
      const wave = await loadWave(request, reply)
      if (!wave) return reply
      const languages = languagesOf(app.catalogue.find(wave.survey_id, wave.version)!.definition)
      const texts: Partial<Record<Language, string>> = {}
      const errors: Record<string, string> = {}
      for (const language of languages) {
        const field = `notice_${language}`
        const body = first(request.body[field]).replace(/\r\n?/g, '\n')
        texts[language] = body
        if (!body) errors[field] = t('admin.privacy_notice.error.empty', { language: t(`language.name.${language}`) })
        else if (body.length > PRIVACY_NOTICE_MAX_LENGTH) errors[field] = t('admin.privacy_notice.error.too_long', { language: t(`language.name.${language}`), max: PRIVACY_NOTICE_MAX_LENGTH.toLocaleString('en-GB') })
      }
      if (Object.keys(errors).length || request.body._action === 'preview') return privacyForm(request, reply, wave, texts, errors, Object.keys(errors).length ? 400 : 200)
      await savePrivacyNotices(app.db, wave.id, texts, request.user!.email)
      await audit(app.db, request.user!, 'wave_privacy_notice_saved', { waveId: wave.id, languages })
      return redirectDone(reply, `/admin/waves/${wave.id}`, 'privacy_notice_saved')
    },
  )

  const action = (path: string, body: Record<string, unknown>, handler: (request: FastifyRequest<{ Params: WaveParams; Body: Fields }>, reply: FastifyReply, wave: WaveTable) => Promise<unknown>) =>
    app.post<{ Params: WaveParams; Body: Fields }>(`/admin/waves/:waveId/${path}`, { schema: { params: waveParams, body: formBody(body) }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
      const wave = await loadWave(request, reply)
      if (!wave) return reply
      try {
        return await handler(request, reply, wave)
      } catch (err) {
        if (err instanceof WaveStateError) return showWave(request, reply, wave, { action: err.message }, 409)
        throw err
      }
    })

  /** A page that asks before an action: GET shows what will happen, the form on it posts the action. */
  const confirmation = (path: string, page: (request: FastifyRequest, reply: FastifyReply, wave: WaveTable) => Promise<unknown>) =>
    app.get<{ Params: WaveParams }>(`/admin/waves/:waveId/${path}`, { schema: { params: waveParams }, onRequest: app.requireAdmin }, async (request, reply) => {
      const wave = await loadWave(request, reply)
      if (!wave) return reply
      return page(request, reply, wave)
    })

  confirmation('launch', async (request, reply, wave) => {
    if (wave.status !== 'draft') return reply.redirect(`/admin/waves/${wave.id}`, 303)
    const preview = await launchPreview(app.db, wave, context, app.config.publicUrl)
    return renderTeamPage(request, reply, 'admin/wave-launch', { wave, preview, welshMissing: await welshWantedButMissing(app.db, wave, app.catalogue), closes: formatUkDate(wave.closes_at, t) })
  })

  action('launch', {}, async (request, reply, wave) => {
    const result = await launchWave(app.db, wave.id, context)
    await audit(app.db, request.user!, 'wave_launched', { waveId: wave.id, invitations: result.queued, withoutContacts: result.withoutContacts })
    return redirectDone(reply, `/admin/waves/${wave.id}`, 'wave_launched', result.queued)
  })

  async function closePage(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, errors: Record<string, string>, status = 200) {
    const summary = await waveSummary(app.db, wave.id)
    return renderTeamPage(request, reply, 'admin/wave-close', { wave, counts: summary.byStatus, errors, closes: formatUkDate(wave.closes_at, t) }, status)
  }

  confirmation('close', async (request, reply, wave) => {
    if (wave.status === 'closed') return reply.redirect(`/admin/waves/${wave.id}`, 303)
    return closePage(request, reply, wave, {})
  })

  action('close', { in_progress: { type: 'string', enum: ['keep_partial', 'ignore'] } }, async (request, reply, wave) => {
    const choice = first(request.body.in_progress) as InProgressChoice | ''
    // The team decides, never a default: asked whenever a response is in progress as the wave closes
    // (counted again here, as one may have started since the page was shown).
    if (!choice && (await responsesInProgress(app.db, wave.id)) > 0) return closePage(request, reply, wave, { in_progress: t('admin.partial.close_error') }, 400)
    const closed = await closeWave(app.db, wave.id, { inProgress: choice || 'ignore', catalogue: app.catalogue, actor: request.user! })
    return choice === 'keep_partial' ? redirectDone(reply, `/admin/waves/${wave.id}`, 'wave_closed_partial', closed.kept) : redirectDone(reply, `/admin/waves/${wave.id}`, 'wave_closed')
  })

  async function reopenPage(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, values: Fields, errors: Record<string, string>, status = 200) {
    const summary = await waveSummary(app.db, wave.id)
    return renderTeamPage(request, reply, 'admin/wave-reopen', { wave, values, errors, partial: summary.byStatus.partial, closes: formatUkDate(wave.closes_at, t) }, status)
  }

  confirmation('reopen', async (request, reply, wave) => {
    // An imported wave was collected elsewhere: it has no links to open again.
    if (wave.status !== 'closed' || (await importMark(app.db, wave.id))) return reply.redirect(`/admin/waves/${wave.id}`, 303)
    return reopenPage(request, reply, wave, {}, {})
  })

  /** A new deadline from the date fields: the end of that UK day, and still to come. */
  function readDeadline(body: Fields): { deadline?: string; error?: string } {
    const deadline = parseDeadline(first(body.deadline__day), first(body.deadline__month), first(body.deadline__year))
    if (!deadline) return { error: t('admin.wave.error.deadline') }
    if (deadline < app.now().toISOString()) return { error: t('admin.wave.error.deadline_past') }
    return { deadline }
  }

  action('reopen', { deadline__day: text(2), deadline__month: text(2), deadline__year: text(4) }, async (request, reply, wave) => {
    if (await importMark(app.db, wave.id)) throw new WaveStateError(t('admin.past_wave.error.reopen'))
    const { deadline, error } = readDeadline(request.body)
    if (!deadline) return reopenPage(request, reply, wave, request.body, { deadline__day: error! }, 400)
    await reopenWave(app.db, wave.id, deadline, request.user!)
    return redirectDone(reply, `/admin/waves/${wave.id}`, 'wave_reopened')
  })

  action('organisations', { types: { anyOf: [text(100), { type: 'array', items: text(100), maxItems: 50 }] }, codes: text(20_000) }, async (request, reply, wave) => {
    const types = ([] as string[]).concat(request.body.types ?? [])
    const typed = first(request.body.codes)
    // Codes as pasted from a spreadsheet column or a list: one per line, or separated by commas.
    const codes = [...new Set(typed.split(/[\s,;]+/).filter(Boolean))]
    if (wave.status === 'closed') throw new WaveStateError(t('admin.wave.error.closed'))
    if (types.length === 0 && codes.length === 0) return showWave(request, reply, wave, { codes: t('admin.wave.error.nothing_to_add') }, 400, undefined, { codes: typed })
    if (codes.length > 2000) return showWave(request, reply, wave, { codes: t('admin.wave.error.too_many_codes') }, 400, undefined, { codes: typed })
    const byCode = codes.length ? await app.db.selectFrom('organisations').select(['id', 'code']).where('code', 'in', codes).execute() : []
    const known = new Set(byCode.map((o) => o.code))
    const unknown = codes.filter((c) => !known.has(c))
    // Nothing is added when a code is wrong: the team corrects the list and sends it again.
    if (unknown.length) return showWave(request, reply, wave, { codes: t('admin.wave.error.unknown_codes', { codes: unknown.slice(0, 20).join(', ') + (unknown.length > 20 ? ' …' : '') }) }, 400, undefined, { codes: typed })
    const byType = types.length ? await app.db.selectFrom('organisations').select('id').where('type', 'in', types).execute() : []
    const before = new Set((await app.db.selectFrom('invitations').select('organisation_id').where('wave_id', '=', wave.id).execute()).map((r) => r.organisation_id))
    const added = [...new Set([...byType, ...byCode].map((o) => o.id))].filter((id) => !before.has(id))
    await inviteOrganisations(app.db, wave.id, added)
    // Organisations added to a wave already running get their invitation straight away.
    for (const id of added) await sendInvitation(app.db, wave.id, id, context, `invitation:added:${wave.id}:${id}`)
    await audit(app.db, request.user!, 'wave_organisations_added', { waveId: wave.id, added: added.length, types, codes })
    return redirectDone(reply, `/admin/waves/${wave.id}`, 'wave_organisations_added', added.length)
  })

  action('remind', { target: { type: 'string', enum: ['not_started', 'not_submitted'] }, round: { type: 'string', pattern: ID_PATTERN } }, async (request, reply, wave) => {
    const target = first(request.body.target) === 'not_started' ? 'not_started' : 'not_submitted'
    const round = first(request.body.round) || randomUUID()
    const queued = await sendReminders(app.db, wave.id, context, target, round)
    await audit(app.db, request.user!, 'reminders_sent', { waveId: wave.id, target, queued })
    return redirectDone(reply, `/admin/waves/${wave.id}`, 'reminders_queued', queued)
  })

  async function remindersPage(request: FastifyRequest, reply: FastifyReply, wave: WaveTable, values: Record<string, string>, errors: Record<string, string>, status = 200) {
    return renderTeamPage(request, reply, 'admin/wave-reminders', { wave, values, errors, reminders: await scheduleOverview(wave), closes: formatUkDate(wave.closes_at, t), hour: `${String(REMINDER_HOUR).padStart(2, '0')}:00` }, status)
  }

  confirmation('reminders', async (request, reply, wave) => {
    const stored = await app.db.selectFrom('reminder_schedules').select('rule_json').where('wave_id', '=', wave.id).executeTakeFirst()
    return remindersPage(request, reply, wave, ruleFormValues(stored ? parseRule(stored.rule_json) : undefined), {})
  })

  action(
    'reminders',
    { kind: text(10), dates: text(2000), every_days: text(10), max_times: text(10), target: text(20) },
    async (request, reply, wave) => {
      if (wave.status === 'closed') throw new WaveStateError(t('admin.reminders.error.closed'))
      const { rule, errors } = readRuleForm(request.body, app.now(), wave.closes_at, t)
      if (Object.keys(errors).length) return remindersPage(request, reply, wave, Object.fromEntries(Object.entries(request.body).map(([k, v]) => [k, first(v)])), errors, 400)
      if (rule) {
        const row = { rule_json: JSON.stringify(rule), updated_at: nowIso(), updated_by: request.user!.email }
        await app.db.insertInto('reminder_schedules').values({ wave_id: wave.id, ...row }).onConflict((oc) => oc.column('wave_id').doUpdateSet(row)).execute()
      } else await app.db.deleteFrom('reminder_schedules').where('wave_id', '=', wave.id).execute()
      await audit(app.db, request.user!, rule ? 'reminder_schedule_saved' : 'reminder_schedule_removed', { waveId: wave.id, label: wave.label, rule: rule ?? null })
      return redirectDone(reply, `/admin/waves/${wave.id}`, rule ? 'reminder_schedule_saved' : 'reminder_schedule_removed')
    },
  )

  action('deadline', { deadline__day: text(2), deadline__month: text(2), deadline__year: text(4) }, async (request, reply, wave) => {
    const { deadline, error } = readDeadline(request.body)
    if (!deadline) return showWave(request, reply, wave, { deadline__day: error! }, 400)
    await extendDeadline(app.db, wave.id, deadline)
    await audit(app.db, request.user!, 'deadline_changed', { waveId: wave.id, from: wave.closes_at, to: deadline })
    return redirectDone(reply, `/admin/waves/${wave.id}`, 'deadline_changed')
  })

  async function organisationPage(
    request: FastifyRequest<{ Params: OrgParams }>,
    reply: FastifyReply,
    wave: WaveTable,
    values: Fields,
    errors: Record<string, string>,
    status = 200,
    template = 'admin/wave-organisation',
    issuedLink?: string,
  ) {
    const response = await app.db
      .selectFrom('responses')
      .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
      .select(['organisations.id as organisationId', 'organisations.code', 'organisations.name', 'organisations.type', 'organisations.language', 'responses.status', 'responses.reference', 'responses.created_at', 'responses.updated_at', 'responses.submitted_at', 'responses.reopened_at'])
      .where('responses.wave_id', '=', wave.id)
      .where('responses.organisation_id', '=', request.params.organisationId)
      .executeTakeFirst()
    if (!response) return reply.callNotFound()
    const invitation = await app.db.selectFrom('invitations').select(['first_opened_at', 'last_opened_at', 'created_at']).where('wave_id', '=', wave.id).where('organisation_id', '=', response.organisationId).where('status', '=', 'active').executeTakeFirst()
    const contacts = await contactsOf(app.db, response.organisationId)
    const messages = (await app.db.selectFrom('outbox').select(['id', 'kind', 'status', 'to_address', 'created_at', 'sent_at', 'attempts', 'last_error']).where('wave_id', '=', wave.id).where('organisation_id', '=', response.organisationId).orderBy('created_at', 'desc').execute()).map(
      (m) => ({ ...m, when: timeOnDate(m.sent_at ?? m.created_at) }),
    )
    const dates = {
      invited: formatUkDate(invitation?.created_at ?? response.created_at, t),
      opened: invitation?.first_opened_at ? timeOnDate(invitation.first_opened_at) : null,
      lastOpened: invitation?.last_opened_at ? timeOnDate(invitation.last_opened_at) : null,
      submitted: response.submitted_at ? timeOnDate(response.submitted_at) : null,
      reopened: response.reopened_at ? timeOnDate(response.reopened_at) : null,
    }
    const mark = await importMark(app.db, wave.id)
    // An imported wave was collected elsewhere: it has no links, e-mails or dates of its own to show or change.
    const imported = mark ? t('admin.past_wave.organisation_note', { file: mark.sourceFile, when: timeOnDate(mark.importedAt) }) : null
    return renderTeamPage(
      request,
      reply,
      template,
      { wave, organisation: response, dates, contacts, messages, values, errors, round: randomUUID(), hasLink: Boolean(invitation), issuedLink: issuedLink ? `${app.config.publicUrl}/r/${issuedLink}` : null, imported },
      status,
    )
  }

  const orgPath = (wave: WaveTable, organisationId: string) => `/admin/waves/${wave.id}/organisations/${organisationId}`

  app.get<{ Params: OrgParams }>('/admin/waves/:waveId/organisations/:organisationId', { schema: { params: orgParams }, onRequest: app.requireAdmin }, async (request, reply) => {
    const wave = await loadWave(request, reply)
    if (!wave) return reply
    return organisationPage(request, reply, wave, {}, {})
  })

  app.get<{ Params: OrgParams }>('/admin/waves/:waveId/organisations/:organisationId/reopen', { schema: { params: orgParams }, onRequest: app.requireAdmin }, async (request, reply) => {
    const wave = await loadWave(request, reply)
    if (!wave) return reply
    return organisationPage(request, reply, wave, {}, {}, 200, 'admin/wave-organisation-reopen')
  })

  const orgAction = (path: string, body: Record<string, unknown>, handler: (request: FastifyRequest<{ Params: OrgParams; Body: Fields }>, reply: FastifyReply, wave: WaveTable) => Promise<unknown>) =>
    app.post<{ Params: OrgParams; Body: Fields }>(`/admin/waves/:waveId/organisations/:organisationId/${path}`, { schema: { params: orgParams, body: formBody(body) }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
      const wave = await loadWave(request, reply)
      if (!wave) return reply
      const invited = await app.db.selectFrom('responses').select('id').where('wave_id', '=', wave.id).where('organisation_id', '=', request.params.organisationId).executeTakeFirst()
      if (!invited) return reply.callNotFound()
      // Links and e-mails belong to a wave collected here; erasing contacts concerns the organisation everywhere.
      if (path !== 'erase' && (await importMark(app.db, wave.id))) return organisationPage(request, reply, wave, {}, { imported: t('admin.past_wave.error.organisation_action') }, 409)
      return handler(request, reply, wave)
    })

  orgAction('contacts', { contact_name: text(300), contact_email: text(320), contact_role: text(200), round: { type: 'string', pattern: ID_PATTERN } }, async (request, reply, wave) => {
    const name = first(request.body.contact_name)
    const email = first(request.body.contact_email).toLowerCase()
    const errors: Record<string, string> = {}
    if (!name) errors.contact_name = t('admin.organisation.error.name')
    if (!isEmailAddress(email)) errors.contact_email = t('admin.organisation.error.email')
    if (Object.keys(errors).length) return organisationPage(request, reply, wave, request.body, errors, 400)
    await replaceContacts(app.db, wave.id, request.params.organisationId, [{ name, email, role: first(request.body.contact_role) || undefined }], context, first(request.body.round) || randomUUID())
    await audit(app.db, request.user!, 'contact_replaced', { waveId: wave.id, organisationId: request.params.organisationId, email })
    return redirectDone(reply, orgPath(wave, request.params.organisationId), 'contacts_changed')
  })

  orgAction('reissue', {}, async (request, reply, wave) => {
    await reissueLink(app.db, wave.id, request.params.organisationId, context)
    await audit(app.db, request.user!, 'link_reissued', { waveId: wave.id, organisationId: request.params.organisationId })
    return redirectDone(reply, orgPath(wave, request.params.organisationId), 'link_reissued')
  })

  // A link to read out or pass on (the e-mail was lost, a colleague asks): only its hash is kept,
  // so it is shown on this answer once, never again; the links already sent keep working.
  orgAction('link', {}, async (request, reply, wave) => {
    const token = await issueLinkFor(app.db, app.linkTokenKey, wave.id, request.params.organisationId)
    if (!token) return redirectDone(reply, orgPath(wave, request.params.organisationId), 'no_link')
    await audit(app.db, request.user!, 'link_copy_made', { waveId: wave.id, organisationId: request.params.organisationId })
    return organisationPage(request, reply, wave, {}, {}, 200, 'admin/wave-organisation', token)
  })

  orgAction('erase', { confirm: { type: 'string', maxLength: 20 } }, async (request, reply, wave) => {
    if (first(request.body.confirm) !== 'erase') return organisationPage(request, reply, wave, {}, { confirm: t('admin.erase.confirm_error') }, 400)
    await eraseOrganisationContacts(app.db, request.params.organisationId, request.user!)
    return redirectDone(reply, orgPath(wave, request.params.organisationId), 'contacts_erased')
  })

  action('erase', { confirm: { type: 'string', maxLength: 20 } }, async (request, reply, wave) => {
    if (first(request.body.confirm) !== 'erase') return showWave(request, reply, wave, { confirm: t('admin.erase.confirm_error') }, 400)
    await eraseWave(app.db, wave.id, request.user!)
    return redirectDone(reply, '/admin', 'wave_erased')
  })

  orgAction('reopen', {}, async (request, reply, wave) => {
    // An imported response has no link through which it could be changed: reopening it would only take it out of the figures.
    if (await importMark(app.db, wave.id)) return organisationPage(request, reply, wave, {}, { 'reopen-response': t('admin.past_wave.error.reopen_response') }, 409)
    const response = await app.db.selectFrom('responses').select('id').where('wave_id', '=', wave.id).where('organisation_id', '=', request.params.organisationId).executeTakeFirstOrThrow()
    // Reopened once: a second click (or a colleague's) finds it already open and says so.
    if (!(await reopenResponse(app.db, response.id))) return redirectDone(reply, orgPath(wave, request.params.organisationId), 'response_not_submitted')
    await audit(app.db, request.user!, 'response_reopened', { waveId: wave.id, organisationId: request.params.organisationId })
    return redirectDone(reply, orgPath(wave, request.params.organisationId), 'response_reopened')
  })
}

/** The wave page's list of organisations: which status, what was searched for, which page. */
interface ListQuery {
  status?: StatusFilter
  q?: string
  page?: string
}

const listQuery = {
  type: 'object',
  properties: { status: { type: 'string', enum: [...STATUS_FILTERS] }, q: { type: 'string', maxLength: 200 }, page: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' } },
} as const

/** Organisations a page of the wave's list shows. */
const PAGE_SIZE = 50

/** A label inside a sentence: "Response rate by authority type", acronyms left as they are. */
function inSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label
}
