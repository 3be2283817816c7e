// Every organisation can finish: for every questionnaire that ships and every test fixture, every
// branch of its skip logic is walked by a simulated respondent who follows the task list and
// fills the visible required questions. Each branch must reach "check and submit", the check
// page must list exactly the questions that branch shows, and answers to hidden questions must
// never count. A council with no prison and a prison with no buddy scheme are branches here.
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { optionChosen, type Answers } from '../../src/questionnaire/answers.js'
import { checkPage, withConfirmations } from '../../src/questionnaire/checks.js'
import { isAnswerable } from '../../src/questionnaire/model.js'
import { questionsOnForm } from '../../src/questionnaire/skip-logic.js'
import type { Definition } from '../../src/questionnaire/schema.js'
import { responseProgress, type SectionStatus } from '../../src/respond/progress.js'
import { summariseAnswers } from '../../src/respond/answer-summary.js'
import type { StoredResponse } from '../../src/respond/responses.js'
import { translator } from '../../src/i18n/catalogue.js'
import { answerOnBranch, answersToHiddenQuestions, branchesOf, driversOf, expectedVisible, type Branch } from '../helpers/branches.js'
import { FIXTURES, REAL_SURVEYS } from '../helpers/app.js'
import { expectedItem, itemAnswerOnBranch, itemCountOnBranch, itemNameOnBranch } from '../helpers/group-branches.js'
import { holds } from '../helpers/branches.js'
import { canonicalJson } from '../../src/questionnaire/content-hash.js'
import type { GroupSection } from '../../src/questionnaire/groups.js'
import type { Section } from '../../src/questionnaire/schema.js'
import { itemProgress } from '../../src/respond/group-progress.js'
import type { StoredItem } from '../../src/respond/group-items.js'
import { summariseResponse } from '../../src/respond/group-summary.js'

const folders = [REAL_SURVEYS, ...readdirSync(FIXTURES).filter((name) => name.startsWith('surveys-')).map((name) => join(FIXTURES, name))]
const definitions: Definition[] = folders.flatMap((folder) => {
  const { catalogue } = loadCatalogue(folder)
  if (!catalogue) throw new Error(`${folder} does not load`)
  return catalogue.surveys.flatMap((s) => s.versions.map((v) => v.definition))
})

interface Walked {
  problems: string[]
  stored: StoredResponse
  /** The soft checks the respondent was asked to confirm. */
  warned: string[]
}

