// Checks beyond the schema: the mistakes that make data unusable later if they slip through.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { parseDefinition } from '../../src/questionnaire/load-definition.js'

function definitionWith(questions: string, head = ''): string {
  return `survey: demo
version: "1"
title: Demo
${head}sections:
  - id: about
    title: About
    pages:
      - id: first
        questions:
          - id: has_scheme
            type: yes_no
            text: Is there a scheme?
          - id: rating
            type: grid
            text: Rate
            rows: [{ id: speed, text: Speed }]
            options: [{ code: 1, label: Good }, { code: 2, label: Bad }]
      - id: second
        questions:
${questions}`
}

function messages(text: string, expected: { survey?: string; version?: string } = {}) {
  return parseDefinition(text, 'demo.yaml', expected).problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`)
}

t.test('duplicate option codes and misplaced option flags', async (t) => {
  const problems = messages(
    definitionWith(`          - id: role
            type: single_choice
            text: Role
            options:
              - { code: 1, label: A }
              - { code: 1, label: B, exclusive: true }
              - { code: 3, label: C, other: true }
              - { code: 4, label: D, other: true }`),
  )
  t.match(problems, [/options\[1\]\.code: option code 1 is used twice/, /options\[1\]\.exclusive: only applies to multiple choice/, /options\[3\]\.other: only one option can ask "other, please specify"/])
  t.equal(problems.length, 3)
})

t.test('skip logic must use codes the earlier question really has', async (t) => {
  const problems = messages(
    definitionWith(`          - id: size
            type: number
            text: Size
            show_if: { question: has_scheme, in: [yes, 7] }
          - id: speed_note
            type: short_text
            text: Why?
            show_if: { question: rating, in: [2] }
          - id: note
            type: short_text
            text: Note
            show_if: { question: rating, row: colour, in: [1] }`),
  )
  t.match(problems, [/in\[1\]: "has_scheme" has no option 7/, /"rating" is a grid: say which row/, /row: grid "rating" has no row "colour"/])
})

t.test('the survey and version inside a file must match its folder and name', async (t) => {
  const problems = messages(definitionWith(`          - { id: note, type: short_text, text: Note }`), { survey: 'other', version: '2' })
  t.match(problems, [/^1:9 survey: is "demo" but the file is in the folder "other"/, /^2:10 version: is "1" but the file is named "2"/])
})

t.test('a valid definition gives no problems and a stable content hash that ignores comments', async (t) => {
  const text = definitionWith(`          - { id: note, type: short_text, text: Note }`)
  const a = parseDefinition(text, 'a.yaml')
  const b = parseDefinition(`# a comment\n${text.replace('title: Demo', 'title:   Demo   # same')}`, 'b.yaml')
  const c = parseDefinition(text.replace('text: Note', 'text: Notes'), 'c.yaml')
  t.same(a.problems, [])
  t.equal(a.contentHash, b.contentHash, 'layout and comments do not change the hash')
  t.not(a.contentHash, c.contentHash, 'a change of wording does')
})

t.test('versions of a survey must form one line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'surveys-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'demo'))
  const base = definitionWith(`          - { id: note, type: short_text, text: Note }`)
  writeFileSync(join(dir, 'demo', '1.yaml'), base)
  writeFileSync(join(dir, 'demo', '2.yaml'), base.replace('version: "1"', 'version: "2"\nprevious: "0"'))
  const { catalogue, problems } = loadCatalogue(dir)
  t.equal(catalogue, undefined)
  t.match(problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`), [/^3:11 previous: version "0" is not in surveys folder "demo" \(it has: 1\)/])
})

t.test('a definition may be written in JSON instead of YAML', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'surveys-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'demo'))
  const yaml = parseDefinition(definitionWith(`          - { id: note, type: short_text, text: Note }`), 'demo/1.yaml')
  writeFileSync(join(dir, 'demo', '1.json'), JSON.stringify(yaml.definition, null, '\t'))
  const { catalogue, problems } = loadCatalogue(dir)
  t.same(problems, [])
  t.equal(catalogue?.find('demo', '1')?.contentHash, yaml.contentHash, 'the same content gives the same hash')
})
