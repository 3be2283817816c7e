// Analysts' pages and downloads: a report per wave, breakdowns by organisation attribute, the
// comparison of waves across questionnaire versions, statistics and comparison CSVs, the raw data
// with its codebook and SPSS syntax, and the free-text answers for thematic coding. Every
// download is recorded in the audit log. Partial responses are left out unless `partial=include`,
// which the pages carry into every download link.
import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { audit } from '../accounts/audit.js'
import { ID_PATTERN } from '../db/ids.js'
import type { WaveTable } from '../db/schema.js'
import { translator } from '../i18n/catalogue.js'
import { waveParams, type WaveParams } from '../waves/params.js'
import { waveWithDefinition } from '../waves/wave-definition.js'
import { exportCode, MISSING_CODES, MISSING_LABELS } from '../questionnaire/missing-codes.js'
import { localize, placedQuestions, questionOptions } from '../questionnaire/model.js'
import { CSV_OPTIONS, toCsv, UTF8_BOM } from '../web/csv.js'
import { renderTeamPage } from '../web/render.js'
import { compareWaves, panelTestForOption, panelTestsIn, testForOption, testsIn, type ComparedWave, type ComparisonRow } from './comparison.js'
import { freeTextAnswers } from './free-text.js'
import { organisationAnswerRoutes } from './organisation-answers.js'
import { partialResponses } from './partial.js'
import { countedOrganisations, panelOf, waveOrganisations } from './panel.js'
import { attributeNames, itemNumberVariable, partialVariables, rawLayout, rawRows, responseStatusVariable, spssSyntax, type Variable } from './raw-data.js'
import { groupLayout, groupRows, hasGroup } from './group-data.js'
import { repeatingGroups } from '../questionnaire/groups.js'
import { qdpxArchive, type ProjectCodingXml } from './refi-qda.js'
import { freeTextWorkbook, nvivoWorkbook, statisticsWorkbook } from './spreadsheets.js'
import { numberValues, waveStatistics, type WaveStatistics } from './statistics.js'
import { hiddenInComparison, hiddenInStatistics } from './publication.js'
import { DEFAULT_THRESHOLD, type Publication } from './suppression.js'
import { wilson } from './tests-of-difference.js'
import { importMark, importMarks } from '../imports/import-mark.js'
import { formatUkDate } from '../i18n/uk-dates.js'
import { carriedSplit, carriedSplitCsv, carriedSplitTable } from '../carry/statistics.js'
import { carriedColumnsOf } from '../carry/raw-flags.js'

const reportQuery = {
  type: 'object',
  properties: {
    special: { type: 'string', enum: ['include', 'exclude'] },
    partial: { type: 'string', enum: ['include', 'exclude'] },
    by: { type: 'string', pattern: '^[A-Za-z0-9_ -]{1,60}$' },
    names: { type: 'string', enum: ['1', '0'] },
    publication: { type: 'string', enum: ['1', '0'] },
    threshold: { type: 'integer', minimum: 2, maximum: 100 },
  },
} as const

interface ReportQuery {
  special?: 'include' | 'exclude'
  partial?: 'include' | 'exclude'
  by?: string
  names?: string
  publication?: string
  threshold?: number
}

/** ?publication=1 (and optionally threshold=N) asks for small counts to be suppressed. */
function publicationOf(query: { publication?: string; threshold?: number }): Publication | undefined {
  return query.publication === '1' ? { threshold: query.threshold ?? DEFAULT_THRESHOLD } : undefined
}

/** Four decimals, and below 0.0001 three significant figures: a very small p-value never reads 0.0000. */
export const pValue = (p: number) => (p === 0 || p >= 0.0001 ? p.toFixed(4) : p.toExponential(2))

const percent = (p: number | null | undefined, digits = 1) => (p === null || p === undefined ? '' : (p * 100).toFixed(digits))

const includePartialOf = (query: { partial?: string }) => query.partial === 'include'

/**
 * A download's file name says what it holds beyond the plain figures: organisations' names
 * (-with-names), or small counts suppressed for publication (-suppressed), so a file passed on
 * later still says whether it can be published.
 */
export function fileName(kind: string, of: { survey_id: string; label?: string }, extension: string, options: { withNames?: boolean; suppressed?: boolean } = {}): string {
  const stem = [kind, of.survey_id, of.label, options.withNames ? 'with-names' : undefined, options.suppressed ? 'suppressed' : undefined].filter(Boolean).join('-')
  return `${stem}.${extension}`.replace(/[^A-Za-z0-9._-]+/g, '_')
}

const rawFileName = (wave: WaveTable, withNames: boolean) => fileName('raw', wave, 'csv', { withNames })

/** A download link's query string: the parameters given, plus partial=include when the page includes partial responses. */
function linkQuery(includePartial: boolean, params: Record<string, string | string[] | undefined> = {}): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries({ ...params, partial: includePartial ? 'include' : undefined })) for (const v of ([] as string[]).concat(value ?? [])) search.append(key, v)
  const text = search.toString()
  return text ? `?${text}` : ''
}

export interface AnalysisOptions {
  /** A wave's coding for its REFI-QDA project, from the coding feature (which analysis does not import). */
  projectCoding?: (waveId: string, surveyId: string) => Promise<ProjectCodingXml>
}

