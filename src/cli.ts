// The command-line tool: the same services as the server, for scripting and for checking
// questionnaire files before they are committed.
//   npm run cli -- validate              check every definition in surveys/
//   npm run cli -- diff <survey> <from> <to>
//   npm run cli -- migrate               bring the database schema up to date
//   npm run cli -- versions              list registered versions and whether a wave locked them
//   npm run cli -- schema                write surveys/questionnaire.schema.json
//   npm run cli -- demo-wave             a demo wave with personal links to try the respondent journey
//   npm run cli -- remove-demo           remove the demo waves and organisations, never real data
//   npm run cli -- correct-version <wave> <version>   move a wave to an editorial correction of its version
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { configFromEnv, type AppConfig } from './config.js'
import { translator } from './i18n/catalogue.js'
import { loadCatalogue, type Catalogue } from './questionnaire/catalogue.js'
import { diffVersions, type OptionLineage, type VersionDiff } from './questionnaire/diff.js'
import { formatProblem, hasErrors } from './questionnaire/problems.js'
import { questionnaireJsonSchema } from './questionnaire/schema.js'
import { createMailTransport } from './mail/transport.js'
import { sendDueMessages } from './mail/worker.js'
import { CLI_ACTOR, commandLinkKey, migrate, withDatabase, withWorkspace } from './cli-workspace.js'
import { checkAgainstDatabase, registeredVersions } from './surveys/version-registry.js'
import { isPostgresUrl, sqlitePathFrom } from './db/database.js'
import { BackupError, backupDatabase, restoreDatabase } from './db/backup.js'
import { reopenResponse } from './respond/responses.js'
import { ID_PATTERN } from './db/ids.js'
import { eraseOrganisationContacts, eraseWave } from './waves/erasure.js'
import { createDemoWave } from './waves/demo.js'
import { keepNewFilesPrivate } from './db/private-files.js'
import { issueLinkFor } from './respond/link-tokens.js'
import { runWaveCommand } from './waves/cli-commands.js'
import { runImportWave } from './imports/cli.js'
import { moveToCorrectedVersion } from './waves/version-move.js'

// The command line is the research team's tool, in English like their pages; counts still come
// from the catalogue so that the right plural form is chosen.
const t = translator('en')

const USAGE = `Usage: npm run cli -- <command>
  validate                       check every questionnaire definition in surveys/
  diff <survey> <from> <to>      show what changed between two versions
  migrate                        run database migrations
  versions                       list registered versions and their lock status
  schema                         write surveys/questionnaire.schema.json
  demo-wave [survey] [version]   open a demo wave with three made-up organisations and print their links
  remove-demo                    remove every demo wave and demo organisation, with their links, responses and e-mails
  send-mail                      send the e-mails waiting in the outbox now
  reopen <reference>             let an organisation change a submitted response again
  reopen <wave-id> <YYYY-MM-DD>  reopen a closed wave until a new deadline: its links work again
  create-user --email E --name N --role admin|analyst
                                 password from NEW_USER_PASSWORD, or one is generated and printed
  import-organisations <file.csv|file.xlsx> [--update]
                                 import organisations and contacts (nothing if any row is bad); a file with
                                 codes that exist already lists what it would change, applied with --update
  import-wave --survey S --version V --label L <file.csv|file.xlsx> [--check]
                                 bring in a past wave collected elsewhere (the template filled in, or another tool's
                                 export): every cell checked, nothing imported if any is wrong; --check only checks
  create-wave --survey S --version V --label L --deadline YYYY-MM-DD --team-name N --team-email E [--types "local authority,prison"]
  waves                          list waves with their response rates
  launch <wave-id>               send the invitations
  remind <wave-id> [--not-started]  remind those who have not submitted (or not started)
  extend <wave-id> <YYYY-MM-DD>  move the deadline of a wave not yet closed
  correct-version <wave-id> <version>
                                 move a wave to a later version declared editorial (wording corrected, nothing else)
  close <wave-id> [--partial keep|ignore]
                                 close the wave: links then say it has closed. With responses in
                                 progress, say whether they are kept as partial responses (keep) or not used (ignore)
  progress <wave-id>             counts and response rate by organisation type
  backup <file>                  consistent copy of the SQLite database, while the server runs
  restore <file>                 put a backup in place (stop the server first)
  erase-contacts <org-code>      remove an organisation's contacts, links and e-mails (data protection)
  erase-wave <wave-id>           delete a wave with its links, responses and e-mails`

function usage(err: (line: string) => void, command: string): number {
  err(`Usage: npm run cli -- ${command}`)
  return 2
}

export function schemaText(): string {
  return `${JSON.stringify(questionnaireJsonSchema(), null, 2)}\n`
}

