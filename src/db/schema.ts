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
  /** When the team deactivated it: never invited to a wave again, its history kept. Null while active. */
  deactivated_at: string | null
  /** 1 for the made-up organisations of the demo wave (defaults to 0; optional so rows read without it still type): never invited to a real wave, removed by `remove-demo`. */
  demo?: number
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
  /** 1 for a demo wave (`npm run cli -- demo-wave`): only it may invite demo organisations. */
  demo?: number
}

export interface InvitationTable {
  id: string
  wave_id: string
  organisation_id: string
  status: 'active' | 'revoked'
  created_at: string
  revoked_at: string | null
  first_opened_at: string | null
  last_opened_at: string | null
  contact_email: string | null
}

/**
 * A personal link to an invitation's response: the keyed hash of its token (src/respond/link-tokens.ts),
 * never the token. An invitation has one per e-mail sent and per link the team asked to see.
 */
export interface LinkTokenTable {
  /** HMAC-SHA-256 of the token, hex. */
  token_hash: string
  invitation_id: string
  created_at: string
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
  /** The wave the entry is about (details.waveId), for filtering the log with an index. */
  wave_id: string | null
  /** The organisation the entry is about (details.organisationId). */
  organisation_id: string | null
}

/** A one-time link an admin sent so someone can choose a new password. */
export interface PasswordResetTable {
  /** sha256 of the link's secret. */
  id: string
  user_id: string
  created_at: string
  expires_at: string
  used_at: string | null
  /** The admin who sent it. */
  created_by: string | null
}

