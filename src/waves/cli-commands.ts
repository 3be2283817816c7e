// The research team's actions from the command line, for scripting a wave: the same services
// the browser pages call, with every action in the audit log as done "via the CLI".
import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { audit } from '../accounts/audit.js'
import { checkNewUser, createUser } from '../accounts/users.js'
import type { AppConfig } from '../config.js'
import type { Kysely } from 'kysely'
import { CLI_ACTOR, withWorkspace } from '../cli-workspace.js'
import type { Database, Role } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import type { Catalogue } from '../questionnaire/catalogue.js'
import { attributeLabel } from '../web/attribute-label.js'
import { removeDemoData } from './demo.js'
import { importOrganisations, type OrganisationChange } from './organisation-import.js'
import { waveCounts, waveProgress } from './progress.js'
import { parseDeadline } from './routes.js'
import { welshWantedButMissing } from './welsh-wanted.js'
import { closeWave, createWave, extendDeadline, getWave, inviteOrganisations, launchWave, reopenWave, responsesInProgress, sendReminders, WaveStateError } from './waves.js'

type Print = (line: string) => void

// In English like the team's pages; counted nouns come from the catalogue for their plural forms.
const t = translator('en')

function isoDeadline(value: string | undefined): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '')
  return match ? parseDeadline(match[3], match[2], match[1]) : undefined
}

export async function runWaveCommand(command: string, args: string[], config: AppConfig, out: Print, err: Print, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return withWorkspace(config, err, async (db, catalogue) => {
    try {
      return await waveCommand(command, args, config, out, err, env, db, catalogue)
    } catch (e) {
      if (e instanceof WaveStateError) return fail(err, e.message)
      throw e
    }
  })
}

