// Route parameters naming a wave, or an organisation in a wave, validated before any handler
// runs: the research team's pages and the analysts' share them.
import { ID_PATTERN } from '../db/ids.js'

export interface WaveParams {
  waveId: string
}

export interface OrgParams extends WaveParams {
  organisationId: string
}

export const waveParams = { type: 'object', required: ['waveId'], properties: { waveId: { type: 'string', pattern: ID_PATTERN } } } as const

export const orgParams = {
  type: 'object',
  required: ['waveId', 'organisationId'],
  properties: { waveId: { type: 'string', pattern: ID_PATTERN }, organisationId: { type: 'string', pattern: ID_PATTERN } },
} as const
