// A researcher's mistakes in a definition file come back as file:line:column, the path inside
// the document, and the problem in plain words, all at once.
import t from 'tap'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { loadDefinitionFile } from '../../src/questionnaire/load-definition.js'
import { formatProblem } from '../../src/questionnaire/problems.js'

const dir = 'test/fixtures/broken'
const problemsOf = (name: string) => {
  const file = `${dir}/${name}`
  const result = loadDefinitionFile(file, file)
  t.notOk(result.definition && result.problems.every((p) => p.severity === 'warning'), `${name} is refused`)
  return result.problems.map(formatProblem)
}

t.test('a value of the wrong type names the field and what it must be', async (t) => {
  t.same(problemsOf('wrong-type.yaml'), [`${dir}/wrong-type.yaml:13:18 sections[0].pages[0].questions[0].min: must be a number`])
})

t.test('a missing field is reported at the question that lacks it', async (t) => {
  t.same(problemsOf('missing-field.yaml'), [`${dir}/missing-field.yaml:10:13 sections[0].pages[0].questions[0]: "text" is required but missing`])
})

t.test('a duplicate question id points at the second use and names the first', async (t) => {
  t.same(problemsOf('duplicate-id.yaml'), [
    `${dir}/duplicate-id.yaml:15:17 sections[0].pages[1].questions[0].id: question id "role" is used twice (first at sections[0].pages[0].questions[0])`,
  ])
})

t.test('skip logic that refers to an unknown question', async (t) => {
  t.same(problemsOf('skip-unknown.yaml'), [
    `${dir}/skip-unknown.yaml:18:34 sections[0].pages[1].questions[0].show_if.question: refers to "has_schem", which is not a question in this version`,
  ])
})

t.test('skip logic that refers to a later question', async (t) => {
  t.same(problemsOf('skip-later.yaml'), [
    `${dir}/skip-later.yaml:14:25 sections[0].pages[0].questions[0].show_if.question: refers to "has_scheme", which is later in the questionnaire: skip logic can only depend on answers from earlier pages`,
  ])
})

t.test('a YAML syntax error gives the line of the mistake', async (t) => {
  t.same(problemsOf('yaml-syntax.yaml'), [
    `${dir}/yaml-syntax.yaml:12:1 YAML syntax: Sequence item without - indicator (check the indentation of this line and the one before)`,
  ])
})

t.test('every problem in a file is reported at once, with a suggestion for a typo', async (t) => {
  t.same(problemsOf('several-problems.yaml'), [
    `${dir}/several-problems.yaml:13:13 sections[0].pages[0].questions[0].requred: unknown field "requred": did you mean required?`,
    `${dir}/several-problems.yaml:15:15 sections[0].pages[0].questions[0].options: needs at least 2 options`,
    `${dir}/several-problems.yaml:16:17 sections[0].pages[0].questions[1].id: must start with a lower-case letter and use only a-z, 0-9 and single underscores`,
  ])
})

t.test('text missing in a declared language', async (t) => {
  t.same(problemsOf('missing-welsh.yaml'), [
    `${dir}/missing-welsh.yaml:13:19 sections[0].pages[0].questions[0].text: has no Welsh text (cy), which this version declares`,
  ])
})

t.test('a unit given plural forms needs every form its language uses, and no others', async (t) => {
  t.same(problemsOf('unit-forms.yaml'), [
    `${dir}/unit-forms.yaml:15:33 sections[0].pages[0].questions[0].unit.en.few: warning: English has no "few" form: it would never be shown`,
    `${dir}/unit-forms.yaml:16:19 sections[0].pages[0].questions[0].unit.cy: needs the Welsh plural forms zero, few, many (Welsh has zero, one, two, few, many, other)`,
    `${dir}/unit-forms.yaml:20:61 sections[0].pages[0].questions[1].unit.cy: warning: is one word for every number while English has plural forms: give the Welsh forms zero, one, two, few, many, other`,
  ])
  t.same(problemsOf('unit-forms-shape.yaml'), [
    `${dir}/unit-forms-shape.yaml:14:25 sections[0].pages[0].questions[0].unit.en: "other" is required but missing`,
    `${dir}/unit-forms-shape.yaml:14:44 sections[0].pages[0].questions[0].unit.cy: "other" is required but missing`,
    `${dir}/unit-forms-shape.yaml:14:98 sections[0].pages[0].questions[0].unit.cy.othr: unknown field "othr": did you mean other?`,
  ])
})

t.test('JSON definitions are located just as precisely', async (t) => {
  t.same(problemsOf('grid.json'), [`${dir}/grid.json:9:102 sections[0].pages[0].questions[0].rows: needs at least 1 row`])
})

