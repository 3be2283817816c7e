// Characters a file format cannot hold: XML 1.0, and so an Excel workbook or a REFI-QDA project,
// forbids control characters other than tab, line feed and carriage return (a vertical tab pasted
// from a word processor, say). They are replaced with U+FFFD, which shows where something was, and
// counted, so the file can say how many: never dropped silently.
import { translator } from '../i18n/catalogue.js'

/** What XML 1.0, and so a workbook, cannot hold: control characters other than tab, line feed and carriage return. */
const UNHOLDABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g
export const REPLACEMENT = '\uFFFD'

/** Text for an XML element or attribute: its five special characters as entities. */
export const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)

/** Text an XML file can hold, escaped, where nothing counts the replacements (a standalone codebook). */
export const xmlText = (s: string) => escapeXml(s.replace(UNHOLDABLE, REPLACEMENT))

/** Replaces what a format cannot hold with U+FFFD, counting each replacement. */
export class Replacements {
  count = 0

  text(value: string): string {
    return value.replace(UNHOLDABLE, () => {
      this.count++
      return REPLACEMENT
    })
  }

  /** A sentence for the file's notes, or nothing when nothing was replaced. */
  note(): string | undefined {
    return this.count ? translator('en')('admin.analysis.replaced_characters', { count: this.count }) : undefined
  }
}
