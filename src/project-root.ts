// The folder holding package.json, views/, public/, examples/ and the message catalogues. Code
// runs from src/ (tsx, in development and tests) or from dist/src/ (the compiled build that
// `npm start` runs), one folder deeper, so files are found from the project root rather than
// by a fixed number of "../" from the module.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`No package.json above ${from}: the project's files cannot be found`)
  }
}

const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)))

/** A path inside the project, such as projectPath('views'). */
export function projectPath(...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts)
}
