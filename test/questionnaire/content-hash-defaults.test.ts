// The content hash and the defaults that content-hash.test.ts does not reach: a long text's own
// maximum, the lineage of a split, a merge and an added question (whose "comparable" defaults
// differ), an empty lineage note, a check's "soft: false" and English-only messages, hints, grid
// rows and intros written as { en: … }. Written out, each keeps the hash; the opposite value
// changes it.
import t from 'tap'
import { parseDefinition } from '../../src/questionnaire/load-definition.js'

const ORIGINAL = `survey: demo
version: "3"
previous: "2"
title: Care in prison
intro: About care.
sections:
  - id: main
    title: Main
    intro: Numbers first.
    pages:
      - id: numbers
        intro: The last 12 months.
        questions:
          - id: referrals
            type: number
            text: How many referrals?
            hint: Count each person once.
            lineage: { split_from: contacts }
          - id: assessments
            type: number
            text: How many assessments?
            lineage: { split_from: contacts }
          - id: plans
            type: number
            text: How many care plans?
            lineage: { merged_from: [plans_new, plans_review] }
          - id: waiting
            type: number
            text: How many people are waiting?
            lineage: { added: true }
        checks:
          - id: assessments_vs_referrals
            kind: at_most
            question: assessments
            limit: referrals
            message: Assessments ({assessments}) cannot be more than referrals ({referrals})
      - id: views
        questions:
          - id: story
            type: long_text
            text: Tell us more.
            lineage: { reworded: true }
          - id: ratings
            type: grid
            text: How good is each?
            rows:
              - { id: a, text: Assessment }
              - { id: b, text: Care }
            options:
              - { code: 1, label: Good }
              - { code: 2, label: Poor }
`

function hashOf(text: string): string {
  const loaded = parseDefinition(text, 'demo/3.yaml')
  const errors = loaded.problems.filter((p) => p.severity === 'error')
  if (errors.length || !loaded.contentHash) throw new Error(`not valid: ${JSON.stringify(errors)}`)
  return loaded.contentHash
}

const SAME: [string, string, string][] = [
  ['a long text\'s default maximum written out', '            text: Tell us more.\n', '            text: Tell us more.\n            max_length: 20000\n'],
  ['a split part written "comparable: false"', 'lineage: { split_from: contacts }\n          - id: assessments', 'lineage: { split_from: contacts, comparable: false }\n          - id: assessments'],
  ['a merge written "comparable: false"', 'lineage: { merged_from: [plans_new, plans_review] }', 'lineage: { merged_from: [plans_new, plans_review], comparable: false }'],
  ['an added question written "comparable: false"', 'lineage: { added: true }', 'lineage: { added: true, comparable: false }'],
  ['an empty note', 'lineage: { reworded: true }', 'lineage: { reworded: true, note: "" }'],
  ['a check written "soft: false"', '            limit: referrals\n', '            limit: referrals\n            soft: false\n'],
  ['a check\'s message as { en: … }', 'message: Assessments ({assessments}) cannot be more than referrals ({referrals})', 'message: { en: "Assessments ({assessments}) cannot be more than referrals ({referrals})" }'],
  ['a hint as { en: … }', 'hint: Count each person once.', 'hint: { en: Count each person once. }'],
  ['a grid row as { en: … }', '{ id: a, text: Assessment }', '{ id: a, text: { en: Assessment } }'],
  ['the intros as { en: … }', 'intro: About care.', 'intro: { en: About care. }'],
  ['a section intro as { en: … }', 'intro: Numbers first.', 'intro: { en: Numbers first. }'],
  ['a page intro as { en: … }', 'intro: The last 12 months.', 'intro: { en: The last 12 months. }'],
]

const DIFFERENT: [string, string, string][] = [
  ['a long text limited below its default', '            text: Tell us more.\n', '            text: Tell us more.\n            max_length: 2000\n'],
  ['a split part declared comparable', 'lineage: { split_from: contacts }\n          - id: assessments', 'lineage: { split_from: contacts, comparable: true }\n          - id: assessments'],
  ['a merge declared comparable', 'lineage: { merged_from: [plans_new, plans_review] }', 'lineage: { merged_from: [plans_new, plans_review], comparable: true }'],
  ['a note written', 'lineage: { reworded: true }', 'lineage: { reworded: true, note: Now asks for more. }'],
  ['a check made soft', '            limit: referrals\n', '            limit: referrals\n            soft: true\n'],
  ['a check\'s wording', 'cannot be more than referrals ({referrals})', 'should not be more than referrals ({referrals})'],
  ['a page intro', 'intro: The last 12 months.', 'intro: The last year.'],
  ['a grid row\'s wording', '{ id: a, text: Assessment }', '{ id: a, text: Assessments }'],
]

t.test('defaults written out keep the hash', async (t) => {
  const original = hashOf(ORIGINAL)
  for (const [what, from, to] of SAME) {
    t.ok(ORIGINAL.includes(from), `the fixture has: ${from.trim()}`)
    t.equal(hashOf(ORIGINAL.replace(from, to)), original, what)
  }
})

t.test('the opposite of a default changes it, each in its own way', async (t) => {
  const original = hashOf(ORIGINAL)
  const seen = new Set([original])
  for (const [what, from, to] of DIFFERENT) {
    t.ok(ORIGINAL.includes(from), `the fixture has: ${from.trim()}`)
    const hash = hashOf(ORIGINAL.replace(from, to))
    t.not(hash, original, what)
    seen.add(hash)
  }
  t.equal(seen.size, DIFFERENT.length + 1, 'each change gives a hash of its own')
})
