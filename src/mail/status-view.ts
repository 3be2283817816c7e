// The outbox's state in the team's words, for the outbox page and a wave's dashboard
// (views/partials/mail-status.eta): the four counts, a sentence per launch or round of reminders
// still going out ("Sent 1,200 of 3,000 invitations, about 15 minutes left at 120 a minute"), and
// a warning as soon as a message has failed, retrying included.
import type { Kysely, Selectable } from 'kysely'
import { messages, type Translate } from '../i18n/catalogue.js'
import { formatUkTime } from '../i18n/uk-dates.js'
import type { Database, OutboxTable } from '../db/schema.js'
import { bulkProgress, COUNTED_STATES, mailCounts, minutesLeft, sendingRate, stateOf, type BulkProgress, type CountedState, type MailCounts, type MailState } from './status.js'

const formatted = (n: number) => n.toLocaleString('en-GB')

/** Above this, the time left is given in hours. */
const MINUTES_SHOWN_UP_TO = 90

export interface MailStatusView {
  heading: string
  counts: { state: CountedState; label: string; n: string; href: string }[]
  /** One sentence per launch or round of reminders still going out. */
  progress: string[]
  /** Warnings about failed deliveries, each with the outbox filtered to them. */
  problems: { text: string; link: string; href: string }[]
  /** The outbox for this wave, on a wave's dashboard. */
  outboxHref?: string
}

/** "Sent 1,200 of 3,000 invitations, about 15 minutes left at 120 a minute." */
export function progressSentence(progress: Pick<BulkProgress, 'kind' | 'total' | 'sent' | 'remaining'>, ratePerMinute: number | null, t: Translate): string {
  const key = messages.en[`admin.mail.progress.${progress.kind}`] ? `admin.mail.progress.${progress.kind}` : 'admin.mail.progress.other'
  const done = t(key, { count: progress.total, n: formatted(progress.total), sent: formatted(progress.sent) })
  const minutes = minutesLeft(progress.remaining, ratePerMinute)
  if (minutes === null) return t('admin.mail.progress_no_estimate', { progress: done })
  const rate = formatted(Math.round(ratePerMinute!))
  const estimate =
    minutes <= MINUTES_SHOWN_UP_TO
      ? t('admin.mail.minutes_left', { count: minutes, n: formatted(minutes), rate })
      : t('admin.mail.hours_left', { count: Math.round(minutes / 60), n: formatted(Math.round(minutes / 60)), rate })
  return t('admin.mail.progress_estimate', { progress: done, estimate })
}

export function outboxHref(filter: { state?: CountedState; waveId?: string }): string {
  const query = new URLSearchParams()
  if (filter.state) query.set('status', filter.state)
  if (filter.waveId) query.set('wave', filter.waveId)
  const q = query.toString()
  return q ? `/admin/outbox?${q}` : '/admin/outbox'
}

/** The view for the whole outbox, or (with waveId) one wave's dashboard. */
export async function mailStatusView(db: Kysely<Database>, t: Translate, options: { waveId?: string; now?: Date } = {}): Promise<MailStatusView> {
  const now = options.now ?? new Date()
  const counts: MailCounts = await mailCounts(db, { waveId: options.waveId })
  const running = await bulkProgress(db, { waveId: options.waveId })
  const rate = running.length ? await sendingRate(db, now) : null
  // On the outbox page each sentence says which wave it is about.
  const labels = options.waveId || running.length === 0 ? new Map<string, string>() : new Map((await db.selectFrom('waves').select(['id', 'label']).where('id', 'in', running.map((p) => p.waveId)).execute()).map((w) => [w.id, w.label]))
  const progress = running.map((p) => {
    const sentence = progressSentence(p, rate, t)
    return options.waveId ? sentence : t('admin.mail.progress_in_wave', { wave: labels.get(p.waveId) ?? '', progress: sentence })
  })
  const problems: MailStatusView['problems'] = []
  for (const state of ['retrying', 'failed'] as const) {
    if (counts[state]) problems.push({ text: t(`admin.mail.problem.${state}`, { count: counts[state], n: formatted(counts[state]) }), link: t(`admin.mail.problem.see_${state}`), href: outboxHref({ state, waveId: options.waveId }) })
  }
  return {
    heading: t(options.waveId ? 'admin.mail.heading_wave' : 'admin.mail.heading_all'),
    counts: COUNTED_STATES.map((state) => ({ state, label: t(`admin.mail.state.${state}`), n: formatted(counts[state]), href: outboxHref({ state, waveId: options.waveId }) })),
    progress,
    problems,
    outboxHref: options.waveId ? outboxHref({ waveId: options.waveId }) : undefined,
  }
}

type ShownMessage = Pick<Selectable<OutboxTable>, 'kind' | 'status' | 'last_error' | 'created_at' | 'sent_at' | 'claimed_at' | 'next_attempt_at' | 'sent_via'>

/** "Invitation", or the kind as it is stored when the catalogue has no name for it. */
export function kindLabel(kind: string, t: Translate): string {
  return messages.en[`admin.mail.kind.${kind}`] ? t(`admin.mail.kind.${kind}`) : kind
}

/** GOV.UK tag colours, so a failure stands out in a long list. */
const TAG: Record<MailState, string> = { queued: 'govuk-tag--grey', sending: 'govuk-tag--blue', retrying: 'govuk-tag--yellow', sent: 'govuk-tag--green', failed: 'govuk-tag--red' }

/** The state's name, its tag colour, and when: "Sent at 14:05 on 3 March 2027", "Next try at …". */
export function stateWords(message: ShownMessage, t: Translate): { state: MailState; label: string; tag: string; when: string } {
  const state = stateOf(message)
  const tag = TAG[state]
  if (state === 'sent') {
    // Without an SMTP server the message only reached the mail folder: say so, never where it is.
    const via = message.sent_via === 'file' ? 'written' : 'sent'
    return { state, tag, label: t(`admin.mail.state.${via}`), when: t(`admin.mail.when.${via}`, { time: formatUkTime(message.sent_at!, t) }) }
  }
  const label = t(`admin.mail.state.${state}`)
  if (state === 'failed') return { state, tag, label, when: t('admin.mail.when.failed', { time: formatUkTime(message.claimed_at ?? message.next_attempt_at, t) }) }
  if (state === 'retrying') return { state, tag, label, when: t('admin.mail.when.retrying', { time: formatUkTime(message.next_attempt_at, t) }) }
  return { state, tag, label, when: t('admin.mail.when.queued', { time: formatUkTime(message.created_at, t) }) }
}
