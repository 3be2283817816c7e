// Two waves of the demo-analysis survey answered by the same 20 organisations (the panel), plus
// two that answered only the first wave and one only the second, with the changes chosen so every
// paired figure and test can be worked out by hand (see panel.test.ts):
//
//   q_scheme   yes→yes 6, yes→no 8, no→yes 1, no→no 4, yes→don't know 1
//   q_rate a   Good→Good 5, Good→Fair 4, Good→Poor 1, Fair→Fair 4, Fair→Poor 2, Poor→Fair 1, Poor→Poor 3
//   q_tasks    Cleaning: organisations 0–9 in W1, 0–4 in W2; Meals: 0 and 5–19 in W1, 1 and 5–19 in W2
//   q_role     Manager: 0–4 in W1; 0–7 in W2 (Worker and Volunteer in W1 are Staff in W2)
import type { FastifyInstance } from 'fastify'
import type { Answers } from '../../src/questionnaire/answers.js'
import { submittedWave } from '../helpers/responses.js'

const YES = { code: 1 }
const NO = { code: 2 }
const DONT_KNOW = { code: 8 }

const SCHEME: [Answers[string], Answers[string]][] = [
  ...Array.from({ length: 6 }, () => [YES, YES] as [Answers[string], Answers[string]]),
  ...Array.from({ length: 8 }, () => [YES, NO] as [Answers[string], Answers[string]]),
  [NO, YES],
  ...Array.from({ length: 4 }, () => [NO, NO] as [Answers[string], Answers[string]]),
  [YES, DONT_KNOW],
]
const RATE: [number, number][] = [
  ...Array.from({ length: 5 }, () => [1, 1] as [number, number]),
  ...Array.from({ length: 4 }, () => [1, 2] as [number, number]),
  [1, 3],
  ...Array.from({ length: 4 }, () => [2, 2] as [number, number]),
  ...Array.from({ length: 2 }, () => [2, 3] as [number, number]),
  [3, 2],
  ...Array.from({ length: 3 }, () => [3, 3] as [number, number]),
]

function tasks(i: number, wave: 0 | 1): number[] {
  const cleaning = wave === 0 ? i <= 9 : i <= 4
  const meals = i >= 5 || i === (wave === 0 ? 0 : 1)
  return [...(cleaning ? [1] : []), ...(meals ? [2] : [])]
}

function role(i: number, wave: 0 | 1): number {
  if (i <= 4 || (wave === 1 && i <= 7)) return 1
  if (wave === 1) return 2
  return i <= 9 ? 3 : 2
}

export const PANEL_W1: Answers[] = Array.from({ length: 20 }, (_, i) => ({
  q_role: { code: role(i, 0) },
  q_scheme: SCHEME[i][0],
  q_tasks: { codes: tasks(i, 0) },
  q_staff: { value: i + 1 },
  q_rate: { rows: { a: RATE[i][0] } },
}))
export const PANEL_W2: Answers[] = Array.from({ length: 20 }, (_, i) => ({
  q_role: { code: role(i, 1) },
  q_scheme: SCHEME[i][1],
  q_tasks: { codes: tasks(i, 1) },
  q_staff: { value: i + 2 },
  q_new: YES,
  q_rate: { rows: { a: RATE[i][1] } },
}))
/** Answered only the first wave: they count for all respondents, never in the panel. */
const ONLY_W1: Answers[] = Array.from({ length: 2 }, () => ({ q_role: { code: 1 }, q_scheme: YES, q_tasks: { codes: [3], other: 'Post' }, q_staff: { value: 9 }, q_rate: { rows: { a: 1 } } }))
const ONLY_W2: Answers = { q_role: { code: 1 }, q_scheme: YES, q_tasks: { codes: [3], other: 'Post' }, q_staff: { value: 9 }, q_new: NO, q_rate: { rows: { a: 3 } } }

export async function panelWaves(app: FastifyInstance): Promise<{ wave1: string; wave2: string; panel: string[] }> {
  const first = await submittedWave(app, { surveyId: 'demo-analysis', version: '1', label: 'W1', answers: [...PANEL_W1, ...ONLY_W1] })
  const panel = first.organisations.slice(0, 20)
  const second = await submittedWave(app, { surveyId: 'demo-analysis', version: '2', label: 'W2', answers: [...PANEL_W2, ONLY_W2], organisations: [...panel], prefix: 'Q' })
  return { wave1: first.waveId, wave2: second.waveId, panel }
}