/** What someone typed into a form when their session had ended, for the form after they sign in again. */
export interface FormDraftTable {
  /** The new session's id (hash), so only the person who signed in sees it. */
  session_id: string
  /** The page of the form. */
  path: string
  fields_json: string
  created_at: string
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

/** A wave's scheduled reminders: one rule (see src/waves/reminder-schedule.ts); no row, none. */
export interface ReminderScheduleTable {
  wave_id: string
  /** { kind: 'dates', dates: ['2027-03-01', …] } or { kind: 'every', everyDays, maxTimes }, with the target. */
  rule_json: string
  updated_at: string
  /** E-mail address of the team member who saved it. */
  updated_by: string | null
}

/** A reminder time the worker has dealt with: claimed by one process, and the record of what was sent. */
export interface ReminderSlotTable {
  wave_id: string
  /** The time the reminder was due (09:00 UK time on its day), as an ISO instant. */
  due_at: string
  target: 'not_started' | 'not_submitted'
  /** 'queued': the reminders were queued; 'missed': a later time was already due when the worker got to it. */
  status: 'queued' | 'missed'
  queued: number
  done_at: string
}

/** A re-import's parsed file, kept while the team reads its preview and confirms it. */
export interface OrganisationImportTable {
  id: string
  /** The organisations as parsed (ParsedOrganisation[]): the preview is worked out again from it at confirm time. */
  organisations_json: string
  created_by: string | null
  created_at: string
  expires_at: string
}

/** A code of a survey's codebook, kept across its waves; a code with children is a theme. */
export interface CodeTable {
  id: string
  survey_id: string
  parent_id: string | null
  name: string
  description: string
  inclusion: string
  exclusion: string
  example: string
  /** 'active', or 'merged' into merged_into_id (its codings moved there, its history kept). */
  status: 'active' | 'merged'
  merged_into_id: string | null
  created_at: string
  updated_at: string
}

/** What happened to a code: created, renamed, edited, moved, merged, split. */
export interface CodeEventTable {
  id: string
  code_id: string
  at: string
  user_email: string | null
  action: string
  details_json: string
}

/** A team member coding a wave's free text; done_at once they have finished. At most two per wave. */
export interface CoderTable {
  wave_id: string
  user_id: string
  started_at: string
  done_at: string | null
}

/** An answer a coder has been through (with or without applying a code). */
export interface CodedAnswerTable {
  wave_id: string
  organisation_id: string
  /** The free-text question, or `<question>_other` for an "other, please specify" text. */
  question_key: string
  user_id: string
  coded_at: string
}

/** One coder's code on an answer: the whole answer, or the passage between the offsets. */
export interface CodingTable {
  id: string
  wave_id: string
  organisation_id: string
  question_key: string
  code_id: string
  user_id: string
  start_offset: number | null
  end_offset: number | null
  created_at: string
}

/** How a difference between two coders was settled: the code applies to the answer, or not. */
export interface CodingDecisionTable {
  wave_id: string
  organisation_id: string
  question_key: string
  code_id: string
  applied: number
  /** E-mail address of the team member who decided. */
  decided_by: string
  decided_at: string
}

/** An answer, or a passage of it (offsets set), chosen as a quotation for a report. */
export interface QuotationTable {
  id: string
  wave_id: string
  organisation_id: string
  question_key: string
  start_offset: number | null
  end_offset: number | null
  /** E-mail address of the team member who chose it. */
  chosen_by: string
  chosen_at: string
}

/** A wave brought in from a file (another tool's export, or the template filled in): where from, who, when. */
export interface WaveImportTable {
  wave_id: string
  /** The name of the file as uploaded (or given to the command line). */
  source_file: string
  /** E-mail address of the team member who imported it ("command line" from the CLI). */
  imported_by: string
  imported_at: string
  organisations: number
  /** Answers imported (questions answered, over every organisation). */
  answers: number
}

/** An uploaded file of a past wave, waiting while the team matches its columns and confirms. */
export interface PendingWaveImportTable {
  id: string
  survey_id: string
  version: string
  label: string
  source_file: string
  /** The rows as read ({ header, rows: [{ line, cells }] }) and the columns matched so far. */
  file_json: string
  created_by: string
  created_at: string
  expires_at: string
}

/** Which variable a column heading of another tool's export was matched to, remembered per survey. */
export interface ImportColumnMatchTable {
  survey_id: string
  /** The heading as the file has it, in lower case with spaces collapsed. */
  heading: string
  /** The raw data's variable name, or '' for a column left out. */
  variable: string
  updated_at: string
  updated_by: string | null
}

/** A wave's answers carried forward: the earlier wave they come from and the questions that start from them. */
export interface WaveCarryForwardTable {
  wave_id: string
  /** An earlier wave of the same survey (collected or imported). */
  source_wave_id: string
  /** The question ids of this wave's version that start from the earlier answer, as a JSON array. */
  questions_json: string
  updated_at: string
  /** E-mail address of the team member who saved it. */
  updated_by: string | null
}

/** What the respondent did with an answer carried forward, written when its page is saved. */
export interface CarriedAnswerTable {
  response_id: string
  question_id: string
  /** 'confirmed' (unchanged), 'changed', or 'new' (no earlier answer could be carried). */
  status: 'confirmed' | 'changed' | 'new'
  source_wave_id: string
  updated_at: string
}

/** An item of a repeating group in a response (one prison of the area), in the order added (migration 0023). */
export interface ResponseItemTable {
  id: string
  response_id: string
  /** The repeating group: the id of its section. */
  group_id: string
  position: number
  created_at: string
}

/** An answer to a question of a repeating group, for one item. */
export interface ResponseItemAnswerTable extends ResponseAnswerTable {
  item_id: string
}

/** A page of a repeating group, for one item: its version and whether it was completed, as response_pages. */
export interface ResponseItemPageTable extends ResponsePageTable {
  item_id: string
}

/** 1 once the respondent said they had no more items to add to a repeating group. */
export interface ResponseGroupListTable {
  response_id: string
  group_id: string
  finished: number
  updated_at: string
}

/** A question of a repeating group asked of one submitted item, as asked_questions. */
export interface ItemAskedQuestionTable extends AskedQuestionTable {
  group_id: string
  item_id: string
  /** 1, 2, 3… within the response, in the order the items were added. */
  item_number: number
}

/** A value given for one submitted item, as answer_values. */
export interface ItemAnswerValueTable extends AnswerValueTable {
  item_id: string
}

export interface Database {
  wave_carry_forward: WaveCarryForwardTable
  carried_answers: CarriedAnswerTable
  response_items: ResponseItemTable
  response_item_answers: ResponseItemAnswerTable
  response_item_pages: ResponseItemPageTable
  response_group_lists: ResponseGroupListTable
  item_asked_questions: ItemAskedQuestionTable
  item_answer_values: ItemAnswerValueTable
  wave_imports: WaveImportTable
  pending_wave_imports: PendingWaveImportTable
  import_column_matches: ImportColumnMatchTable
  quotations: QuotationTable
  codes: CodeTable
  code_events: CodeEventTable
  coders: CoderTable
  coded_answers: CodedAnswerTable
  codings: CodingTable
  coding_decisions: CodingDecisionTable
  organisation_imports: OrganisationImportTable
  failure_counts: FailureCountTable
  asked_questions: AskedQuestionTable
  answer_values: AnswerValueTable
  users: UserTable
  sessions: SessionTable
  setup_tokens: SetupTokenTable
  password_resets: PasswordResetTable
  form_drafts: FormDraftTable
  audit_log: AuditLogTable
  questionnaire_versions: QuestionnaireVersionTable
  organisations: OrganisationTable
  contacts: ContactTable
  waves: WaveTable
  wave_privacy_notices: WavePrivacyNoticeTable
  reminder_schedules: ReminderScheduleTable
  reminder_slots: ReminderSlotTable
  invitations: InvitationTable
  link_tokens: LinkTokenTable
  responses: ResponseTable
  response_answers: ResponseAnswerTable
  response_pages: ResponsePageTable
  outbox: OutboxTable
}
