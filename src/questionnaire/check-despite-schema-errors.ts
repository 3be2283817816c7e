// A file with a schema error still gets its semantic checks, so that one run lists both kinds and
// a researcher does not fix one error only to meet the next. The parts the schema refused are set
// aside (an optional field removed, a broken question replaced by a placeholder that asks
// nothing), the rest is checked as usual, and nothing is said about what was set aside: its
// schema error already speaks for it.
import type { ValidateFunction } from 'ajv'
import { checkDefinition, type Finding } from './check-definition.js'
import type { Path } from './problems.js'
import { Definition as DefinitionSchema, Page, QuestionSchema, Section, type Definition } from './schema.js'
import { describeSchemaErrors, type SchemaIssue } from './schema-errors.js'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

const requiredOf = (schema: { required?: string[] }) => new Set(schema.required ?? [])
const REQUIRED = {
  root: requiredOf(DefinitionSchema),
  section: requiredOf(Section),
  page: requiredOf(Page),
  question: new Map(((QuestionSchema as unknown as { oneOf: { properties: { type: { const: string } }; required?: string[] }[] }).oneOf).map((v) => [v.properties.type.const, requiredOf(v)])),
}
const ID = /^[a-z](?:_?[a-z0-9])*$/

/** Rounds of setting aside: each round can only uncover errors inside what the last one kept. */
const MAX_ROUNDS = 4

export function checkDespiteSchemaErrors(data: Json, firstIssues: SchemaIssue[], validate: ValidateFunction, expected: { survey?: string; version?: string }): Finding[] {
  const draft = structuredClone(data)
  const setAside: Path[] = []
  const unchecked = new Set<string>()
  let placeholders = 0
  const placeholderId = (kind: string) => `unchecked_${kind}_${++placeholders}`
  const placeholderQuestion = (original: unknown) => {
    const id = isObject(original) && typeof original.id === 'string' ? original.id : undefined
    if (id) unchecked.add(id)
    return { type: 'info', id: id && ID.test(id) && id.length <= 24 ? id : placeholderId('question'), text: 'unchecked' }
  }
  const placeholderFor = (key: string, kind: 'root' | 'section' | 'page'): unknown => {
    if (key === 'id') return placeholderId(kind)
    if (key === 'questions') return [placeholderQuestion(undefined)]
    if (key === 'pages') return [{ id: placeholderId('page'), questions: [placeholderQuestion(undefined)] }]
    if (key === 'sections') return [{ id: placeholderId('section'), title: 'unchecked', pages: placeholderFor('pages', 'section') }]
    if (key === 'survey') return expected.survey ?? 'unchecked'
    if (key === 'version') return expected.version ?? 'unchecked'
    return 'unchecked'
  }

  /** Sets aside the smallest part that holds the error at `path`. */
  const setAsideAt = (path: Path) => {
    const sections = draft.sections
    const [, s, , p, , q] = path
    const section = path[0] === 'sections' && typeof s === 'number' && Array.isArray(sections) ? sections[s] : undefined
    const page = section !== undefined && path[2] === 'pages' && typeof p === 'number' && isObject(section) && Array.isArray(section.pages) ? section.pages[p] : undefined
    const inQuestion = page !== undefined && path[4] === 'questions' && typeof q === 'number' && isObject(page) && Array.isArray(page.questions) && q < page.questions.length
    if (inQuestion) {
      const questions = (page as Json).questions as unknown[]
      const question = questions[q as number]
      const key = path[6]
      const required = isObject(question) ? REQUIRED.question.get(String(question.type)) : undefined
      if (required && typeof key === 'string' && !required.has(key)) {
        delete (question as Json)[key]
        setAside.push(path.slice(0, 7))
      } else {
        questions[q as number] = placeholderQuestion(question)
        setAside.push(path.slice(0, 6))
      }
      return
    }
    const [container, at, kind] =
      page !== undefined ? [page, 4, 'page' as const] : section !== undefined ? [section, 2, 'section' as const] : [draft, 0, 'root' as const]
    const containerPath = path.slice(0, at)
    if (!isObject(container)) {
      // A page or a section that is not a set of fields at all: a placeholder takes its place.
      const list = containerPath.slice(0, -1).reduce<unknown>((node, segment) => (node as Json)[segment as string], draft) as unknown[]
      const index = containerPath[containerPath.length - 1] as number
      list[index] = kind === 'page' ? { id: placeholderId('page'), questions: placeholderFor('questions', kind) } : (placeholderFor('sections', kind) as unknown[])[0]
      setAside.push(containerPath)
      return
    }
    const key = path[at]
    const required = REQUIRED[kind]
    if (typeof key === 'string') {
      if (required.has(key)) container[key] = placeholderFor(key, kind)
      else delete container[key]
      setAside.push([...containerPath, key])
      return
    }
    // The container itself: a required field missing. Each is filled with a placeholder.
    for (const field of required) {
      if (container[field] === undefined) {
        container[field] = placeholderFor(field, kind)
        setAside.push([...containerPath, field])
      }
    }
  }

  let issues = firstIssues
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (const issue of issues) setAsideAt(issue.path)
    if (validate(draft)) {
      const within = (path: Path) => setAside.some((aside) => aside.every((segment, i) => path[i] === segment))
      return checkDefinition(draft as unknown as Definition, expected, { unchecked }).filter((f) => !within(f.path))
    }
    issues = describeSchemaErrors(validate.errors ?? [])
  }
  return []
}
