// One interface describing every table, so every query is typed against the real schema.
// Timestamps are ISO 8601 strings in UTC: identical on SQLite and PostgreSQL, sortable as text.
import type { Generated } from 'kysely'

export interface QuestionnaireVersionTable {
  survey_id: string
  version: string
  content_hash: string
  source_file: string
  /** The definition as loaded, so a wave can always be read back with the exact questions it used. */
  definition_json: string
  registered_at: string
  updated_at: string
  locked_at: string | null
  locked_by: string | null
}


export interface OrganisationTable {
  id: string
  code: string
  name: string
  /** e.g. "local authority", "prison" */
  type: string
  /** Classifying attributes such as region or prison category, as a JSON object. */
  attributes_json: string
  /** Language of e-mails: en, cy, or both. */
  language: string
  created_at: string
}

export interface ContactTable {
  id: string
  organisation_id: string
  name: string
  email: string
  role: string | null
  created_at: string
}

export type WaveStatus = 'draft' | 'open' | 'closed'

export interface WaveTable {
  id: string
  survey_id: string
  version: string
  label: string
  status: WaveStatus
  opens_at: string | null
  closes_at: string | null
  /** Shown to respondents as who to contact, and used as the reply-to of e-mails. */
  team_name: string
  team_email: string
  created_at: string
  /** Invitation and reminder texts per language: { en: { invitation: { subject, body }, reminder: {…} }, cy: {…} } */
  messages_json: string
  sender_name: string | null
  launched_at: string | null
}

export interface InvitationTable {
  id: string
  wave_id: string
  organisation_id: string
  /** The secret in the personal link: 256 random bits, base64url. */
  token: string
  status: 'active' | 'revoked'
  created_at: string
  revoked_at: string | null
  first_opened_at: string | null
  last_opened_at: string | null
  contact_email: string | null
}

/**
 * 'partial': in progress when the wave closed, with at least one answer that counts, and kept by the
 * research team. It is never submitted: statistics and exports leave it out unless asked.
 */
export type ResponseStatus = 'not_started' | 'in_progress' | 'submitted' | 'partial'

export interface ResponseTable {
  id: string
  wave_id: string
  organisation_id: string
  status: ResponseStatus
  /** Quoted to respondents on the confirmation page and e-mail. */
  reference: string
  created_at: string
  updated_at: string
  submitted_at: string | null
  reopened_at: string | null
}

export interface ResponseAnswerTable {
  response_id: string
  question_id: string
  page_id: string
  answer_json: string
  updated_at: string
}

export interface ResponsePageTable {
  response_id: string
  page_id: string
  /** Incremented by every save of the page: a save based on an older version is a conflict. */
  version: number
  /** 1 once the page was saved with every required answer given. */
  completed: number
  updated_at: string
}

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed'

export interface OutboxTable {
  id: string
  /** One message per cause (e.g. "confirmation:<response>:<submission time>"): queuing twice is a no-op. */
  dedupe_key: string
  kind: string
  wave_id: string | null
  organisation_id: string | null
  to_address: string
  from_name: string | null
  reply_to: string | null
  subject: string
  text_body: string
  html_body: string
  status: OutboxStatus
  attempts: number
  next_attempt_at: string
  claimed_by: string | null
  claimed_at: string | null
  sent_at: string | null
  message_id: string | null
  last_error: string | null
  created_at: string
  /** Lower goes first: mail someone is waiting for before bulk invitations and reminders (src/mail/priority.ts). */
  priority: Generated<number>
  /** 'smtp' or 'file' (written to the mail folder) once sent. */
  sent_via: Generated<'smtp' | 'file' | null>
}

export type Role = 'admin' | 'analyst'

export interface UserTable {
  id: string
  email: string
  name: string
  role: Role
  /** scrypt$N$r$p$salt$hash */
  password_hash: string
  disabled: number
  created_at: string
}

export interface SessionTable {
  /** sha256 of the cookie's secret, so a copy of the database does not give working sessions. */
  id: string
  user_id: string
  created_at: string
  expires_at: string
  last_seen_at: string
}

export interface SetupTokenTable {
  id: string
  created_at: string
  used_at: string | null
}

export interface AuditLogTable {
  id: string
  at: string
  user_id: string | null
  user_email: string | null
  action: string
  details_json: string
}

export interface AskedQuestionTable {
  wave_id: string
  response_id: string
  question_id: string
  answered: number
  /** 1 for a partial response's facts (see ResponseStatus), so statistics can leave them out from the index. */
  partial: number
}

export interface AnswerValueTable {
  wave_id: string
  response_id: string
  question_id: string
  /** The grid row, or '' for other questions. */
  row_id: string
  code: number | null
  number_value: number | null
  /** dont_know or not_applicable, where the answer is one of those. */
  special: string | null
  /** Free text, dates (ISO), and the "other, please specify" text (with its option's code). */
  text_value: string | null
  /** 1 for a partial response's facts, as in asked_questions. */
  partial: number
}

/** Failed attempts per client address or account, shared by every app process (see failure-limiter.ts). */
export interface FailureCountTable {
  /** What was being guessed: "link" or "login". */
  scope: string
  /** e.g. "ip:203.0.113.9" or "account:someone@example.org" */
  subject: string
  failures: number
  reset_at: string
}

/** The privacy notice a research team wrote for a wave, per language; no row means the default text. */
export interface WavePrivacyNoticeTable {
  wave_id: string
  language: string
  /** Plain text: "## " starts a heading, "- " a list item, a blank line a new paragraph. */
  body: string
  updated_at: string
  /** E-mail address of the team member who saved it. */
  updated_by: string | null
}

export interface Database {
  failure_counts: FailureCountTable
  asked_questions: AskedQuestionTable
  answer_values: AnswerValueTable
  users: UserTable
  sessions: SessionTable
  setup_tokens: SetupTokenTable
  audit_log: AuditLogTable
  questionnaire_versions: QuestionnaireVersionTable
  organisations: OrganisationTable
  contacts: ContactTable
  waves: WaveTable
  wave_privacy_notices: WavePrivacyNoticeTable
  invitations: InvitationTable
  responses: ResponseTable
  response_answers: ResponseAnswerTable
  response_pages: ResponsePageTable
  outbox: OutboxTable
}
