// The same organisations across waves. Most organisations answer every wave, so two waves are not
// independent samples: comparing them as if they were wastes the pairing and can mislead. The
// panel is the organisations counted in every wave compared; for each comparable closed question
// (and grid row) its answers are paired, organisation by organisation, and tested with McNemar's
// exact test (two categories: a yes/no question, two answers, each option of a multiple choice)
// or Stuart–Maxwell's test of marginal homogeneity (three or more answers of a single choice).
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { Adjusted } from './comparison.js'
import { mcnemarExact, stuartMaxwell } from './more-tests.js'

/** One organisation's answer to one question (or grid row) in one wave. */
export interface OrganisationAnswer {
  codes: number[]
  /** "Don't know" or "not applicable": outside the pairs, as outside the tests of all respondents. */
  special: boolean
}

/** The organisations a wave counts (submitted; partial ones too when included) and their closed answers. */
export interface WaveOrganisations {
  organisations: Set<string>
  /** organisation id -> `${question id}|${grid row id or ''}` -> answer */
  answers: Map<string, Map<string, OrganisationAnswer>>
}

/** The organisations a wave counts: submitted, and partial ones too when included. */
export async function countedOrganisations(db: Kysely<Database>, waveId: string, options: { includePartial?: boolean } = {}): Promise<Set<string>> {
  const counted = await db
    .selectFrom('responses')
    .select('organisation_id')
    .where('wave_id', '=', waveId)
    .where('status', 'in', options.includePartial ? ['submitted', 'partial'] : ['submitted'])
    .execute()
  return new Set(counted.map((r) => r.organisation_id))
}

export async function waveOrganisations(db: Kysely<Database>, waveId: string, options: { includePartial?: boolean } = {}): Promise<WaveOrganisations> {
  const organisations = await countedOrganisations(db, waveId, options)
  const values = await db
    .selectFrom('answer_values')
    .innerJoin('responses', 'responses.id', 'answer_values.response_id')
    .select(['responses.organisation_id', 'answer_values.question_id', 'answer_values.row_id', 'answer_values.code', 'answer_values.special'])
    .where('answer_values.wave_id', '=', waveId)
    .where('answer_values.code', 'is not', null)
    .$if(!options.includePartial, (qb) => qb.where('answer_values.partial', '=', 0))
    .execute()
  const answers = new Map<string, Map<string, OrganisationAnswer>>()
  for (const v of values) {
    const mine = answers.get(v.organisation_id) ?? new Map<string, OrganisationAnswer>()
    const key = `${v.question_id}|${v.row_id}`
    const answer = mine.get(key) ?? { codes: [], special: false }
    answer.codes.push(Number(v.code))
    if (v.special) answer.special = true
    mine.set(key, answer)
    answers.set(v.organisation_id, mine)
  }
  return { organisations, answers }
}

/** The organisations counted in every wave: the panel. */
export function panelOf(waves: Pick<WaveOrganisations, 'organisations'>[]): string[] {
  const [first, ...rest] = waves
  return first ? [...first.organisations].filter((id) => rest.every((w) => w.organisations.has(id))).sort() : []
}

export interface PanelRow {
  /** Organisations of the panel whose answer is in the base in every wave the row has: the pairs. */
  pairs: number
  waves: { label: string; available: boolean; options: { code: number; count: number; percent: number | null; asked: boolean }[] }[]
  options: { code: number; changePp: number | null; p?: number; test?: 'mcnemar'; adjusted?: Adjusted }[]
  test?: { kind: 'mcnemar' | 'stuart_maxwell'; p: number; statistic: number; df?: number; adjusted?: Adjusted }
  /** No organisation of the panel changed its answer: there is nothing to test. */
  unchanged?: boolean
}

/** How one wave's codes reach the row's lines: a code -> its line (null: no equivalent now). */
export interface PanelWave {
  label: string
  available: boolean
  key: string | undefined
  lineOf: (code: number) => number | null
  /** The lines this wave offered (false: [x], not asked there). */
  asked: (line: number) => boolean
}

/**
 * The panel's figures and tests for one row. `lines` are its answers (special ones left out);
 * `testable` is false where the all-respondents comparison has no valid test either (a break in
 * series, or a single choice whose list of answers changed).
 */
export function panelRow(panel: string[], waves: WaveOrganisations[], shape: PanelWave[], lines: number[], multiple: boolean, testable: boolean): PanelRow | undefined {
  const present = shape.map((s, i) => ({ s, i })).filter(({ s }) => s.available && s.key)
  if (present.length < 2) return undefined
  // Each paired organisation's lines in each wave the row has.
  const paired: number[][][] = []
  for (const organisation of panel) {
    const chosen: number[][] = []
    for (const { s, i } of present) {
      const answer = waves[i].answers.get(organisation)?.get(s.key!)
      if (!answer || answer.special) break
      const reached = answer.codes.map(s.lineOf).filter((c): c is number => c !== null)
      // A single choice whose answer has no equivalent now is outside its base, as for all respondents.
      if (!multiple && reached.length === 0) break
      chosen.push(reached)
    }
    if (chosen.length === present.length) paired.push(chosen)
  }
  const pairs = paired.length
  const row: PanelRow = {
    pairs,
    waves: shape.map((s, i) => {
      const at = present.findIndex((p) => p.i === i)
      return {
        label: s.label,
        available: at >= 0,
        options: lines.map((code) => {
          const asked = at >= 0 && s.asked(code)
          const count = asked ? paired.filter((p) => p[at].includes(code)).length : 0
          return { code, count, percent: asked && pairs > 0 ? count / pairs : null, asked }
        }),
      }
    }),
    options: [],
  }
  const first = row.waves[present[0].i]
  const last = row.waves[present[present.length - 1].i]
  row.options = lines.map((code, index) => {
    const a = first.options[index]
    const b = last.options[index]
    return { code, changePp: a.percent !== null && b.percent !== null ? (b.percent - a.percent) * 100 : null }
  })
  if (!testable || pairs === 0) return row
  const at = present.length - 1
  if (multiple || lines.length === 2) {
    // Chosen in the first wave and not the last (b), or the other way round (c).
    const discordant = (code: number): [number, number] => [
      paired.filter((p) => p[0].includes(code) && !p[at].includes(code)).length,
      paired.filter((p) => !p[0].includes(code) && p[at].includes(code)).length,
    ]
    if (!multiple) {
      const [b, c] = discordant(lines[0])
      const result = mcnemarExact(b, c)
      if (result) row.test = { kind: 'mcnemar', p: result.p, statistic: result.statistic }
      else row.unchanged = true
      return row
    }
    row.options.forEach((option, index) => {
      if (!first.options[index].asked || !last.options[index].asked) return
      const result = mcnemarExact(...discordant(option.code))
      if (result) {
        option.p = result.p
        option.test = 'mcnemar'
      }
    })
    return row
  }
  const table = lines.map((from) => lines.map((to) => paired.filter((p) => p[0][0] === from && p[at][0] === to).length))
  const result = stuartMaxwell(table)
  if (result) row.test = { kind: 'stuart_maxwell', p: result.p, statistic: result.statistic, df: result.df }
  else row.unchanged = true
  return row
}
