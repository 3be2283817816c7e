// Turns Ajv's errors into plain sentences a researcher can act on ("needs at least 2 options",
// "unknown field requred: did you mean required?"), each with the path it applies to.
import type { ErrorObject } from 'ajv'
import type { Path } from './problems.js'

export interface SchemaIssue {
  path: Path
  at: 'value' | 'key'
  message: string
}

function pathFromPointer(pointer: string): Path {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment))
}

function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (Number.isInteger(value)) return 'integer'
  return typeof value
}

function typeWords(type: string, data: unknown): string {
  switch (type) {
    case 'integer':
      return 'must be a whole number'
    case 'number':
      return 'must be a number'
    case 'string':
      return typeof data === 'number' || typeof data === 'boolean'
        ? `must be text: put it in quotes, e.g. "${String(data)}"`
        : 'must be text'
    case 'boolean':
      return 'must be true or false'
    case 'array':
      return 'must be a list (items starting with "- ")'
    case 'object':
      return 'must be a set of fields (name: value)'
    case 'null':
      return 'must be empty (null)'
    default:
      return `must be of type ${type}`
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]
}

function suggestion(unknown: string, known: string[]): string {
  const best = known
    .map((name) => ({ name, distance: editDistance(unknown, name) }))
    .sort((x, y) => x.distance - y.distance)[0]
  return best && best.distance <= Math.max(1, Math.floor(unknown.length / 3)) ? `: did you mean ${best.name}?` : ''
}

function plural(noun: string | number | undefined, count: number): string {
  if (typeof noun !== 'string') return count === 1 ? 'item' : 'items'
  if (count !== 1) return noun
  return noun.endsWith('s') ? noun.slice(0, -1) : noun
}

function describe(error: ErrorObject): SchemaIssue | undefined {
  const path = pathFromPointer(error.instancePath)
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>
  const custom = typeof parent['x-message'] === 'string' ? (parent['x-message'] as string) : undefined
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return { path, at: 'value', message: `"${String(params.missingProperty)}" is required but missing` }
    case 'additionalProperties': {
      const name = String(params.additionalProperty)
      const known = Object.keys((parent.properties as Record<string, unknown>) ?? {})
      const allowed = known.length ? ` (allowed here: ${known.join(', ')})` : ''
      const data = error.data as Record<string, unknown> | undefined
      if (/\s/.test(name) && data?.[name] === null) {
        return { path: [...path, name], at: 'key', message: `unknown field "${name}": inside { }, a comma separates fields, so put text that contains a comma in quotes` }
      }
      const hint = suggestion(name, known)
      return { path: [...path, name], at: 'key', message: `unknown field "${name}"${hint || allowed}` }
    }
    case 'discriminator': {
      const tag = typeof params.tag === 'string' ? params.tag : 'type'
      const typePath = [...path, tag]
      if (params.error === 'tag') return { path, at: 'value', message: `"${tag}" is required but missing` }
      return { path: typePath, at: 'value', message: custom ?? 'unknown type' }
    }
    case 'type':
      return { path, at: 'value', message: typeWords(String(params.type), error.data) }
    case 'minItems': {
      const limit = Number(params.limit)
      return { path, at: 'value', message: `needs at least ${limit} ${plural(path[path.length - 1], limit)}` }
    }
    case 'maxItems':
      return { path, at: 'value', message: `has more than ${String(params.limit)} items` }
    case 'minLength':
      return { path, at: 'value', message: Number(params.limit) === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters` }
    case 'maxLength':
      return { path, at: 'value', message: `must be at most ${String(params.limit)} characters` }
    case 'minProperties':
      return { path, at: 'value', message: 'must not be empty' }
    case 'pattern':
      return { path, at: 'value', message: custom ?? `does not have the expected form (${String(params.pattern)})` }
    case 'enum':
      return { path, at: 'value', message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` }
    case 'const':
      return { path, at: 'value', message: custom ?? `must be ${JSON.stringify(params.allowedValue)}` }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, at: 'value', message: `must be ${String(params.comparison)} ${String(params.limit)}` }
    case 'uniqueItems':
      return { path, at: 'value', message: `lists the same value twice (items ${String(params.j)} and ${String(params.i)})` }
    case 'anyOf':
      return { path, at: 'value', message: custom ?? 'is not in any of the accepted forms' }
    case 'oneOf':
      return undefined
    default:
      return { path, at: 'value', message: error.message ?? 'is not valid' }
  }
}

/**
 * For a union (text, condition values), report the errors of the branch whose type matches the
 * data (an object given for text gets "unknown field fr"), or else one sentence for the union.
 */
function resolveUnions(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>()
  for (const union of errors.filter((e) => e.keyword === 'anyOf')) {
    const branches = ((union.schema as unknown[]) ?? []) as Record<string, unknown>[]
    const dataType = jsonType(union.data)
    const matching = branches.findIndex(
      (b) => b.type === dataType || (b.type === 'number' && dataType === 'integer') || (b.type === 'object' && dataType === 'object'),
    )
    const branchErrors = errors.filter((e) => e !== union && e.schemaPath.startsWith(`${union.schemaPath}/`))
    if (matching >= 0) {
      dropped.add(union)
      for (const e of branchErrors) if (!e.schemaPath.startsWith(`${union.schemaPath}/${matching}/`)) dropped.add(e)
    } else {
      for (const e of branchErrors) dropped.add(e)
    }
  }
  return errors.filter((e) => !dropped.has(e))
}

export function describeSchemaErrors(errors: ErrorObject[]): SchemaIssue[] {
  const seen = new Set<string>()
  const issues: SchemaIssue[] = []
  for (const error of resolveUnions(errors)) {
    const issue = describe(error)
    if (!issue) continue
    const key = `${issue.path.join('/')}|${issue.message}`
    if (seen.has(key)) continue
    seen.add(key)
    issues.push(issue)
  }
  return issues
}