/** A respondent on one branch, following the task list from the top until it offers "check and submit". */
function respond(definition: Definition, branch: Branch): Walked {
  const problems: string[] = []
  const warned: string[] = []
  // Answers left from another path (a colleague answered before an earlier answer changed):
  // they must never change what this branch sees, nor count.
  const stored: StoredResponse = { answers: answersToHiddenQuestions(definition, branch), pages: new Map() }
  const everPage = definition.sections.reduce((n, s) => n + s.pages.length, 0)
  const finalStatuses = new Map<string, SectionStatus>()
  for (let step = 0; ; step++) {
    const progress = responseProgress(definition, stored)
    for (const s of progress.sections) {
      // "Not needed" is a promise: no answer still to come may bring the section back.
      if (finalStatuses.get(s.section.id) === 'not_needed' && s.status !== 'not_needed') problems.push(`section ${s.section.id} was "not needed", then became ${s.status}`)
      if (s.status === 'not_needed') finalStatuses.set(s.section.id, s.status)
    }
    if (progress.complete) break
    const next = progress.sections.find((s) => s.status === 'not_started' || s.status === 'in_progress')
    if (!next) {
      problems.push(`stuck after ${step} pages: ${progress.sections.map((s) => `${s.section.id}=${s.status}`).join(', ')}; ${progress.completedCount} of ${progress.neededCount}`)
      break
    }
    if (step > everPage) {
      problems.push(`still not complete after ${step} pages`)
      break
    }
    if (next.group) {
      addItems(definition, next.section, stored, progress.answers, branch)
      continue
    }
    const page = next.pages.find((p) => p.page.id === next.resumePageId)!
    // The form shows every follow-up beneath its option: the respondent answers those whose
    // option they chose, and leaves the others.
    const given: Answers = {}
    for (const q of questionsOnForm(page).filter(isAnswerable)) {
      const answer = answerOnBranch(q, branch, definition)
      if (q.follow_up_of && !optionChosen(given[q.follow_up_of.question], q.follow_up_of.option)) continue
      if (answer !== undefined) given[q.id] = answer
    }
    // The page's checks, as the server runs them: a branch's answers never break a hard check,
    // and each "is that right?" is confirmed once, then not asked again for the same answers.
    const translate = translator('en')
    const checked = checkPage(definition, page.page, given, stored.answers, progress.answers, {}, translate, 'en')
    if (checked.errors.length) problems.push(`page ${page.page.id}: refused by ${checked.errors.map((e) => e.message).join('; ')}`)
    const ticked = Object.fromEntries(checked.warnings.map((w) => [w.field.name, w.field.value]))
    const confirmed = checkPage(definition, page.page, given, stored.answers, progress.answers, ticked, translate, 'en')
    if (confirmed.warnings.length) problems.push(`page ${page.page.id}: confirming did not settle ${confirmed.warnings.map((w) => w.checkId)}`)
    const saved = withConfirmations(given, confirmed.confirmed)
    for (const q of page.page.questions.filter(isAnswerable)) delete stored.answers[q.id]
    Object.assign(stored.answers, saved)
    const again = checkPage(definition, page.page, given, stored.answers, responseProgress(definition, stored).answers, {}, translate, 'en')
    if (again.warnings.length) problems.push(`page ${page.page.id}: asked again about ${again.warnings.map((w) => w.checkId)} for the same answers`)
    warned.push(...checked.warnings.map((w) => w.checkId))
    stored.pages.set(page.page.id, { version: 1, completed: true, updatedAt: new Date(0).toISOString() })
  }
  const progress = responseProgress(definition, stored)
  const expected = expectedVisible(definition, branch)
  const shown = progress.pages.flatMap((p) => p.questions.filter(isAnswerable).map((q) => q.id))
  const wanted = expected.questions.map((q) => q.id)
  if (shown.join() !== wanted.join()) problems.push(`shows [${shown}] but the branch sees [${wanted}]`)
  const checked = summariseAnswers(progress.pages, progress.answers, translator('en'), 'en').flatMap((s) => s.rows.map((r) => r.questionId))
  if (checked.join() !== wanted.join()) problems.push(`check page lists [${checked}] but the branch sees [${wanted}]`)
  const counted = Object.keys(progress.answers).sort()
  const answered = Object.keys(expected.answers).sort()
  if (counted.join() !== answered.join()) problems.push(`answers that count [${counted}], expected [${answered}]`)
  problems.push(...checkItems(definition, progress, branch))
  for (const s of progress.sections) {
    const needed = s.section.repeat
      ? !s.section.show_if || holds(s.section.show_if, expected.answers, new Map(definition.sections.flatMap((x) => x.pages.flatMap((p) => p.questions.map((q) => [q.id, q] as const)))))
      : expected.questions.some((q) => s.section.pages.some((p) => p.questions.includes(q)))
    const status = needed ? 'completed' : 'not_needed'
    if (s.status !== status) problems.push(`section ${s.section.id} ends ${s.status}, expected ${status}`)
  }
  return { problems, stored, warned }
}

/**
 * An organisation with a repeating group adds the items its branch says (none, one or three), each
 * answered page by page as its own pages are; with three, a fourth is added and removed again.
 * Then it says there are no more to add.
 */