async function waveCommand(command: string, args: string[], config: AppConfig, out: Print, err: Print, env: NodeJS.ProcessEnv, db: Kysely<Database>, catalogue: Catalogue): Promise<number> {
  const context = { catalogue }
  const wave = async (id: string | undefined) => {
    const found = id ? await getWave(db, id) : undefined
    if (!found) err(`No wave ${id ?? ''}: see "npm run cli -- waves"`)
    return found
  }
  switch (command) {
    case 'create-user': {
      const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'analyst' } } })
      const generated = !env.NEW_USER_PASSWORD
      const password = env.NEW_USER_PASSWORD ?? randomBytes(18).toString('base64url')
      const input = { email: values.email ?? '', name: values.name ?? '', role: values.role as Role, password }
      const keys = await checkNewUser(db, input)
      if (Object.keys(keys).length) {
        for (const [field, key] of Object.entries(keys)) err(`${field}: ${t(key)}`)
        return 1
      }
      await createUser(db, input)
      await audit(db, CLI_ACTOR, 'user_created', { email: input.email, role: input.role })
      out(`Created ${input.role} ${input.email}${generated ? `. Password (shown once): ${password}` : ''}`)
      return 0
    }
    case 'import-organisations': {
      const { values, positionals } = parseArgs({ args, options: { update: { type: 'boolean', default: false } }, allowPositionals: true })
      const [file] = positionals
      if (!file) {
        err('Usage: npm run cli -- import-organisations <file.csv|file.xlsx> [--update]')
        return 2
      }
      const outcome = await importOrganisations(db, readFileSync(file), { update: values.update })
      if (outcome.problems.length) {
        for (const p of outcome.problems) err(p.line ? `${file}:${p.line}: ${p.message}` : `${file}: ${p.message}`)
        err(`${t('admin.organisations.import_refused', { count: outcome.problems.length })}.`)
        return 1
      }
      if (!outcome.result) {
        // Codes that exist already: say what would change, and change nothing without --update.
        const plan = outcome.plan!
        out(`${file} would add ${t('admin.organisations.count', { count: plan.added.length })}, change ${t('admin.organisations.count', { count: plan.changed.length })} and leave ${plan.unchanged} as they are:`)
        for (const change of plan.changed) out(`  ${describeChange(change)}`)
        err('Nothing was changed. Run the command again with --update to apply these changes.')
        return 1
      }
      const { added, changed, contacts } = outcome.result
      await audit(db, CLI_ACTOR, changed ? 'organisations_reimported' : 'organisations_imported', changed ? { file, ...outcome.result } : { file, organisations: added, contacts })
      out(changed ? `${t('admin.done.organisations_added_and_changed', { count: added, n: added.toLocaleString('en-GB'), m: changed.toLocaleString('en-GB') })}.` : `Imported ${t('admin.organisations.count', { count: added })} with ${t('admin.count.contacts', { count: contacts })}.`)
      return 0
    }
    case 'remove-demo': {
      const removed = await removeDemoData(db, CLI_ACTOR)
      out(`Removed ${t('admin.count.demo_waves', { count: removed.waves })}, ${t('admin.organisations.count', { count: removed.organisations })}, ${t('admin.count.responses', { count: removed.responses })} and ${t('admin.count.emails', { count: removed.emails })}. Real organisations and waves are untouched.`)
      return 0
    }
    case 'create-wave': {
      const { values } = parseArgs({
        args,
        options: { survey: { type: 'string' }, version: { type: 'string' }, label: { type: 'string' }, deadline: { type: 'string' }, 'team-name': { type: 'string' }, 'team-email': { type: 'string' }, types: { type: 'string' } },
      })
      if (!catalogue.find(values.survey ?? '', values.version ?? '')) return fail(err, `No version ${values.version} of survey ${values.survey}`)
      const deadline = isoDeadline(values.deadline)
      if (!deadline) return fail(err, '--deadline must be a date like 2027-03-31')
      if (!values.label || !values['team-name'] || !values['team-email']) return fail(err, '--label, --team-name and --team-email are needed')
      const id = await createWave(db, { surveyId: values.survey!, version: values.version!, label: values.label, closesAt: deadline, teamName: values['team-name'], teamEmail: values['team-email'], status: 'draft' })
      // Demo and deactivated organisations are never invited to a real wave.
      let query = db.selectFrom('organisations').select('id').where('demo', '=', 0).where('deactivated_at', 'is', null)
      if (values.types) query = query.where('type', 'in', values.types.split(',').map((x) => x.trim()))
      const organisations = await query.execute()
      await inviteOrganisations(db, id, organisations.map((o) => o.id))
      await audit(db, CLI_ACTOR, 'wave_created', { waveId: id, organisations: organisations.length })
      const welshMissing = await welshWantedButMissing(db, { id, survey_id: values.survey!, version: values.version! }, catalogue)
      if (welshMissing) err(`${t('changes.warning')}: ${t('admin.wave.no_welsh', { count: welshMissing })}`)
      out(`Created draft wave ${id} with ${t('admin.organisations.count', { count: organisations.length })}. Launch it with: npm run cli -- launch ${id}`)
      return 0
    }
    case 'waves': {
      const counts = await waveCounts(db)
      for (const w of await db.selectFrom('waves').selectAll().orderBy('created_at').execute()) {
        const { invited, submitted, rate } = counts.get(w.id) ?? { invited: 0, submitted: 0, rate: 0 }
        out(`${w.id}  ${w.label}  ${w.survey_id} ${w.version}  ${w.status}  ${submitted}/${invited} (${Math.round(rate * 100)}%)`)
      }
      return 0
    }
    case 'launch': {
      const w = await wave(args[0])
      if (!w) return 1
      const result = await launchWave(db, w.id, context)
      await audit(db, CLI_ACTOR, 'wave_launched', { waveId: w.id, invitations: result.queued })
      out(`Launched: ${t('admin.count.invitations', { count: result.queued })} queued.${result.withoutContacts.length ? ` No contacts for: ${result.withoutContacts.join(', ')}` : ''}`)
      return 0
    }
    case 'remind': {
      const w = await wave(args[0])
      if (!w) return 1
      const target = args.includes('--not-started') ? 'not_started' : 'not_submitted'
      const queued = await sendReminders(db, w.id, context, target, randomUUID())
      await audit(db, CLI_ACTOR, 'reminders_sent', { waveId: w.id, target, queued })
      out(`${t('admin.count.reminders', { count: queued })} queued.`)
      return 0
    }
    case 'extend':
    case 'reopen': {
      const w = await wave(args[0])
      if (!w) return 1
      const deadline = isoDeadline(args[1])
      if (!deadline) return fail(err, `Usage: npm run cli -- ${command} <wave-id> <new deadline, like 2027-04-30>`)
      if (deadline < new Date().toISOString()) return fail(err, 'The new deadline must be in the future')
      if (command === 'reopen') {
        if (w.status !== 'closed') return fail(err, `The wave "${w.label}" is ${w.status}, not closed: nothing to reopen. To move its deadline: npm run cli -- extend ${w.id} ${args[1]}`)
        const { resumed } = await reopenWave(db, w.id, deadline, CLI_ACTOR)
        const partial = resumed ? ` ${t('admin.count.responses', { count: resumed })} kept as partial when it closed can be finished and submitted.` : ''
        out(`Reopened ${w.label} until the end of ${args[1]} (UK time): its links work again.${partial}`)
        return 0
      }
      // A closed wave stays closed until someone reopens it, deliberately: never as a side effect.
      if (w.status === 'closed') return fail(err, `The wave "${w.label}" is closed, so its deadline was not changed. To open it again until ${args[1]}: npm run cli -- reopen ${w.id} ${args[1]}`)
      await extendDeadline(db, w.id, deadline)
      await audit(db, CLI_ACTOR, 'deadline_changed', { waveId: w.id, from: w.closes_at, to: deadline })
      out(`The deadline is now ${args[1]}.`)
      return 0
    }
    case 'close': {
      const { values, positionals } = parseArgs({ args, options: { partial: { type: 'string' } }, allowPositionals: true })
      const w = await wave(positionals[0])
      if (!w) return 1
      const choice = values.partial === 'keep' ? 'keep_partial' : values.partial === 'ignore' ? 'ignore' : undefined
      if (values.partial !== undefined && !choice) return fail(err, '--partial must be keep or ignore')
      // As on the wave's page, the team decides what happens to responses in progress: no default.
      const inProgress = await responsesInProgress(db, w.id)
      if (!choice && inProgress > 0) {
        return fail(err, `${t('admin.count.responses', { count: inProgress })} in progress. Say what happens to them: --partial keep (kept as partial responses, marked and left out of statistics unless included) or --partial ignore (not used)`)
      }
      const closed = await closeWave(db, w.id, { inProgress: choice ?? 'ignore', catalogue, actor: CLI_ACTOR })
      const notKept = closed.withoutAnswers ? ` Not kept, with no answer: ${t('admin.count.responses', { count: closed.withoutAnswers })}.` : ''
      if (choice === 'keep_partial') out(`Closed ${w.label}. Kept as partial responses: ${t('admin.count.responses', { count: closed.kept })} in progress.${notKept}`)
      else if (closed.inProgress > 0) out(`Closed ${w.label}. Not used: ${t('admin.count.responses', { count: closed.inProgress })} in progress.`)
      else out(`Closed ${w.label}.`)
      return 0
    }
    case 'progress': {
      const w = await wave(args[0])
      if (!w) return 1
      const p = await waveProgress(db, w.id)
      out(`${w.label}: ${p.counts.submitted} of ${p.counts.invited} submitted (${Math.round(p.rate * 100)}%); opened ${p.counts.opened}, started ${p.counts.started}, e-mail failed ${p.counts.failed}`)
      for (const r of p.byType) out(`  ${r.group}: ${r.submitted}/${r.invited} (${Math.round(r.rate * 100)}%)`)
      return 0
    }
  }
  return 2
}

/** One organisation's changes in a line: "A1 Alpha Council: name Alpha → Alpha Council; contact added ann@alpha.example". */
function describeChange(change: OrganisationChange): string {
  const parts = [
    ...change.fields.map((f) => `${f.field} ${f.before} → ${f.after}`),
    ...change.attributes.map((a) => `${attributeLabel(a.name)} ${a.before ?? '(none)'} → ${a.after ?? '(none)'}`),
    ...change.contactsAdded.map((c) => `contact added ${c.email}`),
    ...change.contactsRemoved.map((c) => `contact removed ${c.email}`),
    ...change.contactsChanged.map((c) => `contact changed ${c.after.email}`),
  ]
  return `${change.code} ${change.name}: ${parts.join('; ')}`
}

function fail(err: Print, message: string): number {
  err(message)
  return 1
}

