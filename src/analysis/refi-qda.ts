// A REFI-QDA project (.qdpx), the exchange format NVivo, ATLAS.ti and MAXQDA import: a zip with
// project.qde (QDA-XML 1.0) and one plain-text source per answer in Sources/. Each responding
// organisation is a case carrying its attributes as variables; each answer is a text source
// linked to its case, so coding can start straight away.
import { randomUUID } from 'node:crypto'
import JSZip from 'jszip'
import type { FreeTextSet } from './free-text.js'
import { partialNote } from './partial.js'
import { escapeXml, Replacements } from './unholdable.js'

/**
 * What a project carries beyond the answers when they have been coded: supplied by the coding
 * feature (src/coding/refi-project.ts), so that this module, which does not know of coding,
 * writes it in its place: users after the export's own, the codebook, each source's selections
 * and codings, sets. Its guids are stable, so a project exported twice names its parts alike.
 */
export interface ProjectCodingXml {
  users: { guid: string; name: string; email?: string }[]
  codeBook: string[]
  sourceGuid(organisationId: string, questionKey: string): string
  /** `key`: `${questionKey}|${organisationId}`. */
  source(key: string, text: string, created: string): string[]
  sets(sourceFor: (key: string) => string | undefined): string[]
}

/** With `coding`, the project carries the codebook and every coder's codings. */
export function projectXml(set: FreeTextSet, title: string, now = new Date(), coding?: ProjectCodingXml): { xml: string; sources: { guid: string; text: string }[] } {
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z')
  // The sources are plain-text files and keep every character; the XML cannot.
  const replaced = new Replacements()
  const xmlText = (s: string) => escapeXml(replaced.text(s))
  const user = randomUUID()
  const variableNames = ['wave', 'response_status', 'organisation_type', ...set.attributes]
  const variables = variableNames.map((name) => ({ name, guid: randomUUID() }))
  const keyOf = (a: (typeof set.answers)[number]) => `${a.questionId}|${a.organisationId}`
  const sources = set.answers.map((a) => ({ guid: coding ? coding.sourceGuid(a.organisationId, a.questionId) : randomUUID(), answer: a }))
  const cases = new Map<string, { guid: string; first: (typeof set.answers)[number]; sources: string[] }>()
  for (const s of sources) {
    const entry = cases.get(s.answer.respondentId) ?? { guid: randomUUID(), first: s.answer, sources: [] }
    entry.sources.push(s.guid)
    cases.set(s.answer.respondentId, entry)
  }
  const valueOf = (a: (typeof set.answers)[number], name: string) =>
    name === 'wave' ? a.wave : name === 'response_status' ? a.responseStatus : name === 'organisation_type' ? a.organisationType : (a.attributes[name] ?? '')
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Project xmlns="urn:QDA-XML:project:1.0" name="${xmlText(title)}" origin="Survey Waves" creatingUserGUID="${user}" creationDateTime="${created}">`,
    `  <Users><User guid="${user}" name="Survey Waves export"/>${(coding?.users ?? []).map((u) => `<User guid="${u.guid}" name="${xmlText(u.name)}"${u.email ? ` id="${xmlText(u.email)}"` : ''}/>`).join('')}</Users>`,
    ...(coding?.codeBook ?? []),
    '  <Variables>',
    ...variables.map((v) => `    <Variable guid="${v.guid}" name="${xmlText(v.name)}" typeOfVariable="Text"/>`),
    '  </Variables>',
  ]
  if (cases.size) {
    lines.push('  <Cases>')
    for (const [respondentId, c] of cases) {
      lines.push(`    <Case guid="${c.guid}" name="${xmlText(c.first.organisationName ?? respondentId)}">`)
      for (const v of variables) lines.push(`      <VariableValue><VariableRef targetGUID="${v.guid}"/><TextValue>${xmlText(valueOf(c.first, v.name))}</TextValue></VariableValue>`)
      for (const guid of c.sources) lines.push(`      <SourceRef targetGUID="${guid}"/>`)
      lines.push('    </Case>')
    }
    lines.push('  </Cases>')
  }
  if (sources.length) {
    lines.push('  <Sources>')
    for (const s of sources) {
      lines.push(
        `    <TextSource guid="${s.guid}" name="${xmlText(`${s.answer.organisationName ?? s.answer.respondentId} – ${s.answer.questionId}`)}" plainTextPath="internal://${s.guid}.txt" creatingUser="${user}" creationDateTime="${created}">`,
        `      <Description>${xmlText(s.answer.question)}</Description>`,
        ...(coding ? coding.source(keyOf(s.answer), s.answer.answer, created) : []),
        '    </TextSource>',
      )
    }
    lines.push('  </Sources>')
  }
  if (coding) {
    const byKey = new Map(sources.map((s) => [keyOf(s.answer), s.guid]))
    lines.push(...coding.sets((key) => byKey.get(key)))
  }
  const note = partialNote(set.partial.count, set.partial.included)
  // Counted last, after every other text of the project went through xmlText.
  const description = [`Free-text answers exported by Survey Waves on ${created}.`, note, replaced.note()].filter(Boolean).join(' ')
  lines.push(`  <Description>${escapeXml(description)}</Description>`, '</Project>', '')
  return { xml: lines.join('\n'), sources: sources.map((s) => ({ guid: s.guid, text: s.answer.answer })) }
}

export async function qdpxArchive(set: FreeTextSet, title: string, coding?: ProjectCodingXml): Promise<Buffer> {
  const { xml, sources } = projectXml(set, title, new Date(), coding)
  const zip = new JSZip()
  zip.file('project.qde', xml)
  for (const s of sources) zip.file(`Sources/${s.guid}.txt`, s.text)
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
}
