// Checks across answers, soft checks and same-page follow-ups in a definition file: every
// construct loads, and each mistake a researcher can make with them comes back located (the line
// of the mistake, the path inside the document) and in plain words, all at once.
import t from 'tap'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { contentHashOf } from '../../src/questionnaire/content-hash.js'
import { diffVersions } from '../../src/questionnaire/diff.js'
import { nonEditorialChanges } from '../../src/questionnaire/editorial.js'
import { parseDefinition } from '../../src/questionnaire/load-definition.js'
import type { Definition } from '../../src/questionnaire/schema.js'
import { FIXTURES } from '../helpers/app.js'

/** A bilingual questionnaire with a page of numbers, a yes/no question and `extra` on the second page. */
function definitionWith(caseload: string, contact = '', second = ''): string {
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
          - id: assessments
            type: number
            text: { en: Assessments, cy: Asesiadau }
          - id: has_scheme
            type: yes_no
            text: { en: Is there a scheme?, cy: Oes cynllun? }
${contact}${caseload ? `        checks:\n${caseload}` : ''}
      - id: second
        questions:
          - id: later_count
            type: number
            text: { en: Later, cy: Wedyn }
${second}`
}

/** The line of the first line holding `marker` (counting from 1), worked out from the text itself. */
const lineOf = (text: string, marker: string, nth = 1) => {
  let found = 0
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(marker) && ++found === nth) return i + 1
  throw new Error(`no line with ${marker}`)
}

function problemsOf(text: string): string[] {
  return parseDefinition(text, 'demo.yaml').problems.map((p) => `${p.line} ${p.path}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`)
}

const check = (body: string) => `          - id: a_check\n${body}`

t.test('every new construct loads: each kind of check, soft checks, follow-ups beneath yes/no and ticked options', async (t) => {
  const { catalogue, problems } = loadCatalogue(`${FIXTURES}/surveys-checks`)
  t.same(problems, [], 'no problems, not even warnings')
  const definition = catalogue!.find('care-checks', '1')!.definition
  const kinds = definition.sections.flatMap((s) => s.pages.flatMap((p) => (p.checks ?? []).map((c) => `${c.kind}${c.kind !== 'confirm' && c.soft ? ' (soft)' : ''}`)))
  t.same(kinds, ['at_most', 'at_most (soft)', 'confirm', 'sum_equals', 'at_least'])
  const followUps = definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions.filter((q) => q.type !== 'info' && q.follow_up_of).map((q) => q.id)))
  t.same(followUps, ['contact_email', 'contact_phone', 'peer_hours'])
  // The shipped 2020 questionnaire checks assessments against referrals, and asks about none.
  const shipped = loadCatalogue('surveys')
  t.same(shipped.problems.filter((p) => p.severity === 'error'), [])
  const la = shipped.catalogue!.find('la-release-social-care', '2020')!.definition
  const page = la.sections.flatMap((s) => s.pages).find((p) => p.id === 'referral_numbers')!
  t.same(page.checks?.map((c) => [c.id, c.kind]), [['assessments_vs_referrals', 'at_most'], ['no_assessments', 'confirm']])
})

t.test('sum_at_most, the one kind the fixture survey does not walk, loads too', async (t) => {
  const text = definitionWith(check(`            kind: sum_at_most
            parts: [referrals, assessments]
            total: later_count
            message: { en: "{sum} is more than {later_count}", cy: "Mae {sum} yn fwy na {later_count}" }`))
  // The total is on a later page: refused. Moved the other way round, it loads.
  t.same(problemsOf(text), [`${lineOf(text, 'total: later_count')} sections[0].pages[0].checks[0].total: refers to "later_count", which is later in the questionnaire: a check can only use answers from its own page or earlier pages`])
  const fine = definitionWith(
    '',
    '',
    `        checks:
          - id: parts_within
            kind: sum_at_most
            parts: [referrals, assessments]
            total: later_count
            message: { en: "{sum} is more than {later_count}", cy: "Mae {sum} yn fwy na {later_count}" }
`,
  )
  t.same(problemsOf(fine), [])
})

t.test('a check that names an unknown question, a later one, or one of another type', async (t) => {
  const text = definitionWith(
    check(`            kind: at_most
            question: assessments
            limit: referals
            message: { en: Too many, cy: Gormod }
          - id: b_check
            kind: at_least
            question: assessments
            limit: later_count
            message: { en: Too few, cy: Rhy ychydig }
          - id: c_check
            kind: sum_equals
            parts: [referrals, has_scheme]
            total: assessments
            message: { en: Does not add up, cy: Nid yw’n adio }`),
  )
  t.same(problemsOf(text), [
    `${lineOf(text, 'limit: referals')} sections[0].pages[0].checks[0].limit: refers to "referals", which is not a question in this version`,
    `${lineOf(text, 'limit: later_count')} sections[0].pages[0].checks[1].limit: refers to "later_count", which is later in the questionnaire: a check can only use answers from its own page or earlier pages`,
    `${lineOf(text, 'parts: [referrals, has_scheme]')} sections[0].pages[0].checks[2].parts[1]: refers to "has_scheme", a yes_no question: this check compares numbers, so name number questions`,
  ])
})

t.test('a check message without its Welsh, or whose placeholders the languages do not share', async (t) => {
  const text = definitionWith(
    check(`            kind: at_most
            question: assessments
            limit: referrals
            message: Assessments cannot be more than referrals
          - id: b_check
            kind: at_most
            question: assessments
            limit: referrals
            message:
              en: Assessments ({assessments}) cannot be more than referrals ({referrals})
              cy: Ni all asesiadau ({assessments}) fod yn fwy nag atgyfeiriadau
          - id: c_check
            kind: at_most
            question: assessments
            limit: referrals
            message:
              en: Assessments cannot be more than referrals
              cy: Ni all asesiadau ({assessments}) fod yn fwy nag atgyfeiriadau
          - id: d_check
            kind: at_most
            question: assessments
            limit: referrals
            message: { en: "Check {asessments}", cy: "Gwiriwch {asessments}" }`),
  )
  t.same(problemsOf(text), [
    `${lineOf(text, 'message: Assessments cannot')} sections[0].pages[0].checks[0].message: has no Welsh text (cy), which this version declares`,
    `${lineOf(text, 'cy: Ni all asesiadau ({assessments}) fod yn fwy nag atgyfeiriadau')} sections[0].pages[0].checks[1].message.cy: has no {referrals}, which the English text has: the Welsh must name the same answers`,
    `${lineOf(text, 'cy: Ni all asesiadau ({assessments}) fod yn fwy nag atgyfeiriadau', 2)} sections[0].pages[0].checks[2].message.cy: names {assessments}, which the English text does not: the Welsh must name the same answers`,
    `${lineOf(text, 'Check {asessments}')} sections[0].pages[0].checks[3].message.en: {asessments} is not an answer this check reads: use one of {assessments}, {referrals}`,
    `${lineOf(text, 'Check {asessments}')} sections[0].pages[0].checks[3].message.cy: {asessments} is not an answer this check reads: use one of {assessments}, {referrals}`,
  ])
})

t.test('a check that names nothing on its page, compares a question with itself, or shares an id', async (t) => {
  const text = definitionWith(
    '',
    '',
    `          - id: other_count
            type: number
            text: { en: Other, cy: Arall }
        checks:
          - id: referrals
            kind: at_most
            question: assessments
            limit: referrals
            message: { en: Too many, cy: Gormod }
          - id: same_check
            kind: at_most
            question: later_count
            limit: later_count
            message: { en: Too many, cy: Gormod }
          - id: nothing_here
            kind: sum_equals
            parts: [later_count, other_count]
            total: later_count
            message: { en: Too many, cy: Gormod }
          - id: soft_elsewhere
            kind: confirm
            question: assessments
            when: { question: later_count, max: 0 }
            message: { en: Sure?, cy: Siŵr? }
`,
  )
  t.same(problemsOf(text), [
    // The second "- id: referrals" is the check's: the first is the question's.
    `${lineOf(text, '- id: referrals', 2)} sections[0].pages[1].checks[0]: names no question on this page ("second"): put the check on the page of the question it checks, where the message is shown`,
    `${lineOf(text, '- id: referrals', 2)} sections[0].pages[1].checks[0].id: check id "referrals" is also the id of a question (at sections[0].pages[0].questions[0]): checks and questions need ids of their own`,
    `${lineOf(text, 'limit: later_count')} sections[0].pages[1].checks[1].limit: is "later_count", the question itself: name the other question the answer is compared with`,
    `${lineOf(text, 'total: later_count')} sections[0].pages[1].checks[2].total: "later_count" is one of the parts: the total must be another question`,
    `${lineOf(text, 'question: assessments', 2)} sections[0].pages[1].checks[3].question: "assessments" is not on this page: a soft check asks to confirm an answer given on its own page`,
  ])
})

t.test('an unknown kind of check is named with the kinds there are, and the rest is still checked', async (t) => {
  const text = definitionWith(
    check(`            kind: at_mots
            question: assessments
            limit: referrals
            message: { en: Too many, cy: Gormod }`),
    `          - id: email
            type: short_text
            text: { en: Email, cy: E-bost }
            follow_up_of: { question: has_schem, option: yes }
`,
  )
  t.same(problemsOf(text), [
    `${lineOf(text, 'question: has_schem,')} sections[0].pages[0].questions[3].follow_up_of.question: refers to "has_schem", which is not a question in this version`,
    `${lineOf(text, 'kind: at_mots')} sections[0].pages[0].checks[0].kind: kind must be one of: at_most, at_least, sum_equals, sum_at_most, confirm`,
  ])
})

t.test('a follow-up on another page, before its question, on a number, on a missing option, with skip logic of its own, or apart from its question', async (t) => {
  const text = definitionWith(
    '',
    `          - id: scheme_size
            type: number
            text: { en: Size, cy: Maint }
            follow_up_of: { question: has_scheme, option: 7 }
          - id: size_note
            type: short_text
            text: { en: Note, cy: Nodyn }
            follow_up_of: { question: referrals, option: 1 }
          - id: scheme_name
            type: short_text
            text: { en: Name, cy: Enw }
            follow_up_of: { question: has_scheme, option: yes }
          - id: scheme_why
            type: short_text
            text: { en: Why, cy: Pam }
            show_if: { question: referrals, min: 1 }
            follow_up_of: { question: has_scheme, option: no }
`,
    `          - id: early_note
            type: short_text
            text: { en: Early, cy: Cynnar }
            follow_up_of: { question: has_scheme, option: yes }
          - id: chosen_kind
            type: single_choice
            text: { en: Kind, cy: Math }
            follow_up_of: { question: picked, option: 1 }
            options: [{ code: 1, label: { en: A, cy: A } }, { code: 2, label: { en: B, cy: B } }]
          - id: picked
            type: single_choice
            text: { en: Pick, cy: Dewis }
            options: [{ code: 1, label: { en: A, cy: A } }, { code: 2, label: { en: B, cy: B } }]
`,
  )
  t.same(problemsOf(text), [
    `${lineOf(text, 'option: 7')} sections[0].pages[0].questions[3].follow_up_of.option: "has_scheme" has no option 7 (its codes are 1, 2)`,
    `${lineOf(text, 'question: referrals, option: 1')} sections[0].pages[0].questions[4].follow_up_of.question: refers to "referrals", but other questions stand between them: put the follow-up straight after the question it follows (after its other follow-ups), where it is shown`,
    `${lineOf(text, 'option: yes', 1)} sections[0].pages[0].questions[5].follow_up_of.question: refers to "has_scheme", but other questions stand between them: put the follow-up straight after the question it follows (after its other follow-ups), where it is shown`,
    `${lineOf(text, 'show_if: { question: referrals')} sections[0].pages[0].questions[6].show_if: a follow-up is shown by its option: put show_if on the question it follows, not on the follow-up`,
    `${lineOf(text, 'show_if: { question: referrals')} sections[0].pages[0].questions[6].show_if.question: refers to "referrals", which is on the same page: skip logic can only depend on answers from earlier pages`,
    `${lineOf(text, 'option: no')} sections[0].pages[0].questions[6].follow_up_of.question: refers to "has_scheme", but other questions stand between them: put the follow-up straight after the question it follows (after its other follow-ups), where it is shown`,
    `${lineOf(text, 'option: yes', 2)} sections[0].pages[1].questions[1].follow_up_of.question: refers to "has_scheme", which is on another page: a follow-up is asked beneath an option of a question on its own page`,
    `${lineOf(text, 'question: picked')} sections[0].pages[1].questions[2].follow_up_of.question: refers to "picked", which comes after it: put the follow-up after the question it follows`,
  ])
})

t.test('a follow-up on a question that is not a choice', async (t) => {
  const text = definitionWith(
    '',
    `          - id: size_note
            type: short_text
            text: { en: Note, cy: Nodyn }
            follow_up_of: { question: has_scheme, option: 1 }
          - id: note_more
            type: short_text
            text: { en: More, cy: Mwy }
            follow_up_of: { question: size_note, option: 1 }
`,
  )
  t.same(problemsOf(text), [
    `${lineOf(text, 'question: size_note')} sections[0].pages[0].questions[4].follow_up_of.question: refers to "size_note", a short_text question: a follow-up hangs on an option of a single choice, multiple choice or yes/no question`,
  ])
})

t.test('checks and follow-ups are part of a version: its hash, its changes, never an editorial correction', async (t) => {
  const without = definitionWith('')
  const withCheck = definitionWith(
    check(`            kind: at_most
            question: assessments
            limit: referrals
            message: { en: Too many, cy: Gormod }`),
  )
  const reworded = withCheck.replace('{ en: Too many, cy: Gormod }', '{ en: Far too many, cy: Gormod }')
  const load = (text: string) => parseDefinition(text, 'demo.yaml').definition as Definition
  t.not(contentHashOf(load(without)), contentHashOf(load(withCheck)), 'adding a check changes the hash a lock holds')
  t.not(contentHashOf(load(withCheck)), contentHashOf(load(reworded)), 'so does rewording its message')
  t.same(nonEditorialChanges(load(without), load(withCheck)), ['the checks across answers of page "first" changed'])
  t.same(nonEditorialChanges(load(withCheck), load(reworded)), [], 'a reworded message alone is editorial')
  const diff = diffVersions(load(without), load(withCheck))
  t.same(diff.checks, [{ id: 'a_check', change: 'added', where: 'About › first', before: '', after: 'assessments is at most referrals: "Too many"' }])
  t.same(diffVersions(load(withCheck), load(without)).checks.map((c) => c.change), ['removed'])
  t.same(diffVersions(load(withCheck), load(reworded)).checks.map((c) => [c.change, c.after]), [['changed', 'assessments is at most referrals: "Far too many"']])
  const followUp = definitionWith('', `          - id: scheme_name\n            type: short_text\n            text: { en: Name, cy: Enw }\n            follow_up_of: { question: has_scheme, option: yes }\n`)
  const asOwnQuestion = followUp.replace('            follow_up_of: { question: has_scheme, option: yes }\n', '')
  const changes = diffVersions(load(asOwnQuestion), load(followUp))
  t.same(changes.skipLogic.map((s) => [s.id, s.before, s.after]), [['scheme_name', 'always shown', 'shown when has_scheme is Yes (1)']], 'becoming a follow-up is a change of when it is asked')
})
