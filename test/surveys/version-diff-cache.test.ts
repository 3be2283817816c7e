// The changes pages' kept diffs: a pair is worked out once, and when more pairs than the cache
// holds have been asked for, the one asked for least recently goes, not the one asked for first.
import t from 'tap'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { VersionDiffCache } from '../../src/surveys/version-diffs.js'
import { REAL_SURVEYS } from '../helpers/app.js'

t.test('a diff is kept per pair of content hashes, and the least recently used pair is dropped first', async (t) => {
  const { catalogue } = loadCatalogue(REAL_SURVEYS)
  const old = catalogue!.find('la-release-social-care', '2015-16')!
  const newer = catalogue!.find('la-release-social-care', '2020')!
  const prison = catalogue!.find('prison-peer-social-care', '2024')!
  const cache = new VersionDiffCache(2)

  const first = cache.get(old, newer)
  cache.get(newer, prison)
  t.equal(cache.computed, 2, 'two pairs, two diffs worked out')
  t.equal(cache.get(old, newer), first, 'the same pair again is the kept diff, the same object')
  t.equal(cache.computed, 2)

  // (old, newer) was just used, so the third pair pushes out (newer, prison).
  cache.get(old, prison)
  t.equal(cache.computed, 3)
  t.equal(cache.get(old, newer), first, 'the recently used pair stayed')
  t.equal(cache.computed, 3)
  cache.get(newer, prison)
  t.equal(cache.computed, 4, 'the least recently used pair had gone and is worked out again')

  // A pair is ordered: the changes from newer to old are another diff.
  cache.get(newer, old)
  t.equal(cache.computed, 5)
  // And a version whose content changed (another hash) is never served the old result.
  const changed = { ...newer, contentHash: `${newer.contentHash}-changed` }
  t.not(cache.get(old, changed), first)
  t.equal(cache.computed, 6)
})
