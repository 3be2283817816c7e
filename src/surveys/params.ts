// Route parameters naming a survey version, validated before any handler runs.
export interface SurveyVersionParams {
  survey: string
  version: string
}

export const surveyVersionParams = {
  type: 'object',
  required: ['survey', 'version'],
  properties: {
    survey: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100 },
    version: { type: 'string', pattern: '^[0-9A-Za-z][0-9A-Za-z._-]*$', maxLength: 40 },
  },
} as const

/** A page of a questionnaire named in a URL: the shape the definition format allows for ids. */
export const pageIdParam = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 24 } as const
