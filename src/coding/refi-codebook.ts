// The codebook in the REFI-QDA exchange format (QDA-XML 1.0): a standalone codebook (.qdc) that
// NVivo, ATLAS.ti, MAXQDA and QualCoder read and write, and the <CodeBook> element of a project.
// A code's four texts (description, when to use it, when not to, example) travel in its one
// <Description>, as labelled paragraphs, so a codebook read back here keeps all four.
import { XMLParser } from 'fast-xml-parser'
import type { Kysely } from 'kysely'
import type { Actor } from '../accounts/audit.js'
import { xmlText } from '../analysis/unholdable.js'
import type { Database } from '../db/schema.js'
import { codesOf, createCode, updateCode, type Code, type CodeInTree } from './codebook.js'

export const CODEBOOK_NAMESPACE = 'urn:QDA-XML:codebook:1.0'
const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/
const LABELS = { inclusion: 'When to use it:', exclusion: 'When not to use it:', example: 'Example:' } as const

export function describeCode(code: Pick<Code, 'description' | 'inclusion' | 'exclusion' | 'example'>): string {
  return [code.description, ...(['inclusion', 'exclusion', 'example'] as const).filter((f) => code[f]).map((f) => `${LABELS[f]} ${code[f]}`)].filter(Boolean).join('\n\n')
}

export function readDescription(text: string): Pick<Code, 'description' | 'inclusion' | 'exclusion' | 'example'> {
  const out = { description: '', inclusion: '', exclusion: '', example: '' }
  const plain: string[] = []
  for (const paragraph of text.split(/\r?\n\s*\r?\n/)) {
    const field = (Object.keys(LABELS) as (keyof typeof LABELS)[]).find((f) => paragraph.startsWith(LABELS[f]))
    if (field) out[field] = paragraph.slice(LABELS[field].length).trim()
    else if (paragraph.trim()) plain.push(paragraph.trim())
  }
  out.description = plain.join('\n\n')
  return out
}

/** <Codes>…</Codes> of the codebook's tree, each code nested in its theme. */
export function codesXml(tree: CodeInTree[], indent = '  '): string[] {
  const lines: string[] = []
  const children = new Map<string | null, CodeInTree[]>()
  const ids = new Set(tree.map((c) => c.id))
  for (const c of tree) {
    const parent = c.parent_id && ids.has(c.parent_id) ? c.parent_id : null
    children.set(parent, [...(children.get(parent) ?? []), c])
  }
  const write = (code: CodeInTree, depth: number) => {
    const pad = indent.repeat(depth)
    const inner = children.get(code.id) ?? []
    const description = describeCode(code)
    if (!description && !inner.length) return void lines.push(`${pad}<Code guid="${code.id}" name="${xmlText(code.name)}" isCodable="true"/>`)
    lines.push(`${pad}<Code guid="${code.id}" name="${xmlText(code.name)}" isCodable="true">`)
    if (description) lines.push(`${pad}${indent}<Description>${xmlText(description)}</Description>`)
    for (const child of inner) write(child, depth + 1)
    lines.push(`${pad}</Code>`)
  }
  lines.push(`${indent.repeat(1)}<Codes>`)
  for (const top of children.get(null) ?? []) write(top, 2)
  lines.push(`${indent.repeat(1)}</Codes>`)
  return lines
}

export function qdcDocument(tree: CodeInTree[]): string {
  return ['<?xml version="1.0" encoding="utf-8"?>', `<CodeBook xmlns="${CODEBOOK_NAMESPACE}" origin="Survey Waves">`, ...codesXml(tree), '</CodeBook>', ''].join('\n')
}

export interface ReadCode {
  guid: string
  name: string
  description: string
  inclusion: string
  exclusion: string
  example: string
  parentGuid: string | null
}

export class CodebookFileError extends Error {}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, isArray: (name) => ['Code', 'Set', 'MemberCode', 'User', 'TextSource', 'PlainTextSelection', 'Coding', 'MemberSource'].includes(name), processEntities: true, htmlEntities: false, trimValues: false, parseTagValue: false, parseAttributeValue: false })

