// One interface describing every table, so every query is typed against the real schema.
// Timestamps are ISO 8601 strings in UTC: identical on SQLite and PostgreSQL, sortable as text.
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

export interface Database {
  questionnaire_versions: QuestionnaireVersionTable
}
