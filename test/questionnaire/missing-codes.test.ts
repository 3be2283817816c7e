// The exports keep -9, -8 and -7 for "not answered", "don't know" and "not applicable" in every
// variable, so a questionnaire may not give them another meaning: as the code of an ordinary
// option, or as a number a respondent could type.
import t from 'tap'
import { parseDefinition } from '../../src/questionnaire/load-definition.js'

function problemsOf(questions: string): string[] {
  const text = `survey: demo
version: "1"
title: Demo
sections:
  - id: about
    title: About
    pages:
      - id: first
        questions:
${questions}`
  return parseDefinition(text, 'demo.yaml').problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`)
}

t.test('an ordinary option may not use a missing-value code; "Don\'t know" may have any code', async (t) => {
  t.same(
    problemsOf(`          - id: role
            type: single_choice
            text: Role
            options:
              - { code: -8, label: Manager }
              - { code: 9, label: Don't know, special: dont_know }
              - { code: -7, label: Not applicable, special: not_applicable }`),
    ["14:25 sections[0].pages[0].questions[0].options[0].code: code -8 is kept for not answered (-9), don't know (-8) and not applicable (-7) in the exports: choose another code, or mark the option special"],
  )
  t.same(
    problemsOf(`          - id: tasks
            type: multiple_choice
            text: Tasks
            options:
              - { code: -1, label: Cleaning }
              - { code: 0, label: None }`),
    [],
    'other negative codes are fine',
  )
})

t.test('a number question whose range takes in -9 to -7 is refused; one that stays clear of them is not', async (t) => {
  const number = (range: string) => `          - id: change
            type: number
            text: Change since last year
            ${range}`
  t.same(problemsOf(number('min: -100')), ["13:18 sections[0].pages[0].questions[0].min: allows -9, -8, -7, which the exports keep for not answered, don't know and not applicable: choose a minimum above -7"])
  t.same(problemsOf(number('min: -8\n            max: -8')).length, 1, 'a range of -8 alone')
  t.same(problemsOf(number('min: -6')), [], 'from -6 up')
  t.same(problemsOf(number('min: -50\n            max: -10')), [], 'below -9 only')
  t.same(problemsOf(number('min: 0')), [])
})