function addItems(definition: Definition, section: Section, stored: StoredResponse, organisation: Answers, branch: Branch) {
  const group = section as GroupSection
  const items = (stored.items ??= { items: [], finished: new Set() })
  const count = itemCountOnBranch(branch, section)
  const adds = count === 3 ? 4 : count
  for (let k = 1; k <= adds; k++) {
    const item: StoredItem = { id: `item-${k}`, groupId: section.id, position: k, answers: {}, pages: new Map() }
    items.items.push(item)
    for (let step = 0; step <= section.pages.length; step++) {
      const now = itemProgress(definition, group, organisation, item, k)
      if (now.status === 'completed') break
      const page = now.pages.find((p) => p.page.id === now.resumePageId)!
      for (const q of questionsOnForm(page).filter(isAnswerable)) {
        delete item.answers[q.id]
        if (q.follow_up_of && !optionChosen(item.answers[q.follow_up_of.question], q.follow_up_of.option)) continue
        const answer = itemAnswerOnBranch(q, section, branch, k, definition)
        if (answer !== undefined) item.answers[q.id] = answer
      }
      item.pages.set(page.page.id, { version: 1, completed: true, updatedAt: new Date(0).toISOString() })
    }
  }
  if (adds === 4) items.items.splice(1, 1)
  items.finished.add(section.id)
}

/** Each item kept is asked what the oracle says, its answers count, and check-your-answers lists them under its name. */
function checkItems(definition: Definition, progress: ReturnType<typeof responseProgress>, branch: Branch): string[] {
  const problems: string[] = []
  const summary = summariseResponse(progress, translator('en'), 'en', '/r/x')
  for (const s of progress.sections) {
    if (!s.group) continue
    const count = itemCountOnBranch(branch, s.section)
    const kept = s.group.items.map((i) => Number(i.item.id.slice('item-'.length)))
    const wanted = count === 3 ? [1, 3, 4] : Array.from({ length: count }, (_, i) => i + 1)
    if (kept.join() !== wanted.join()) problems.push(`group ${s.section.id} keeps items [${kept}], expected [${wanted}]`)
    for (const item of s.group.items) {
      const added = Number(item.item.id.slice('item-'.length))
      const expected = expectedItem(definition, s.section, progress.answers, branch, added)
      const shown = item.pages.flatMap((p) => p.questions.filter(isAnswerable).map((q) => q.id))
      if (shown.join() !== expected.questions.map((q) => q.id).join()) problems.push(`item ${added} of ${s.section.id} shows [${shown}], expected [${expected.questions.map((q) => q.id)}]`)
      if (canonicalJson(item.answers) !== canonicalJson(expected.answers)) problems.push(`item ${added} of ${s.section.id}: answers that count ${canonicalJson(item.answers)}, expected ${canonicalJson(expected.answers)}`)
      const listed = summary.find((x) => x.id === `${s.section.id}-${item.item.id}`)
      if (!listed?.title.endsWith(`: ${itemNameOnBranch(added)}`)) problems.push(`item ${added} is not listed under its name on the check page (${listed?.title})`)
      if (listed?.rows.map((r) => r.questionId).join() !== expected.questions.map((q) => q.id).join()) problems.push(`item ${added}: the check page lists [${listed?.rows.map((r) => r.questionId)}]`)
    }
  }
  return problems
}

/** The soft checks some branch was asked to confirm, by questionnaire (filled by the walks above). */
const warnedIn = new Map<Definition, Set<string>>()

for (const definition of definitions) {
  t.test(`every branch of ${definition.survey} ${definition.version} can be submitted`, async (t) => {
    const { branches, exhaustive, combinations } = branchesOf(definition)
    const drivers = driversOf(definition)
    t.ok(branches.length > 0, `${branches.length} branches of ${combinations} combinations (${exhaustive ? 'all' : 'each answer once, and a seeded sample'}) over ${drivers.map((d) => `${d.question.id}×${d.choices.length}`).join(', ') || 'no conditions'}`)
    const failures: string[] = []
    const asked = new Set<string>()
    warnedIn.set(definition, asked)
    for (const branch of branches) {
      const { problems, warned } = respond(definition, branch)
      warned.forEach((id) => asked.add(id))
      if (problems.length) failures.push(`${branch.label}\n    ${problems.join('\n    ')}`)
    }
    t.same(failures.slice(0, 5), [], `${failures.length} of ${branches.length} branches fail`)
  })
}

