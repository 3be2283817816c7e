// Waves of a survey: created as a draft with the organisations to invite, launched (the
// questionnaire version is locked and every invitation queued in the same transaction), then
// reminders, contact changes, reissued links, a later deadline, and closing.
import { formatUkDate } from '../i18n/uk-dates.js'
import type { Kysely, Transaction } from 'kysely'
import { audit, type Actor } from '../accounts/audit.js'
import { newId, newReference, nowIso } from '../db/ids.js'
import type { Database, InvitationTable, OrganisationTable, WaveStatus, WaveTable } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { PERSONAL_LINK, queueMessage } from '../mail/outbox.js'
import type { Catalogue, SurveyVersion } from '../questionnaire/catalogue.js'
import type { Language } from '../questionnaire/schema.js'
import { languagesOf, localize } from '../questionnaire/model.js'
import { keepPartialResponses, resumePartialResponses } from '../respond/responses.js'
import { lockVersion } from '../surveys/version-registry.js'
import { composeMessage, defaultMessages, type MessageKind, type Placeholders, type WaveMessages } from './messages.js'
import type { ReminderTarget } from './reminder-schedule.js'
import { invitableAmong } from './organisations.js'

type Db = Kysely<Database> | Transaction<Database>

export interface NewWave {
  surveyId: string
  version: string
  label: string
  opensAt?: string
  closesAt?: string
  teamName: string
  teamEmail: string
  senderName?: string
  messages?: WaveMessages
  /** 'open' makes a wave that is already running (tests, demos); the team's pages create drafts and launch them. */
  status?: WaveStatus
}

/**
 * What composing e-mails needs beyond the database: the questionnaires. Not where links point:
 * the worker that sends a message fills that in (PUBLIC_URL_MARK), so a command run with another
 * environment cannot queue links to the wrong address.
 */
export interface WaveContext {
  catalogue: Catalogue
}

export async function createWave(db: Kysely<Database>, input: NewWave): Promise<string> {
  const id = newId()
  const status = input.status ?? 'open'
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('waves')
      .values({
        id,
        survey_id: input.surveyId,
        version: input.version,
        label: input.label,
        status,
        opens_at: input.opensAt ?? (status === 'open' ? nowIso() : null),
        closes_at: input.closesAt ?? null,
        team_name: input.teamName,
        team_email: input.teamEmail,
        sender_name: input.senderName ?? null,
        messages_json: JSON.stringify(input.messages ?? {}),
        launched_at: status === 'open' ? nowIso() : null,
        created_at: nowIso(),
      })
      .execute()
    // From now on the answers collected depend on this exact questionnaire.
    if (status === 'open') await lockVersion(trx, input.surveyId, input.version, `wave "${input.label}"`)
  })
  return id
}

export async function getWave(db: Db, waveId: string): Promise<WaveTable | undefined> {
  return db.selectFrom('waves').selectAll().where('id', '=', waveId).executeTakeFirst()
}

/**
 * Adds organisations to a wave: one invitation and one (empty) response each. Adding twice keeps
 * the first. Deactivated organisations, and demo ones unless the wave is a demo, are left out.
 * No link is made here: each e-mail gets one when it is sent (src/respond/link-tokens.ts).
 */
export async function inviteOrganisations(db: Kysely<Database>, waveId: string, organisationIds: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const invitable = await invitableAmong(trx, waveId, organisationIds)
    for (const organisationId of organisationIds) {
      if (!invitable.has(organisationId)) continue
      const existing = await trx.selectFrom('invitations').select('id').where('wave_id', '=', waveId).where('organisation_id', '=', organisationId).where('status', '=', 'active').executeTakeFirst()
      if (existing) continue
      const invitation = await createInvitation(trx, waveId, organisationId)
      await trx
        .insertInto('responses')
        .values({ id: newId(), wave_id: waveId, organisation_id: organisationId, status: 'not_started', reference: newReference(), created_at: invitation.created_at, updated_at: invitation.created_at, submitted_at: null, reopened_at: null })
        .onConflict((oc) => oc.columns(['wave_id', 'organisation_id']).doNothing())
        .execute()
    }
  })
}

async function createInvitation(db: Db, waveId: string, organisationId: string): Promise<InvitationTable> {
  const invitation: InvitationTable = {
    id: newId(),
    wave_id: waveId,
    organisation_id: organisationId,
    status: 'active',
    created_at: nowIso(),
    revoked_at: null,
    first_opened_at: null,
    last_opened_at: null,
    contact_email: null,
  }
  await db.insertInto('invitations').values(invitation).execute()
  return invitation
}

