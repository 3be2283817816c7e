// A wave moves to a corrected version of its questionnaire: a later version of the same survey,
// declared editorial (and every version between them too), whose only changes the validator
// proves are wording. Answers already given keep their meaning, so nothing is asked again; the
// wave's lock moves with it and the audit log says who moved it from what to what.
import type { Kysely } from 'kysely'
import { audit, type Actor } from '../accounts/audit.js'
import type { Database, WaveTable } from '../db/schema.js'
import type { Catalogue, SurveyVersion } from '../questionnaire/catalogue.js'
import { nonEditorialChanges } from '../questionnaire/editorial.js'
import { lockVersion } from '../surveys/version-registry.js'

export type VersionMove = { moved: true; from: string; to: string } | { moved: false; reasons: string[] }

/** The versions after the wave's own, in order: those it could be moved to if they are corrections. */
export function laterVersions(catalogue: Catalogue, wave: Pick<WaveTable, 'survey_id' | 'version'>): SurveyVersion[] {
  const versions = catalogue.surveys.find((s) => s.id === wave.survey_id)?.versions ?? []
  const at = versions.findIndex((v) => v.definition.version === wave.version)
  return at < 0 ? [] : versions.slice(at + 1)
}

/** Why the wave cannot move to `target`: empty when it can. */
function whyNotEditorial(catalogue: Catalogue, wave: Pick<WaveTable, 'survey_id' | 'version' | 'status' | 'label'>, target: string): string[] {
  if (wave.status === 'closed') return [`the wave "${wave.label}" is closed: reopen it first`]
  const current = catalogue.find(wave.survey_id, wave.version)
  const later = laterVersions(catalogue, wave)
  const until = later.findIndex((v) => v.definition.version === target)
  if (!current || until < 0) return [`version ${target} is not a later version of ${wave.survey_id} than ${wave.version}`]
  const reasons = later
    .slice(0, until + 1)
    .filter((v) => !v.definition.editorial)
    .map((v) => `version ${v.definition.version} is not declared editorial (editorial: true)`)
  return [...reasons, ...nonEditorialChanges(current.definition, later[until].definition)]
}

export async function moveToCorrectedVersion(db: Kysely<Database>, catalogue: Catalogue, waveId: string, target: string, actor: Actor): Promise<VersionMove> {
  return db.transaction().execute(async (trx) => {
    const wave = await trx.selectFrom('waves').selectAll().where('id', '=', waveId).executeTakeFirst()
    if (!wave) return { moved: false, reasons: [`there is no wave ${waveId}`] }
    const reasons = whyNotEditorial(catalogue, wave, target)
    if (reasons.length) return { moved: false, reasons }
    // Only from the version read above: two moves at once cannot both apply.
    const updated = await trx.updateTable('waves').set({ version: target }).where('id', '=', wave.id).where('version', '=', wave.version).executeTakeFirst()
    if (Number(updated.numUpdatedRows) !== 1) return { moved: false, reasons: [`the wave "${wave.label}" was moved by someone else meanwhile`] }
    // A draft locks its version when it is launched, as before.
    if (wave.status === 'open') await lockVersion(trx, wave.survey_id, target, `wave "${wave.label}"`)
    await audit(trx, actor, 'wave_version_corrected', { waveId: wave.id, label: wave.label, from: wave.version, to: target })
    return { moved: true, from: wave.version, to: target }
  })
}
