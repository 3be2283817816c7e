// The research team's pages for bringing in a past wave: the templates to download, the upload,
// the matching of another tool's columns (remembered per survey), the check (every problem with
// its row and column, nothing imported) and the confirmation (how many organisations and answers,
// and a sample) before the wave is written. Analysts may download the templates; only admins import.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../accounts/audit.js'
import { ID_PATTERN, newId, nowIso } from '../db/ids.js'
import type { PendingWaveImportTable } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { describeAnswer } from '../questionnaire/answers.js'
import { isAnswerable, localize } from '../questionnaire/model.js'
import { questionIndex } from '../questionnaire/skip-logic.js'
import type { Definition } from '../questionnaire/schema.js'
import { uploadedFileName } from '../web/upload-names.js'
import { redirectDone } from '../web/done-notice.js'
import { renderTeamPage } from '../web/render.js'
import { CODE_COLUMN, headingKey, importVariables, isTemplateHeader, NAME_COLUMN, proposeMatches } from './columns.js'
import { importPastWave, waveLabelTaken } from './import-wave.js'
import { checkPastWaveFile, readPastWaveFile, templateMatches, type CellProblem, type PastWaveFile } from './past-wave-file.js'
import { describeProblem } from './problem-text.js'
import { codesCsv, templateCsv, templateWorkbook } from './template.js'

/** A file of 30,000 organisations of 60 questions is about 6 MB as CSV. */
export const PAST_WAVE_FILE_LIMIT = 20 * 1024 * 1024
/** How long an uploaded file waits for its columns to be matched and the import confirmed. */
const PENDING_LIFETIME_MS = 60 * 60 * 1000
/** Problems listed on the page; the count covers them all. */
const PROBLEMS_SHOWN = 1000
/** Organisations shown as a sample before confirming. */
const SAMPLE_SIZE = 5
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const UPLOAD_ERRORS = new Set(['FST_FIELDS_LIMIT', 'FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_MP_PREMATURE_CLOSE', 'FST_NO_FORM_DATA', 'FST_PROTO_VIOLATION', 'FST_INVALID_MULTIPART_CONTENT_TYPE'])

const t = translator('en')

interface Stored {
  file: PastWaveFile
  matches: string[] | null
}

type Fields = Record<string, string | string[] | Buffer | undefined>

const text = (value: Fields[string]) => (typeof value === 'string' ? value.trim() : '')

