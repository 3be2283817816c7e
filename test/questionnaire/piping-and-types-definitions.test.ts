// Piping and the new answer types in a definition file: the fixture with every construct loads
// clean, each mistake a researcher can make comes back located (line, path) and in plain words,
// all at once; piped text fills in answers as check answers shows them, in the page's language;
// and placeholders are wording to the content hash, the changes page and an editorial version.
import t from 'tap'
import { translator } from '../../src/i18n/catalogue.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { contentHashOf } from '../../src/questionnaire/content-hash.js'
import { diffVersions } from '../../src/questionnaire/diff.js'
import { nonEditorialChanges } from '../../src/questionnaire/editorial.js'
import { parseDefinition } from '../../src/questionnaire/load-definition.js'
import { piping } from '../../src/questionnaire/piping.js'
import type { Definition } from '../../src/questionnaire/schema.js'
import { questionIndex } from '../../src/questionnaire/skip-logic.js'
import { FIXTURES } from '../helpers/app.js'

/** A bilingual questionnaire: numbers and a grid on the first page, `second` on the second page, `first` added to the first. */
function definitionWith(second: string, first = ''): string {
  return `survey: demo
version: "1"
title: { en: Demo, cy: Demo }
languages: [en, cy]
sections:
  - id: about
    title: { en: About, cy: Amdanoch }
    pages:
      - id: first
        questions:
          - id: referrals
            type: number
            text: { en: Referrals, cy: Atgyfeiriadau }
          - id: risks
            type: grid
            text: { en: Risks, cy: Risgiau }
            rows: [{ id: bullying, text: { en: Bullying, cy: Bwlio } }]
            options:
              - { code: 1, label: { en: Low, cy: Isel } }
              - { code: 2, label: { en: High, cy: Uchel } }
          - id: note
            type: info
            text: { en: A note, cy: Nodyn }
${first}      - id: second
        questions:
${second}`
}

const lineOf = (text: string, marker: string) => text.split('\n').findIndex((l) => l.includes(marker)) + 1

function problemsOf(text: string): string[] {
  return parseDefinition(text, 'demo.yaml').problems.map((p) => `${p.line} ${p.path}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`)
}

t.test('the fixture with every new construct loads without a problem', async (t) => {
  const { catalogue, problems } = loadCatalogue(`${FIXTURES}/surveys-types`)
  t.same(problems, [], 'no problems, not even warnings')
  const definition = catalogue!.find('service-types', '1')!.definition
  const types = definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions.map((q) => `${q.type}${'format' in q && q.format ? `/${q.format}` : ''}${'precision' in q && q.precision ? `/${q.precision}` : ''}`)))
  t.same(types, ['number', 'number/money', 'number/percentage', 'number', 'date/month', 'date', 'multiple_choice', 'number', 'single_choice', 'email', 'phone', 'postcode'])
  // The shipped prison questionnaire pipes the prison's name and asks a month for the scheme's start.
  const shipped = loadCatalogue('surveys')
  t.same(shipped.problems.filter((p) => p.severity === 'error'), [])
  const prison = shipped.catalogue!.find('prison-peer-social-care', '2024')!.definition
  const texts = prison.sections.flatMap((s) => s.pages.flatMap((p) => p.questions.map((q) => (typeof q.text === 'string' ? q.text : q.text.en!))))
  t.ok(texts.includes('Which of these best describes {organisation|your prison}?'))
  const start = prison.sections.flatMap((s) => s.pages.flatMap((p) => p.questions)).find((q) => q.id === 'scheme_start')!
  t.match(start, { type: 'date', precision: 'month', not_future: true })
})

