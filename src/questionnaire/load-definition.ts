// Reads one definition file (YAML, or JSON, which YAML also parses) and reports every problem at
// once, each with its line and column: syntax, then schema, then the semantic checks.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import { LineCounter, parseDocument } from 'yaml'
import { checkDefinition, type Finding } from './check-definition.js'
import { formatPath, hasErrors, type Problem } from './problems.js'
import { questionnaireJsonSchema, type Definition } from './schema.js'
import { describeSchemaErrors } from './schema-errors.js'
import { createLocator, type Locator } from './source-locator.js'

export interface LoadedDefinition {
  file: string
  definition?: Definition
  /** Hash of the parsed content: comments and layout do not change it, any change of meaning does. */
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

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function contentHashOf(definition: Definition): string {
  const { $schema: _ignored, ...content } = definition
  return createHash('sha256').update(canonicalJson(content)).digest('hex')
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
  const data: unknown = doc.toJS()
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { file, problems: [...syntaxProblems, { file, line: 1, column: 1, path: '', message: 'must be a questionnaire: a set of fields such as survey, version, title and sections', severity: 'error' }] }
  }
  const validate = schemaValidator()
  if (!validate(data)) {
    const problems = describeSchemaErrors(validate.errors ?? []).map<Problem>((issue) => ({
      file,
      ...locator.locate(issue.path, issue.at),
      path: formatPath(issue.path),
      message: issue.message,
      severity: 'error',
    }))
    return { file, problems: [...syntaxProblems, ...sortByPosition(problems)], locator }
  }
  const definition = data as Definition
  const problems = [...syntaxProblems, ...sortByPosition(findingsToProblems(file, locator, checkDefinition(definition, expected)))]
  return { file, definition, contentHash: contentHashOf(definition), problems, locator }
}

export function loadDefinitionFile(path: string, file: string, expected: { survey?: string; version?: string } = {}): LoadedDefinition {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    return { file, problems: [{ file, line: 1, column: 1, path: '', message: `cannot be read: ${(err as Error).message}`, severity: 'error' }] }
  }
  return parseDefinition(text, file, expected)
}

export function sortByPosition(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
}
