// Maps a path inside a parsed YAML/JSON document back to its line and column, so that schema and
// semantic errors (which only know paths) can point at the exact place in the file.
import { isMap, isScalar, isSeq, LineCounter, type Document, type Node, type Pair } from 'yaml'
import type { Path } from './problems.js'

export interface Position {
  line: number
  column: number
}

export interface Locator {
  /** Position of the value at `path`, or of its key when `at` is 'key'; the nearest existing ancestor when the path does not exist. */
  locate(path: Path, at?: 'value' | 'key'): Position
}

export function createLocator(doc: Document, lineCounter: LineCounter): Locator {
  const toPosition = (offset: number | undefined): Position => {
    const { line, col } = lineCounter.linePos(offset ?? 0)
    return { line, column: col }
  }
  return {
    locate(path, at = 'value') {
      let node: unknown = doc.contents
      let keyOffset: number | undefined
      let reached: unknown = node
      for (const segment of path) {
        let next: unknown
        keyOffset = undefined
        if (isMap(node) && typeof segment === 'string') {
          const pair = node.items.find((item: Pair) => isScalar(item.key) && String(item.key.value) === segment)
          if (pair) {
            keyOffset = (pair.key as Node).range?.[0]
            next = pair.value ?? pair.key
          }
        } else if (isSeq(node) && typeof segment === 'number') {
          next = node.items[segment]
        }
        if (next === undefined || next === null) {
          return toPosition((reached as Node | null)?.range?.[0])
        }
        node = next
        reached = next
      }
      if (at === 'key' && keyOffset !== undefined) return toPosition(keyOffset)
      return toPosition((node as Node | null)?.range?.[0])
    },
  }
}