t.test('each mistake in piping is located and said in plain words', async (t) => {
  const pipes = (en: string, cy: string) => `          - id: asked
            type: short_text
            text: { en: "${en}", cy: "${cy}" }
`
  const unknown = definitionWith(pipes('Of {nobody}', 'O {nobody}'))
  t.same(problemsOf(unknown), [
    `${lineOf(unknown, 'Of {nobody}')} sections[0].pages[1].questions[0].text.en: {nobody} names "nobody", which is not a question in this version`,
    `${lineOf(unknown, 'Of {nobody}')} sections[0].pages[1].questions[0].text.cy: {nobody} names "nobody", which is not a question in this version`,
  ])

  const grid = definitionWith(pipes('Risk {risks}', 'Risg {risks}'))
  t.same(problemsOf(grid), [
    `${lineOf(grid, 'Risk {risks}')} sections[0].pages[1].questions[0].text.en: {risks} names "risks", a grid question, whose answer cannot be piped: pipe a choice, yes/no, number, date or short text answer`,
    `${lineOf(grid, 'Risk {risks}')} sections[0].pages[1].questions[0].text.cy: {risks} names "risks", a grid question, whose answer cannot be piped: pipe a choice, yes/no, number, date or short text answer`,
  ])

  const info = definitionWith(pipes('See {note}', 'Gweler {note}'))
  t.match(problemsOf(info)[0], 'text.en: {note} names "note", which is explanatory text, not a question')

  const samePage = definitionWith('', `          - id: same
            type: short_text
            text: { en: "Of {referrals|the} referrals", cy: "O’r {referrals|} atgyfeiriadau" }
`) + `          - id: filler
            type: short_text
            text: { en: Filler, cy: Llenwi }
`
  t.same(problemsOf(samePage), [
    `${lineOf(samePage, 'Of {referrals|the}')} sections[0].pages[0].questions[3].text.en: {referrals} (in {referrals|the}) names "referrals", which is on the same page: piped text can only show answers given on earlier pages`,
    `${lineOf(samePage, 'Of {referrals|the}')} sections[0].pages[0].questions[3].text.cy: {referrals} (in {referrals|}) names "referrals", which is on the same page: piped text can only show answers given on earlier pages`,
  ])

  const later = definitionWith(
    `          - id: later_one
            type: number
            text: { en: Later, cy: Wedyn }
`,
    `          - id: early
            type: yes_no
            text: { en: Early, cy: Cynnar }
            hint: { en: "Before {later_one}", cy: "Cyn {later_one}" }
`,
  )
  t.same(problemsOf(later), [
    `${lineOf(later, 'Before {later_one}')} sections[0].pages[0].questions[3].hint.en: {later_one} names "later_one", which is later in the questionnaire: piped text can only show answers given on earlier pages`,
    `${lineOf(later, 'Before {later_one}')} sections[0].pages[0].questions[3].hint.cy: {later_one} names "later_one", which is later in the questionnaire: piped text can only show answers given on earlier pages`,
  ])

  const welsh = definitionWith(pipes('Of {referrals} at {organisation}', 'O {organisation.region}'))
  t.same(problemsOf(welsh), [
    `${lineOf(welsh, 'Of {referrals} at')} sections[0].pages[1].questions[0].text.cy: has no {referrals}, which the English text has: the Welsh must name the same answers and details`,
    `${lineOf(welsh, 'Of {referrals} at')} sections[0].pages[1].questions[0].text.cy: has no {organisation}, which the English text has: the Welsh must name the same answers and details`,
    `${lineOf(welsh, 'Of {referrals} at')} sections[0].pages[1].questions[0].text.cy: names {organisation.region}, which the English text does not: the Welsh must name the same answers and details`,
  ])

  const title = definitionWith(pipes('Fine', 'Iawn')).replace('title: { en: About, cy: Amdanoch }', 'title: { en: "About {organisation}", cy: "Am {organisation}" }')
  t.same(problemsOf(title), [
    `${lineOf(title, 'About {organisation}')} sections[0].title.en: {organisation}: nothing is piped into a section title (the task list shows it); the braces would be shown as typed`,
    `${lineOf(title, 'About {organisation}')} sections[0].title.cy: {organisation}: nothing is piped into a section title (the task list shows it); the braces would be shown as typed`,
  ])

  const option = definitionWith(`          - id: choice
            type: single_choice
            text: { en: Choose, cy: Dewiswch }
            options:
              - { code: 1, label: { en: "{organisation.} one", cy: "{organisation.} un" } }
              - { code: 2, label: { en: "Bad {Referrals}", cy: "Drwg {Referrals}" } }
`)
  t.same(problemsOf(option).map((p) => p.replace(/^\d+ /, '')), [
    'sections[0].pages[1].questions[0].options[0].label.en: {organisation.} names no attribute: write {organisation} for the name, or {organisation.region} for an attribute as imported',
    'sections[0].pages[1].questions[0].options[0].label.cy: {organisation.} names no attribute: write {organisation} for the name, or {organisation.region} for an attribute as imported',
    'sections[0].pages[1].questions[0].options[1].label.en: {Referrals} is not a question id, {organisation} or {organisation.attribute}: write an earlier question’s id in braces',
    'sections[0].pages[1].questions[0].options[1].label.cy: {Referrals} is not a question id, {organisation} or {organisation.attribute}: write an earlier question’s id in braces',
  ])
})

