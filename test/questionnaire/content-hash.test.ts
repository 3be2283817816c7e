// The content hash locks what a wave asked: rewriting a file without changing its meaning keeps
// the hash (so the server still starts), and any change of meaning changes it (so it is refused).
import t from 'tap'
import { parseDefinition } from '../../src/questionnaire/load-definition.js'

const ORIGINAL = `survey: demo
version: "2"
previous: "1"
title: Peer support
sections:
  - id: main
    title: Main
    pages:
      - id: first
        questions:
          - id: has_scheme
            type: yes_no
            text: Does the prison have a peer support scheme?
      - id: second
        questions:
          - id: buddies
            type: number
            text: How many buddies?
            unit: buddies
            min: 0
            lineage: { reworded: true }
            show_if: { question: has_scheme, in: [yes] }
          - id: tasks
            type: multiple_choice
            text: What do buddies do?
            options:
              - { code: 1, label: Cleaning }
              - { code: 2, label: Collecting meals }
              - { code: 9, label: None of these, exclusive: true }
          - id: comments
            type: short_text
            text: Anything else?
            required: false
`

// The same meaning written differently: comments, flow and block style, key order, quoting
// styles, folded text, and every default written out.
const REWRITTEN = `# A comment at the top
"title": { en: 'Peer support' }
survey: demo
version: '2'
previous: "1"
languages: [en]
dropped: []
editorial: false
sections:
- title: "Main"
  id: main
  pages:
  - id: first
    questions:
    - type: yes_no
      id: has_scheme
      required: true
      dont_know: false
      not_applicable: false
      text: >-
        Does the prison have a
        peer support scheme?
  - { id: second, questions: [
      { id: buddies, type: number, text: { en: How many buddies? }, unit: { en: buddies }, min: 0, dont_know: false,
        lineage: { reworded: true, comparable: true, added: false }, show_if: { in: [yes], question: has_scheme } },
      { id: tasks, type: multiple_choice, text: "What do buddies do?", options: [
        { label: Cleaning, code: 1, other: false, exclusive: false },
        { code: 2, label: { en: Collecting meals } },
        { code: 9, label: 'None of these', exclusive: true } ] },
      { id: comments, type: short_text, text: Anything else?, required: false, max_length: 500 } ] } # trailing comment
`

function hashOf(text: string): string {
  const loaded = parseDefinition(text, 'demo/2.yaml')
  const errors = loaded.problems.filter((p) => p.severity === 'error')
  if (errors.length || !loaded.contentHash) throw new Error(`not valid: ${JSON.stringify(errors)}`)
  return loaded.contentHash
}

t.test('a rewrite that means the same keeps the hash', async (t) => {
  t.equal(hashOf(REWRITTEN), hashOf(ORIGINAL))
  t.equal(hashOf(ORIGINAL.replace('title: Peer support', '$schema: ../questionnaire.schema.json\ntitle: Peer support')), hashOf(ORIGINAL), 'the editor hint is not content')
  t.equal(hashOf(ORIGINAL.replace(/\n/g, '\r\n')), hashOf(ORIGINAL), 'Windows line endings')
})

t.test('any change of meaning changes the hash', async (t) => {
  const original = hashOf(ORIGINAL)
  const changes: [string, string, string][] = [
    ['the wording', 'How many buddies?', 'How many peer supporters?'],
    ['a text given in Welsh too', 'text: Anything else?', 'text: { en: Anything else?, cy: Unrhyw beth arall? }'],
    ['required', 'required: false', 'required: true'],
    ['a maximum length other than the default', 'required: false', 'required: false\n            max_length: 400'],
    ['an option code', '{ code: 2, label: Collecting meals }', '{ code: 3, label: Collecting meals }'],
    ['an option no longer exclusive', 'None of these, exclusive: true', 'None of these'],
    ['skip logic', 'in: [yes]', 'in: [no]'],
    ['a range', 'min: 0', 'min: 1'],
    ['lineage', 'lineage: { reworded: true }', 'lineage: { reworded: true, comparable: false }'],
    ['a type', 'type: short_text', 'type: long_text'],
    ['the order of options', '- { code: 1, label: Cleaning }\n              - { code: 2, label: Collecting meals }', '- { code: 2, label: Collecting meals }\n              - { code: 1, label: Cleaning }'],
    ['the languages', 'title: Peer support', 'title: Peer support\nlanguages: [en, cy]'],
    ['declared editorial', 'title: Peer support', 'title: Peer support\neditorial: true'],
  ]
  const seen = new Set([original])
  for (const [what, from, to] of changes) {
    t.ok(ORIGINAL.includes(from), `the fixture has ${from}`)
    const changed = ORIGINAL.replace(from, to)
    // Welsh text needs languages: [en, cy] to be valid; the hash is taken all the same.
    const hash = parseDefinition(changed, 'demo/2.yaml').contentHash
    t.ok(hash, `${what}: still a definition`)
    t.not(hash, original, `${what} changes the hash`)
    seen.add(hash!)
  }
  t.equal(seen.size, changes.length + 1, 'each change gives a hash of its own')
})
