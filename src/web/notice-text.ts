// A research team's own text (a wave's privacy notice) as blocks a template can render with
// escaping: no HTML is accepted from the team, but a notice without headings is hard to find
// one's way through with a screen reader, and a contact address that is not a link is hard to
// use, so a few plain-text conventions are read instead (the form explains them).
export interface Inline {
  text: string
  /** Only ever https://, http:// or mailto: built here from what was matched. */
  href?: string
}

export type NoticeBlock =
  | { kind: 'heading'; content: Inline[] }
  | { kind: 'paragraph'; lines: Inline[][] }
  | { kind: 'list'; items: Inline[][] }

const LINKABLE = /(https?:\/\/[^\s<>"']+)|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g
const HEADING = /^#{1,3}\s+/
const LIST_ITEM = /^[-*]\s+/

/** Splits a line into text and links: web addresses and e-mail addresses become links. */
export function inlineText(line: string): Inline[] {
  const parts: Inline[] = []
  let from = 0
  for (const match of line.matchAll(LINKABLE)) {
    let [found] = match
    // A sentence that ends with an address ends with a full stop that is not part of it.
    if (match[1]) found = found.replace(/[.,;:!?)]+$/, '')
    const at = match.index
    if (at > from) parts.push({ text: line.slice(from, at) })
    parts.push({ text: found, href: match[1] ? found : `mailto:${found}` })
    from = at + found.length
  }
  if (from < line.length) parts.push({ text: line.slice(from) })
  return parts
}

export function noticeBlocks(source: string): NoticeBlock[] {
  const blocks: NoticeBlock[] = []
  let paragraph: Inline[][] | undefined
  let list: Inline[][] | undefined
  const end = () => {
    paragraph = undefined
    list = undefined
  }
  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim()
    if (!line) {
      end()
    } else if (HEADING.test(line)) {
      end()
      blocks.push({ kind: 'heading', content: inlineText(line.replace(HEADING, '')) })
    } else if (LIST_ITEM.test(line)) {
      paragraph = undefined
      if (!list) blocks.push({ kind: 'list', items: (list = []) })
      list.push(inlineText(line.replace(LIST_ITEM, '')))
    } else {
      list = undefined
      if (!paragraph) blocks.push({ kind: 'paragraph', lines: (paragraph = []) })
      paragraph.push(inlineText(line))
    }
  }
  return blocks
}