t.test('each nonsense in the new answer types is located and said in plain words', async (t) => {
  const text = definitionWith(`          - id: spend
            type: number
            format: money
            decimals: 1
            unit: { en: pounds, cy: punnoedd }
            text: { en: Spend, cy: Gwariant }
          - id: share
            type: number
            format: percentage
            min: -5
            max: 120
            text: { en: Share, cy: Cyfran }
          - id: staff
            type: number
            min: 0.5
            text: { en: Staff, cy: Staff }
          - id: tasks
            type: multiple_choice
            min_selected: 3
            max_selected: 2
            text: { en: Tasks, cy: Tasgau }
            options:
              - { code: 1, label: { en: Cleaning, cy: Glanhau } }
              - { code: 2, label: { en: Meals, cy: Prydau } }
              - { code: 3, label: { en: None, cy: Dim }, exclusive: true }
          - id: when
            type: date
            precision: week
            text: { en: When, cy: Pryd }
`)
  t.same(problemsOf(text), [
    `${lineOf(text, 'decimals: 1')} sections[0].pages[1].questions[0].decimals: is 1, but money is pounds and pence: leave decimals out (2, for pence) or give 0 for whole pounds`,
    `${lineOf(text, 'unit: { en: pounds')} sections[0].pages[1].questions[0].unit: a money question shows £ itself: remove unit`,
    `${lineOf(text, 'min: -5')} sections[0].pages[1].questions[1].min: is -5, but a percentage is 0 to 100: give a minimum of 0 or more`,
    `${lineOf(text, 'max: 120')} sections[0].pages[1].questions[1].max: is 120, but a percentage is 0 to 100: give a maximum of 100 or less`,
    `${lineOf(text, 'min: 0.5')} sections[0].pages[1].questions[2].min: is 0.5, with more decimal places than the answer may have (decimals: 0): no answer could equal it`,
    `${lineOf(text, 'min_selected: 3')} sections[0].pages[1].questions[3].min_selected: is 3, but only 2 of the options can be ticked together: no answer could meet it`,
    `${lineOf(text, 'min_selected: 3')} sections[0].pages[1].questions[3].min_selected: is 3, more than max_selected (2): no answer could meet both`,
    `${lineOf(text, 'max_selected: 2')} sections[0].pages[1].questions[3].max_selected: warning: is 2, but only 2 of the options can be ticked together: it limits nothing`,
    `${lineOf(text, 'precision: week')} sections[0].pages[1].questions[4].precision: must be one of: day, month`,
  ])
})

