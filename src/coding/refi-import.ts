// Codings made elsewhere (NVivo, ATLAS.ti, MAXQDA, QualCoder, or another Survey Waves) brought
// back onto a wave's answers from a REFI-QDA project (.qdpx). A source is matched to an answer by
// its guid (a project exported from this wave) or else by its question and exact text, which
// must be unique in the wave; a coder by their e-mail address (the user's id) or name, else the
// team member importing. Nothing is written unless the whole file can be read.
import JSZip from 'jszip'
import type { Kysely } from 'kysely'
import type { Actor } from '../accounts/audit.js'
import { newId, nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import type { FreeTextSet } from '../analysis/free-text.js'
import { answerKey, codersOf, MAX_CODERS } from './codings.js'
import { CodebookFileError, importCodebook, parseXml, readCodes } from './refi-codebook.js'
import { AGREED_USER_NAME, CODED_SET_MARK, fromCodePoints, sourceGuid } from './refi-project.js'

export interface ProjectImport {
  sources: number
  matched: number
  /** Sources whose answer could not be told (no answer with that text, or several). */
  unmatched: { name: string; reason: 'no_answer' | 'several_answers' }[]
  codings: number
  coders: string[]
  decisions: number
  codes: { added: number; updated: number; unchanged: number }
}

type Xml = Record<string, unknown>
const list = (value: unknown): Xml[] => (Array.isArray(value) ? (value as Xml[]) : value && typeof value === 'object' ? [value as Xml] : [])
const attr = (node: Xml, name: string) => (typeof node[name] === 'string' ? (node[name] as string) : undefined)
const guidOf = (value: string | undefined) => value?.trim().replace(/^\{|\}$/g, '').toLowerCase()

export async function readProjectArchive(buffer: Buffer): Promise<{ xml: string; texts: Map<string, string> }> {
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(buffer)
  } catch {
    throw new CodebookFileError('The file is not a REFI-QDA project: a .qdpx file is a zip archive, and this one cannot be opened')
  }
  const entry = zip.file('project.qde') ?? zip.file(/(^|\/)project\.qde$/i)[0]
  if (!entry) throw new CodebookFileError('The archive has no project.qde: it is not a REFI-QDA project')
  const texts = new Map<string, string>()
  for (const file of zip.file(/\.txt$/i)) texts.set(file.name.replace(/^.*\//, ''), await file.async('string'))
  return { xml: await entry.async('string'), texts }
}

/** Imports the project's codebook into the survey and its codings onto the wave's answers. */
export async function importProject(
  db: Kysely<Database>,
  actor: Actor & { name: string },
  wave: { id: string; survey_id: string },
  set: FreeTextSet,
  archive: { xml: string; texts: Map<string, string> },
  fileName: string,
): Promise<ProjectImport> {
  const doc = parseXml(archive.xml)
  const project = doc.Project as Xml | undefined
  if (!project) throw new CodebookFileError('project.qde is not a REFI-QDA project: its root element is not <Project>')
  const fileCodes = readCodes((project.CodeBook as Xml | undefined)?.Codes, 'The project’s codebook')

  // Users of the file → team members; the agreed coding's user is told apart by its name.
  const accounts = await db.selectFrom('users').select(['id', 'email', 'name']).where('disabled', '=', 0).execute()
  const fileUsers = list((project.Users as Xml | undefined)?.User)
  const agreedGuids = new Set(fileUsers.filter((u) => attr(u, 'name') === AGREED_USER_NAME).map((u) => guidOf(attr(u, 'guid'))))
  const coderFor = new Map<string, string>()
  for (const u of fileUsers) {
    const guid = guidOf(attr(u, 'guid'))
    if (!guid || agreedGuids.has(guid)) continue
    const email = attr(u, 'id')?.toLowerCase()
    const name = attr(u, 'name')
    const account = accounts.find((a) => a.id === guid) ?? accounts.find((a) => email && a.email.toLowerCase() === email) ?? accounts.find((a) => name && a.name === name)
    if (account) coderFor.set(guid, account.id)
  }
  const coderOf = (userGuid: string | undefined) => (userGuid && coderFor.get(guidOf(userGuid)!)) || actor.id

  // Sources → answers.
  const answers = new Map(set.answers.map((a) => [sourceGuid(wave.id, a.organisationId, a.questionId), a]))
  const byText = new Map<string, typeof set.answers>()
  for (const a of set.answers) byText.set(`${a.questionId}\u0000${a.answer}`, [...(byText.get(`${a.questionId}\u0000${a.answer}`) ?? []), a])
  const sources = list((project.Sources as Xml | undefined)?.TextSource)
  const result: ProjectImport = { sources: sources.length, matched: 0, unmatched: [], codings: 0, coders: [], decisions: 0, codes: { added: 0, updated: 0, unchanged: 0 } }
  type Planned = { key: { organisationId: string; questionKey: string }; codeGuid: string; coder: string | 'agreed'; start: number | null; end: number | null }
  const planned: Planned[] = []
  const sourceKey = new Map<string, { organisationId: string; questionKey: string }>()
  for (const source of sources) {
    const guid = guidOf(attr(source, 'guid')) ?? ''
    const name = attr(source, 'name') ?? guid
    const path = attr(source, 'plainTextPath')?.replace(/^internal:\/\//, '')
    const text = typeof source.PlainTextContent === 'string' ? source.PlainTextContent : path ? archive.texts.get(path.replace(/^.*\//, '')) : undefined
    let answer = answers.get(guid)
    if (!answer && text !== undefined) {
      const question = name.includes(' – ') ? name.slice(name.lastIndexOf(' – ') + 3) : undefined
      const candidates = [...byText.entries()].filter(([k]) => k.endsWith(`\u0000${text}`) && (!question || k.startsWith(`${question}\u0000`))).flatMap(([, v]) => v)
      if (candidates.length > 1) {
        result.unmatched.push({ name, reason: 'several_answers' })
        continue
      }
      answer = candidates[0]
    }
    if (!answer) {
      result.unmatched.push({ name, reason: 'no_answer' })
      continue
    }
    result.matched++
    const key = { organisationId: answer.organisationId, questionKey: answer.questionId }
    sourceKey.set(guid, key)
    const coderFrom = (coding: Xml) => {
      const user = guidOf(attr(coding, 'creatingUser'))
      return user && agreedGuids.has(user) ? ('agreed' as const) : coderOf(user)
    }
    for (const coding of list(source.Coding)) {
      const codeGuid = guidOf(attr((coding.CodeRef as Xml) ?? {}, 'targetGUID'))
      if (codeGuid) planned.push({ key, codeGuid, coder: coderFrom(coding), start: null, end: null })
    }
    for (const selection of list(source.PlainTextSelection)) {
      const start = Number(attr(selection, 'startPosition'))
      const end = Number(attr(selection, 'endPosition'))
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) throw new CodebookFileError(`A selection in “${name}” has no valid start and end positions`)
      for (const coding of list(selection.Coding)) {
        const codeGuid = guidOf(attr((coding.CodeRef as Xml) ?? {}, 'targetGUID'))
        if (!codeGuid) continue
        // Positions count characters (code points); a selection past the end of the answer is cut to it.
        const from = fromCodePoints(answer.answer, start)
        const to = fromCodePoints(answer.answer, Math.min(end, [...answer.answer].length))
        if (from < to) planned.push({ key, codeGuid, coder: coderFrom(coding), start: from, end: to })
      }
    }
  }
  const known = new Set(fileCodes.map((c) => c.guid))
  const missing = planned.find((p) => !known.has(p.codeGuid))
  if (missing) throw new CodebookFileError(`A coding refers to a code (${missing.codeGuid}) that is not in the project’s codebook`)
  const coders = [...new Set(planned.filter((p) => p.coder !== 'agreed').map((p) => p.coder as string))]
  const already = await codersOf(db, wave.id)
  const together = new Set([...already.map((c) => c.userId), ...coders])
  if (together.size > MAX_CODERS) throw new CodebookFileError(`The wave can have two coders: with this file it would have ${together.size}`)

  // Which answers each coder went through, from the project's sets.
  const coded = new Map<string, Set<string>>()
  for (const s of list((project.Sets as Xml | undefined)?.Set)) {
    const description = typeof s.Description === 'string' ? s.Description : ''
    if (!description.startsWith(CODED_SET_MARK)) continue
    const user = guidOf(description.slice(CODED_SET_MARK.length))
    if (!user || agreedGuids.has(user)) continue
    const coder = coderOf(user)
    const keys = coded.get(coder) ?? new Set<string>()
    for (const member of list(s.MemberSource)) {
      const key = sourceKey.get(guidOf(attr(member, 'targetGUID')) ?? '')
      if (key) keys.add(answerKey(key))
    }
    coded.set(coder, keys)
  }

  await db.transaction().execute(async (trx) => {
    const codebook = await importCodebook(trx, actor, wave.survey_id, fileCodes)
    result.codes = { added: codebook.added, updated: codebook.updated, unchanged: codebook.unchanged }
    const now = nowIso()
    for (const coder of coders) {
      if (!already.some((c) => c.userId === coder)) await trx.insertInto('coders').values({ wave_id: wave.id, user_id: coder, started_at: now, done_at: null }).execute()
    }
    // The file's coding replaces these coders' coding of the answers it covers.
    for (const coder of coders) {
      const keys = new Set([...planned.filter((p) => p.coder === coder).map((p) => answerKey(p.key)), ...(coded.get(coder) ?? [])])
      for (const key of keys) {
        const [questionKey, organisationId] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)]
        await trx.deleteFrom('codings').where('wave_id', '=', wave.id).where('user_id', '=', coder).where('question_key', '=', questionKey).where('organisation_id', '=', organisationId).execute()
        const marked = await trx.selectFrom('coded_answers').select('coded_at').where('wave_id', '=', wave.id).where('user_id', '=', coder).where('question_key', '=', questionKey).where('organisation_id', '=', organisationId).executeTakeFirst()
        if (!marked) await trx.insertInto('coded_answers').values({ wave_id: wave.id, user_id: coder, question_key: questionKey, organisation_id: organisationId, coded_at: now }).execute()
      }
    }
    const seen = new Set<string>()
    for (const p of planned) {
      if (p.coder === 'agreed') continue
      const once = [p.coder, answerKey(p.key), p.codeGuid, p.start ?? '', p.end ?? ''].join('|')
      if (seen.has(once)) continue
      seen.add(once)
      await trx
        .insertInto('codings')
        .values({ id: newId(), wave_id: wave.id, organisation_id: p.key.organisationId, question_key: p.key.questionKey, code_id: codebook.codeFor.get(p.codeGuid)!, user_id: p.coder, start_offset: p.start, end_offset: p.end, created_at: now })
        .execute()
      result.codings++
    }
    // The agreed coding settles the coders' differences: where they differ, it says whether the code applies.
    const agreed = planned.filter((p) => p.coder === 'agreed')
    if (agreed.length && coders.length === MAX_CODERS) {
      const applies = new Set(agreed.map((p) => `${answerKey(p.key)}|${codebook.codeFor.get(p.codeGuid)}`))
      const by = new Map<string, Set<string>>()
      for (const p of planned) if (p.coder !== 'agreed') by.set(`${p.coder}|${answerKey(p.key)}`, (by.get(`${p.coder}|${answerKey(p.key)}`) ?? new Set()).add(codebook.codeFor.get(p.codeGuid)!))
      const [first, second] = coders
      const both = [...(coded.get(first) ?? [])].filter((k) => coded.get(second)?.has(k))
      for (const key of both) {
        const a = by.get(`${first}|${key}`) ?? new Set<string>()
        const b = by.get(`${second}|${key}`) ?? new Set<string>()
        for (const codeId of new Set([...a, ...b])) {
          if (a.has(codeId) && b.has(codeId)) continue
          const [questionKey, organisationId] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)]
          await trx.deleteFrom('coding_decisions').where('wave_id', '=', wave.id).where('question_key', '=', questionKey).where('organisation_id', '=', organisationId).where('code_id', '=', codeId).execute()
          await trx
            .insertInto('coding_decisions')
            .values({ wave_id: wave.id, organisation_id: organisationId, question_key: questionKey, code_id: codeId, applied: applies.has(`${key}|${codeId}`) ? 1 : 0, decided_by: `${actor.email} (from ${fileName.slice(0, 200)})`, decided_at: now })
            .execute()
          result.decisions++
        }
      }
      for (const coder of coders) await trx.updateTable('coders').set({ done_at: now }).where('wave_id', '=', wave.id).where('user_id', '=', coder).execute()
    }
  })
  result.coders = coders.map((id) => accounts.find((a) => a.id === id)?.name ?? id)
  return result
}
