// The coding leaves and comes back in the REFI-QDA exchange format: a .qdpx project after two
// coders have finished validates against the QDA-XML schema with xmllint and, imported into a
// fresh database holding the same wave, restores the same codings, coders, passages and
// decisions; a .qdc codebook validates and round-trips; broken files are refused with nothing
// brought in.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import JSZip from 'jszip'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { startSession } from '../../src/accounts/sessions.js'
import { createUser } from '../../src/accounts/users.js'
import { codesOf, createCode } from '../../src/coding/codebook.js'
import { codePassage, codeWholeAnswer, decide, finishCoding, joinCoding } from '../../src/coding/codings.js'
import type { Answers } from '../../src/questionnaire/answers.js'
import { buildTestApp, FIXTURES, formSession, multipart } from '../helpers/app.js'
import { submittedWave } from '../helpers/responses.js'

const XMLLINT = '/usr/bin/xmllint'
// Answer 2 has characters outside the Basic Multilingual Plane before its passage: REFI-QDA counts
// them as one character each, JavaScript as two.
const TEXTS = ['Housing was found too late.', '🏠🏠 No address on release, so no benefits.', 'Information arrived after release.', 'None', 'Nothing to add.']
const answersOf = (texts: string[]): Answers[] => texts.map((views) => ({ q_role: { code: 1 }, q_scheme: { code: 1 }, q_tasks: { codes: [1] }, q_staff: { value: 2 }, q_rate: { rows: { a: 1 } }, q_views: { value: views } }))

async function waveWithCoders(t: Test, texts = TEXTS) {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false })
  const { waveId, organisations } = await submittedWave(app, { surveyId: 'demo-analysis', version: '1', label: 'W1', answers: answersOf(texts), prefix: 'LA' })
  const people: Record<string, string> = {}
  for (const [name, email] of [['Ann Coder', 'ann@example.org'], ['Bob Coder', 'bob@example.org']]) people[name] = await createUser(app.db, { email, name, role: 'analyst', password: 'correct horse battery staple' })
  const cookie = `sid=${await startSession(app.db, people['Ann Coder'])}`
  return { app, waveId, organisations, people, cookie }
}

