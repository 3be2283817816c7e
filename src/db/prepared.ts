// Queries that every respondent request runs, built and compiled by Kysely once and then run with
// new values. Building and compiling a query (parsing "table.column as alias" strings, freezing
// the operation tree, visiting it) costs several times what SQLite takes to run it, and the hot
// queries never change shape. The same builder code serves SQLite and PostgreSQL: the compiled
// text is kept per dialect. On SQLite, reads outside a transaction go to a read-only connection
// (see database.ts) without waiting for Kysely's single connection.
import type SQLite from 'better-sqlite3'
import type { Compilable, CompiledQuery, Kysely, QueryResult, Transaction } from 'kysely'
import type { Database } from './schema.js'

type Db = Kysely<Database> | Transaction<Database>
type Arg = string | number | null | readonly (string | number | null)[]

interface Template {
  compiled: CompiledQuery
  reads: boolean
  /** For each compiled parameter: where its value comes from (an argument, one element of an array argument) or the constant itself. */
  slots: ({ arg: number; index?: number } | { constant: unknown })[]
}

/** SQLite read-only connections, by the Kysely instance whose committed data they read. */
const readers = new WeakMap<object, SQLite.Database>()

export function registerReader(db: Kysely<Database>, reader: SQLite.Database): void {
  readers.set(db, reader)
}

// Upper case, so a builder that lower-cases its argument is caught rather than replayed wrongly.
const SENTINEL = '\u0000PREPARED-ARGUMENT\u0000'

/**
 * Wraps a query builder so it is compiled once per dialect and per shape (an array argument's
 * length changes the SQL, so each length is its own shape). Every argument must reach the query
 * as a bound value: an argument used to choose tables, columns or branches would be frozen at
 * its first value, so builders take values only.
 */
export function prepared<A extends Arg[], R>(build: (db: Db, ...args: A) => Compilable<R>) {
  const templates = new WeakMap<object, Map<string, Template>>()
  return async function run(db: Db, ...args: A): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter
    let byShape = templates.get(adapter)
    if (!byShape) templates.set(adapter, (byShape = new Map()))
    const shape = args.map((a) => (Array.isArray(a) ? a.length : '-')).join(',')
    let template = byShape.get(shape)
    if (!template) {
      template = compileTemplate(db, build, args)
      byShape.set(shape, template)
    }
    const parameters = template.slots.map((slot) => ('constant' in slot ? slot.constant : slot.index === undefined ? args[slot.arg] : (args[slot.arg] as readonly unknown[])[slot.index]))
    // A read outside any transaction goes to SQLite's read connection, when there is one; a
    // transaction is a different object, so its reads see its own writes on its connection.
    const reader = template.reads ? readers.get(db) : undefined
    if (reader) return { rows: reader.prepare(template.compiled.sql).all(parameters) as R[] }
    return db.executeQuery<R>({ ...template.compiled, parameters })
  }
}

function compileTemplate<A extends Arg[], R>(db: Db, build: (db: Db, ...args: A) => Compilable<R>, args: A): Template {
  const sentinels = args.map((a, i) => (Array.isArray(a) ? a.map((_, j) => `${SENTINEL}${i}.${j}`) : `${SENTINEL}${i}`)) as unknown as A
  const compiled = build(db, ...sentinels).compile()
  const used = new Set<string>()
  const slots = compiled.parameters.map((p) => {
    if (typeof p !== 'string' || !p.startsWith(SENTINEL)) return { constant: p }
    used.add(p)
    const [arg, index] = p.slice(SENTINEL.length).split('.').map(Number)
    return index === undefined ? { arg } : { arg, index }
  })
  const expected = (sentinels as unknown as (string | string[])[]).flat()
  const unused = expected.filter((s) => !used.has(s))
  // A builder that transforms or drops an argument cannot be replayed with new values.
  if (unused.length) throw new Error(`prepared query: argument ${unused.map((s) => s.slice(SENTINEL.length)).join(', ')} did not reach the SQL as a bound value`)
  return { compiled, slots, reads: compiled.query.kind === 'SelectQueryNode' }
}
