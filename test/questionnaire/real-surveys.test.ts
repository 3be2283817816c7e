// The questionnaires shipped in surveys/ load cleanly, use every question type, and the JSON
// Schema checked in for editors is the one the validator enforces.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { schemaText } from '../../src/cli.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { describeAnswer } from '../../src/questionnaire/answers.js'
import { translator } from '../../src/i18n/catalogue.js'
import { variables } from '../../src/analysis/raw-data.js'
import { isAnswerable, placedQuestions } from '../../src/questionnaire/model.js'
import { QUESTION_TYPES, type AnswerableQuestion } from '../../src/questionnaire/schema.js'

const { catalogue, problems } = loadCatalogue('surveys')

t.test('all three questionnaire versions load without errors or warnings', async (t) => {
  t.same(problems, [])
  t.same(
    catalogue?.surveys.map((s) => [s.id, s.versions.map((v) => v.definition.version)]),
    [
      ['la-release-social-care', ['2015-16', '2020']],
      ['prison-peer-social-care', ['2024']],
    ],
  )
})

t.test('each version has the depth of a national survey and uses every question type', async (t) => {
  for (const survey of catalogue!.surveys) {
    for (const { definition } of survey.versions) {
      const placed = placedQuestions(definition)
      const types = new Set(placed.map((p) => p.question.type))
      t.same([...QUESTION_TYPES].filter((type) => !types.has(type)), [], `${survey.id} ${definition.version} uses every type`)
      t.ok(placed.filter((p) => isAnswerable(p.question)).length >= 30, `${survey.id} ${definition.version} asks at least 30 questions`)
      t.ok(placed.some((p) => p.question.show_if || p.page.show_if || p.section.show_if), 'uses skip logic')
    }
  }
})

t.test('the 2020 local authority version covers the topics of the 2020 findings', async (t) => {
  const ids = placedQuestions(catalogue!.find('la-release-social-care', '2020')!.definition).map((p) => p.question.id)
  for (const id of ['self_referral', 'peer_identification', 'rotl_used', 'technology_use', 'accommodation_ease', 'knowledge_of_population', 'challenges_text', 'good_practice', 'multidisciplinary']) {
    t.ok(ids.includes(id), `asks ${id}`)
  }
})

t.test('one prison reads in the singular; the codebook labels the unit in the plural', async (t) => {
  const definition = catalogue!.find('la-release-social-care', '2020')!.definition
  const prisons = placedQuestions(definition).find((p) => p.question.id === 'prisons_in_area')!.question as AnswerableQuestion
  t.same(describeAnswer(prisons, { value: 1 }, translator('en'), 'en'), ['1 prison'])
  t.same(describeAnswer(prisons, { value: 3 }, translator('en'), 'en'), ['3 prisons'])
  t.equal(variables(definition).find((v) => v.name === 'prisons_in_area')?.label, 'How many prisons are there in your local authority area? (prisons)')
})

t.test('the checked-in JSON Schema matches the one the validator uses', async (t) => {
  t.equal(readFileSync('surveys/questionnaire.schema.json', 'utf8'), schemaText(), 'run "npm run cli -- schema" after changing src/questionnaire/schema.ts')
})
