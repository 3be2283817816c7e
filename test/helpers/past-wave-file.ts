// A past wave of the 2015-16 local authority survey, as a research team would have it in a
// spreadsheet: one row per authority, one column per variable, written cell by cell here (not by
// the code under test) following a pattern simple enough to count by hand. Authority i (1-based):
//   respondent_role (i % 4) + 1; respondent_team a Welsh and English team name with – and ’;
//   prisons_in_area 1 when i is a multiple of 3 (50 of 150), else 0 (the prison section blank);
//   with a prison: dedicated_team yes (1) when i is also even (25 of 50), else no (2);
//   release_process yes; release_notice 1 (more than four weeks) when i is odd, else 5;
//   continuity_arrangements -9; released_with_needs i; accommodation_problems yes when i is a
//   multiple of 4 (37 of 150), else no; residence_disputes no (disputes_count blank);
//   prison_staff_training yes with a date when i is a multiple of 10 (15), else no;
//   annual_spend -8 (don't know); main_challenges option 4 alone; challenges_text and good_practice -9.
// Answers per authority: 11 always, +1 for a training date, +12 for the prison section (its
// optional days_to_assessment is -9): 150 × 11 + 15 + 50 × 12 = 2,265.

export const HEADER_2015_16 = [
  'organisation_code', 'organisation_name',
  'respondent_role', 'respondent_role_other', 'respondent_team', 'prisons_in_area',
  'assessment_provider', 'assessment_provider_other', 'dedicated_team', 'written_agreement', 'reception_screening',
  'referral_routes_1', 'referral_routes_2', 'referral_routes_3', 'referral_routes_4', 'referral_routes_5', 'referral_routes_dk', 'referral_routes_other',
  'referrals_received', 'assessments_completed', 'eligible_needs', 'days_to_assessment',
  'support_types_1', 'support_types_2', 'support_types_3', 'support_types_4', 'support_types_5', 'support_types_6', 'support_types_7', 'support_types_other',
  'personal_care_provider', 'personal_care_provider_other', 'equipment_delays',
  'effectiveness_identifying', 'effectiveness_assessing', 'effectiveness_providing', 'effectiveness_equipment', 'peer_support_scheme',
  'release_process', 'release_notice', 'continuity_arrangements', 'released_with_needs', 'accommodation_problems', 'residence_disputes', 'disputes_count',
  'prison_staff_training', 'training_date', 'annual_spend',
  'main_challenges_1', 'main_challenges_2', 'main_challenges_3', 'main_challenges_4', 'main_challenges_5', 'main_challenges_6', 'main_challenges_7', 'main_challenges_8', 'main_challenges_99', 'main_challenges_other',
  'challenges_text', 'good_practice',
]

export const authorityCode = (i: number) => `E0${String(6000000 + i)}`
export const authorityName = (i: number) => (i % 2 ? `Cyngor Sir Ynys Môn ${i}` : `County Council ${i}`)
export const TEAM_TEXT = 'Tîm Oedolion – Siân’s “adult” team'

/** Authority i's row, as a record of variable name to cell text. */
export function authorityCells(i: number): Record<string, string> {
  const cells: Record<string, string> = Object.fromEntries(HEADER_2015_16.map((h) => [h, '']))
  const set = (values: Record<string, string | number>) => Object.assign(cells, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])))
  set({ organisation_code: authorityCode(i), organisation_name: authorityName(i), respondent_role: (i % 4) + 1, respondent_team: TEAM_TEXT, prisons_in_area: i % 3 === 0 ? 1 : 0 })
  if (i % 3 === 0) {
    set({ assessment_provider: 1, dedicated_team: i % 2 === 0 ? 1 : 2, written_agreement: 1, reception_screening: 2 })
    set({ referral_routes_1: 1, referral_routes_2: 0, referral_routes_3: 0, referral_routes_4: 0, referral_routes_5: 0, referral_routes_dk: 0 })
    set({ referrals_received: 10, assessments_completed: 5, eligible_needs: 3, days_to_assessment: -9 })
    set({ support_types_1: 0, support_types_2: 1, support_types_3: 0, support_types_4: 0, support_types_5: 0, support_types_6: 0, support_types_7: 0 })
    set({ equipment_delays: 2, effectiveness_identifying: 2, effectiveness_assessing: 2, effectiveness_providing: 2, effectiveness_equipment: 2, peer_support_scheme: 1 })
  }
  set({ release_process: 1, release_notice: i % 2 ? 1 : 5, continuity_arrangements: -9, released_with_needs: i, accommodation_problems: i % 4 === 0 ? 1 : 2, residence_disputes: 2 })
  set({ prison_staff_training: i % 10 === 0 ? 1 : 2, training_date: i % 10 === 0 ? '27/03/2016' : '', annual_spend: -8 })
  set({ main_challenges_1: 0, main_challenges_2: 0, main_challenges_3: 0, main_challenges_4: 1, main_challenges_5: 0, main_challenges_6: 0, main_challenges_7: 0, main_challenges_8: 0, main_challenges_99: 0 })
  set({ challenges_text: -9, good_practice: -9 })
  return cells
}

/** The rows of a file of `count` authorities, header first; `change` alters a row's cells (for the errors). */
export function pastWaveRows(count: number, change: (i: number, cells: Record<string, string>) => void = () => {}, header = HEADER_2015_16): string[][] {
  const rows = [header]
  for (let i = 1; i <= count; i++) {
    const cells = authorityCells(i)
    change(i, cells)
    rows.push(HEADER_2015_16.map((h) => cells[h]))
  }
  return rows
}
