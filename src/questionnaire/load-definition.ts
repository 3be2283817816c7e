// Reads one definition file (YAML, or JSON, which YAML also parses) and reports every problem at
// once, each with its line and column: syntax, then schema, then the semantic checks.
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml'
import { checkDefinition, type Finding } from './check-definition.js'
import { checkDespiteSchemaErrors } from './check-despite-schema-errors.js'
import { contentHashOf } from './content-hash.js'
import { formatPath, hasErrors, type Problem } from './problems.js'
import { questionnaireJsonSchema, type Definition } from './schema.js'
import { describeSchemaErrors } from './schema-errors.js'
import { createLocator, type Locator } from './source-locator.js'

export interface LoadedDefinition {
  file: string
  definition?: Definition
  /** Hash of the meaning (see content-hash.ts): comments, layout and defaults do not change it. */
  contentHash?: string
  problems: Problem[]
  locator?: Locator
}

let validator: ValidateFunction | undefined
function schemaValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, discriminator: true, verbose: true, strict: true })
    ajv.addKeyword('x-message')
    validator = ajv.compile(questionnaireJsonSchema())
  }
  return validator as ValidateFunction
}

export function findingsToProblems(file: string, locator: Locator, findings: Finding[]): Problem[] {
  return findings.map((f) => ({ file, ...locator.locate(f.path, f.at), path: formatPath(f.path), message: f.message, severity: f.severity }))
}

export function parseDefinition(text: string, file: string, expected: { survey?: string; version?: string } = {}): LoadedDefinition {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true })
  const syntaxProblems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0])
    const indentation = ['BAD_INDENT', 'MISSING_CHAR', 'UNEXPECTED_TOKEN'].includes(e.code) ? ' (check the indentation of this line and the one before)' : ''
    return {
      file,
      line,
      column: col,
      path: '',
      message: `${e.name === 'YAMLWarning' ? '' : 'YAML syntax: '}${e.message.split('\n')[0]}${indentation}`,
      severity: e.name === 'YAMLWarning' ? 'warning' : 'error',
    }
  })
  if (hasErrors(syntaxProblems)) return { file, problems: syntaxProblems }

  const locator = createLocator(doc, lineCounter)
  let data: unknown
  try {
    data = doc.toJS()
  } catch (err) {
    return { file, problems: [...syntaxProblems, aliasProblem(doc, lineCounter, file, err as Error)] }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { file, problems: [...syntaxProblems, { file, line: 1, column: 1, path: '', message: 'must be a questionnaire: a set of fields such as survey, version, title and sections', severity: 'error' }] }
  }
  const validate = schemaValidator()
  if (!validate(data)) {
    const issues = describeSchemaErrors(validate.errors ?? [])
    const problems = issues.map<Problem>((issue) => ({
      file,
      ...locator.locate(issue.path, issue.at),
      path: formatPath(issue.path),
      message: issue.message,
      severity: 'error',
    }))
    const semantic = findingsToProblems(file, locator, checkDespiteSchemaErrors(data as Record<string, unknown>, issues, validate, expected))
    return { file, problems: [...syntaxProblems, ...sortByPosition([...problems, ...semantic])], locator }
  }
  const definition = data as Definition
  const problems = [...syntaxProblems, ...sortByPosition(findingsToProblems(file, locator, checkDefinition(definition, expected)))]
  return { file, definition, contentHash: contentHashOf(definition), problems, locator }
}

/**
 * YAML aliases (*name) repeat an anchored part (&name). Resolving them is where a file can go wrong
 * after parsing: an alias to an anchor set later or nowhere, or aliases of aliases multiplying a
 * few lines into millions of values (a "billion laughs" file). Either is reported at its alias.
 */
function aliasProblem(doc: Document, lineCounter: LineCounter, file: string, err: Error): Problem {
  const unresolved = /Unresolved alias.*: (.+)$/.exec(err.message)?.[1]
  let offset = 0
  let count = 0
  visit(doc, {
    Alias(_, node) {
      count++
      if (isAlias(node) && (unresolved === undefined ? count === 1 : node.source === unresolved)) {
        offset = node.range?.[0] ?? 0
        return visit.BREAK
      }
    },
  })
  const { line, col } = lineCounter.linePos(offset)
  const message = unresolved !== undefined
    ? `YAML: the alias *${unresolved} refers to no anchor &${unresolved} set before it`
    : 'YAML: the aliases (*name) repeat their anchors too many times over (more than 100 repetitions): write the repeated parts out, or repeat each only a few times'
  return { file, line, column: col, path: '', message, severity: 'error' }
}

/** Definitions are a few hundred kilobytes at most; a larger file is refused before it is parsed. */
export const MAX_DEFINITION_BYTES = 1024 * 1024

export function loadDefinitionFile(path: string, file: string, expected: { survey?: string; version?: string } = {}): LoadedDefinition {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    return { file, problems: [{ file, line: 1, column: 1, path: '', message: `cannot be read: ${(err as Error).message}`, severity: 'error' }] }
  }
  if (bytes.length > MAX_DEFINITION_BYTES) {
    return { file, problems: [{ file, line: 1, column: 1, path: '', message: `is ${(bytes.length / 1024 / 1024).toFixed(1)} MB: a definition file may be at most 1 MB`, severity: 'error' }] }
  }
  const decoded = decodeUtf8(bytes)
  if ('problem' in decoded) return { file, problems: [{ file, ...decoded.problem, path: '', severity: 'error' }] }
  return parseDefinition(decoded.text, file, expected)
}

/**
 * Definitions are UTF-8. Anything else (Windows-1252 from a word processor, say) is refused at
 * its first wrong byte, rather than loaded with replacement characters in the Welsh text.
 */
export function decodeUtf8(bytes: Buffer): { text: string } | { problem: { line: number; column: number; message: string } } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) }
  } catch {
    const at = firstInvalidUtf8Byte(bytes)
    const before = bytes.subarray(0, at)
    const line = before.filter((b) => b === 0x0a).length + 1
    const lineStart = before.lastIndexOf(0x0a) + 1
    const column = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, at)).length + 1
    const hex = bytes[at].toString(16).toUpperCase().padStart(2, '0')
    return { problem: { line, column, message: `is not UTF-8: byte 0x${hex} (byte ${at + 1} of the file) is not valid UTF-8. Save the file as UTF-8 (in most editors: Save as, Encoding, UTF-8)` } }
  }
}

function firstInvalidUtf8Byte(bytes: Buffer): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0
    if (length === 0) return i
    for (let k = 1; k < length; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i
    // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
    const second = bytes[i + 1]
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i
    i += length
  }
  return bytes.length - 1
}

export function sortByPosition(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
}
