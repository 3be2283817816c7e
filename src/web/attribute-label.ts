// Organisation attributes arrive as CSV column names (authority_type, prison_category); people
// read them as labels ("Authority type"). The stored name stays the variable name in exports.
const ACRONYMS = new Set(['uk', 'nhs', 'ons', 'gss', 'id', 'la', 'hmp', 'yoi', 'ics', 'icb'])

export function attributeLabel(name: string): string {
  const words = name.trim().split(/[_\s-]+/).filter(Boolean)
  if (!words.length) return name
  return words
    .map((word, i) => (ACRONYMS.has(word.toLowerCase()) ? word.toUpperCase() : i === 0 ? word.charAt(0).toUpperCase() + word.slice(1).toLowerCase() : word.toLowerCase()))
    .join(' ')
}
