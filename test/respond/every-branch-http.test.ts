// Every organisation can finish, through HTTP: a sample of the branches walked in
// test/questionnaire/every-branch.test.ts is answered again through the real pages, as a
// respondent does without JavaScript: follow the task list, post each form, and submit. The
// sample always holds the common "no" paths (a council with no prison, a prison with no scheme).
import t from 'tap'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { answerToFields, type Answer } from '../../src/questionnaire/answers.js'
import { isAnswerable, localize } from '../../src/questionnaire/model.js'
import { piping, type PipingContext } from '../../src/questionnaire/piping.js'
import { questionIndex } from '../../src/questionnaire/skip-logic.js'
import { translator } from '../../src/i18n/catalogue.js'
import type { AnswerableQuestion, Definition } from '../../src/questionnaire/schema.js'
import { answerOnBranch, answersToHiddenQuestions, branchesOf, expectedVisible, holds, seededRandom, type Branch } from '../helpers/branches.js'
import { expectedItem, itemAnswerOnBranch, itemCountOnBranch } from '../helpers/group-branches.js'
import { buildTestApp, FIXTURES, form, formSession, REAL_SURVEYS } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const PER_QUESTIONNAIRE = 6
const { databases } = testDatabases()

const unescape = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')

/** The task list's sections still to do, as a respondent reads them: a link and a status tag. */
function sectionsToDo(html: string): string[] {
  const items = html.split('<li class="govuk-task-list__item').slice(1)
  return items.filter((item) => item.includes('govuk-tag')).map((item) => /href="([^"]+)"/.exec(item)![1])
}

/** A branch that reaches the question on assessments (a prison in the area) and answers 0. */
function saysNoAssessments(b: Branch): boolean {
  const assessments = (b.drivers.assessments_completed ?? b.drivers.assessments) as { value?: number } | undefined
  return assessments?.value === 0 && (b.drivers.prisons_in_area as { value: number } | undefined)?.value !== 0
}

function sampleOf(definition: Definition): Branch[] {
  const all = branchesOf(definition).branches
  const random = seededRandom(11)
  const picked = new Set<Branch>([all[0], all[all.length - 1]])
  const common = (b: Branch) => {
    const prisons = b.drivers.prisons_in_area as { value: number } | undefined
    const scheme = b.drivers.has_scheme as { code: number } | undefined
    return prisons?.value === 0 || scheme?.code === 2
  }
  const no = all.find(common)
  if (no) picked.add(no)
  // The soft check's branch, and a follow-up's option chosen and not.
  const zero = all.find(saysNoAssessments)
  if (zero) picked.add(zero)
  for (const code of [1, 2]) {
    const contact = all.find((b) => (b.drivers.may_contact as { code: number } | undefined)?.code === code)
    if (contact) picked.add(contact)
  }
  while (picked.size < Math.min(PER_QUESTIONNAIRE, all.length)) picked.add(all[Math.floor(random() * all.length)])
  return [...picked]
}

