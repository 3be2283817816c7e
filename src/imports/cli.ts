// `npm run cli -- import-wave`: the same reading, matching, checking and writing as the pages.
// Columns are matched by name or by the choices the team made on the pages for the survey; a
// column matched by neither is left out and named, so a script never guesses from the wording.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import type { AppConfig } from '../config.js'
import { CLI_ACTOR, withWorkspace } from '../cli-workspace.js'
import { translator } from '../i18n/catalogue.js'
import { proposeMatches } from './columns.js'
import { importPastWave, waveLabelTaken } from './import-wave.js'
import { checkPastWaveFile, readPastWaveFile } from './past-wave-file.js'
import { describeProblem } from './problem-text.js'

type Print = (line: string) => void

export const IMPORT_WAVE_USAGE = 'import-wave --survey S --version V --label L <file.csv|file.xlsx> [--check]'

export async function runImportWave(args: string[], config: AppConfig, out: Print, err: Print): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { survey: { type: 'string' }, version: { type: 'string' }, label: { type: 'string' }, check: { type: 'boolean', default: false } }, allowPositionals: true })
  const [path] = positionals
  if (!path || !values.survey || !values.version || !values.label) {
    err(`Usage: npm run cli -- ${IMPORT_WAVE_USAGE}`)
    return 2
  }
  const label = values.label.trim()
  if (!label || label.length > 100) {
    err('The label must be 1 to 100 characters, such as 2015-16.')
    return 2
  }
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch {
    err(`Cannot read ${path}`)
    return 1
  }
  return withWorkspace(config, err, async (db, catalogue) => {
    const version = catalogue.find(values.survey!, values.version!)
    if (!version) {
      err(`No questionnaire ${values.survey} version ${values.version}: see "npm run cli -- versions"`)
      return 1
    }
    if (await waveLabelTaken(db, values.survey!, label)) {
      err(translator('en')('admin.past_wave.error.label_taken', { label }))
      return 1
    }
    const { file, problems: unreadable } = await readPastWaveFile(bytes)
    if (!file) {
      for (const p of unreadable) err(describeProblem(p))
      return 1
    }
    const remembered = new Map((await db.selectFrom('import_column_matches').select(['heading', 'variable']).where('survey_id', '=', values.survey!).execute()).map((r) => [r.heading, r.variable]))
    const proposals = proposeMatches(version.definition, file.header, remembered)
    const matches = proposals.map((p) => (p.reason === 'name' || p.reason === 'remembered' ? p.match : ''))
    for (const p of proposals) if (p.reason === 'remembered' && p.match) out(`Column “${p.heading}” read as ${p.match} (matched on the pages before).`)
    for (const p of proposals) if (p.reason !== 'name' && p.reason !== 'remembered') out(`Column “${p.heading}” left out: it is not a variable of ${values.survey} ${values.version}; match it once on the team's pages to import it.`)
    const checked = await checkPastWaveFile(db, version.definition, file, matches)
    if (checked.problems.length) {
      err(`${translator('en')('admin.past_wave.problems_title', { count: checked.problems.length })} (${basename(path)}); nothing was imported:`)
      for (const p of checked.problems) err(`  ${describeProblem(p)}`)
      return 1
    }
    const answers = checked.rows.reduce((n, r) => n + Object.keys(r.answers).length, 0)
    if (values.check) {
      out(`The file is right: ${checked.rows.length} organisations and ${answers} answers would be imported (nothing imported: --check).`)
      return 0
    }
    const imported = await importPastWave(db, { surveyId: values.survey!, version: values.version!, label, sourceFile: basename(path), definition: version.definition, rows: checked.rows, organisations: checked.organisations }, CLI_ACTOR)
    out(`Imported the wave ${label} (${imported.waveId}): ${imported.organisations} organisations, ${imported.answers} answers, from ${basename(path)}.`)
    return 0
  })
}