export async function analysisRoutes(app: FastifyInstance, options: AnalysisOptions = {}) {
  app.addHook('onRequest', app.requireUser)
  await app.register(organisationAnswerRoutes)

  const loadWave = (request: FastifyRequest<{ Params: WaveParams }>, reply: FastifyReply) => waveWithDefinition(app, request, reply)

  /** Every download is audited: what was exported (`details` says of which waves) and by whom. */
  const send = async (request: FastifyRequest, reply: FastifyReply, details: Record<string, unknown>, filename: string, type: string, body: string | Buffer | Readable) => {
    await audit(app.db, request.user!, 'export', details)
    return reply.header('content-type', type).header('content-disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]+/g, '_')}"`).send(body)
  }
  const download = (request: FastifyRequest, reply: FastifyReply, wave: WaveTable, kind: string, filename: string, type: string, body: string | Buffer | Readable) =>
    send(request, reply, { waveId: wave.id, kind, query: request.query }, filename, type, body)

  /** "Imported wave: collected elsewhere and imported from … by … on …", for an imported wave's pages and files. */
  const importNote = async (waveId: string) => {
    const mark = await importMark(app.db, waveId)
    return mark ? t('admin.past_wave.export_note', { file: mark.sourceFile, who: mark.importedBy, date: formatUkDate(mark.importedAt, t) }) : undefined
  }

  app.get('/admin/analysis', async (request, reply) => {
    const waves = await app.db.selectFrom('waves').selectAll().where('status', '!=', 'draft').orderBy('survey_id').orderBy('created_at').execute()
    const imported = await importMarks(app.db, waves.map((w) => w.id))
    const surveys = app.catalogue.surveys
      .map((s) => ({ id: s.id, title: localize(s.versions[s.versions.length - 1].definition.title, 'en'), waves: waves.filter((w) => w.survey_id === s.id).map((w) => ({ ...w, imported: imported.has(w.id) })) }))
      .filter((s) => s.waves.length)
    return renderTeamPage(request, reply, 'analysis/index', { surveys })
  })

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const loaded = await loadWave(request, reply)
    if (!loaded) return reply
    const includeSpecial = request.query.special === 'include'
    const includePartial = includePartialOf(request.query)
    const stats = await waveStatistics(app.db, loaded.wave.id, loaded.definition, { includeSpecial, includePartial })
    const attributes = ['type', ...(await attributeNames(app.db, loaded.wave.id))]
    const breakdown = request.query.by && attributes.includes(request.query.by) ? await breakdownBy(loaded.wave.id, request.query.by, loaded.definition, includeSpecial, includePartial) : undefined
    const link = (params: Record<string, string | undefined> = {}) => linkQuery(includePartial, params)
    const carried = await carriedSplit(app.db, app.catalogue, loaded.wave, { includeSpecial, includePartial })
    return renderTeamPage(request, reply, 'analysis/wave', { wave: loaded.wave, imported: await importNote(loaded.wave.id), title: localize(loaded.definition.title, 'en'), stats, includeSpecial, includePartial, attributes, by: request.query.by ?? '', breakdown, percent, link, carried, groups: repeatingGroups(loaded.definition).map((g) => ({ id: g.id, title: localize(g.title, 'en') })) })
  })

  /** Statistics of every closed question (choices, yes/no, each grid row) for each value of an organisation attribute. */
  async function breakdownBy(waveId: string, attribute: string, definition: ComparedWave['definition'], includeSpecial: boolean, includePartial: boolean) {
    const expression =
      attribute === 'type'
        ? sql<string>`organisations.type`
        : app.databaseKind === 'postgres'
          ? sql<string>`(organisations.attributes_json::json ->> ${attribute})`
          : sql<string>`json_extract(organisations.attributes_json, ${`$."${attribute.replace(/"/g, '')}"`})`
    const groups = await app.db
      .selectFrom('responses')
      .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
      .select([expression.as('value'), (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('responses.wave_id', '=', waveId)
      .where('responses.status', 'in', includePartial ? ['submitted', 'partial'] : ['submitted'])
      .groupBy(expression)
      .execute()
    const codes = await app.db
      .selectFrom('answer_values')
      .innerJoin('responses', 'responses.id', 'answer_values.response_id')
      .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
      .select([expression.as('value'), 'answer_values.question_id', 'answer_values.row_id', 'answer_values.code', 'answer_values.special', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('answer_values.wave_id', '=', waveId)
      .where('answer_values.code', 'is not', null)
      .$if(!includePartial, (qb) => qb.where('answer_values.partial', '=', 0))
      .groupBy([expression, 'answer_values.question_id', 'answer_values.row_id', 'answer_values.code', 'answer_values.special'])
      .execute()
    const answered = await app.db
      .selectFrom('asked_questions')
      .innerJoin('responses', 'responses.id', 'asked_questions.response_id')
      .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
      .select([expression.as('value'), 'asked_questions.question_id', (eb) => eb.fn.sum<string | number>('asked_questions.answered').as('n')])
      .where('asked_questions.wave_id', '=', waveId)
      .$if(!includePartial, (qb) => qb.where('asked_questions.partial', '=', 0))
      .groupBy([expression, 'asked_questions.question_id'])
      .execute()
    // A grid row may be left blank where the question is optional: each row has its own answered count.
    const rowAnswered = await app.db
      .selectFrom('answer_values')
      .innerJoin('responses', 'responses.id', 'answer_values.response_id')
      .innerJoin('organisations', 'organisations.id', 'responses.organisation_id')
      .select([expression.as('value'), 'answer_values.question_id', 'answer_values.row_id', (eb) => eb.fn.count<string | number>('answer_values.response_id').distinct().as('n')])
      .where('answer_values.wave_id', '=', waveId)
      .where('answer_values.row_id', '!=', '')
      .$if(!includePartial, (qb) => qb.where('answer_values.partial', '=', 0))
      .groupBy([expression, 'answer_values.question_id', 'answer_values.row_id'])
      .execute()
    const values = groups.map((g) => g.value ?? '(none)').sort()
    const same = (a: string | null, b: string) => (a ?? '(none)') === b
    const table = (q: { id: string }, rowId: string, text: string, options: ReturnType<typeof questionOptions>) => ({
      id: q.id,
      rowId,
      text,
      options: options.map((o) => ({ code: o.code, label: localize(o.label, 'en'), special: o.special })),
      groups: values.map((value) => {
        const mine = codes.filter((c) => same(c.value, value) && c.question_id === q.id && c.row_id === rowId)
        const special = mine.filter((c) => c.special).reduce((n, c) => n + Number(c.n), 0)
        const total = Number((rowId ? rowAnswered.find((a) => same(a.value, value) && a.question_id === q.id && a.row_id === rowId) : answered.find((a) => same(a.value, value) && a.question_id === q.id))?.n ?? 0)
        const base = includeSpecial ? total : total - special
        return { value, base, counts: new Map(mine.map((c) => [Number(c.code), Number(c.n)])) }
      }),
    })
    const questions = placedQuestions(definition).flatMap(({ question: q }) =>
      q.type === 'grid'
        ? q.rows.map((r) => table(q, r.id, `${localize(q.text, 'en')} – ${localize(r.text, 'en')}`, q.options))
        : q.type === 'single_choice' || q.type === 'yes_no' || q.type === 'multiple_choice'
          ? [table(q, '', localize(q.text, 'en'), questionOptions(q))]
          : [],
    )
    return { attribute, values, questions }
  }

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/statistics.csv', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const loaded = await loadWave(request, reply)
    if (!loaded) return reply
    const stats = await waveStatistics(app.db, loaded.wave.id, loaded.definition, { includeSpecial: request.query.special === 'include', includePartial: includePartialOf(request.query) })
    const publication = publicationOf(request.query)
    const hidden = publication ? hiddenInStatistics(stats, loaded.definition, publication) : undefined
    return download(request, reply, loaded.wave, publication ? 'statistics_csv_published' : 'statistics_csv', fileName('statistics', loaded.wave, 'csv', { suppressed: !!publication }), 'text/csv; charset=utf-8', statisticsCsv(stats, hidden))
  })

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/carried-forward.csv', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const loaded = await loadWave(request, reply)
    if (!loaded) return reply
    const includePartial = includePartialOf(request.query)
    const split = await carriedSplit(app.db, app.catalogue, loaded.wave, { includeSpecial: request.query.special === 'include', includePartial })
    if (!split) return reply.callNotFound()
    return download(request, reply, loaded.wave, 'carried_forward_csv', fileName('carried-forward', loaded.wave, 'csv'), 'text/csv; charset=utf-8', carriedSplitCsv(split, includePartial))
  })

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/raw.csv', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const loaded = await loadWave(request, reply)
    if (!loaded) return reply
    const withNames = request.query.names === '1'
    const attributes = await attributeNames(app.db, loaded.wave.id)
    const carried = await carriedColumnsOf(app.db, app.catalogue, loaded.wave)
    const { header } = rawLayout(loaded.definition, attributes, withNames, carried)
    // For R, SPSS and Stata: every answer exactly as typed, never prefixed (spreadsheets get the
    // statistics, free-text and Excel files, which are neutralised).
    const csv = stringify(CSV_OPTIONS)
    const rows = rawRows(app.db, loaded.wave.id, loaded.definition, attributes, withNames, { includePartial: includePartialOf(request.query), carried })
    // Stream: rows are written as each batch of responses is read, with back-pressure.
    void (async () => {
      try {
        csv.write(header)
        for await (const row of rows) if (!csv.write(row)) await new Promise((resolve) => csv.once('drain', resolve))
        csv.end()
      } catch (err) {
        csv.destroy(err as Error)
      }
    })()
    const body = Readable.from((async function* () {
      yield UTF8_BOM
      for await (const chunk of csv) yield chunk
    })())
    return download(request, reply, loaded.wave, withNames ? 'raw_csv_with_names' : 'raw_csv', rawFileName(loaded.wave, withNames), 'text/csv; charset=utf-8', body)
  })

  /** For the codebook and SPSS syntax: how many partial responses, and whether the raw data downloaded with them has them. */
  const rawDataNote = async (waveId: string, query: ReportQuery) => {
    const count = await partialResponses(app.db, waveId)
    const notes = [count ? t(includePartialOf(query) ? 'admin.partial.raw_included' : 'admin.partial.raw_excluded', { count }) : undefined, await importNote(waveId)].filter(Boolean)
    return notes.length ? notes.join(' ') : undefined
  }

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/codebook.csv', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const loaded = await loadWave(request, reply)
    if (!loaded) return reply
    const status = responseStatusVariable()
    const note = await rawDataNote(loaded.wave.id, request.query)
    const row = (v: Variable, missing: string) => [v.name, v.questionId, v.label, v.type, v.values.map((x) => `${x.code}=${x.label}`).join('; '), v.derivation, v.lineage, missing]
    const missing = (v: Variable) => ['blank = not asked', ...v.missing.map((m) => `${MISSING_CODES[m]} = ${MISSING_LABELS[m].toLowerCase()}`)].join('; ')
    const layout = rawLayout(loaded.definition, await attributeNames(app.db, loaded.wave.id), request.query.names === '1', await carriedColumnsOf(app.db, app.catalogue, loaded.wave))
    const rows = [
      row({ ...status, derivation: note ? `${status.derivation}. ${note}` : status.derivation }, 'never missing'),
      ...layout.attributes.map((a) => [a.name, '', `Organisation attribute: ${a.key}`, 'text', '', 'as imported with the organisations', '', 'blank = no value for this organisation']),
      ...layout.variables.map((v) => row(v, missing(v))),
      ...partialVariables().map((v) => row(v, 'never missing')),
    ]
    const csv = toCsv(['variable', 'question_id', 'label', 'type', 'values', 'derivation', 'lineage', 'missing'], rows)
    return download(request, reply, loaded.wave, 'codebook_csv', fileName('codebook', loaded.wave, 'csv'), 'text/csv; charset=utf-8', csv)
  })

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/labels.sps', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const loaded = await loadWave(request, reply)
    if (!loaded) return reply
    const withNames = request.query.names === '1'
    const layout = rawLayout(loaded.definition, await attributeNames(app.db, loaded.wave.id), withNames, await carriedColumnsOf(app.db, app.catalogue, loaded.wave))
    const syntax = spssSyntax(loaded.definition, layout, rawFileName(loaded.wave, withNames), await rawDataNote(loaded.wave.id, request.query))
    return download(request, reply, loaded.wave, named('spss_syntax', withNames), fileName('labels', loaded.wave, 'sps', { withNames }), 'text/plain; charset=utf-8', syntax)
  })

  // A repeating group's long file (one row per item, keyed by respondent_id and item_number), its
  // codebook and its SPSS syntax: the wide file counts each organisation's items.
  type GroupParams = WaveParams & { groupId: string }
  const groupParams = { type: 'object', required: ['waveId', 'groupId'], properties: { ...waveParams.properties, groupId: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 24 } } } as const
  const loadGroup = async (request: FastifyRequest<{ Params: GroupParams; Querystring: ReportQuery }>, reply: FastifyReply) => {
    const loaded = await loadWave(request, reply)
    if (!loaded) return undefined
    if (!hasGroup(loaded.definition, request.params.groupId)) {
      await reply.callNotFound()
      return undefined
    }
    const withNames = request.query.names === '1'
    return { ...loaded, groupId: request.params.groupId, withNames, layout: groupLayout(loaded.definition, request.params.groupId, withNames), file: fileName(`raw-${request.params.groupId}`, loaded.wave, 'csv', { withNames }) }
  }
  app.get<{ Params: GroupParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/groups/:groupId/raw.csv', { schema: { params: groupParams, querystring: reportQuery } }, async (request, reply) => {
    const group = await loadGroup(request, reply)
    if (!group) return reply
    const rows: (string | number)[][] = [group.layout.header]
    for await (const row of groupRows(app.db, group.wave.id, group.definition, group.groupId, group.withNames, { includePartial: includePartialOf(request.query) })) rows.push(row)
    const csv = await new Promise<string>((resolve, reject) => stringify(rows, CSV_OPTIONS, (err, out) => (err ? reject(err) : resolve(out))))
    return download(request, reply, group.wave, group.withNames ? 'group_raw_csv_with_names' : 'group_raw_csv', group.file, 'text/csv; charset=utf-8', UTF8_BOM + csv)
  })
  app.get<{ Params: GroupParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/groups/:groupId/codebook.csv', { schema: { params: groupParams, querystring: reportQuery } }, async (request, reply) => {
    const group = await loadGroup(request, reply)
    if (!group) return reply
    const row = (v: Variable, missing: string) => [v.name, v.questionId, v.label, v.type, v.values.map((x) => `${x.code}=${x.label}`).join('; '), v.derivation, v.lineage, missing]
    const missing = (v: Variable) => ['blank = not asked', ...v.missing.map((m) => `${MISSING_CODES[m]} = ${MISSING_LABELS[m].toLowerCase()}`)].join('; ')
    const rows = [row(itemNumberVariable(), 'never missing'), ...group.layout.variables.map((v) => row(v, missing(v))), ...partialVariables().map((v) => row(v, 'never missing'))]
    const csv = toCsv(['variable', 'question_id', 'label', 'type', 'values', 'derivation', 'lineage', 'missing'], rows)
    return download(request, reply, group.wave, 'group_codebook_csv', fileName(`codebook-${group.groupId}`, group.wave, 'csv'), 'text/csv; charset=utf-8', csv)
  })
  app.get<{ Params: GroupParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/groups/:groupId/labels.sps', { schema: { params: groupParams, querystring: reportQuery } }, async (request, reply) => {
    const group = await loadGroup(request, reply)
    if (!group) return reply
    const syntax = spssSyntax(group.definition, group.layout, group.file, await rawDataNote(group.wave.id, request.query))
    return download(request, reply, group.wave, named('group_spss_syntax', group.withNames), fileName(`labels-${group.groupId}`, group.wave, 'sps', { withNames: group.withNames }), 'text/plain; charset=utf-8', syntax)
  })

  const freeText = async (request: FastifyRequest<{ Params: WaveParams; Querystring: ReportQuery }>, reply: FastifyReply) => {
    const loaded = await loadWave(request, reply)
    if (!loaded) return undefined
    const withNames = request.query.names === '1'
    return { ...loaded, withNames, set: await freeTextAnswers(app.db, loaded.wave.id, loaded.wave.label, loaded.definition, withNames, { includePartial: includePartialOf(request.query) }) }
  }
  const named = (kind: string, withNames: boolean) => (withNames ? `${kind}_with_names` : kind)
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/free-text.csv', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const result = await freeText(request, reply)
    if (!result) return reply
    const { set, withNames, wave } = result
    // As in the statistics CSV: the wave's partial responses and whether they are here, on every row.
    const partial = [set.partial.count, set.partial.included ? 'yes' : 'no']
    const csv = toCsv(
      ['respondent_id', ...(withNames ? ['organisation_code', 'organisation_name'] : []), 'response_status', 'wave', 'organisation_type', ...set.attributes, 'question_id', 'question', 'answer', 'partial_responses', 'partial_included'],
      set.answers.map((a) => [a.respondentId, ...(withNames ? [a.organisationCode, a.organisationName] : []), a.responseStatus, a.wave, a.organisationType, ...set.attributes.map((k) => a.attributes[k] ?? ''), a.questionId, a.question, a.answer, ...partial]),
    )
    return download(request, reply, wave, named('free_text_csv', withNames), fileName('free-text', wave, 'csv', { withNames }), 'text/csv; charset=utf-8', csv)
  })

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/free-text.xlsx', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const result = await freeText(request, reply)
    if (!result) return reply
    return download(request, reply, result.wave, named('free_text_xlsx', result.withNames), fileName('free-text', result.wave, 'xlsx', { withNames: result.withNames }), XLSX, await freeTextWorkbook(result.set, result.withNames))
  })

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/nvivo.xlsx', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const result = await freeText(request, reply)
    if (!result) return reply
    return download(request, reply, result.wave, named('nvivo_xlsx', result.withNames), fileName('nvivo-dataset', result.wave, 'xlsx', { withNames: result.withNames }), XLSX, await nvivoWorkbook(result.set, result.withNames))
  })

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/project.qdpx', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const result = await freeText(request, reply)
    if (!result) return reply
    const title = `${localize(result.definition.title, 'en')} – ${result.wave.label}`
    return download(request, reply, result.wave, named('refi_qda_qdpx', result.withNames), fileName('free-text', result.wave, 'qdpx', { withNames: result.withNames }), 'application/zip', await qdpxArchive(result.set, title, await options.projectCoding?.(result.wave.id, result.wave.survey_id)))
  })

  app.get<{ Params: WaveParams; Querystring: ReportQuery }>('/admin/analysis/waves/:waveId/statistics.xlsx', { schema: { params: waveParams, querystring: reportQuery } }, async (request, reply) => {
    const loaded = await loadWave(request, reply)
    if (!loaded) return reply
    const stats = await waveStatistics(app.db, loaded.wave.id, loaded.definition, { includeSpecial: request.query.special === 'include', includePartial: includePartialOf(request.query) })
    const publication = publicationOf(request.query)
    const published = publication ? { threshold: publication.threshold, statistics: hiddenInStatistics(stats, loaded.definition, publication) } : undefined
    // Counts split by answers carried forward are not suppressed: the sheet is left out of a table for publication.
    const split = publication ? undefined : await carriedSplit(app.db, app.catalogue, loaded.wave, { includeSpecial: request.query.special === 'include', includePartial: includePartialOf(request.query) })
    const extra = split ? [{ name: 'Carried forward', ...carriedSplitTable(split, includePartialOf(request.query)) }] : []
    const book = await statisticsWorkbook(`${localize(loaded.definition.title, 'en')} – ${loaded.wave.label}`, [{ label: loaded.wave.label, stats }], undefined, published, extra)
    return download(request, reply, loaded.wave, publication ? 'statistics_xlsx_published' : 'statistics_xlsx', fileName('statistics', loaded.wave, 'xlsx', { suppressed: !!publication }), XLSX, book)
  })

  const compareQuery = {
    type: 'object',
    properties: {
      waves: { anyOf: [{ type: 'string', pattern: ID_PATTERN }, { type: 'array', items: { type: 'string', pattern: ID_PATTERN }, maxItems: 10 }] },
      special: { type: 'string', enum: ['include', 'exclude'] },
      partial: { type: 'string', enum: ['include', 'exclude'] },
      publication: { type: 'string', enum: ['1', '0'] },
      threshold: { type: 'integer', minimum: 2, maximum: 100 },
      population: { type: 'string', enum: ['all', 'panel'] },
    },
  } as const
  type CompareQuery = { waves?: string | string[]; special?: string; partial?: string; publication?: string; threshold?: number; population?: 'all' | 'panel' }

  /**
   * The comparison of the waves asked for. `pairs`: also the organisations' paired answers, for
   * the panel's lines (the downloads, and the page showing the same organisations): reading every
   * answer of every wave is left out of the page analysts open most, which shows only the panel's size.
   */
  async function comparison(request: FastifyRequest<{ Querystring: CompareQuery }>, reply: FastifyReply, pairs = true) {
    const ids = ([] as string[]).concat(request.query.waves ?? [])
    const waves = ids.length ? await app.db.selectFrom('waves').selectAll().where('id', 'in', ids).execute() : []
    if (waves.length < 2 || new Set(waves.map((w) => w.survey_id)).size !== 1) {
      await renderTeamPage(request, reply, 'analysis/compare-choose', { message: 'Choose two or more waves of the same survey.' }, 400)
      return undefined
    }
    const survey = app.catalogue.surveys.find((s) => s.id === waves[0].survey_id)!
    const order = (w: WaveTable) => survey.versions.findIndex((v) => v.definition.version === w.version)
    waves.sort((a, b) => order(a) - order(b) || a.created_at.localeCompare(b.created_at))
    const includeSpecial = request.query.special === 'include'
    const includePartial = includePartialOf(request.query)
    const compared: ComparedWave[] = []
    for (const w of waves) {
      const definition = app.catalogue.find(w.survey_id, w.version)!.definition
      const stats = await waveStatistics(app.db, w.id, definition, { includeSpecial, includePartial })
      const numberIds = stats.questions.filter((q) => q.type === 'number').map((q) => q.id)
      const values = await numberValues(app.db, w.id, numberIds, { includePartial })
      compared.push({ label: w.label, definition, stats, values, organisations: pairs ? await waveOrganisations(app.db, w.id, { includePartial }) : undefined })
    }
    const panel = panelOf(pairs ? compared.map((w) => w.organisations!) : await Promise.all(waves.map(async (w) => ({ organisations: await countedOrganisations(app.db, w.id, { includePartial }) }))))
    return { waves, compared, panel, rows: compareWaves(app.catalogue, survey.id, compared, includeSpecial), title: localize(survey.versions[survey.versions.length - 1].definition.title, 'en') }
  }

  app.get<{ Querystring: CompareQuery }>('/admin/analysis/compare', { schema: { querystring: compareQuery } }, async (request, reply) => {
    const result = await comparison(request, reply, request.query.population === 'panel')
    if (!result) return reply
    const includePartial = includePartialOf(request.query)
    const includeSpecial = request.query.special === 'include'
    const waveIds = ([] as string[]).concat(request.query.waves ?? [])
    const partial = result.compared.map((w) => ({ label: w.label, count: w.stats.partial }))
    // Downloads carry the page's settings, so the file holds the figures on the screen.
    const settings = { special: includeSpecial ? 'include' : undefined, threshold: request.query.threshold === undefined ? undefined : String(request.query.threshold) }
    const link = (params: Record<string, string | undefined> = {}) => linkQuery(includePartial, { waves: waveIds, ...settings, ...params })
    const population = request.query.population === 'panel' ? 'panel' : 'all'
    const panelOrganisations = population === 'panel' && result.panel.length
      ? await app.db.selectFrom('organisations').select(['id', 'code', 'name']).where('id', 'in', result.panel).orderBy('name').execute()
      : []
    return renderTeamPage(request, reply, 'analysis/compare', {
      ...result,
      percent,
      pValue,
      link,
      waveIds,
      includePartial,
      includeSpecial,
      population,
      panelOrganisations,
      surveyId: result.waves[0].survey_id,
      partial,
      hasPartial: partial.some((p) => p.count > 0),
      tests: testsIn(result.rows),
      panelTests: panelTestsIn(result.rows),
      imported: (await Promise.all(result.waves.map(async (w) => ({ label: w.label, note: await importNote(w.id) })))).filter((w) => w.note),
    })
  })

  app.get<{ Querystring: CompareQuery }>('/admin/analysis/compare.xlsx', { schema: { querystring: compareQuery } }, async (request, reply) => {
    const result = await comparison(request, reply)
    if (!result) return reply
    const publication = publicationOf(request.query)
    const published = publication ? { threshold: publication.threshold, comparison: hiddenInComparison(result.rows, request.query.special === 'include', publication, result.compared.map((w) => w.definition)) } : undefined
    const book = await statisticsWorkbook(result.title, result.compared.map((w) => ({ label: w.label, stats: w.stats })), { waves: result.compared, rows: result.rows, panelSize: result.panel.length }, published)
    return send(request, reply, { kind: publication ? 'comparison_xlsx_published' : 'comparison_xlsx', waves: result.waves.map((w) => w.id) }, fileName('comparison', { survey_id: result.waves[0].survey_id }, 'xlsx', { suppressed: !!publication }), XLSX, book)
  })

  app.get<{ Querystring: CompareQuery }>('/admin/analysis/compare.csv', { schema: { querystring: compareQuery } }, async (request, reply) => {
    const result = await comparison(request, reply)
    if (!result) return reply
    const publication = publicationOf(request.query)
    const published = publication ? hiddenInComparison(result.rows, request.query.special === 'include', publication, result.compared.map((w) => w.definition)) : undefined
    return send(request, reply, { kind: publication ? 'comparison_csv_published' : 'comparison_csv', waves: result.waves.map((w) => w.id) }, fileName('comparison', { survey_id: result.waves[0].survey_id }, 'csv', { suppressed: !!publication }), 'text/csv; charset=utf-8', comparisonCsv(result.compared, result.rows, published, result.panel.length))
  })
}

