// Variable names that SPSS, Stata and R all accept as they are: at most 32 characters (Stata's
// limit, SPSS allows 64), lower-case letters, digits and underscores, starting with a letter, none
// of the three languages' reserved words, and unique even where case is ignored (SPSS). Question
// ids already follow these rules, but "q_1" beside a question "q" with option 1, a grid row id
// making a name longer than 32, or an organisation attribute called "=attr" or "Prison category"
// do not: SPSS refused the whole file over one such name.

const LONGEST = 32

// SPSS keywords, Stata's reserved names and R's reserved words (R's read.csv would rename these).
const RESERVED = new Set([
  ...['all', 'and', 'by', 'eq', 'ge', 'gt', 'le', 'lt', 'ne', 'not', 'or', 'to', 'with'],
  ...['_all', '_b', 'byte', '_coef', '_cons', 'double', 'float', 'if', 'in', 'int', 'long', '_n', '_pi', '_pred', '_rc', '_skip', 'strl', 'using'],
  ...['else', 'repeat', 'while', 'function', 'for', 'next', 'break', 'true', 'false', 'null', 'inf', 'nan', 'na', 'na_integer_', 'na_real_', 'na_complex_', 'na_character_'],
])

/** A name the three packages accept, made from any text (an attribute's heading, say). */
export function validName(text: string): string {
  let name = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  if (!name) name = 'v'
  if (!/^[a-z]/.test(name)) name = `v_${name}`
  if (RESERVED.has(name)) name = `${name}_v`
  return name.slice(0, LONGEST).replace(/_+$/, '')
}

/**
 * Hands out names in order, each unique ignoring case: a name already taken gets _2, _3… (cut
 * so that it still fits in 32 characters). Taking the fixed columns first, then the questions,
 * then the attributes keeps a question's name the same in every wave, whatever attributes the
 * organisations of that wave have.
 */
export class VariableNames {
  private readonly taken = new Set<string>()

  take(text: string): string {
    const base = validName(text)
    let name = base
    for (let i = 2; this.taken.has(name); i++) name = `${base.slice(0, LONGEST - String(i).length - 1)}_${i}`
    this.taken.add(name)
    return name
  }
}
