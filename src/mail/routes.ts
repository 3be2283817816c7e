// The team's view of the outbox: counts, launches in progress, every message (paged and filtered
// by state and wave: a national wave queues 30,000 and more) and each message's own page. Where a
// message went is said in words ("Written to the mail folder"), never as a path on the server.
import type { FastifyInstance } from 'fastify'
import { ID_PATTERN } from '../db/ids.js'
import { translator } from '../i18n/catalogue.js'
import { formatUkTime } from '../i18n/uk-dates.js'
import { renderTeamPage } from '../web/render.js'
import { fillPublicUrl, LINK_TOKEN_MARK } from './outbox.js'
import { COUNTED_STATES, whereState, type CountedState } from './status.js'
import { kindLabel, mailStatusView, outboxHref, stateWords } from './status-view.js'
import { MAX_ATTEMPTS } from './worker.js'

export const OUTBOX_PAGE_SIZE = 50

interface OutboxQuery {
  status?: CountedState | ''
  wave?: string
  page?: string
}

/** GOV.UK pagination: the first and last pages, the current one and its neighbours, gaps as null. */
export function pageItems(page: number, lastPage: number): (number | null)[] {
  const shown = [...new Set([1, page - 1, page, page + 1, lastPage])].filter((n) => n >= 1 && n <= lastPage).sort((a, b) => a - b)
  return shown.flatMap((n, i) => (i > 0 && n - shown[i - 1] > 1 ? [null, n] : [n]))
}

export async function mailRoutes(app: FastifyInstance) {
  const t = translator('en')
  const formatted = (n: number) => n.toLocaleString('en-GB')

  app.get<{ Querystring: OutboxQuery }>(
    '/admin/outbox',
    {
      schema: {
        querystring: {
          type: 'object',
          // The filter form sends "" for "any state" and "any wave".
          properties: { status: { type: 'string', enum: ['', ...COUNTED_STATES] }, wave: { type: 'string', pattern: `^$|${ID_PATTERN}` }, page: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' } },
        },
      },
      onRequest: app.requireUser,
    },
    async (request, reply) => {
      const status = request.query.status || undefined
      const waveId = request.query.wave || undefined
      const waves = await app.db.selectFrom('waves').select(['id', 'label', 'survey_id']).orderBy('created_at', 'desc').execute()
      const wave = waveId ? waves.find((w) => w.id === waveId) : undefined
      if (waveId && !wave) return reply.callNotFound()
      let filtered = app.db.selectFrom('outbox')
      if (waveId) filtered = filtered.where('wave_id', '=', waveId)
      if (status) filtered = whereState(filtered, status)
      const total = Number((await filtered.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n)
      const lastPage = Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE))
      const page = Math.min(Number(request.query.page ?? 1), lastPage)
      const rows = await filtered
        .select(['id', 'kind', 'wave_id', 'status', 'to_address', 'subject', 'attempts', 'created_at', 'sent_at', 'claimed_at', 'next_attempt_at', 'last_error', 'sent_via'])
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(OUTBOX_PAGE_SIZE)
        .offset((page - 1) * OUTBOX_PAGE_SIZE)
        .execute()
      const labels = new Map(waves.map((w) => [w.id, w.label]))
      const messages = rows.map((m) => ({
        id: m.id,
        subject: fillPublicUrl(m.subject, app.config.publicUrl),
        to: m.to_address,
        kind: kindLabel(m.kind, t),
        wave: m.wave_id ? (labels.get(m.wave_id) ?? '') : '',
        attempts: m.attempts,
        lastError: m.last_error ?? '',
        ...stateWords(m, t),
      }))
      const pageHref = (n: number) => {
        const query = new URLSearchParams()
        if (status) query.set('status', status)
        if (waveId) query.set('wave', waveId)
        if (n > 1) query.set('page', String(n))
        const q = query.toString()
        return q ? `/admin/outbox?${q}` : '/admin/outbox'
      }
      return renderTeamPage(request, reply, 'admin/outbox', {
        transport: app.mailTransport.kind,
        mailStatus: await mailStatusView(app.db, t, { waveId: wave?.id }),
        filter: { status: status ?? '', wave: waveId ?? '' },
        filterWave: wave?.label,
        states: COUNTED_STATES.map((s) => ({ value: s, label: t(`admin.mail.state.${s}`) })),
        waves: waves.map((w) => ({ value: w.id, label: `${w.label} (${w.survey_id})` })),
        messages,
        shown: total === 0 ? t('admin.outbox.none') : t('admin.outbox.showing', { count: total, from: formatted((page - 1) * OUTBOX_PAGE_SIZE + 1), to: formatted((page - 1) * OUTBOX_PAGE_SIZE + rows.length), n: formatted(total) }),
        pagination: lastPage > 1 ? { previous: page > 1 ? pageHref(page - 1) : null, next: page < lastPage ? pageHref(page + 1) : null, items: pageItems(page, lastPage).map((n) => (n === null ? null : { n: formatted(n), href: pageHref(n), current: n === page })) } : null,
        allHref: outboxHref({}),
      })
    },
  )

  app.get<{ Params: { id: string } }>('/admin/outbox/:id', { schema: { params: { type: 'object', properties: { id: { type: 'string', pattern: ID_PATTERN } } } }, onRequest: app.requireAdmin }, async (request, reply) => {
    const message = await app.db.selectFrom('outbox').selectAll().where('id', '=', request.params.id).executeTakeFirst()
    if (!message) return reply.callNotFound()
    const wave = message.wave_id ? await app.db.selectFrom('waves').select(['id', 'label']).where('id', '=', message.wave_id).executeTakeFirst() : undefined
    const words = stateWords(message, t)
    const outstanding = words.state === 'queued' || words.state === 'retrying'
    return renderTeamPage(request, reply, 'admin/message', {
      // Shown with the links this server sends, not the marks they are queued with; a personal link is
      // made when the message is sent and not kept, so it is named, not shown.
      message: { subject: fillPublicUrl(message.subject, app.config.publicUrl), text: fillPublicUrl(message.text_body, app.config.publicUrl).split(LINK_TOKEN_MARK).join(t('admin.outbox.personal_link')), to: message.to_address, lastError: message.last_error ?? '' },
      kind: kindLabel(message.kind, t),
      wave: wave ? { label: wave.label, href: `/admin/waves/${wave.id}`, outboxHref: outboxHref({ waveId: wave.id }) } : null,
      state: words,
      attempts: t('admin.message.attempts_of', { n: formatted(message.attempts), max: formatted(MAX_ATTEMPTS) }),
      queuedAt: formatUkTime(message.created_at, t),
      nextAttempt: outstanding ? formatUkTime(message.next_attempt_at, t) : null,
    })
  })
}