/** `hidden`: in a table for publication, the counts suppressed (keys as in publication.ts's statisticsTable). */
export function statisticsCsv(stats: WaveStatistics, hidden?: Set<string>): string {
  const rows: unknown[][] = []
  const shown = (key: string, value: unknown) => (hidden?.has(key) ? '[c]' : value)
  for (const q of stats.questions) {
    const common = [q.id, q.section, q.text, q.type, shown(`${q.id}:asked`, q.asked), shown(`${q.id}:answered`, q.answered), shown(`${q.id}:missing`, q.missing)]
    const choiceRows = (rowId: string, choice: NonNullable<typeof q.choice>) => {
      const base = `${q.id}|${rowId}:base`
      for (const o of choice.options) {
        const count = `${q.id}|${rowId}:${o.code}`
        // A percentage and its interval give their count back from the base, and the base from their count.
        const out = hidden?.has(count) || hidden?.has(base)
        rows.push([...common, rowId, exportCode(o), o.label, o.special ?? '', shown(count, o.count), shown(base, choice.base), out ? '[c]' : percent(o.percent), out ? '[c]' : percent(o.ci?.low), out ? '[c]' : percent(o.ci?.high), '', '', '', '', '', '', ''])
      }
    }
    if (q.choice) choiceRows('', q.choice)
    for (const r of q.rows ?? []) choiceRows(r.id, r.choice)
    if (q.number) {
      const n = q.number
      rows.push([...common, '', '', '', '', n.dontKnow ? `dont_know=${shown(`${q.id}:dk`, n.dontKnow)}` : '', shown(`${q.id}:n`, n.n), '', '', '', n.mean?.toFixed(4) ?? '', n.sd?.toFixed(4) ?? '', n.median ?? '', n.q1 ?? '', n.q3 ?? '', n.min ?? '', n.max ?? ''])
    }
    if (q.texts !== undefined) rows.push([...common, '', '', '', '', shown(`${q.id}:texts`, q.texts), '', '', '', '', '', '', '', '', '', '', ''])
  }
  // On every row, not in a note line a CSV reader would take for data: how many partial responses
  // the wave has, and whether the figures include them.
  const partial = [stats.partial, stats.includePartial ? 'yes' : 'no']
  return toCsv(
    ['question_id', 'section', 'question', 'type', 'asked', 'answered', 'missing', 'row', 'code', 'label', 'special', 'count', 'base', 'percent', 'ci95_low', 'ci95_high', 'mean', 'sd', 'median', 'q1', 'q3', 'min', 'max', 'partial_responses', 'partial_included'],
    rows.map((row) => [...row, ...partial]),
  )
}