t.test('piped text: answers as check answers shows them, in the page’s language, with fallbacks', async (t) => {
  const definition = loadCatalogue(`${FIXTURES}/surveys-types`).catalogue!.find('service-types', '1')!.definition
  const questions = questionIndex(definition)
  const organisation = { name: 'HMP Cardiff & <Parc>', attributes: { region: 'Wales' } }
  const answers = { referrals: { value: 1234 }, spend: { value: 600 }, service_start: { value: '2020-02' } }
  const en = piping({ answers, questions, organisation, t: translator('en'), language: 'en' })
  const cy = piping({ answers, questions, organisation, t: translator('cy'), language: 'cy' })
  // As check your answers writes a number with its unit (units.ts): the digits, then the plural form.
  t.equal(en('You received {referrals|some referrals}. How many?'), 'You received 1234 referrals. How many?')
  t.equal(cy('Cawsoch {referrals|rai atgyfeiriadau}.'), 'Cawsoch 1234 atgyfeiriad.')
  t.equal(en('Was {spend|it} enough?'), 'Was £600.00 enough?')
  t.equal(en('Started in {service_start}.'), 'Started in February 2020.')
  t.equal(cy('Ym mis {service_start}.'), 'Ym mis Chwefror 2020.')
  t.equal(en('{organisation} in {organisation.region}'), 'HMP Cardiff & <Parc> in Wales', 'plain text: the templates escape it')
  t.equal(en('{organisation.cluster|no cluster} and {hours_per_week|no hours}'), 'no cluster and no hours', 'fallbacks for a missing attribute and an unanswered question')
  t.equal(en('{hours_per_week} and {organisation.cluster}'), '(not answered) and your organisation', 'the fixed wording without a fallback')
  t.equal(cy('{hours_per_week} a {organisation.cluster}'), '(heb ei ateb) a eich sefydliad')
  const dontKnow = piping({ answers: { referrals: { dont_know: true } }, questions, t: translator('en'), language: 'en' })
  t.equal(dontKnow('You received {referrals|some referrals}.'), 'You received some referrals.', '"don\'t know" takes the fallback')
  const preview = piping({ answers: {}, questions, t: translator('en'), language: 'en', showNames: true })
  t.equal(preview('{organisation} had {referrals}; {spend|some money}'), '[organisation] had [referrals]; some money', 'the preview names what would be piped')
})

t.test('placeholders are wording: the content hash, the changes page and an editorial version', async (t) => {
  const source = definitionWith(`          - id: asked
            type: short_text
            text: { en: "At {organisation}", cy: "Yn {organisation}" }
`)
  const parse = (text: string) => parseDefinition(text, 'demo.yaml').definition as Definition
  const before = parse(source)
  const after = parse(source.replace('"At {organisation}"', '"At {organisation|your prison}"').replace('"Yn {organisation}"', '"Yn {organisation|eich carchar}"'))
  t.not(contentHashOf(after), contentHashOf(before), 'a fallback changes the hash')
  t.same(nonEditorialChanges(before, after), [], 'and is only wording: an editorial correction may make it')
  const diff = diffVersions(before, after)
  t.same(diff.reworded.map((r) => [r.id, r.before]), [['asked', 'At {organisation}']], 'shown as a rewording on the changes page')
  // The new options are substance, and their defaults mean what leaving them out means.
  const typed = parse(source.replace('          - id: asked\n            type: short_text', '          - id: asked\n            type: date\n            precision: day\n            not_future: false'))
  const plain = parse(source.replace('          - id: asked\n            type: short_text', '          - id: asked\n            type: date'))
  t.equal(contentHashOf(typed), contentHashOf(plain), 'precision: day and not_future: false are the defaults')
  const month = parse(source.replace('          - id: asked\n            type: short_text', '          - id: asked\n            type: date\n            precision: month'))
  t.same(nonEditorialChanges(plain, month), ['question "asked": precision changed from nothing to "month"'])
  t.same(diffVersions(plain, month).otherChanges.map((c) => [c.what, c.before, c.after]), [['precision', '—', 'month']])
})
