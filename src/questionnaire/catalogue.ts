// All surveys and their versions from the surveys/ folder: <survey>/<version>.yaml (or .json).
// Either everything loads, or the caller gets every problem and no catalogue: never half-loaded.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, basename } from 'node:path'
import { checkLineage } from './check-lineage.js'
import { checkGroupLineage } from './check-groups.js'
import { checkEditorial } from './editorial.js'
import { findingsToProblems, loadDefinitionFile, sortByPosition, type LoadedDefinition } from './load-definition.js'
import { hasErrors, type Problem } from './problems.js'
import type { Definition } from './schema.js'

export interface SurveyVersion {
  file: string
  definition: Definition
  contentHash: string
}

export interface Survey {
  id: string
  /** Oldest first, following each version's `previous`. */
  versions: SurveyVersion[]
}

export interface Catalogue {
  surveys: Survey[]
  find(surveyId: string, version: string): SurveyVersion | undefined
}

export interface CatalogueResult {
  catalogue?: Catalogue
  problems: Problem[]
}

const DEFINITION_EXTENSIONS = new Set(['.yaml', '.yml', '.json'])

/**
 * The folder's definition files, read as bytes: the catalogue is loaded again only when one of
 * them (or the set of them) changed. Parsing and checking every file is most of the cost of
 * starting an app, and the tests start over a thousand apps in a few processes on the same folders.
 */
function folderFingerprint(directory: string): string | undefined {
  const hash = createHash('sha256').update(process.cwd()).update('\0')
  try {
    for (const folder of readdirSync(directory).sort()) {
      const path = join(directory, folder)
      if (folder.startsWith('.') || !statSync(path).isDirectory()) continue
      for (const name of readdirSync(path).sort()) {
        if (DEFINITION_EXTENSIONS.has(extname(name))) hash.update(`${folder}/${name}\0`).update(readFileSync(join(path, name))).update('\0')
      }
    }
  } catch {
    return undefined
  }
  return hash.digest('hex')
}

const loaded = new Map<string, { fingerprint: string; result: CatalogueResult }>()

/** Every survey and version of the folder, or every problem: kept while the files stay the same (nothing changes a loaded definition). */
export function loadCatalogue(directory: string): CatalogueResult {
  const fingerprint = folderFingerprint(directory)
  const kept = loaded.get(directory)
  if (fingerprint && kept?.fingerprint === fingerprint) return kept.result
  const result = readCatalogue(directory)
  if (fingerprint) loaded.set(directory, { fingerprint, result })
  return result
}

function readCatalogue(directory: string): CatalogueResult {
  const problems: Problem[] = []
  const surveys: Survey[] = []
  const display = (path: string) => relative(process.cwd(), path) || path
  let folders: string[]
  try {
    folders = readdirSync(directory)
      .filter((name) => !name.startsWith('.') && statSync(join(directory, name)).isDirectory())
      .sort()
  } catch (err) {
    return { problems: [{ file: display(directory), line: 1, column: 1, path: '', message: `cannot be read: ${(err as Error).message}`, severity: 'error' }] }
  }

  for (const folder of folders) {
    const files = readdirSync(join(directory, folder))
      .filter((name) => DEFINITION_EXTENSIONS.has(extname(name)))
      .sort()
    const loaded = new Map<string, LoadedDefinition>()
    for (const name of files) {
      const version = basename(name, extname(name))
      const file = display(join(directory, folder, name))
      const result = loadDefinitionFile(join(directory, folder, name), file, { survey: folder, version })
      problems.push(...result.problems)
      const clash = loaded.get(version)
      if (clash) {
        problems.push({ file, line: 1, column: 1, path: '', message: `version "${version}" is defined twice (also ${clash.file}): keep one file per version`, severity: 'error' })
        continue
      }
      loaded.set(version, result)
    }
    const ordered = orderVersions(folder, loaded, problems)
    if (ordered) surveys.push({ id: folder, versions: ordered })
  }
  if (hasErrors(problems)) return { problems: sortByPosition(problems) }
  return { catalogue: makeCatalogue(surveys), problems: sortByPosition(problems) }
}

function orderVersions(folder: string, loaded: Map<string, LoadedDefinition>, problems: Problem[]): SurveyVersion[] | undefined {
  const next = new Map<string, string[]>()
  const roots: string[] = []
  for (const [version, result] of loaded) {
    const definition = result.definition
    if (!definition || !result.locator) continue
    const previousName = definition.previous
    if (previousName === undefined) {
      roots.push(version)
      continue
    }
    const previous = loaded.get(previousName)
    if (!previous) {
      const known = [...loaded.keys()].filter((v) => v !== version)
      problems.push(
        ...findingsToProblems(result.file, result.locator, [
          {
            path: ['previous'],
            message: `version "${previousName}" is not in surveys folder "${folder}"${known.length ? ` (it has: ${known.join(', ')})` : ''}`,
            severity: 'error',
          },
        ]),
      )
      continue
    }
    next.set(previousName, [...(next.get(previousName) ?? []), version])
    if (previous.definition) {
      problems.push(...findingsToProblems(result.file, result.locator, checkLineage(definition, previous.definition)))
      problems.push(...findingsToProblems(result.file, result.locator, checkGroupLineage(definition, previous.definition)))
      if (definition.editorial) problems.push(...findingsToProblems(result.file, result.locator, checkEditorial(definition, previous.definition)))
    }
  }
  for (const [from, followers] of next) {
    if (followers.length > 1) {
      const file = loaded.get(followers[1])!.file
      problems.push({ file, line: 1, column: 1, path: 'previous', message: `versions ${followers.join(' and ')} both follow ${from}: the versions of a survey must form one line`, severity: 'error' })
    }
  }
  if (roots.length > 1) {
    const file = loaded.get(roots[1])!.file
    problems.push({ file, line: 1, column: 1, path: '', message: `versions ${roots.join(' and ')} both have no "previous": every version but the first must name the one it follows`, severity: 'error' })
  }
  const ordered: SurveyVersion[] = []
  let cursor: string | undefined = roots[0]
  const visited = new Set<string>()
  while (cursor !== undefined && !visited.has(cursor)) {
    visited.add(cursor)
    const result = loaded.get(cursor)!
    if (result.definition && result.contentHash) ordered.push({ file: result.file, definition: result.definition, contentHash: result.contentHash })
    cursor = next.get(cursor)?.[0]
  }
  // Versions whose previous is missing were reported above; the rest not reached form a loop.
  const unreachable = [...loaded.entries()].filter(([v, r]) => r.definition && !visited.has(v) && r.definition.previous && loaded.has(r.definition.previous))
  if (unreachable.length && roots.length <= 1) {
    const [version, result] = unreachable[0]
    problems.push({ file: result.file, line: 1, column: 1, path: 'previous', message: `version ${version} is in a loop of previous versions: the first version must have no previous`, severity: 'error' })
  }
  return ordered
}

function makeCatalogue(surveys: Survey[]): Catalogue {
  return {
    surveys,
    find(surveyId, version) {
      return surveys.find((s) => s.id === surveyId)?.versions.find((v) => v.definition.version === version)
    },
  }
}