export function formatDiff(diff: VersionDiff): string {
  const lines = [`${diff.survey}: what changed from ${diff.from} to ${diff.to}`]
  if (!diff.lineageApplies) lines.push(`(${diff.to} does not follow ${diff.from} directly: questions matched by id only)`)
  // Counted in questions, as the changes page counts them, whatever lines each takes.
  const section = <T>(title: string, items: T[], describe: (item: T) => string[]) => {
    lines.push('', `${title} (${items.length})`)
    for (const item of items) lines.push(...describe(item).map((line) => `  ${line}`))
  }
  section('Added', diff.added, (q) => [`${q.id}: ${q.text}`])
  section('Dropped', diff.dropped, (q) => [`${q.id}: ${q.text}${q.reason ? ` [${q.reason}]` : ''}`])
  section('Reworded', diff.reworded, (q) => [`${q.id}${q.comparable ? '' : ' (not comparable)'}${q.declared ? '' : ' (NOT DECLARED in lineage)'}`, `    was: ${q.before}`, `    now: ${q.text}`])
  section('Recoded', diff.recoded, (q) => [q.id, ...q.mappings.map((m) => `    ${m.from} -> ${m.to}`)])
  section('Options changed', diff.optionsChanged, (q) => [q.id, ...optionLines(q)])
  section('Split', diff.split, (q) => [`${q.id} <- ${q.from}`])
  section('Merged', diff.merged, (q) => [`${q.id} <- ${q.from.join(' + ')}`])
  section('Not comparable', diff.notComparable, (q) => [`${q.id}${q.note ? `: ${q.note}` : ''}`])
  section('Moved', diff.moved, (q) => [`${q.id}: ${q.before} -> ${q.where}`])
  section('Skip logic changed', diff.skipLogic, (q) => [q.id, `    was: ${q.before}`, `    now: ${q.after}`])
  section('Other changes', diff.otherChanges, (q) => [`${q.id} ${q.what}: ${q.before} -> ${q.after}`])
  section('Welsh text changed', diff.welsh, (q) => [`${q.id} ${q.what}`, `    was: ${q.before || '(none)'}`, `    now: ${q.after || '(none)'}`])
  section('Checks across answers', diff.checks, (c) => [`${c.id} ${c.change}`, ...(c.before ? [`    was: ${c.before}`] : []), ...(c.after ? [`    now: ${c.after}`] : [])])
  if (diff.warnings.length) section('Warnings', diff.warnings, (w) => [w])
  return lines.join('\n')
}

function optionLines(q: OptionLineage): string[] {
  return [
    ...q.added.map((a) => `    + ${a} (not asked before)`),
    ...q.removed.map((r) => `    - ${r} (no equivalent)`),
    ...q.split.map((x) => `    ${x.from} split into ${x.to.join(' and ')}`),
    ...q.merged.map((x) => `    ${x.from.join(' and ')} merged into ${x.to}`),
    ...q.relabelled.map((l) => `    ~ ${l.code}: "${l.before}" -> "${l.after}"`),
    ...q.rowsAdded.map((r) => `    + row ${r} (not asked before)`),
    ...q.rowsRemoved.map((r) => `    - row ${r}`),
    ...q.rowsReworded.map((r) => `    ~ row ${r.id}: "${r.before}" -> "${r.after}"`),
    ...(q.note ? [`    note: ${q.note}`] : []),
  ]
}

/**
 * The files may be valid and still stop the server: a version a wave locked was edited, or a
 * wave's version lost its file. Checked when there is a database to check against (DATABASE_URL,
 * or the default SQLite file), read only: validating never creates or changes a database.
 */
async function validateAgainstDatabase(catalogue: Catalogue, config: AppConfig, env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  if (!isPostgresUrl(config.databaseUrl) && !existsSync(sqlitePathFrom(config.databaseUrl))) {
    // The default file not made yet is the usual case on a developer's machine: nothing to say.
    if (env.DATABASE_URL !== undefined) out(`No database at ${sqlitePathFrom(config.databaseUrl)} yet: no wave has locked a version.`)
    return 0
  }
  return withDatabase(config, async (db, description) => {
    let found: Awaited<ReturnType<typeof checkAgainstDatabase>>
    try {
      found = await checkAgainstDatabase(db, catalogue, config.surveysDir)
    } catch (error) {
      err(`Could not check against the database ${description}: ${(error as Error).message}`)
      return 1
    }
    const { problems, locked } = found
    for (const problem of problems) err(formatProblem(problem))
    if (problems.length) {
      err(`${t('admin.count.errors', { count: problems.length })} against the database ${description}: the server will not start until they are fixed.`)
      return 1
    }
    out(`OK against the database ${description}: ${t('admin.count.locked_versions', { count: locked })} unchanged, and every wave's version has its file.`)
    return 0
  })
}