/** The placeholders that come from the wave alone, in one language: the e-mails and the team's preview fill them alike. */
export function wavePlaceholders(wave: WaveTable, version: SurveyVersion, language: Language): Pick<Placeholders, 'deadline' | 'survey' | 'wave' | 'team' | 'team_email'> {
  const t = translator(language)
  return {
    deadline: wave.closes_at ? formatUkDate(wave.closes_at, t) : t('mail.no_deadline'),
    survey: localize(version.definition.title, language),
    wave: wave.label,
    team: wave.team_name,
    team_email: wave.team_email,
  }
}

/** The e-mail one organisation gets, exactly as queued: the launch confirmation shows it as a sample. */
export function composeWaveMessage(context: WaveContext, wave: WaveTable, organisation: Pick<OrganisationTable, 'name' | 'language'>, contacts: { name: string }[], kind: MessageKind, link: string) {
  const version = context.catalogue.find(wave.survey_id, wave.version)
  if (!version) throw new Error(`Wave ${wave.label} uses ${wave.survey_id} ${wave.version}, which is not loaded`)
  const available = languagesOf(version.definition)
  const texts: WaveMessages = { ...defaultMessages(available), ...(JSON.parse(wave.messages_json) as WaveMessages) }
  return composeMessage(texts, kind, organisation.language, available, (language) => ({
    ...wavePlaceholders(wave, version, language),
    organisation: organisation.name,
    contact: contacts.map((c) => c.name).join(', ') || translator(language)('mail.contact_fallback'),
    link,
  }))
}

/** An organisation's contacts in the order its e-mails name them. */
export async function waveContacts(db: Db, organisationId: string) {
  return db.selectFrom('contacts').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').execute()
}

async function queueWaveMessage(
  trx: Db,
  context: WaveContext,
  wave: WaveTable,
  organisation: OrganisationTable,
  invitation: InvitationTable,
  kind: MessageKind,
  dedupeKey: string,
  onlyTo?: string[],
): Promise<boolean> {
  const all = await waveContacts(trx, organisation.id)
  const contacts = onlyTo ? all.filter((c) => onlyTo.includes(c.email)) : all
  if (contacts.length === 0) return false
  const message = composeWaveMessage(context, wave, organisation, contacts, kind, PERSONAL_LINK)
  await queueMessage(trx, {
    dedupeKey,
    kind,
    waveId: wave.id,
    organisationId: organisation.id,
    to: contacts.map((c) => c.email),
    fromName: wave.sender_name ?? wave.team_name,
    replyTo: wave.team_email,
    ...message,
  })
  await trx.updateTable('invitations').set({ contact_email: contacts.map((c) => c.email).join(', ') }).where('id', '=', invitation.id).execute()
  return true
}

function activeInvitationsQuery(db: Db, waveId: string) {
  return db
    .selectFrom('invitations')
    .innerJoin('organisations', 'organisations.id', 'invitations.organisation_id')
    .innerJoin('responses', (join) => join.onRef('responses.wave_id', '=', 'invitations.wave_id').onRef('responses.organisation_id', '=', 'invitations.organisation_id'))
    .selectAll('invitations')
    .select(['responses.status as response_status'])
    .where('invitations.wave_id', '=', waveId)
    .where('invitations.status', '=', 'active')
}

async function activeInvitations(db: Db, waveId: string, organisationIds?: string[]) {
  let query = activeInvitationsQuery(db, waveId)
  if (organisationIds) query = query.where('invitations.organisation_id', 'in', organisationIds.length ? organisationIds : [''])
  return query.execute()
}

async function organisationOf(db: Db, organisationId: string): Promise<OrganisationTable> {
  return db.selectFrom('organisations').selectAll().where('id', '=', organisationId).executeTakeFirstOrThrow()
}

