// Repeating groups in a definition: the good ones load (with their lineage, content hash and
// JSON Schema), and each mistake a research team can make with one comes back located (file,
// line, column, path) in plain words.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { contentHashOf } from '../../src/questionnaire/content-hash.js'
import { nonEditorialChanges } from '../../src/questionnaire/editorial.js'
import { groupOfQuestion, repeatingGroups } from '../../src/questionnaire/groups.js'
import { loadDefinitionFile } from '../../src/questionnaire/load-definition.js'
import { formatProblem } from '../../src/questionnaire/problems.js'
import { questionnaireJsonSchema } from '../../src/questionnaire/schema.js'

const dir = 'test/fixtures/groups-broken'
const problemsOf = (name: string) => {
  const file = `${dir}/${name}`
  const result = loadDefinitionFile(file, file)
  t.notOk(result.definition && result.problems.every((p) => p.severity === 'warning'), `${name} is refused`)
  return result.problems.map(formatProblem)
}

t.test('the shipped 2020 survey and the bilingual fixture load with their groups', async (t) => {
  const { catalogue, problems } = loadCatalogue('surveys')
  t.same(problems.filter((p) => p.severity === 'error').map(formatProblem), [])
  const la = catalogue!.find('la-release-social-care', '2020')!.definition
  t.same(repeatingGroups(la).map((g) => [g.id, g.repeat.item_label, g.repeat.min_items, g.repeat.max_items]), [['each_prison', 'prison_name', 1, 20]])
  t.equal(groupOfQuestion(la, 'prison_referrals_12m'), 'each_prison')
  t.equal(groupOfQuestion(la, 'prisons_in_area'), undefined, 'the authority’s own questions stay the authority’s')
  const sites = loadCatalogue('test/fixtures/surveys-groups')
  t.same(sites.problems.map(formatProblem), [])
})

t.test('the JSON Schema for editors has the group, and the file in surveys/ is in step', async (t) => {
  const schema = questionnaireJsonSchema() as { properties: { sections: { items: { properties: Record<string, { required?: string[] }> } } } }
  t.same(schema.properties.sections.items.properties.repeat.required, ['item_label', 'items', 'add_item', 'add_another'])
  t.same(JSON.parse(readFileSync('surveys/questionnaire.schema.json', 'utf8')), JSON.parse(JSON.stringify(questionnaireJsonSchema())))
})

t.test('an item named by a question that is not in the group', async (t) => {
  t.same(problemsOf('item-label-unknown.yaml'), [
    `${dir}/item-label-unknown.yaml:19:19 sections[1].repeat.item_label: refers to "prison_nam", which is not a question of this repeating group: name the short_text question that names each item`,
  ])
})

t.test('an item named by a question that is not short text', async (t) => {
  t.same(problemsOf('item-label-type.yaml'), [
    `${dir}/item-label-type.yaml:19:19 sections[1].repeat.item_label: refers to "prison_contact", a yes_no question: an item is named by a short_text question`,
  ])
})

t.test('an item named on a later page of the group', async (t) => {
  t.same(problemsOf('item-label-later-page.yaml'), [
    `${dir}/item-label-later-page.yaml:19:19 sections[1].repeat.item_label: refers to "prison_referrals", which is not on the group's first page: each item is named on its first page`,
  ])
})

t.test('more items at least than at most', async (t) => {
  t.same(problemsOf('min-above-max.yaml'), [`${dir}/min-above-max.yaml:23:18 sections[1].repeat.min_items: at least 5 items is more than the most allowed (max_items: 2)`])
})

t.test('skip logic outside a group that reads a group question', async (t) => {
  t.same(problemsOf('show-if-outside.yaml'), [
    `${dir}/show-if-outside.yaml:46:34 sections[2].pages[0].questions[0].show_if.question: refers to "prison_contact", which is asked once per item of the repeating group "each_prison": only questions of that group can use its answers`,
  ])
})

t.test('a check outside a group that reads a group question', async (t) => {
  t.same(problemsOf('check-outside.yaml'), [
    `${dir}/check-outside.yaml:51:20 sections[2].pages[0].checks[0].limit: refers to "prison_referrals", which is asked once per item of the repeating group "each_prison": only questions of that group can use its answers`,
  ])
})

t.test('a group whose id is a question’s', async (t) => {
  t.same(problemsOf('id-clash.yaml'), [
    `${dir}/id-clash.yaml:15:9 sections[1].id: repeating group id "prisons" is also the id of a question (at sections[0].pages[0].questions[0]): the group's id names its long file in the exports, so it needs one of its own`,
  ])
})

t.test('a group question named as a column of the long file', async (t) => {
  t.same(problemsOf('long-file-column.yaml'), [
    `${dir}/long-file-column.yaml:29:17 sections[1].pages[0].questions[1].id: question id "item_number" is a column of the group's long file in the exports: choose another id`,
  ])
})

t.test('a bilingual version needs the group’s own texts in Welsh', async (t) => {
  const repeat = problemsOf('missing-welsh.yaml').filter((p) => p.includes('.repeat.'))
  t.same(repeat, [
    `${dir}/missing-welsh.yaml:21:14 sections[1].repeat.items: has no Welsh text (cy), which this version declares`,
    `${dir}/missing-welsh.yaml:22:17 sections[1].repeat.add_item: has no Welsh text (cy), which this version declares`,
    `${dir}/missing-welsh.yaml:23:20 sections[1].repeat.add_another: has no Welsh text (cy), which this version declares`,
  ])
})

t.test('lineage: a new group says so, and a question moved into a group is no longer comparable', async (t) => {
  const { problems } = loadCatalogue('test/fixtures/groups-lineage')
  t.same(problems.filter((p) => p.severity === 'error').map(formatProblem), [
    'test/fixtures/groups-lineage/demo/2.yaml:22:7 sections[1].repeat: the repeating group "each_prison" is not in version 1: mark it as new with lineage: { added: true }, or use the id it had in 1',
    'test/fixtures/groups-lineage/demo/2.yaml:33:17 sections[1].pages[0].questions[1].id: "prison_contact" was asked once per organisation in version 1 and is asked per item of the repeating group "each_prison" now, so its figures count different things: set lineage.comparable: false',
  ])
})

t.test('a group changes the content hash; its wording alone is editorial, its limits are not', async (t) => {
  const la = loadCatalogue('surveys').catalogue!.find('la-release-social-care', '2020')!.definition
  const copy = structuredClone(la)
  const group = copy.sections.find((s) => s.id === 'each_prison')!
  group.repeat!.add_another = 'Is there another prison in your area?'
  t.not(contentHashOf(copy), contentHashOf(la))
  t.same(nonEditorialChanges(la, copy), [], 'rewording "add another" is editorial')
  group.repeat!.max_items = 30
  t.same(nonEditorialChanges(la, copy), ['the repeating group of section "each_prison" changed (repeat: its item_label, min_items or max_items, or whether it repeats)'])
  const written = structuredClone(la)
  written.sections.find((s) => s.id === 'each_prison')!.repeat!.add_item = { en: 'Add a prison' }
  t.equal(contentHashOf(written), contentHashOf(la), 'English written as { en: … } is the same meaning')
})