export function parseXml(xml: string): Record<string, unknown> {
  try {
    return parser.parse(xml, true) as Record<string, unknown>
  } catch (error) {
    const e = error as { err?: { msg?: string; line?: number; col?: number }; message?: string }
    const where = e.err?.line ? ` (line ${e.err.line}, column ${e.err.col})` : ''
    throw new CodebookFileError(`The file is not well-formed XML${where}: ${e.err?.msg ?? e.message}`)
  }
}

/** The codes of a <Codes> element, flattened parent first; a file that breaks the format is refused with where. */
export function readCodes(codes: unknown, where: string): ReadCode[] {
  const out: ReadCode[] = []
  const seen = new Set<string>()
  const walk = (list: unknown, parentGuid: string | null, path: string) => {
    if (!Array.isArray(list)) return
    list.forEach((raw, i) => {
      const code = raw as Record<string, unknown>
      const here = `${path} › code ${i + 1}`
      const name = typeof code.name === 'string' ? code.name.trim() : ''
      if (!name) throw new CodebookFileError(`${here} has no name`)
      const guid = typeof code.guid === 'string' ? GUID.exec(code.guid.trim())?.[1]?.toLowerCase() : undefined
      if (!guid) throw new CodebookFileError(`${here} (“${name}”) has no valid guid`)
      if (seen.has(guid)) throw new CodebookFileError(`${here} (“${name}”) repeats the guid of another code`)
      seen.add(guid)
      const description = typeof code.Description === 'string' ? code.Description : ''
      out.push({ guid, name, ...readDescription(description), parentGuid })
      walk(code.Code, guid, `${here} (“${name}”)`)
    })
  }
  walk((codes as Record<string, unknown> | undefined)?.Code, null, where)
  return out
}

export function parseQdc(xml: string): ReadCode[] {
  const doc = parseXml(xml)
  const book = doc.CodeBook as Record<string, unknown> | undefined
  if (!book) throw new CodebookFileError('The file is not a REFI-QDA codebook: its root element is not <CodeBook>')
  const codes = readCodes(book.Codes, 'The codebook')
  if (!codes.length) throw new CodebookFileError('The codebook has no codes')
  return codes
}

export interface CodebookImport {
  added: number
  updated: number
  unchanged: number
  /** The local code for each code of the file, by the file's guid. */
  codeFor: Map<string, string>
}

/**
 * Brings a codebook's codes into a survey's: a code already here (the same guid, or the same
 * name) is updated to the file's texts and place, any other is added. Nothing is removed.
 */
export async function importCodebook(db: Kysely<Database>, actor: Actor, surveyId: string, codes: ReadCode[]): Promise<CodebookImport> {
  const result: CodebookImport = { added: 0, updated: 0, unchanged: 0, codeFor: new Map() }
  const existing = await codesOf(db, surveyId, { withMerged: true })
  const anywhere = new Set((await db.selectFrom('codes').select('id').where('id', 'in', codes.length ? codes.map((c) => c.guid) : ['']).execute()).map((r) => r.id))
  for (const code of codes) {
    const byGuid = existing.find((c) => c.id === code.guid)
    const mergedInto = byGuid?.status === 'merged' ? existing.find((c) => c.id === byGuid.merged_into_id) : undefined
    const match = mergedInto ?? byGuid ?? existing.find((c) => c.status === 'active' && c.name.toLocaleLowerCase('en-GB') === code.name.toLocaleLowerCase('en-GB'))
    const parentId = code.parentGuid ? (result.codeFor.get(code.parentGuid) ?? null) : null
    const fields = { name: code.name, description: code.description, inclusion: code.inclusion, exclusion: code.exclusion, example: code.example, parentId }
    if (match) {
      result.codeFor.set(code.guid, match.id)
      // A code merged here keeps its place under the code it was merged into.
      if (mergedInto) result.unchanged++
      else if ((await updateCode(db, actor, match, fields)).length) result.updated++
      else result.unchanged++
    } else {
      const id = await createCode(db, actor, surveyId, fields, anywhere.has(code.guid) ? undefined : code.guid)
      result.codeFor.set(code.guid, id)
      result.added++
    }
  }
  return result
}