t.test('lineage that refers to questions or codes missing from the previous version', async (t) => {
  const { catalogue, problems } = loadCatalogue('test/fixtures/lineage-broken')
  t.equal(catalogue, undefined, 'nothing is loaded')
  const file = 'test/fixtures/lineage-broken/demo/2.yaml'
  t.same(problems.map(formatProblem), [
    `${file}:3:11 previous: question "budget" of version 1 is not in this version: list it under dropped (with a reason), or keep it`,
    `${file}:15:15 sections[0].pages[0].questions[0].lineage: option 3 ("Volunteer") of version 1 has no equivalent here: map it in lineage.recode (to null if it has none)`,
    `${file}:15:28 sections[0].pages[0].questions[0].lineage.recode.2: maps to 5, which is not an option code of "role" in this version`,
    `${file}:22:22 sections[0].pages[0].questions[1].lineage: describes changes to "staff", but version 1 has no question "staff"`,
    `${file}:26:36 sections[0].pages[0].questions[2].lineage.split_from: refers to "helpers", which is not a question in version 1`,
  ])
})

t.test('files that could hang or garble the loader are refused at their line', async (t) => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { tmpdir } = await import('node:os')
  const tmp = mkdtempSync(join(tmpdir(), 'broken-def-'))
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(join(tmp, name), content)
    return loadDefinitionFile(join(tmp, name), name).problems.map(formatProblem)
  }
  // Nine to the fifth power of values from five lines: the "billion laughs" shape.
  const bomb = 'survey: demo\nversion: "1"\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n'
  t.same(write('bomb.yaml', bomb), ['bomb.yaml:4:8 YAML: the aliases (*name) repeat their anchors too many times over (more than 100 repetitions): write the repeated parts out, or repeat each only a few times'])
  t.same(write('alias.yaml', 'survey: demo\nversion: "1"\ntitle: *title\n'), ['alias.yaml:3:8 YAML: the alias *title refers to no anchor &title set before it'])
  // "Siân" saved as Windows-1252 by a word processor: â is the single byte 0xE2 on line 3.
  const latin = Buffer.concat([Buffer.from('survey: demo\nversion: "1"\ntitle: Si'), Buffer.from([0xe2]), Buffer.from('n\n')])
  t.same(write('latin.yaml', latin), ['latin.yaml:3:10 is not UTF-8: byte 0xE2 (byte 36 of the file) is not valid UTF-8. Save the file as UTF-8 (in most editors: Save as, Encoding, UTF-8)'])
  // Valid UTF-8 Welsh (ŵ is three bytes) before the bad byte still counts as one column each.
  const welsh = Buffer.concat([Buffer.from('title: Gŵyl '), Buffer.from([0xff]), Buffer.from('\n')])
  t.match(write('welsh.yaml', welsh)[0], /^welsh\.yaml:1:13 is not UTF-8: byte 0xFF/)
  t.same(write('big.yaml', `survey: demo\n# ${'x'.repeat(1024 * 1024)}\n`), ['big.yaml:1:1 is 1.0 MB: a definition file may be at most 1 MB'])
})

t.test('a schema error does not hide the semantic errors of the same file: both kinds, located, from one run', async (t) => {
  t.same(problemsOf('schema-and-semantic.yaml'), [
    `${dir}/schema-and-semantic.yaml:13:13 sections[0].pages[0].questions[0].requred: unknown field "requred": did you mean required?`,
    `${dir}/schema-and-semantic.yaml:16:25 sections[0].pages[0].questions[0].options[1].code: option code 1 is used twice (also options[0])`,
    `${dir}/schema-and-semantic.yaml:18:19 sections[0].pages[0].questions[1].type: type must be one of: single_choice, multiple_choice, yes_no, number, date, email, phone, postcode, short_text, long_text, grid, info`,
    `${dir}/schema-and-semantic.yaml:29:34 sections[0].pages[1].questions[1].show_if.question: refers to "staff_trainde", which is not a question in this version`,
    `${dir}/schema-and-semantic.yaml:30:5 sections[1]: "title" is required but missing`,
    `${dir}/schema-and-semantic.yaml:34:17 sections[1].pages[0].questions[0].id: question id "role" is used twice (first at sections[0].pages[0].questions[0])`,
    `${dir}/schema-and-semantic.yaml:37:25 sections[1].pages[0].questions[0].max_length: must be <= 500`,
  ], 'nothing is said about skip logic on the question the schema refused (staff), nor about the placeholders set in its place')
})

t.test('two questions following one earlier question are refused unless both are parts of a split', async (t) => {
  const { catalogue, problems } = loadCatalogue('test/fixtures/lineage-claims')
  t.notOk(catalogue)
  t.same(problems.map(formatProblem), [
    'test/fixtures/lineage-claims/demo/2.yaml:28:22 sections[0].pages[0].questions[3].lineage: "spend" follows "budget" of version 1, which "budget" (sections[0].pages[0].questions[2]) follows too: two questions can follow one only as the parts of a split, with lineage: { split_from: budget } on each',
  ], 'role_paid and role_level, both split from role, are fine')
})