export async function runCli(
  args: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  // Databases, backups and e-mail files hold personal data: 0600, whichever command writes them.
  keepNewFilesPrivate()
  let config: AppConfig
  try {
    config = configFromEnv(env)
  } catch (error) {
    // A wrong setting is the operator's to fix: the sentence says which and why, as the server does.
    err(`Not run: ${(error as Error).message}`)
    return 2
  }
  const [command, ...rest] = args
  switch (command) {
    case 'validate': {
      const { catalogue, problems } = loadCatalogue(config.surveysDir)
      for (const problem of problems) err(formatProblem(problem))
      if (!catalogue || hasErrors(problems)) {
        err(`${t('admin.count.errors', { count: problems.filter((p) => p.severity === 'error').length })} to fix before the server can start.`)
        return 1
      }
      const versions = catalogue.surveys.flatMap((s) => s.versions)
      out(`OK: ${t('admin.count.surveys', { count: catalogue.surveys.length })}, ${t('admin.count.versions', { count: versions.length })} valid: ${versions.map((v) => v.file).join(', ')}`)
      return validateAgainstDatabase(catalogue, config, env, out, err)
    }
    case 'diff': {
      const [surveyId, from, to] = rest
      if (!surveyId || !from || !to) return usage(err, 'diff <survey> <from-version> <to-version>')
      const { catalogue, problems } = loadCatalogue(config.surveysDir)
      if (!catalogue) {
        for (const problem of problems) err(formatProblem(problem))
        return 1
      }
      const a = catalogue.find(surveyId, from)
      const b = catalogue.find(surveyId, to)
      if (!a || !b) {
        err(`No version ${!a ? from : to} of survey ${surveyId} in ${config.surveysDir}`)
        return 1
      }
      out(formatDiff(diffVersions(a.definition, b.definition)))
      return 0
    }
    case 'migrate':
      return withDatabase(config, async (db, description) => {
        const results = await migrate(db, config, err)
        out(results.length ? results.map((r) => `${r.migrationName}: ${r.status}`).join('\n') : `Database ${description} is up to date.`)
        return 0
      })
    case 'versions':
      return withWorkspace(config, err, async (db, _catalogue, lockProblems) => {
        for (const problem of lockProblems) err(formatProblem(problem))
        for (const row of await registeredVersions(db)) {
          out(`${row.survey_id} ${row.version}  ${row.content_hash.slice(0, 12)}  ${row.locked_at ? `locked ${row.locked_at.slice(0, 10)} by ${row.locked_by}` : 'not used by a wave'}`)
        }
        return lockProblems.length ? 1 : 0
      })
    case 'schema': {
      const path = join(config.surveysDir, 'questionnaire.schema.json')
      writeFileSync(path, schemaText())
      out(`Wrote ${path}`)
      return 0
    }
    case 'demo-wave':
      return withWorkspace(config, err, async (db, catalogue) => {
        const [surveyId = 'la-release-social-care', version = '2020'] = rest
        if (!catalogue.find(surveyId, version)) {
          err(`No version ${version} of survey ${surveyId}`)
          return 1
        }
        const { links } = await createDemoWave(db, commandLinkKey(config, err), surveyId, version)
        // Shown once: the database keeps only their hashes.
        out(`Demo wave of ${surveyId} ${version} is open. Personal links (shown only now):`)
        for (const link of links) out(`  ${link.organisation}: ${config.publicUrl}/r/${link.token}`)
        return 0
      })
    case 'send-mail':
      // Links are filled in by whoever sends: a guessed localhost address would reach every
      // organisation, so this command sends only when told where the server is.
      if (!env.PUBLIC_URL) {
        err(`PUBLIC_URL is not set, so the links in these e-mails would point to ${config.publicUrl}. Set PUBLIC_URL to the address respondents reach the server at, or leave sending to the server (it sends by itself).`)
        return 1
      }
      return withDatabase(config, async (db) => {
        const key = commandLinkKey(config, err)
        const transport = createMailTransport({ smtpUrl: config.smtpUrl, mailDir: config.mailDir })
        try {
          const result = { sent: 0, retrying: 0, failed: 0 }
          for (;;) {
            const batch = await sendDueMessages(db, {
              transport,
              from: config.mailFrom,
              publicUrl: config.publicUrl,
              linkTokenFor: (m) => issueLinkFor(db, key, m.waveId, m.organisationId),
              ratePerMinute: config.mailRatePerMinute,
              claimLeaseMs: config.mailClaimLeaseMs,
              // Each failed attempt said at once, as the server logs it.
              log: { warn: (details, message) => err(`Warning: ${message}: ${details.kind} ${details.outboxId}: ${details.error}`) },
            })
            result.sent += batch.sent
            result.retrying += batch.retrying
            result.failed += batch.failed
            if (batch.sent + batch.retrying + batch.failed === 0) break
          }
          out(`Sent ${result.sent}, retrying ${result.retrying}, failed ${result.failed} (${transport.kind === 'file' ? `files in ${config.mailDir}` : 'SMTP'}), links to ${config.publicUrl}`)
          return 0
        } finally {
          transport.close()
        }
      })
    case 'reopen': {
      const [reference] = rest
      // A wave is named by its id, a response by its reference (7K3F-Q9XA): never the same shape.
      if (new RegExp(ID_PATTERN).test(reference ?? '')) return runWaveCommand('reopen', rest, config, out, err, env)
      if (!reference) return usage(err, 'reopen <response reference, e.g. 7K3F-Q9XA>')
      return withDatabase(config, async (db) => {
        const response = await db.selectFrom('responses').select(['id', 'status']).where('reference', '=', reference.toUpperCase()).executeTakeFirst()
        if (!response) {
          err(`No response with reference ${reference}`)
          return 1
        }
        if (!(await reopenResponse(db, response.id))) {
          err(`Response ${reference} is ${response.status.replace('_', ' ')}, not submitted: nothing to reopen`)
          return 1
        }
        out(`Response ${reference} is open again: the organisation's link can change and resubmit it.`)
        return 0
      })
    }
    case 'backup':
    case 'restore': {
      const [file] = rest
      if (!file) return usage(err, `${command} <file>`)
      try {
        if (command === 'restore') {
          restoreDatabase(config.databaseUrl, file)
          out(`Restored ${file}. Start the server again.`)
        } else {
          const result = backupDatabase(config.databaseUrl, file)
          out(`Backed up ${t('admin.count.pages', { count: result.pages })} (${(result.bytes / 2 ** 20).toFixed(1)} MiB, integrity checked) to ${result.file}`)
        }
        return 0
      } catch (error) {
        // The operator needs the sentence saying what to do, not a stack trace.
        if (!(error instanceof BackupError)) throw error
        err(error.message)
        return 1
      }
    }
    case 'erase-contacts':
    case 'erase-wave': {
      const [target] = rest
      if (!target) return usage(err, command === 'erase-wave' ? 'erase-wave <wave-id>' : 'erase-contacts <organisation code>')
      return withDatabase(config, async (db) => {
        await migrate(db, config, err)
        if (command === 'erase-wave') {
          if (!(await db.selectFrom('waves').select('id').where('id', '=', target).executeTakeFirst())) {
            err(`no wave ${target}`)
            return 1
          }
          const removed = await eraseWave(db, target, CLI_ACTOR)
          out(`Erased wave ${target}: ${t('admin.count.responses', { count: removed.responses ?? 0 })}, ${t('admin.count.links', { count: removed.links })}, ${t('admin.count.emails', { count: removed.emails })}.`)
          return 0
        }
        const organisation = await db.selectFrom('organisations').select('id').where('code', '=', target).executeTakeFirst()
        if (!organisation) {
          err(`no organisation with the code ${target}`)
          return 1
        }
        const removed = await eraseOrganisationContacts(db, organisation.id, CLI_ACTOR)
        out(`Erased ${t('admin.count.contacts', { count: removed.contacts })}, ${t('admin.count.links', { count: removed.links })} and ${t('admin.count.emails', { count: removed.emails })} of ${target}.`)
        return 0
      })
    }
    case 'correct-version': {
      const [waveId, version] = rest
      if (!waveId || !version) return usage(err, 'correct-version <wave-id> <version>')
      return withWorkspace(config, err, async (db, catalogue) => {
        const result = await moveToCorrectedVersion(db, catalogue, waveId, version, CLI_ACTOR)
        if (!result.moved) {
          err(`The wave stays on its version: ${t('admin.count.reasons', { count: result.reasons.length })}:`)
          for (const reason of result.reasons) err(`  ${reason}`)
          return 1
        }
        out(`Wave ${waveId} now uses version ${result.to} (corrected from ${result.from}).`)
        return 0
      })
    }
    case 'import-wave':
      return runImportWave(rest, config, out, err)
    case 'create-user':
    case 'import-organisations':
    case 'remove-demo':
    case 'create-wave':
    case 'waves':
    case 'launch':
    case 'remind':
    case 'extend':
    case 'close':
    case 'progress':
      return runWaveCommand(command, rest, config, out, err, env)
    default:
      err(USAGE)
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code))
}