/** Opens a draft wave: locks the questionnaire version and queues every invitation, all or nothing. */
export async function launchWave(db: Kysely<Database>, waveId: string, context: WaveContext): Promise<{ queued: number; withoutContacts: string[] }> {
  return db.transaction().execute(async (trx) => {
    const wave = await getWave(trx, waveId)
    if (!wave) throw new Error('No such wave')
    if (wave.status !== 'draft') throw new WaveStateError(`The wave "${wave.label}" has already been launched`)
    const opened = await trx.updateTable('waves').set({ status: 'open', launched_at: nowIso(), opens_at: wave.opens_at ?? nowIso() }).where('id', '=', waveId).where('status', '=', 'draft').executeTakeFirst()
    if (Number(opened.numUpdatedRows) !== 1) throw new WaveStateError(`The wave "${wave.label}" has already been launched`)
    await lockVersion(trx, wave.survey_id, wave.version, `wave "${wave.label}"`)
    const launched = { ...wave, status: 'open' as const }
    let queued = 0
    const withoutContacts: string[] = []
    for (const invitation of await activeInvitations(trx, waveId)) {
      const organisation = await organisationOf(trx, invitation.organisation_id)
      if (await queueWaveMessage(trx, context, launched, organisation, invitation, 'invitation', `invitation:${invitation.id}`)) queued++
      else withoutContacts.push(organisation.name)
    }
    return { queued, withoutContacts }
  })
}

export class WaveStateError extends Error {}

/**
 * The invitations a reminder goes to: active links of organisations that have not started, or not
 * submitted. One query, so a condition added here (an organisation no longer active, say) holds for
 * the team's button and the schedule alike.
 */
export async function remindersDue(db: Db, waveId: string, target: ReminderTarget) {
  // A deactivated organisation is never written to again, reminders included (its answers stay).
  const query = activeInvitationsQuery(db, waveId).where('organisations.deactivated_at', 'is', null)
  return (target === 'not_started' ? query.where('responses.status', '=', 'not_started') : query.where('responses.status', '!=', 'submitted')).orderBy('invitations.created_at').execute()
}

/** Queues a reminder to each organisation due one; `keyOf` names each message so queuing it twice is a no-op. */
export async function queueReminders(trx: Db, context: WaveContext, wave: WaveTable, target: ReminderTarget, keyOf: (invitation: InvitationTable) => string): Promise<number> {
  let queued = 0
  for (const invitation of await remindersDue(trx, wave.id, target)) {
    const organisation = await organisationOf(trx, invitation.organisation_id)
    if (await queueWaveMessage(trx, context, wave, organisation, invitation, 'reminder', keyOf(invitation))) queued++
  }
  return queued
}

/**
 * Reminds organisations that have not started, or not submitted. `round` identifies this one
 * reminder (the form carries it), so a double click queues each reminder once.
 */
export async function sendReminders(db: Kysely<Database>, waveId: string, context: WaveContext, target: ReminderTarget, round: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const wave = await getWave(trx, waveId)
    if (!wave || wave.status !== 'open') throw new WaveStateError('Reminders can only be sent for an open wave')
    return queueReminders(trx, context, wave, target, (invitation) => `reminder:${round}:${invitation.id}`)
  })
}

/** Sends an organisation its invitation with the current link (an organisation added to a running wave), or only to some of its contacts (one just added). */
export async function sendInvitation(db: Kysely<Database>, waveId: string, organisationId: string, context: WaveContext, dedupeKey: string, onlyTo?: string[]): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const wave = await getWave(trx, waveId)
    const [invitation] = await activeInvitations(trx, waveId, [organisationId])
    if (wave?.status !== 'open' || !invitation) return false
    return queueWaveMessage(trx, context, wave, await organisationOf(trx, organisationId), invitation, 'invitation', dedupeKey, onlyTo)
  })
}

/** Replaces an organisation's contacts (someone left) and sends them the current link. */
export async function replaceContacts(
  db: Kysely<Database>,
  waveId: string,
  organisationId: string,
  contacts: { name: string; email: string; role?: string }[],
  context: WaveContext,
  round: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('contacts').where('organisation_id', '=', organisationId).execute()
    for (const contact of contacts) {
      await trx.insertInto('contacts').values({ id: newId(), organisation_id: organisationId, name: contact.name, email: contact.email, role: contact.role ?? null, created_at: nowIso() }).execute()
    }
    const wave = await getWave(trx, waveId)
    const [invitation] = await activeInvitations(trx, waveId, [organisationId])
    if (wave?.status === 'open' && invitation) {
      await queueWaveMessage(trx, context, wave, await organisationOf(trx, organisationId), invitation, 'invitation', `resend:${round}:${invitation.id}`)
    }
  })
}

/**
 * Revokes an organisation's link, every copy of it, and issues a new one (the response and its
 * answers stay): the e-mail queued here carries the new link.
 */
export async function reissueLink(db: Kysely<Database>, waveId: string, organisationId: string, context: WaveContext): Promise<void> {
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('invitations').set({ status: 'revoked', revoked_at: nowIso() }).where('wave_id', '=', waveId).where('organisation_id', '=', organisationId).where('status', '=', 'active').execute()
    const invitation = await createInvitation(trx, waveId, organisationId)
    const wave = await getWave(trx, waveId)
    if (wave?.status === 'open') await queueWaveMessage(trx, context, wave, await organisationOf(trx, organisationId), invitation, 'invitation', `invitation:${invitation.id}`)
  })
}

