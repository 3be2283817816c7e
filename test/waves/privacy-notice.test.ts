// The research team writes a privacy notice for each wave (a default until they do), an admin
// saves it through a CSRF-protected form, an analyst cannot, and every respondent reads their
// wave's notice, escaped, in their language: also once the response is submitted or the wave
// closed. On SQLite, and on PostgreSQL when one is available.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { eraseWave } from '../../src/waves/erasure.js'
import { closeWave, reissueLink } from '../../src/waves/waves.js'
import { buildTestApp, FIXTURES, form, formSession, signIn } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { submitAnswers } from '../helpers/responses.js'
import { issueLinks, openTestWave } from '../helpers/waves.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function adminPost(app: FastifyInstance, cookie: string, url: string, fields: Record<string, string>) {
  const session = await formSession(app, url, cookie)
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token, ...fields }) })
}

async function storedNotices(app: FastifyInstance, waveId: string) {
  return app.db.selectFrom('wave_privacy_notices').select(['language', 'body', 'updated_by']).where('wave_id', '=', waveId).orderBy('language').execute()
}

const { databases, skipped } = testDatabases()
if (skipped) t.test('privacy notices on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`privacy notices on ${database.kind}`, async (t) => {
    t.test('a new wave offers a default notice naming its team; respondents see it until the team saves its own', async (t) => {
      const app = await buildTestApp(t, { mailWorker: false }, database)
      const wave = await openTestWave(app)
      const cookie = await signIn(app)
      const wavePage = await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie } })
      t.match(wavePage.body, 'Respondents see the default text')
      t.match(wavePage.body, `href="/admin/waves/${wave.waveId}/privacy"`)
      const form = await app.inject({ url: `/admin/waves/${wave.waveId}/privacy`, headers: { cookie } })
      t.equal(form.statusCode, 200)
      t.match(form.body, /<textarea[^>]*name="notice_en"[^>]*>## Who is responsible for your information\nPrison Social Care Study runs Social care for people in prison and on release from prison/, 'the default is offered, filled in with the wave’s team and survey')
      t.notMatch(form.body, 'name="notice_cy"', 'an English-only questionnaire needs no Welsh notice')
      const notice = await app.inject(`/r/${wave.tokens.E06000001}/privacy`)
      t.equal(notice.statusCode, 200)
      t.match(notice.body, '<h2 class="govuk-heading-m">Who is responsible for your information</h2>')
      t.match(notice.body, '<a class="govuk-link" href="mailto:study@example.org">study@example.org</a>')
      t.same(await storedNotices(app, wave.waveId), [], 'nothing is stored until the team saves')
    })

    t.test('an admin saves the notice; respondents read it escaped; the wave page says when and who', async (t) => {
      const app = await buildTestApp(t, { mailWorker: false }, database)
      const wave = await openTestWave(app)
      const cookie = await signIn(app)
      const url = `/admin/waves/${wave.waveId}/privacy`
      const text = '## Who we are\nThe <b>Study</b> & partners. Write to dpo@example.ac.uk.\n\n<script>alert("x")</script>\n- answers\n- contacts'
      const preview = await adminPost(app, cookie, url, { _action: 'preview', notice_en: text })
      t.equal(preview.statusCode, 200)
      t.match(preview.body, '<h3 class="govuk-heading-s">Who we are</h3>', 'the preview shows the headings')
      t.same(await storedNotices(app, wave.waveId), [], 'a preview saves nothing')

      const saved = await adminPost(app, cookie, url, { _action: 'save', notice_en: text })
      t.equal(saved.statusCode, 303)
      t.equal(saved.headers.location, `/admin/waves/${wave.waveId}?done=privacy_notice_saved`)
      t.match((await app.inject({ url: saved.headers.location!, headers: { cookie } })).body, /id="done-notice"[\s\S]*Privacy notice saved</, 'the wave page says it was saved')
      const [row] = await storedNotices(app, wave.waveId)
      t.equal(row.body, text)
      t.match(row.updated_by, /^admin-.*@example\.org$/)
      const audit = await app.db.selectFrom('audit_log').select(['action', 'details_json']).where('action', '=', 'wave_privacy_notice_saved').execute()
      t.equal(audit.length, 1, 'the change is in the audit log')
      t.match((await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie } })).body, /Saved on \d{1,2} [A-Z][a-z]+ \d{4} by admin-/)

      const notice = await app.inject(`/r/${wave.tokens.E06000001}/privacy`)
      t.match(notice.body, '<h2 class="govuk-heading-m">Who we are</h2>')
      t.match(notice.body, 'The &lt;b&gt;Study&lt;/b&gt; &amp; partners. Write to <a class="govuk-link" href="mailto:dpo@example.ac.uk">dpo@example.ac.uk</a>.')
      t.match(notice.body, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
      t.notMatch(notice.body, '<script>')
      t.notMatch(notice.body, '<b>Study</b>')
      t.match(notice.body, /<ul class="govuk-list govuk-list--bullet">\s*<li>answers<\/li><li>contacts<\/li>/)
      t.notMatch(notice.body, 'Who is responsible for your information', 'the default is gone')
    })

    t.test('the form is refused without its CSRF token, and an analyst can neither open nor save it', async (t) => {
      const app = await buildTestApp(t, { mailWorker: false }, database)
      const wave = await openTestWave(app)
      const url = `/admin/waves/${wave.waveId}/privacy`
      const admin = await signIn(app)
      const session = await formSession(app, url, admin)
      const forged = await app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: `${session.token}x`, notice_en: 'Forged' }) })
      t.equal(forged.statusCode, 403)
      const missing = await app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form({ notice_en: 'Forged' }) })
      t.equal(missing.statusCode, 403)

      const analyst = await signIn(app, 'analyst')
      t.equal((await app.inject({ url, headers: { cookie: analyst } })).statusCode, 403, 'an analyst cannot open the form')
      // The analyst's own valid session and token, from a page every signed-in user may open.
      const analystSession = await formSession(app, `/admin/waves/${wave.waveId}`, analyst)
      const byAnalyst = await app.inject({ method: 'POST', url, headers: { ...FORM, cookie: analystSession.cookie }, payload: form({ _csrf: analystSession.token, notice_en: 'Changed by an analyst' }) })
      t.equal(byAnalyst.statusCode, 403)
      t.match(byAnalyst.body, 'You cannot do this')
      const wavePage = await app.inject({ url: `/admin/waves/${wave.waveId}`, headers: { cookie: analyst } })
      t.notMatch(wavePage.body, `href="${url}"`, 'the analyst is not offered the change link')
      const anonymous = await app.inject({ method: 'POST', url, headers: FORM, payload: form({ notice_en: 'x' }) })
      // Without a session the sign-in page answers (its form, not a redirect, so what was typed can come back).
      t.equal(anonymous.statusCode, 401)
      t.match(anonymous.body, 'action="/login"')
      t.same(await storedNotices(app, wave.waveId), [], 'nothing was saved')
    })

    t.test('an empty or overlong notice gets the error summary and keeps what was typed', async (t) => {
      const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false }, database)
      const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
      const cookie = await signIn(app)
      const url = `/admin/waves/${wave.waveId}/privacy`
      const empty = await adminPost(app, cookie, url, { notice_en: 'English text kept', notice_cy: '  ' })
      t.equal(empty.statusCode, 400)
      t.match(empty.body, '<title>Error: ')
      t.match(empty.body, '<a href="#notice_cy">Enter the privacy notice in Cymraeg</a>')
      t.match(empty.body, />English text kept<\/textarea>/)
      const long = await adminPost(app, cookie, url, { notice_en: 'x'.repeat(20_001), notice_cy: 'Testun' })
      t.equal(long.statusCode, 400)
      t.match(long.body, 'The privacy notice in English must be 20,000 characters or fewer')
      t.same(await storedNotices(app, wave.waveId), [], 'nothing was saved')
    })

    t.test('a bilingual wave has a notice per language; each respondent reads theirs, also after submitting or closing', async (t) => {
      const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false }, database)
      const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1', organisations: ['W1', 'W2', 'W3'] })
      const cookie = await signIn(app)
      t.equal((await adminPost(app, cookie, `/admin/waves/${wave.waveId}/privacy`, { notice_en: 'Our English notice.', notice_cy: 'Ein hysbysiad Cymraeg.' })).statusCode, 303)
      t.same((await storedNotices(app, wave.waveId)).map((r) => [r.language, r.body]), [['cy', 'Ein hysbysiad Cymraeg.'], ['en', 'Our English notice.']])

      const submitted = `/r/${wave.tokens.W1}/privacy`
      await submitAnswers(app, wave.waveId, wave.organisationIds.W1, { has_scheme: { code: 2 }, buddies: { value: 0 } })
      t.match((await app.inject(submitted)).body, 'Our English notice.', 'after submission')
      const welsh = await app.inject(`${submitted}?lang=cy`)
      t.match(welsh.body, '<html lang="cy"')
      t.match(welsh.body, 'Ein hysbysiad Cymraeg.', 'in Welsh for a Welsh reader')
      t.match(welsh.body, 'Hysbysiad preifatrwydd')

      await reissueLink(app.db, wave.waveId, wave.organisationIds.W2, { catalogue: app.catalogue })
      // Links are kept only as hashes: the new one is made here, as sending its e-mail would.
      const newToken = (await issueLinks(app, wave.waveId, [wave.organisationIds.W2])).get(wave.organisationIds.W2)!
      const replaced = await app.inject(`/r/${wave.tokens.W2}/privacy`)
      t.equal(replaced.statusCode, 410, 'a replaced link says so, and points to the team')
      t.match(replaced.body, 'This link has been replaced')
      t.match(replaced.body, 'href="mailto:study@example.org"')
      t.match((await app.inject(`/r/${newToken}/privacy`)).body, 'Our English notice.', 'the new link reads the notice')

      await closeWave(app.db, wave.waveId)
      t.equal((await app.inject(`/r/${wave.tokens.W3}`)).statusCode, 410, 'the closed wave takes no answers')
      const closed = await app.inject(`/r/${wave.tokens.W3}/privacy`)
      t.equal(closed.statusCode, 200, 'but its notice can still be read')
      t.match(closed.body, 'Our English notice.')

      await eraseWave(app.db, wave.waveId, null)
      t.same(await storedNotices(app, wave.waveId), [], 'erasing the wave erases its notice')
    })

    t.test('an unknown link gets no notice and counts as a guess; a working link still reads its notice', async (t) => {
      const app = await buildTestApp(t, { mailWorker: false, linkGuessDelayMs: 1 }, database)
      const wave = await openTestWave(app)
      const unknown = await app.inject(`/r/${'Q'.repeat(43)}/privacy`)
      t.equal(unknown.statusCode, 404)
      t.match(unknown.body, 'This link is not recognised')
      for (let i = 0; i < 19; i++) await app.inject(`/r/${String(i).padStart(43, 'Z')}/privacy`)
      t.equal((await app.inject(`/r/${'Y'.repeat(43)}/privacy`)).statusCode, 429, 'guessing through the notice is refused like any other unknown link')
      t.equal((await app.inject(`/r/${wave.tokens.E06000001}/privacy`)).statusCode, 200, 'while a working link still opens its notice')
    })
  })
}
