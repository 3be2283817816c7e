// The coding of a wave in a REFI-QDA project, and back. Each answer is a text source with a
// stable guid (derived from the wave, organisation and question, so a project exported twice
// names its sources alike); each coder is a user (their e-mail address as its id); a code on a
// whole answer is a <Coding> of the source, a passage a <PlainTextSelection> with its positions
// in characters; the answers each coder went through, coded or not, are a set; and, once two
// coders have finished, the agreed coding is the work of a user of its own.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { codesOf, codeTree, type CodeInTree } from './codebook.js'
import { agreedCoding, answerKey, waveCoding } from './codings.js'
import type { ProjectCodingXml } from '../analysis/refi-qda.js'
import { xmlText } from '../analysis/unholdable.js'
import { codesXml } from './refi-codebook.js'

/** A name-based UUID (RFC 9562 version 8 layout from SHA-256), the same for the same name. */
function stableGuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex')
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export const sourceGuid = (waveId: string, organisationId: string, questionKey: string) => stableGuid(`source:${waveId}:${organisationId}:${questionKey}`)
const agreedUserGuid = (waveId: string) => stableGuid(`agreed:${waveId}`)
export const AGREED_USER_NAME = 'Agreed coding (Survey Waves)'
export const CODED_SET_MARK = 'survey-waves:coded-by:'

/** Code point positions, as REFI-QDA counts characters, from JavaScript's UTF-16 offsets. */
const toCodePoints = (text: string, offset: number) => [...text.slice(0, offset)].length
export const fromCodePoints = (text: string, position: number) => [...text].slice(0, position).join('').length

interface ProjectCoding {
  tree: CodeInTree[]
  users: { guid: string; name: string; email?: string }[]
  /** Per answer (answerKey): its codings, whole answer when start is null. */
  codings: Map<string, { codeId: string; userGuid: string; start: number | null; end: number | null }[]>
  /** Per coder, the answers they went through. */
  coded: { userGuid: string; name: string; keys: Set<string> }[]
}

async function projectCoding(db: Kysely<Database>, waveId: string, surveyId: string): Promise<ProjectCoding> {
  const codes = await codesOf(db, surveyId)
  const coding = await waveCoding(db, waveId)
  const users: ProjectCoding['users'] = coding.coders.map((c) => ({ guid: c.userId, name: c.name, email: c.email }))
  const codings: ProjectCoding['codings'] = new Map()
  const add = (key: string, one: { codeId: string; userGuid: string; start: number | null; end: number | null }) => codings.set(key, [...(codings.get(key) ?? []), one])
  for (const c of coding.codings) add(answerKey(c), { codeId: c.codeId, userGuid: c.userId, start: c.start, end: c.end })
  const coded = coding.coders.map((c) => ({ userGuid: c.userId, name: c.name, keys: coding.coded.get(c.userId) ?? new Set<string>() }))
  const agreed = coding.coders.length === 2 ? agreedCoding(coding, codes.map((c) => c.id)) : undefined
  if (agreed) {
    const guid = agreedUserGuid(waveId)
    users.push({ guid, name: AGREED_USER_NAME })
    for (const [key, set] of agreed.codes) for (const codeId of set) add(key, { codeId, userGuid: guid, start: null, end: null })
    coded.push({ userGuid: guid, name: AGREED_USER_NAME, keys: new Set(agreed.codes.keys()) })
  }
  return { tree: codeTree(codes), users, codings, coded }
}

/** The <CodeBook> of a project (it takes the project's namespace). */
const projectCodeBookXml = (coding: ProjectCoding) => (coding.tree.length ? ['  <CodeBook>', ...codesXml(coding.tree, '  ').map((l) => `  ${l}`), '  </CodeBook>'] : [])

/** The selections and codings inside one text source. */
function sourceCodingXml(coding: ProjectCoding, key: string, text: string, created: string, guidFor: (what: string) => string): string[] {
  const lines: string[] = []
  const list = coding.codings.get(key) ?? []
  list.forEach((c, i) => {
    if (c.start === null || c.end === null) return
    const start = toCodePoints(text, c.start)
    const end = toCodePoints(text, c.end)
    lines.push(
      `      <PlainTextSelection guid="${guidFor(`selection:${key}:${i}`)}" name="${xmlText([...text].slice(start, end).join('').slice(0, 60))}" startPosition="${start}" endPosition="${end}" creatingUser="${c.userGuid}" creationDateTime="${created}">`,
      `        <Coding guid="${guidFor(`coding:${key}:${i}`)}" creatingUser="${c.userGuid}" creationDateTime="${created}"><CodeRef targetGUID="${c.codeId}"/></Coding>`,
      '      </PlainTextSelection>',
    )
  })
  list.forEach((c, i) => {
    if (c.start !== null) return
    lines.push(`      <Coding guid="${guidFor(`coding:${key}:${i}`)}" creatingUser="${c.userGuid}" creationDateTime="${created}"><CodeRef targetGUID="${c.codeId}"/></Coding>`)
  })
  return lines
}

/** The sets saying which answers each coder went through (an answer read and left uncoded counts). */
function codedSetsXml(coding: ProjectCoding, sourceFor: (key: string) => string | undefined, guidFor: (what: string) => string): string[] {
  const sets = coding.coded.filter((c) => c.keys.size)
  if (!sets.length) return []
  const lines = ['  <Sets>']
  for (const c of sets) {
    lines.push(`    <Set guid="${guidFor(`set:${c.userGuid}`)}" name="${xmlText(`Answers coded by ${c.name}`)}">`, `      <Description>${CODED_SET_MARK}${c.userGuid}</Description>`)
    for (const key of [...c.keys].sort()) {
      const guid = sourceFor(key)
      if (guid) lines.push(`      <MemberSource targetGUID="${guid}"/>`)
    }
    lines.push('    </Set>')
  }
  lines.push('  </Sets>')
  return lines
}

/** A wave's coding as the project export writes it (analysis/refi-qda.ts). */
export async function projectCodingXml(db: Kysely<Database>, waveId: string, surveyId: string): Promise<ProjectCodingXml> {
  const coding = await projectCoding(db, waveId, surveyId)
  const guid = (what: string) => stableGuid(`${waveId}:${what}`)
  return {
    users: coding.users,
    codeBook: projectCodeBookXml(coding),
    sourceGuid: (organisationId, questionKey) => sourceGuid(waveId, organisationId, questionKey),
    source: (key, text, created) => sourceCodingXml(coding, key, text, created, guid),
    sets: (sourceFor) => codedSetsXml(coding, sourceFor, guid),
  }
}