/** One organisation answering as the branch says, through the pages; returns what went wrong. */
async function respondOverHttp(app: FastifyInstance, definition: Definition, base: string, branch: Branch, confirmed: string[] = [], organisation?: PipingContext['organisation']): Promise<string[]> {
  const pages = new Map(definition.sections.flatMap((s) => s.pages.map((p) => [p.id, p] as const)))
  let cookie = ''
  let visits = 0
  /** Posts the question pages from `url` on, answering as `answerOf` says, until a page leads elsewhere; returns where. */
  const answerPages = async (url: string, answerOf: (q: AnswerableQuestion) => Answer | undefined): Promise<string> => {
    for (;;) {
      const pageId = /\/pages\/([a-z0-9_]+)$/.exec(url)?.[1]
      if (!pageId || !pages.has(pageId)) return url
      if (++visits > pages.size * 12) throw new Error(`more than ${pages.size * 12} page visits`)
      // A page that does not open (no form to post) fails here, naming its address and status.
      const session = await formSession(app, url, cookie)
      cookie = session.cookie
      const version = /name="_page_version" value="(\d+)"/.exec(session.html)?.[1] ?? '0'
      const fields: Record<string, string | string[]> = { _csrf: session.token, _page_version: version, _action: 'continue' }
      for (const q of pages.get(pageId)!.questions.filter(isAnswerable)) {
        // Only what the page shows: a browser never sends a hidden question's fields.
        if (!session.html.includes(`name="${q.id}`)) continue
        // A follow-up whose option is not chosen is filled in too: the page must ignore it.
        for (const [name, value] of Object.entries(answerToFields(q, answerOf(q)))) if (value !== undefined) fields[name] = value
      }
      let saved = await app.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: form(fields) })
      // "Is that right?": the page comes back with the answers kept and a box to tick for each.
      const confirmations = [...saved.body.matchAll(/name="(_confirm__[a-z0-9_]+)" type="checkbox" value="([0-9a-f]+)"/g)]
      if (saved.statusCode === 200 && confirmations.length) {
        confirmed.push(...confirmations.map((m) => m[1]))
        for (const [, name, value] of confirmations) fields[name] = value
        saved = await app.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: form(fields) })
      }
      if (saved.statusCode !== 303) throw new Error(`saving ${pageId} answered ${saved.statusCode}`)
      url = saved.headers.location as string
    }
  }
  /** A repeating group's list: the items the branch adds (a fourth removed again when it adds three), then "no more". */
  const addItems = async (list: string) => {
    const section = definition.sections.find((s) => s.id === list.slice(`${base}/groups/`.length))!
    const count = itemCountOnBranch(branch, section)
    for (let k = 1; k <= (count === 3 ? 4 : count); k++) {
      const back = await answerPages(`${list}/items/new/pages/${section.pages[0].id}`, (q) => itemAnswerOnBranch(q, section, branch, k, definition))
      if (back !== list) throw new Error(`item ${k} of ${section.id} ended at ${back}`)
    }
    if (count === 3) {
      const remove = /href="([^"]+\/remove)"/g
      const links = [...(await app.inject({ url: list, headers: { cookie } })).body.matchAll(remove)].map((m) => m[1])
      const session = await formSession(app, links[1], cookie)
      const removed = await app.inject({ method: 'POST', url: links[1], headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token, answer: 'yes' }) })
      if (removed.statusCode !== 303) throw new Error(`removing item 2 answered ${removed.statusCode}`)
    }
    const session = await formSession(app, list, cookie)
    cookie = session.cookie
    const done = await app.inject({ method: 'POST', url: list, headers: { ...FORM, cookie }, payload: form({ _csrf: session.token, answer: 'no' }) })
    if (done.headers.location !== base) throw new Error(`"no more to add" answered ${done.statusCode}: ${done.body.slice(0, 300)}`)
  }
  try {
    for (;;) {
      const start = await app.inject({ url: base, headers: { cookie } })
      if (start.statusCode !== 200) return [`task list answered ${start.statusCode}`]
      if (start.body.includes(`href="${base}/check"`)) break
      const todo = sectionsToDo(start.body)
      if (todo.length === 0) return [`the task list offers neither a section to do nor "check and submit"`]
      if (todo[0].startsWith(`${base}/groups/`) && !todo[0].includes('/items/')) await addItems(todo[0])
      else await answerPages(todo[0], (q) => answerOnBranch(q, branch, definition))
    }
  } catch (error) {
    return [(error as Error).message]
  }
  const problems: string[] = []
  const check = await formSession(app, `${base}/check`, cookie)
  cookie = check.cookie
  const listed = [...check.html.matchAll(/<dt class="govuk-summary-list__key">([\s\S]*?)<\/dt>/g)].map((m) => unescape(m[1].trim()))
  const expected = expectedVisible(definition, branch)
  // Questions that pipe the organisation or an earlier answer are listed with it filled in.
  const pipe = piping({ answers: expected.answers, questions: questionIndex(definition), organisation, t: translator('en'), language: 'en' })
  const wanted = definition.sections.flatMap((section) => {
    if (!section.repeat) return expected.questions.filter((q) => section.pages.some((p) => p.questions.includes(q)))
    if (section.show_if && !holds(section.show_if, expected.answers, new Map([...pages.values()].flatMap((p) => p.questions.map((q) => [q.id, q] as const))))) return []
    const count = itemCountOnBranch(branch, section)
    return (count === 3 ? [1, 3, 4] : Array.from({ length: count }, (_, i) => i + 1)).flatMap((k) => expectedItem(definition, section, expected.answers, branch, k).questions)
  }).map((q) => pipe(localize(q.text, 'en')).trim())
  if (listed.join('\n') !== wanted.join('\n')) problems.push(`check page lists:\n${listed.join('\n')}\nexpected:\n${wanted.join('\n')}`)
  const submitted = await app.inject({ method: 'POST', url: `${base}/submit`, headers: { ...FORM, cookie }, payload: form({ _csrf: check.token }) })
  if (submitted.statusCode !== 303 || submitted.headers.location !== `${base}/confirmation`) problems.push(`submit answered ${submitted.statusCode}: ${submitted.body.slice(0, 200)}`)
  return problems
}