t.test('the branches include the common "no" paths of the shipped questionnaires', async (t) => {
  const find = (survey: string, version: string) => definitions.find((d) => d.survey === survey && d.version === version)!
  const councils = branchesOf(find('la-release-social-care', '2020')).branches
  t.ok(councils.some((b) => (b.drivers.prisons_in_area as { value: number } | undefined)?.value === 0), 'a council with no prison in its area')
  t.ok(councils.some((b) => (b.drivers.prisons_in_area as { value: number } | undefined)?.value === 1), 'a council with one prison')
  const prisons = branchesOf(find('prison-peer-social-care', '2024')).branches
  t.ok(prisons.some((b) => (b.drivers.has_scheme as { code: number } | undefined)?.code === 2), 'a prison without a buddy scheme')
  t.ok(prisons.some((b) => (b.drivers.has_scheme as { code: number } | undefined)?.code === 8), 'a prison that does not know')
  const fixture = branchesOf(find('branching', '1')).branches
  t.ok(fixture.some((b) => b.drivers.staff === undefined), 'an optional question left unanswered on purpose')
})

t.test('the branches cover the checks across answers and the follow-ups', async (t) => {
  const find = (survey: string) => definitions.find((d) => d.survey === survey)!
  const la = definitions.find((d) => d.survey === 'la-release-social-care' && d.version === '2020')!
  const asked = (definition: Definition) => warnedIn.get(definition) ?? new Set<string>()
  t.ok(asked(la).has('no_assessments'), 'a council that completed no assessment is asked "is that right?", confirms, and submits')
  const fixture = find('care-checks')
  const branches = branchesOf(fixture).branches
  t.ok(asked(fixture).has('no_assessments'))
  t.ok(branches.some((b) => (b.drivers.may_contact as { code: number } | undefined)?.code === 1), 'contact allowed: the e-mail beneath "Yes" is asked')
  t.ok(branches.some((b) => (b.drivers.may_contact as { code: number } | undefined)?.code === 2), 'contact refused: it is not')
  t.ok(branches.some((b) => (b.drivers.support_types as { codes: number[] } | undefined)?.codes.includes(2)), 'peer support ticked: its hours are asked')
  const yes = branches.find((b) => (b.drivers.may_contact as { code: number }).code === 1)!
  const no = branches.find((b) => (b.drivers.may_contact as { code: number }).code === 2)!
  t.ok(expectedVisible(fixture, yes).questions.some((q) => q.id === 'contact_email'))
  t.notOk(expectedVisible(fixture, no).questions.some((q) => q.id === 'contact_email'))
  t.same(respond(fixture, no).problems, [])
})

t.test('a council with no prison is told the prison section is not needed, and can submit', async (t) => {
  const definition = definitions.find((d) => d.survey === 'la-release-social-care' && d.version === '2020')!
  const branch = branchesOf(definition).branches.find((b) => (b.drivers.prisons_in_area as { value: number }).value === 0)!
  const { problems, stored } = respond(definition, branch)
  t.same(problems, [])
  const progress = responseProgress(definition, stored)
  t.equal(progress.sections.find((s) => s.section.id === 'in_prison')?.status, 'not_needed')
  t.ok(progress.complete)
  t.equal(progress.completedCount, progress.neededCount)
  t.equal(progress.sections.find((s) => s.section.id === 'each_prison')?.status, 'not_needed', 'nor is the list of prisons')
  t.equal(progress.neededCount, definition.sections.length - 2)
})

