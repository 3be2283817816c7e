// The second half of `npm run build`, run compiled after tsc has written dist/: removes compiled
// files whose TypeScript source is gone (a renamed or deleted migration must never run from a
// stale copy), then builds public/build/app.css from govuk-frontend's Sass with our settings (no
// GDS Transport font) and copies the passage-coding script beside it. `npm start` and `npm test`
// build first; `npm run cli` and `validate` build the server only (`build:server`).
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import * as sass from 'sass'
import { projectPath } from '../src/project-root.js'

const COMPILED = /\.(js|js\.map|d\.ts)$/

function removeOrphans(dir: string): number {
  let removed = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      removed += removeOrphans(path)
    } else if (COMPILED.test(entry.name)) {
      const source = projectPath(relative(projectPath('dist'), path)).replace(COMPILED, '.ts')
      if (!existsSync(source)) {
        rmSync(path)
        removed++
      }
    }
  }
  return removed
}

removeOrphans(projectPath('dist'))
// `--server`: the compiled code only, for the command line, which needs no stylesheet (its Sass takes seconds).
if (process.argv.includes('--server')) process.exit(0)
const result = sass.compile(projectPath('src', 'web', 'assets', 'styles.scss'), { loadPaths: [projectPath('node_modules')], style: 'compressed', quietDeps: true })
mkdirSync(projectPath('public', 'build'), { recursive: true })
writeFileSync(projectPath('public', 'build', 'app.css'), result.css)
// The one script: passage coding (src/web/assets/coding.js); every page works without it.
copyFileSync(projectPath('src', 'web', 'assets', 'coding.js'), projectPath('public', 'build', 'coding.js'))
// On stderr: `npm run cli -- …` builds first, and its own output may be piped somewhere.
console.error(`Built dist/, public/build/app.css and coding.js (${Math.round(result.css.length / 1024)} KiB)`)
