// Builds public/build/app.css from govuk-frontend's Sass with our settings (no GDS Transport
// font), and copies the passage-coding script beside it. Run by `npm run build`, and before `npm start` and `npm test`.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = fileURLToPath(new URL('..', import.meta.url))
const result = sass.compile(`${root}src/web/assets/styles.scss`, { loadPaths: [`${root}node_modules`], style: 'compressed', quietDeps: true })
mkdirSync(`${root}public/build`, { recursive: true })
writeFileSync(`${root}public/build/app.css`, result.css)
// The one script: passage coding (see coding.js); every page works without it.
copyFileSync(`${root}src/web/assets/coding.js`, `${root}public/build/coding.js`)
console.log(`Built public/build/app.css and coding.js (${Math.round(result.css.length / 1024)} KiB)`)
