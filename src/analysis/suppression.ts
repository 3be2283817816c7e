// Tables that leave the team must not single out a small group of organisations: see
// publication.ts for what a published download hides, and disclosure.ts for how it checks that
// nothing hidden can be worked back.
export const DEFAULT_THRESHOLD = 5

export interface Publication {
  threshold: number
}
