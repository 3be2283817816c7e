// An answer's text cut into pieces at the edges of its coded passages, so a page can mark each
// coded piece (and say with which codes) while every character is still escaped by the template.
export interface Passage {
  start: number
  end: number
  codeId: string
}

export interface TextPiece {
  text: string
  codeIds: string[]
}

export function piecesOf(text: string, passages: Passage[]): TextPiece[] {
  const cuts = new Set([0, text.length])
  for (const p of passages) {
    if (p.start >= 0 && p.end <= text.length && p.start < p.end) cuts.add(p.start).add(p.end)
  }
  const edges = [...cuts].sort((a, b) => a - b)
  const pieces: TextPiece[] = []
  for (let i = 0; i + 1 < edges.length; i++) {
    const [from, to] = [edges[i], edges[i + 1]]
    const codeIds = [...new Set(passages.filter((p) => p.start <= from && p.end >= to).map((p) => p.codeId))]
    pieces.push({ text: text.slice(from, to), codeIds })
  }
  return pieces
}

/**
 * Where a quoted passage is in an answer: the way to code a passage without JavaScript is to
 * copy its words into a field. Runs of white space match any white space, so a passage copied
 * across a line break is still found; the first occurrence wins.
 */
export function findPassage(text: string, quoted: string): { start: number; end: number } | undefined {
  const words = quoted.trim().split(/\s+/).filter(Boolean)
  if (!words.length) return undefined
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'), 'u')
  const match = pattern.exec(text)
  return match ? { start: match.index, end: match.index + match[0].length } : undefined
}