export async function pastWaveRoutes(app: FastifyInstance) {
  const versionChoices = () =>
    app.catalogue.surveys.flatMap((survey) =>
      survey.versions.map((v) => ({ value: `${survey.id}/${v.definition.version}`, surveyId: survey.id, version: v.definition.version, label: `${localize(v.definition.title, 'en')} – ${v.definition.version}` })),
    )

  async function uploadPage(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string>, problems: CellProblem[] = [], status = 200) {
    return renderTeamPage(
      request,
      reply,
      'admin/past-wave-import',
      {
        versions: versionChoices(),
        values,
        errors,
        problems: problems.slice(0, PROBLEMS_SHOWN).map(describeProblem),
        problemCount: problems.length,
        isAdmin: request.user?.role === 'admin',
        limitMb: PAST_WAVE_FILE_LIMIT / 1024 / 1024,
      },
      status,
    )
  }

  app.get('/admin/imports', { onRequest: app.requireUser }, async (request, reply) => uploadPage(request, reply, {}, {}))

  const templateParams = {
    type: 'object',
    properties: { surveyId: { type: 'string', pattern: '^[a-z0-9-]{1,100}$' }, version: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,50}$' }, file: { type: 'string', enum: ['template.csv', 'template.xlsx', 'codes.csv'] } },
    required: ['surveyId', 'version', 'file'],
  } as const

  app.get<{ Params: { surveyId: string; version: string; file: 'template.csv' | 'template.xlsx' | 'codes.csv' } }>(
    '/admin/imports/:surveyId/:version/:file',
    { schema: { params: templateParams }, onRequest: app.requireUser },
    async (request, reply) => {
      const { surveyId, version, file } = request.params
      const found = app.catalogue.find(surveyId, version)
      if (!found) return reply.callNotFound()
      const stem = `past-wave-${surveyId}-${version}`.replace(/[^A-Za-z0-9._-]+/g, '_')
      await audit(app.db, request.user!, 'export', { kind: `past_wave_${file.replace('.', '_')}`, survey: surveyId, version })
      const send = (name: string, type: string, body: string | Buffer) => reply.header('content-type', type).header('content-disposition', `attachment; filename="${name}"`).send(body)
      if (file === 'template.xlsx') return send(`${stem}.xlsx`, XLSX, await templateWorkbook(app.db, found.definition))
      if (file === 'codes.csv') return send(`${stem}-codes.csv`, 'text/csv; charset=utf-8', codesCsv(found.definition))
      return send(`${stem}.csv`, 'text/csv; charset=utf-8', await templateCsv(app.db, found.definition))
    },
  )

  const refuseUpload = (request: FastifyRequest, reply: FastifyReply, message: string) => uploadPage(request, reply, formValues(request.body as Fields), { file: message }, [], 400)

  app.post<{ Body: Fields }>(
    '/admin/imports',
    {
      onRequest: app.requireAdmin,
      preHandler: app.csrfProtection,
      config: { fileFields: ['file'], multipartOptions: { limits: { fileSize: PAST_WAVE_FILE_LIMIT } } },
      errorHandler: (error: FastifyError, request, reply) => {
        if (error.code === 'FST_REQ_FILE_TOO_LARGE') return refuseUpload(request, reply, t('admin.import.file.too_large', { mb: PAST_WAVE_FILE_LIMIT / 1024 / 1024 }))
        if (UPLOAD_ERRORS.has(error.code)) return refuseUpload(request, reply, t('admin.import.file.upload_failed'))
        throw error
      },
    },
    async (request, reply) => {
      const body = request.body ?? {}
      const values = formValues(body)
      const errors: Record<string, string> = {}
      const chosen = versionChoices().find((v) => v.value === values.version)
      if (!chosen) errors.version = t('admin.past_wave.error.version')
      if (!values.label) errors.label = t('admin.past_wave.error.label')
      else if (values.label.length > 100) errors.label = t('admin.past_wave.error.label_long')
      else if (chosen && (await waveLabelTaken(app.db, chosen.surveyId, values.label))) errors.label = t('admin.past_wave.error.label_taken', { label: values.label })
      const upload = body.file
      const bytes = Buffer.isBuffer(upload) ? upload : Buffer.from(typeof upload === 'string' ? upload : '', 'utf8')
      if (bytes.length === 0) errors.file = t('admin.import.file.choose')
      if (Object.keys(errors).length) return uploadPage(request, reply, values, errors, [], 400)
      const { file, problems } = await readPastWaveFile(bytes)
      if (!file) return uploadPage(request, reply, values, { file: problems[0].message }, [], 400)
      const definition = app.catalogue.find(chosen!.surveyId, chosen!.version)!.definition
      const sourceFile = (uploadedFileName(request, 'file') || 'file').slice(0, 300)
      const stored: Stored = { file, matches: isTemplateHeader(definition, file.header) ? templateMatches(definition, file.header) : null }
      await app.db.deleteFrom('pending_wave_imports').where('expires_at', '<', nowIso()).execute()
      const id = newId()
      await app.db
        .insertInto('pending_wave_imports')
        .values({ id, survey_id: chosen!.surveyId, version: chosen!.version, label: values.label, source_file: sourceFile, file_json: JSON.stringify(stored), created_by: request.user!.id, created_at: nowIso(), expires_at: new Date(Date.now() + PENDING_LIFETIME_MS).toISOString() })
        .execute()
      return reply.redirect(`/admin/imports/${id}${stored.matches ? '' : '/columns'}`, 303)
    },
  )

  const pendingParams = { type: 'object', properties: { importId: { type: 'string', pattern: ID_PATTERN } }, required: ['importId'] } as const
  type PendingRequest = FastifyRequest<{ Params: { importId: string } }>

  /** The upload waiting under this id, with its definition, or the "expired" page. */
  async function pending(request: PendingRequest, reply: FastifyReply): Promise<{ row: PendingWaveImportTable; stored: Stored; definition: Definition } | undefined> {
    const row = await app.db.selectFrom('pending_wave_imports').selectAll().where('id', '=', request.params.importId).executeTakeFirst()
    const version = row ? app.catalogue.find(row.survey_id, row.version) : undefined
    if (!row || !version || row.expires_at < nowIso()) {
      await renderTeamPage(request, reply, 'admin/past-wave-expired', {}, 410)
      return undefined
    }
    return { row, stored: JSON.parse(row.file_json) as Stored, definition: version.definition }
  }

  async function columnsPage(request: FastifyRequest, reply: FastifyReply, row: PendingWaveImportTable, stored: Stored, definition: Definition, chosen: string[], errors: Record<string, string>, status = 200) {
    const remembered = new Map((await app.db.selectFrom('import_column_matches').select(['heading', 'variable']).where('survey_id', '=', row.survey_id).execute()).map((r) => [r.heading, r.variable]))
    const proposals = proposeMatches(definition, stored.file.header, remembered)
    const vars = importVariables(definition)
    return renderTeamPage(
      request,
      reply,
      'admin/past-wave-columns',
      {
        pending: row,
        columns: stored.file.header.map((heading, i) => ({
          index: i,
          heading,
          chosen: chosen[i] ?? proposals[i].match,
          reason: chosen[i] === undefined ? proposals[i].reason : 'none',
          examples: stored.file.rows.map((r) => r.cells[i] ?? '').filter((c) => c !== '').slice(0, 3),
        })),
        choices: [
          { value: CODE_COLUMN, label: t('admin.past_wave.columns.code') },
          { value: NAME_COLUMN, label: t('admin.past_wave.columns.name') },
          ...vars.map((v) => ({ value: v.name, label: `${v.name} – ${v.label.length > 90 ? `${v.label.slice(0, 89)}…` : v.label}` })),
        ],
        errors,
      },
      status,
    )
  }

  app.get<{ Params: { importId: string } }>('/admin/imports/:importId/columns', { schema: { params: pendingParams }, onRequest: app.requireAdmin }, async (request, reply) => {
    const found = await pending(request, reply)
    if (!found) return reply
    return columnsPage(request, reply, found.row, found.stored, found.definition, found.stored.matches ?? [], {})
  })

  app.post<{ Params: { importId: string }; Body: Record<string, string> }>(
    '/admin/imports/:importId/columns',
    { schema: { params: pendingParams, body: { type: 'object', additionalProperties: { type: 'string', maxLength: 200 } } }, onRequest: app.requireAdmin, preHandler: app.csrfProtection },
    async (request, reply) => {
      const found = await pending(request, reply)
      if (!found) return reply
      const { row, stored, definition } = found
      const allowed = new Set(['', CODE_COLUMN, NAME_COLUMN, ...importVariables(definition).map((v) => v.name)])
      const chosen = stored.file.header.map((_, i) => request.body[`column_${i}`] ?? '')
      const errors: Record<string, string> = {}
      const first = new Map<string, number>()
      chosen.forEach((match, i) => {
        if (!allowed.has(match)) errors[`column_${i}`] = t('admin.past_wave.columns.error_unknown')
        else if (match && match !== NAME_COLUMN && first.has(match)) errors[`column_${i}`] = t('admin.past_wave.columns.error_twice', { other: stored.file.header[first.get(match)!], variable: match })
        else if (match) first.set(match, i)
      })
      if (!first.has(CODE_COLUMN)) errors.column_0 ??= t('admin.past_wave.columns.error_code')
      if (Object.keys(errors).length) return columnsPage(request, reply, row, stored, definition, chosen, errors, 400)
      // Remembered for the survey: the next export from the same tool is matched the same way.
      const now = nowIso()
      for (const [i, heading] of stored.file.header.entries()) {
        const values = { variable: chosen[i], updated_at: now, updated_by: request.user!.email }
        await app.db.insertInto('import_column_matches').values({ survey_id: row.survey_id, heading: headingKey(heading), ...values }).onConflict((oc) => oc.columns(['survey_id', 'heading']).doUpdateSet(values)).execute()
      }
      await app.db.updateTable('pending_wave_imports').set({ file_json: JSON.stringify({ ...stored, matches: chosen }) }).where('id', '=', row.id).execute()
      await audit(app.db, request.user!, 'import_columns_matched', { survey: row.survey_id, file: row.source_file, columns: chosen.filter(Boolean).length })
      return reply.redirect(`/admin/imports/${row.id}`, 303)
    },
  )

  /** The check page: every problem, or how many organisations and answers will be imported, with a sample. */
  async function checkPage(request: PendingRequest, reply: FastifyReply, confirming: boolean) {
    const found = await pending(request, reply)
    if (!found) return reply
    const { row, stored, definition } = found
    if (!stored.matches) return reply.redirect(`/admin/imports/${row.id}/columns`, 303)
    const checked = await checkPastWaveFile(app.db, definition, stored.file, stored.matches)
    const values = { version: `${row.survey_id}/${row.version}`, label: row.label }
    if (checked.problems.length) {
      await audit(app.db, request.user!, 'wave_import_refused', { survey: row.survey_id, version: row.version, label: row.label, file: row.source_file, problems: checked.problems.length })
      return uploadPage(request, reply, values, {}, checked.problems, confirming ? 409 : 400)
    }
    // Checked again at the last step: another import (or a wave created meanwhile) may have taken the name.
    if (await waveLabelTaken(app.db, row.survey_id, row.label)) return uploadPage(request, reply, values, { label: t('admin.past_wave.error.label_taken', { label: row.label }) }, [], 409)
    if (confirming) {
      const sourceFile = row.source_file
      const imported = await importPastWave(app.db, { surveyId: row.survey_id, version: row.version, label: row.label, sourceFile, definition, rows: checked.rows, organisations: checked.organisations }, request.user!)
      await app.db.deleteFrom('pending_wave_imports').where('id', '=', row.id).execute()
      return redirectDone(reply, `/admin/waves/${imported.waveId}`, 'wave_imported', imported.organisations, imported.answers)
    }
    const questions = questionIndex(definition)
    const names = new Map<string, string>()
    const sampleRows = checked.rows.slice(0, SAMPLE_SIZE)
    for (const o of await app.db.selectFrom('organisations').select(['code', 'name']).where('code', 'in', sampleRows.map((r) => r.code)).execute()) names.set(o.code, o.name)
    const sample = sampleRows.map((r) => ({
      code: r.code,
      name: names.get(r.code) ?? r.code,
      answers: Object.entries(r.answers).map(([id, answer]) => {
        const q = questions.get(id)!
        return { id, question: localize(q.text, 'en'), answer: isAnswerable(q) ? describeAnswer(q, answer, t, 'en').join('; ') : '' }
      }),
    }))
    return renderTeamPage(request, reply, 'admin/past-wave-confirm', {
      pending: row,
      title: localize(definition.title, 'en'),
      organisations: checked.rows.length,
      answers: checked.rows.reduce((n, r) => n + Object.keys(r.answers).length, 0),
      sample,
    })
  }

  app.get<{ Params: { importId: string } }>('/admin/imports/:importId', { schema: { params: pendingParams }, onRequest: app.requireAdmin }, async (request, reply) => checkPage(request, reply, false))
  app.post<{ Params: { importId: string } }>('/admin/imports/:importId', { schema: { params: pendingParams }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => checkPage(request, reply, true))
}

function formValues(body: Fields | undefined): Record<string, string> {
  return { version: text(body?.version), label: text(body?.label) }
}
