// The questionnaires shipped in surveys/ load cleanly, use every question type, and the JSON
// Schema checked in for editors is the one the validator enforces.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { CONTACT_DETAIL_TYPES } from '../../src/questionnaire/answer-types.js'
import { schemaText } from '../../src/cli.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { checkDefinition } from '../../src/questionnaire/check-definition.js'
import { formatPath, type Path } from '../../src/questionnaire/problems.js'
import { describeAnswer } from '../../src/questionnaire/answers.js'
import { translator } from '../../src/i18n/catalogue.js'
import { variables } from '../../src/analysis/raw-data.js'
import { isAnswerable, languagesOf, placedQuestions } from '../../src/questionnaire/model.js'
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
      // Contact details (issue 14) are not asked by these surveys: test/fixtures/surveys-types asks each.
      t.same([...QUESTION_TYPES].filter((type) => !types.has(type) && !CONTACT_DETAIL_TYPES.has(type)), [], `${survey.id} ${definition.version} uses every type`)
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

// Where a definition holds translatable text, named here from the format rather than taken from
// the validator, so that a kind of text the validator forgot would show up below.
const TEXT_KEYS = new Set(['title', 'intro', 'text', 'hint', 'label', 'unit'])

function textPaths(node: unknown, path: Path = []): Path[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => textPaths(item, [...path, i]))
  if (!node || typeof node !== 'object') return []
  return Object.entries(node).flatMap(([key, value]) => (TEXT_KEYS.has(key) ? [[...path, key]] : textPaths(value, [...path, key])))
}

function at(node: unknown, path: Path): Record<string, unknown> {
  return path.reduce<unknown>((n, key) => (n as Record<string | number, unknown>)[key], node) as Record<string, unknown>
}

// The validator already requires both languages; this shows it looks at every text the shipped
// bilingual questionnaires have, by taking each one's English or Welsh away in turn.
t.test('every text of every bilingual questionnaire has English and Welsh, and the validator would catch either missing', async (t) => {
  const bilingual = catalogue!.surveys.flatMap((s) => s.versions).filter((v) => v.definition.languages?.includes('cy'))
  t.same(bilingual.map((v) => v.file), ['surveys/prison-peer-social-care/2024.yaml'])
  for (const { file, definition } of bilingual) {
    const paths = textPaths(definition.sections).map((p) => ['sections', ...p]).concat([['title'], ['intro']])
    t.ok(paths.length > 150, `${file}: ${paths.length} texts`)
    const plain = paths.filter((p) => typeof at(definition, p) !== 'object').map(formatPath)
    t.same(plain, [], `${file}: no text is in one language only`)
    const missed: string[] = []
    for (const path of paths) {
      for (const [language, name] of [['cy', 'Welsh'], ['en', 'English']]) {
        const copy = structuredClone(definition)
        delete at(copy, path)[language]
        const caught = checkDefinition(copy).some((f) => f.severity === 'error' && formatPath(f.path) === formatPath(path) && f.message.startsWith(`has no ${name} text (${language})`))
        if (!caught) missed.push(`${formatPath(path)} without ${name}`)
      }
    }
    t.same(missed, [], `${file}: the validator notices any text without English or Welsh`)
  }
})

// The validator checks that forms, once given, are complete; this checks they are given at all,
// so no shipped questionnaire can show "1 prisons" or "1 cyfeillion".
t.test('every unit in the shipped questionnaires has plural forms in each language of its version', async (t) => {
  let units = 0
  for (const survey of catalogue!.surveys) {
    for (const { definition } of survey.versions) {
      for (const { question } of placedQuestions(definition)) {
        if (question.type !== 'number' || question.unit === undefined) continue
        units++
        for (const language of languagesOf(definition)) {
          const given = typeof question.unit === 'string' ? undefined : question.unit[language]
          t.equal(typeof given, 'object', `${survey.id} ${definition.version} ${question.id} has ${language} plural forms`)
        }
      }
    }
  }
  t.ok(units >= 20, `checked ${units} units`)
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