t.test('the branches add none, one and three items to a repeating group, and remove one', async (t) => {
  const sites = definitions.find((d) => d.survey === 'site-visits')!
  const group = sites.sections.find((s) => s.id === 'sites')!
  const counts = new Set(branchesOf(sites).branches.map((b) => itemCountOnBranch(b, group)))
  t.same([...counts].sort(), [0, 1, 3], 'a service with no site, one site, three sites (a fourth added and removed)')
  const la = definitions.find((d) => d.survey === 'la-release-social-care' && d.version === '2020')!
  const prisons = la.sections.find((s) => s.id === 'each_prison')!
  const withPrisons = branchesOf(la).branches.filter((b) => (b.drivers.prisons_in_area as { value: number }).value > 0)
  t.same([...new Set(withPrisons.map((b) => itemCountOnBranch(b, prisons)))].sort(), [1, 3], 'a council names one prison, or three (at least one: it said it has prisons)')
  const branch = withPrisons.find((b) => itemCountOnBranch(b, prisons) === 3)!
  const { problems, stored } = respond(la, branch)
  t.same(problems, [])
  const progress = responseProgress(la, stored)
  const items = progress.sections.find((s) => s.section.id === 'each_prison')!.group!.items
  t.same(items.map((i) => i.name), ['HMP Leeds', 'HMP Wakefield', 'HMP Doncaster'], 'the second prison was removed; the others keep their answers')
  t.same(items.map((i) => i.number), [1, 2, 3])
})

t.test('a section waits ("cannot start yet") only on an answer that can still be given', async (t) => {
  const definition = definitions.find((d) => d.survey === 'branching')!
  const statusOf = (stored: StoredResponse, id: string) => responseProgress(definition, stored).sections.find((s) => s.section.id === id)?.status
  const nothing: StoredResponse = { answers: {}, pages: new Map() }
  t.equal(statusOf(nothing, 'partners'), 'cannot_start', 'depends on has_partner, not yet answered')
  t.equal(statusOf(nothing, 'staffing'), 'cannot_start')
  const saved = { version: 1, completed: true, updatedAt: '2026-01-01T00:00:00Z' }
  const noPartner: StoredResponse = { answers: { has_partner: { code: 2 }, staff: { value: 5 } }, pages: new Map([['context_page', saved]]) }
  t.equal(statusOf(noPartner, 'partners'), 'not_needed')
  t.equal(statusOf(noPartner, 'company_follow_up'), 'not_needed', 'depends only on a question inside a section that is not needed')
  t.equal(statusOf(noPartner, 'staffing'), 'not_needed', 'fewer than 10 staff')
  const blankStaff: StoredResponse = { answers: { has_partner: { code: 2 } }, pages: new Map([['context_page', saved]]) }
  t.equal(statusOf(blankStaff, 'staffing'), 'not_started', 'left blank on a completed page: asked about staffing')
  const blankUnsaved: StoredResponse = { answers: { has_partner: { code: 2 } }, pages: new Map([['context_page', { ...saved, completed: false }]]) }
  t.equal(statusOf(blankUnsaved, 'staffing'), 'cannot_start', 'saved for later: a number may still come')
  const partner: StoredResponse = { answers: { has_partner: { code: 1 }, staff: { value: 5 } }, pages: new Map([['context_page', saved]]) }
  t.equal(statusOf(partner, 'partners'), 'not_started')
  t.equal(statusOf(partner, 'company_follow_up'), 'cannot_start', 'waits for the kind of partner')
  const charity: StoredResponse = { answers: { ...partner.answers, services: { codes: [1] }, partner_kind: { code: 1 } }, pages: new Map([['context_page', saved], ['services_page', saved], ['partner_page', saved]]) }
  t.equal(statusOf(charity, 'company_follow_up'), 'not_needed', 'a charity: the company questions are hidden, so nothing waits on them')
})