function xmllint(t: Test, schema: string, xml: string) {
  if (!existsSync(XMLLINT)) {
    if (process.env.CI) t.fail('xmllint is missing in CI (apt-get install libxml2-utils)')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'refi-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'file.xml'), xml)
  t.equal(execFileSync(XMLLINT, ['--noout', '--schema', schema, join(dir, 'file.xml')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), '', `valid against ${schema}`)
}

async function upload(app: FastifyInstance, cookie: string, page: string, url: string, file: { name: string; content: string | Buffer; type: string }) {
  const session = await formSession(app, page, cookie)
  const body = multipart({ _csrf: session.token }, { field: 'file', ...file })
  return app.inject({ method: 'POST', url, headers: { cookie: session.cookie, 'content-type': body.contentType }, payload: body.payload })
}

/** Each coder's codings as comparable lines: coder, organisation code, question, code, passage. */
async function codingLines(app: FastifyInstance, waveId: string): Promise<string[]> {
  const rows = await app.db
    .selectFrom('codings')
    .innerJoin('users', 'users.id', 'codings.user_id')
    .innerJoin('organisations', 'organisations.id', 'codings.organisation_id')
    .innerJoin('codes', 'codes.id', 'codings.code_id')
    .innerJoin('answer_values', (j) => j.onRef('answer_values.wave_id', '=', 'codings.wave_id').on('answer_values.question_id', '=', 'q_views'))
    .innerJoin('responses', (j) => j.onRef('responses.id', '=', 'answer_values.response_id').onRef('responses.organisation_id', '=', 'codings.organisation_id'))
    .select(['users.email', 'organisations.code', 'codings.question_key', 'codes.name', 'codings.start_offset', 'codings.end_offset', 'answer_values.text_value'])
    .where('codings.wave_id', '=', waveId)
    .execute()
  return rows.map((r) => [r.email, r.code, r.question_key, r.name, r.start_offset === null ? 'whole' : r.text_value!.slice(r.start_offset, r.end_offset!)].join(' | ')).sort()
}

t.test('a coded wave exported as .qdpx validates and comes back whole in a fresh database', async (t) => {
  const one = await waveWithCoders(t)
  const actor = { id: one.people['Ann Coder'], email: 'ann@example.org' }
  const theme = await createCode(one.app.db, actor, 'demo-analysis', { name: 'Release', description: 'Release planning', inclusion: 'Any mention of release', exclusion: '', example: 'No address on release', parentId: null })
  const housing = await createCode(one.app.db, actor, 'demo-analysis', { name: 'Housing & <homes>', description: '', inclusion: '', exclusion: 'Hostels', example: '', parentId: theme })
  const benefits = await createCode(one.app.db, actor, 'demo-analysis', { name: 'Benefits', description: 'Money', inclusion: '', exclusion: '', example: '', parentId: null })
  const [ann, bob] = [one.people['Ann Coder'], one.people['Bob Coder']]
  for (const person of [ann, bob]) await joinCoding(one.app.db, one.waveId, person)
  const key = (i: number) => ({ organisationId: one.organisations[i], questionKey: 'q_views' })
  await codeWholeAnswer(one.app.db, one.waveId, ann, key(0), [housing])
  await codeWholeAnswer(one.app.db, one.waveId, bob, key(0), [housing, benefits])
  await codePassage(one.app.db, one.waveId, ann, key(1), benefits, TEXTS[1].indexOf('no benefits'), TEXTS[1].indexOf('no benefits') + 'no benefits'.length)
  await codeWholeAnswer(one.app.db, one.waveId, bob, key(1), [benefits])
  for (const i of [2, 3, 4]) for (const person of [ann, bob]) await codeWholeAnswer(one.app.db, one.waveId, person, key(i), [])
  for (const person of [ann, bob]) await finishCoding(one.app.db, one.waveId, person, true)
  await decide(one.app.db, one.waveId, key(0), benefits, false, 'ann@example.org')

  const exported = await one.app.inject({ url: `/admin/analysis/waves/${one.waveId}/project.qdpx`, headers: { cookie: one.cookie } })
  t.equal(exported.statusCode, 200)
  const zip = await JSZip.loadAsync(exported.rawPayload)
  const qde = await zip.file('project.qde')!.async('string')
  xmllint(t, 'test/fixtures/refi-qda/project-subset.xsd', qde)
  t.match(qde, /<Code guid="[^"]+" name="Housing &amp; &lt;homes&gt;" isCodable="true">/, 'the codebook is in the project, escaped')
  t.match(qde, /<User guid="[^"]+" name="Ann Coder" id="ann@example.org"\/>/)
  // "🏠🏠 No address on release, so " is 29 characters (two emoji, then 27), 31 UTF-16 units: the passage is 29 to 40.
  t.match(qde, /<PlainTextSelection guid="[^"]+" name="no benefits" startPosition="29" endPosition="40"/, 'positions count characters, not UTF-16 units')
  t.match(qde, /name="Agreed coding \(Survey Waves\)"/, 'the agreed coding is a user of its own')

  // A fresh database holding the same wave (same organisation codes and answers, new ids).
  const two = await waveWithCoders(t)
  const before = await upload(two.app, two.cookie, `/admin/coding/waves/${two.waveId}`, `/admin/coding/waves/${two.waveId}/import`, { name: 'project.qdpx', content: exported.rawPayload, type: 'application/zip' })
  t.equal(before.statusCode, 200, before.body.slice(0, 300))
  t.match(before.body, /5 of the file&#39;s 5 texts found in this wave/)
  t.same(await codingLines(two.app, two.waveId), await codingLines(one.app, one.waveId), 'the same codings, by the same coders, on the same answers and passages')
  t.same((await codesOf(two.app.db, 'demo-analysis')).map((c) => [c.name, c.exclusion, c.inclusion]).sort(), (await codesOf(one.app.db, 'demo-analysis')).map((c) => [c.name, c.exclusion, c.inclusion]).sort(), 'the same codebook')
  const decisions = await two.app.db.selectFrom('coding_decisions').innerJoin('codes', 'codes.id', 'coding_decisions.code_id').select(['codes.name', 'coding_decisions.applied']).execute()
  t.same(decisions.map((d) => [d.name, d.applied]), [['Benefits', 0]], 'the settled difference comes back from the agreed coding')
  const agreement = (await two.app.inject({ url: `/admin/coding/waves/${two.waveId}/agreement`, headers: { cookie: two.cookie } })).body
  t.match(agreement, /both coded 5 answers/, 'the answers each coder went through (coded or not) come back from the sets')

  // In this wave two answers share the text "None": from a project of another wave, which is which cannot be told.
  const three = await waveWithCoders(t, [...TEXTS.slice(0, 4), 'None'])
  const qdeOther = qde.replace(/<TextSource guid="[^"]+"/g, () => `<TextSource guid="${crypto.randomUUID()}"`)
  zip.file('project.qde', qdeOther)
  const other = await upload(three.app, three.cookie, `/admin/coding/waves/${three.waveId}`, `/admin/coding/waves/${three.waveId}/import`, { name: 'p.qdpx', content: await zip.generateAsync({ type: 'nodebuffer' }), type: 'application/zip' })
  t.equal(other.statusCode, 200)
  t.match(other.body, /3 of the file&#39;s 5 texts found in this wave/, '“None” is there twice, “Nothing to add.” not at all')
  t.match(other.body, /no answer in this wave has this text/)
  t.match(other.body, /several answers in this wave have this text/)
})

t.test('a .qdc codebook validates, round-trips, and broken files bring nothing in', async (t) => {
  const one = await waveWithCoders(t)
  const actor = { id: one.people['Ann Coder'], email: 'ann@example.org' }
  const theme = await createCode(one.app.db, actor, 'demo-analysis', { name: 'Release', description: 'Release planning\n\nacross agencies', inclusion: 'Any mention of release', exclusion: 'Temporary licence', example: '“No address on release”', parentId: null })
  await createCode(one.app.db, actor, 'demo-analysis', { name: 'Housing', description: '', inclusion: '', exclusion: '', example: '', parentId: theme })
  const qdc = await one.app.inject({ url: '/admin/coding/surveys/demo-analysis/codebook.qdc', headers: { cookie: one.cookie } })
  t.equal(qdc.statusCode, 200)
  t.match(qdc.headers['content-disposition'], /codebook-demo-analysis\.qdc/)
  xmllint(t, 'test/fixtures/refi-qda/codebook.xsd', qdc.body)

  const two = await waveWithCoders(t)
  const page = '/admin/coding/surveys/demo-analysis'
  const imported = await upload(two.app, two.cookie, page, `${page}/codebook`, { name: 'codebook.qdc', content: qdc.body, type: 'application/xml' })
  t.equal(imported.statusCode, 303)
  t.match(imported.headers.location, /done=codebook_imported&n=2&m=0/)
  const fields = async (app: FastifyInstance) => (await codesOf(app.db, 'demo-analysis')).map((c) => ({ id: c.id, name: c.name, description: c.description, inclusion: c.inclusion, exclusion: c.exclusion, example: c.example, parent: c.parent_id })).sort((a, b) => a.name.localeCompare(b.name))
  t.same(await fields(two.app), await fields(one.app), 'the same codes, with their guids, texts and theme')
  const again = await upload(one.app, one.cookie, page, `${page}/codebook`, { name: 'codebook.qdc', content: qdc.body, type: 'application/xml' })
  t.match(again.headers.location, /n=0&m=0/, 'importing a codebook into itself changes nothing')

  // As NVivo writes one: braces and capitals in the guids, a set, a code with no description.
  const nvivo = `<?xml version="1.0" encoding="utf-8"?>\r\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14"><Codes><Code guid="{6F1C8F0A-1B2C-4D3E-8F90-A1B2C3D4E5F6}" name="Information sharing" isCodable="true"><Code guid="{7A1C8F0A-1B2C-4D3E-8F90-A1B2C3D4E5F6}" name="Late information" isCodable="true"/></Code></Codes><Sets><Set guid="{8B1C8F0A-1B2C-4D3E-8F90-A1B2C3D4E5F6}" name="Partners"><MemberCode guid="{6F1C8F0A-1B2C-4D3E-8F90-A1B2C3D4E5F6}"/></Set></Sets></CodeBook>`
  xmllint(t, 'test/fixtures/refi-qda/codebook.xsd', nvivo)
  const fromNvivo = await upload(two.app, two.cookie, page, `${page}/codebook`, { name: 'nvivo.qdc', content: nvivo, type: 'application/xml' })
  t.equal(fromNvivo.statusCode, 303)
  const late = (await codesOf(two.app.db, 'demo-analysis')).find((c) => c.name === 'Late information')!
  t.equal(late.parent_id, '6f1c8f0a-1b2c-4d3e-8f90-a1b2c3d4e5f6', 'nested in its theme, guid kept')

  const count = async () => (await codesOf(two.app.db, 'demo-analysis', { withMerged: true })).length
  const n = await count()
  for (const [content, message] of [
    ['<CodeBook><Codes><Code name="x"', /not well-formed XML/],
    ['<?xml version="1.0"?><Project name="p"/>', /its root element is not &lt;CodeBook&gt;/],
    ['<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="1" name="Bad guid" isCodable="true"/></Codes></CodeBook>', /“Bad guid”\) has no valid guid/],
  ] as const) {
    const res = await upload(two.app, two.cookie, page, `${page}/codebook`, { name: 'bad.qdc', content, type: 'application/xml' })
    t.equal(res.statusCode, 400)
    t.match(res.body, message)
    t.match(res.body, /<a href="#file">/, 'the error summary leads to the file field')
  }
  t.equal(await count(), n, 'nothing was added by the broken files')
  const notZip = await upload(two.app, two.cookie, `/admin/coding/waves/${two.waveId}`, `/admin/coding/waves/${two.waveId}/import`, { name: 'p.qdpx', content: 'not a zip', type: 'application/zip' })
  t.equal(notZip.statusCode, 400)
  t.match(notZip.body, /a .qdpx file is a zip archive/)
  const zip = new JSZip()
  zip.file('project.qde', `<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="${crypto.randomUUID()}" name="x – q_views"><PlainTextContent>Housing was found too late.</PlainTextContent><Coding guid="${crypto.randomUUID()}"><CodeRef targetGUID="${crypto.randomUUID()}"/></Coding></TextSource></Sources></Project>`)
  const unknownCode = await upload(two.app, two.cookie, `/admin/coding/waves/${two.waveId}`, `/admin/coding/waves/${two.waveId}/import`, { name: 'p.qdpx', content: await zip.generateAsync({ type: 'nodebuffer' }), type: 'application/zip' })
  t.equal(unknownCode.statusCode, 400)
  t.match(unknownCode.body, /refers to a code .* that is not in the project’s codebook/)
  t.equal((await two.app.db.selectFrom('codings').select('id').execute()).length, 0, 'no coding brought in')
})