/**
 * The comparison as a CSV, one row per question (and option), one group of columns per wave.
 * Cells across a break in series carry the Government Statistical Service shorthand: [b] break
 * (not comparable), [x] not available (not asked in that wave), [z] not applicable.
 */
const t = translator('en')

type Published = ReturnType<typeof hiddenInComparison>

/** `published`: in a table for publication, the counts and tests suppressed (see publication.ts). */
export function comparisonCsv(waves: ComparedWave[], rows: ComparisonRow[], published?: Published, panelSize = 0): string {
  const header = ['population', 'question_id', 'row', 'question', 'status', 'code', 'option']
  for (const w of waves) header.push(`${w.label}_count`, `${w.label}_base`, `${w.label}_percent`, `${w.label}_ci95_low`, `${w.label}_ci95_high`, `${w.label}_value`)
  header.push('change_pp', 'change_value', 'test', 'p_value', 'p_holm', 'p_bh', 'note', ...waves.map((w) => `${w.label}_wording`), 'partial_included', ...waves.map((w) => `${w.label}_partial_responses`), 'panel_organisations')
  // On every row, as the partial responses: how many organisations the panel of the same organisations holds.
  const partial = [waves[0]?.stats.includePartial ? 'yes' : 'no', ...waves.map((w) => w.stats.partial), panelSize]
  const p = (value: number | undefined) => (value === undefined ? '' : pValue(value))
  const hidden = (key: string) => published?.cells.has(key) ?? false
  const shown = (key: string, value: unknown) => (hidden(key) ? '[c]' : value)
  /** The test's three p-values, or [c] where the test or its adjustment is withheld. */
  const testCells = (test: { kind: string; p: number; adjusted?: { holm: number; bh: number } } | undefined, key: string, panel = false) => {
    const [raw, adjusted] = panel ? [published?.panelTests, published?.panelAdjusted] : [published?.tests, published?.adjusted]
    if (!test) return ['', '', '', '']
    if (raw?.has(key)) return [test.kind, '[c]', '[c]', '[c]']
    return [test.kind, p(test.p), adjusted?.has(key) ? '[c]' : p(test.adjusted?.holm), adjusted?.has(key) ? '[c]' : p(test.adjusted?.bh)]
  }
  const out: unknown[][] = []
  for (const row of rows) {
    const r = `${row.id}|${row.rowId ?? ''}`
    const note = [row.test?.warning, ...row.notes].filter(Boolean).join(' ')
    const unavailable = (cell: ComparisonRow['waves'][number]) => {
      const marker = row.status === 'not_comparable' && cell.wording ? '[b]' : '[x]'
      return [marker, marker, marker, marker, marker, marker]
    }
    const tail = (changePp: string, changeValue: string, tests: unknown[] = ['', '', '', '']) => [changePp, changeValue, ...tests, note, ...row.waves.map((w) => w.wording ?? ''), ...partial]
    const head = (code: unknown, option: string, population = 'all') => [population, row.id, row.rowId ?? '', row.text, row.status, code, option]

    if (row.type === 'number') {
      // Two lines: the means (Welch's t) and the medians (Mann–Whitney), each with its change.
      for (const [measure, test, kind] of [['mean', row.numbers?.welch, 'welch'], ['median', row.numbers?.mannWhitney, 'mann_whitney']] as const) {
        const line = head('', measure)
        for (const cell of row.waves) {
          const n = cell.number
          if (!cell.available || !n) line.push(...unavailable(cell))
          else line.push(n.n, n.n, '[z]', '[z]', '[z]', n[measure] === null ? '' : measure === 'mean' ? n[measure]!.toFixed(4) : n[measure])
        }
        const change = row.numbers?.change[measure]
        const changeText = row.status === 'not_comparable' ? '[b]' : change === null || change === undefined ? '' : measure === 'mean' ? change.toFixed(4) : String(change)
        line.push(...tail('[z]', changeText, testCells(test ? { kind, ...test } : undefined, `${r}:${kind}`)))
        out.push(line)
      }
      continue
    }
    if (!row.options.length) {
      // Text and dates: how many were asked and answered.
      const line = head('', 'answered')
      row.waves.forEach((cell, w) => line.push(...(!cell.available || !cell.answers ? unavailable(cell) : [shown(`${r}|${w}:answered`, cell.answers.answered), shown(`${r}|${w}:asked`, cell.answers.asked), '[z]', '[z]', '[z]', ''])))
      line.push(...tail('[z]', ''))
      out.push(line)
      continue
    }
    row.options.forEach((option) => {
      const line = head(exportCode(option), option.label)
      let anyHidden = false
      row.waves.forEach((cell, w) => {
        if (!cell.available) return line.push(...unavailable(cell))
        const o = cell.options.find((x) => x.code === option.code)
        const [count, base] = [`${r}|${w}:${option.code}`, `${r}|${w}:base`]
        if (o?.asked === false) return line.push('[x]', shown(base, cell.base), '[x]', '[x]', '[x]', '')
        if (hidden(count) || hidden(base)) {
          anyHidden = true
          return line.push(shown(count, o?.count ?? 0), shown(base, cell.base), '[c]', '[c]', '[c]', '')
        }
        return line.push(o?.count ?? 0, cell.base, o?.percent === null || o?.percent === undefined ? '[z]' : percent(o.percent), o?.ci ? percent(o.ci.low) : '[z]', o?.ci ? percent(o.ci.high) : '[z]', '')
      })
      // As in the family of tests: a question's one test, or each option's own.
      const testKey = row.test ? r : `${r}:${option.code}`
      line.push(...tail(anyHidden ? '[c]' : option.changePp === null ? (row.status === 'not_comparable' ? '[b]' : '[x]') : option.changePp.toFixed(1), '', testCells(testForOption(row, option), testKey)))
      out.push(line)
    })
  }
  // The same organisations in every wave: lines of their own, after those of all respondents.
  for (const row of rows) {
    const panel = row.panel
    if (!panel) continue
    const note = [t('admin.analysis.panel.file_note', { count: panelSize, pairs: panel.pairs }), panel.unchanged ? t('admin.analysis.panel.unchanged') : ''].filter(Boolean).join(' ')
    const r = `${row.id}|${row.rowId ?? ''}`
    const pairs = `P|${r}:pairs`
    row.options.filter((o) => !o.special).forEach((option, index) => {
      const line: unknown[] = ['panel', row.id, row.rowId ?? '', row.text, row.status, exportCode(option), option.label]
      let anyHidden = false
      panel.waves.forEach((cell, w) => {
        const o = cell.options[index]
        const count = `P|${r}|${w}:${option.code}`
        if (!cell.available || !o.asked) return line.push('[x]', '[x]', '[x]', '[x]', '[x]', '')
        if (hidden(count) || hidden(pairs)) {
          anyHidden = true
          return line.push(shown(count, o.count), shown(pairs, panel.pairs), '[c]', '[c]', '[c]', '')
        }
        const ci = wilson(o.count, panel.pairs)
        line.push(o.count, panel.pairs, percent(o.percent), ci ? percent(ci.low) : '', ci ? percent(ci.high) : '', '')
      })
      const own = panel.options[index]
      const testKey = panel.test ? r : `${r}:${option.code}`
      line.push(anyHidden ? '[c]' : own.changePp === null ? '[x]' : own.changePp.toFixed(1), '', ...testCells(panelTestForOption(row, option), testKey, true), note, ...row.waves.map((w) => w.wording ?? ''), ...partial)
      out.push(line)
    })
  }
  return toCsv(header, out)
}