for (const database of databases) {
  const folders = [REAL_SURVEYS, ...readdirSync(FIXTURES).filter((name) => name.startsWith('surveys-')).map((name) => join(FIXTURES, name))]
  for (const folder of folders) {
    t.test(`${database.kind}: sampled branches of the questionnaires in ${folder.slice(process.cwd().length + 1)} are submitted through the pages`, async (t) => {
      const app = await buildTestApp(t, { surveysDir: folder, mailWorker: false }, database)
      for (const survey of app.catalogue.surveys) {
        for (const version of survey.versions) {
          const definition = version.definition
          const branches = sampleOf(definition)
          const codes = branches.map((_, i) => `B${String(i).padStart(3, '0')}`)
          const wave = await openTestWave(app, { surveyId: survey.id, version: definition.version, organisations: codes.map((c) => `${survey.id}-${definition.version}-${c}`) })
          for (const [i, branch] of branches.entries()) {
            const code = `${survey.id}-${definition.version}-${codes[i]}`
            const response = await app.db.selectFrom('responses').select('id').where('organisation_id', '=', wave.organisationIds[code]).executeTakeFirstOrThrow()
            // Answers left from another path (given before an earlier answer changed): never counted.
            const stale = Object.entries(answersToHiddenQuestions(definition, branch))
            if (stale.length) {
              const pageOf = new Map(definition.sections.flatMap((s) => s.pages.flatMap((p) => p.questions.map((q) => [q.id, p.id] as const))))
              await app.db
                .insertInto('response_answers')
                .values(stale.map(([id, answer]) => ({ response_id: response.id, question_id: id, page_id: pageOf.get(id)!, answer_json: JSON.stringify(answer), updated_at: new Date().toISOString() })))
                .execute()
            }
            const confirmed: string[] = []
            const problems = await respondOverHttp(app, definition, `/r/${wave.tokens[code]}`, branch, confirmed, { name: `Authority ${code}`, attributes: { region: 'North East' } })
            t.same(problems, [], `${definition.survey} ${definition.version}: ${branch.label}`)
            if (saysNoAssessments(branch)) t.ok(confirmed.includes('_confirm__no_assessments'), 'no assessments: asked "is that right?" and confirmed')
            const stored = await app.db.selectFrom('response_answers').select('question_id').where('response_id', '=', response.id).execute()
            const status = await app.db.selectFrom('responses').select('status').where('id', '=', response.id).executeTakeFirstOrThrow()
            t.equal(status.status, 'submitted', 'submitted')
            t.same(stored.map((r) => r.question_id).sort(), Object.keys(expectedVisible(definition, branch).answers).sort(), 'only the answers of questions this branch sees are kept')
          }
        }
      }
    })
  }
}
