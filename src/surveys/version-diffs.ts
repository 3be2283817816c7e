// The changes page for a pair of versions is worked out once, not at every request: versions are
// named by their content hashes, which change with any change of meaning, so a kept result can
// never be stale, and the same pair is the same answer in every app of the process.
import type { SurveyVersion } from '../questionnaire/catalogue.js'
import { diffVersions, type VersionDiff } from '../questionnaire/diff.js'

/** Pairs kept: a team looks at a handful of pairs; each is a few hundred kilobytes at most. */
const CAPACITY = 32

export class VersionDiffCache {
  private readonly kept = new Map<string, VersionDiff>()
  /** How many diffs were worked out (not found kept): what the tests and the bench watch. */
  computed = 0

  constructor(private readonly capacity = CAPACITY) {}

  get(from: SurveyVersion, to: SurveyVersion): VersionDiff {
    const key = `${from.contentHash}:${to.contentHash}`
    const found = this.kept.get(key)
    if (found) {
      // Least recently used goes first: a Map iterates in insertion order.
      this.kept.delete(key)
      this.kept.set(key, found)
      return found
    }
    const diff = diffVersions(from.definition, to.definition)
    this.computed++
    this.kept.set(key, diff)
    if (this.kept.size > this.capacity) this.kept.delete(this.kept.keys().next().value as string)
    return diff
  }
}

export const versionDiffs = new VersionDiffCache()