/** Moves the deadline of a wave not yet closed. A closed wave stays closed: it is reopened, deliberately, with reopenWave. */
export async function extendDeadline(db: Kysely<Database>, waveId: string, closesAt: string): Promise<void> {
  const moved = await db.updateTable('waves').set({ closes_at: closesAt }).where('id', '=', waveId).where('status', '!=', 'closed').executeTakeFirst()
  if (Number(moved.numUpdatedRows) !== 1) throw new WaveStateError(closedMessage)
}

const closedMessage = 'The wave is closed, so its deadline was not changed: reopen the wave with a new deadline instead'

/**
 * Reopens a closed wave until a new deadline: its links work again, responses kept as partial go
 * back to in progress so their organisations can finish, and the audit log records it, all or nothing.
 */
export async function reopenWave(db: Kysely<Database>, waveId: string, closesAt: string, actor: Actor | null): Promise<{ resumed: number }> {
  return db.transaction().execute(async (trx) => {
    const wave = await getWave(trx, waveId)
    if (!wave) throw new Error('No such wave')
    const reopened = await trx.updateTable('waves').set({ status: 'open', closes_at: closesAt }).where('id', '=', waveId).where('status', '=', 'closed').executeTakeFirst()
    if (Number(reopened.numUpdatedRows) !== 1) throw new WaveStateError(`The wave "${wave.label}" is not closed`)
    const resumed = await resumePartialResponses(trx, waveId)
    await audit(trx, actor, 'wave_reopened', { waveId, label: wave.label, from: wave.closes_at, to: closesAt, partialResumed: resumed })
    return { resumed }
  })
}

/** What happens to responses in progress when a wave closes: kept as partial responses, or not used. */
export type InProgressChoice = 'keep_partial' | 'ignore'

export interface CloseOptions {
  /** Default 'ignore': what closing always did, the responses stay in progress and count nowhere. */
  inProgress?: InProgressChoice
  /** Needed to keep partial responses: their facts depend on the questions the answers make visible. */
  catalogue?: Catalogue
  actor?: Actor | null
  /** Set when the wave closes itself at its deadline, for the audit log. */
  atDeadline?: string
}

export interface ClosedWave {
  /** Responses in progress when the wave closed. */
  inProgress: number
  /** Of those, kept as partial responses. */
  kept: number
  /** Of those, left out because no answer counted (none given, or only to questions now hidden). */
  withoutAnswers: number
}

/** Responses in progress: what the team is asked about before closing. */
export async function responsesInProgress(db: Db, waveId: string): Promise<number> {
  const row = await db.selectFrom('responses').select((eb) => eb.fn.countAll<string | number>().as('n')).where('wave_id', '=', waveId).where('status', '=', 'in_progress').executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** Closes a wave, keeping responses in progress as partial ones if the team chose so, and audits it: all or nothing. */
export async function closeWave(db: Kysely<Database>, waveId: string, options: CloseOptions = {}): Promise<ClosedWave> {
  const choice = options.inProgress ?? 'ignore'
  return db.transaction().execute(async (trx) => {
    const wave = await getWave(trx, waveId)
    if (!wave) throw new Error('No such wave')
    // Compare-and-set first: of two closes at once (a double click, two admins), one does the work.
    const closed = await trx.updateTable('waves').set({ status: 'closed' }).where('id', '=', waveId).where('status', '!=', 'closed').executeTakeFirst()
    if (Number(closed.numUpdatedRows) !== 1) throw new WaveStateError(`The wave "${wave.label}" is already closed`)
    const inProgress = await responsesInProgress(trx, waveId)
    let result: ClosedWave = { inProgress, kept: 0, withoutAnswers: 0 }
    if (choice === 'keep_partial' && inProgress > 0) {
      const version = options.catalogue?.find(wave.survey_id, wave.version)
      if (!version) throw new Error(`Wave ${wave.label} uses ${wave.survey_id} ${wave.version}, which is not loaded`)
      result = { inProgress, ...(await keepPartialResponses(trx, waveId, version.definition)) }
    }
    await audit(trx, options.actor ?? null, 'wave_closed', { waveId, inProgressChoice: choice, ...result, ...(options.atDeadline ? { atDeadline: options.atDeadline } : {}) })
    return result
  })
}
