// Every e-mail names its survey and its wave in the subject, so an organisation invited to two
// waves can tell them apart: the default subjects in English and Welsh, a subject the team wrote
// without them, and the confirmation. The respondent's confirmation page says the copy is being
// sent, not that it has been.
import t from 'tap'
import { composeMessage, defaultMessages, subjectNamingSurveyAndWave, type Placeholders } from '../../src/waves/messages.js'
import { buildTestApp, FIXTURES, signIn } from '../helpers/app.js'
import { submitWelshPrisonsThroughForms } from '../helpers/responses.js'
import { openTestWave } from '../helpers/waves.js'

const values = (language: 'en' | 'cy'): Placeholders => ({
  organisation: 'HMP Example Cardiff',
  contact: 'Rhys Evans',
  link: 'https://survey.example.org/r/abc',
  deadline: '31 March 2027',
  survey: language === 'cy' ? 'Gofal cymdeithasol yn y carchar' : 'Social care in prison',
  wave: '2026',
  team: 'Prison Social Care Study',
  team_email: 'study@example.org',
})

t.test('the default subjects name the survey and the wave, in English, Welsh and both', async (t) => {
  const texts = defaultMessages(['en', 'cy'])
  t.equal(composeMessage(texts, 'invitation', 'en', ['en', 'cy'], values).subject, 'Please respond: Social care in prison (2026)')
  t.equal(composeMessage(texts, 'reminder', 'cy', ['en', 'cy'], values).subject, 'Nodyn atgoffa: Gofal cymdeithasol yn y carchar (2026)')
  t.equal(composeMessage(texts, 'invitation', 'both', ['en', 'cy'], values).subject, 'Ymatebwch os gwelwch yn dda: Gofal cymdeithasol yn y carchar (2026) / Please respond: Social care in prison (2026)')
})

t.test('a subject the team wrote gets what is missing added at the end', async (t) => {
  t.equal(subjectNamingSurveyAndWave('Please take part', 'Social care in prison', '2026'), 'Please take part – Social care in prison (2026)', 'neither: both added')
  t.equal(subjectNamingSurveyAndWave('Social care in prison: please take part', 'Social care in prison', '2026'), 'Social care in prison: please take part (2026)', 'the title typed out counts as naming the survey')
  t.equal(subjectNamingSurveyAndWave('The 2026 survey needs you', 'Social care in prison', '2026'), 'The 2026 survey needs you – Social care in prison', 'the wave named, the survey added')
  t.equal(subjectNamingSurveyAndWave('SOCIAL CARE IN PRISON 2026', 'Social care in prison', '2026'), 'SOCIAL CARE IN PRISON 2026', 'whatever the case')
  const texts = { en: { invitation: { subject: 'Your views, please', body: '{link}' }, reminder: { subject: '{survey}, wave {wave}', body: '{link}' } } }
  t.equal(composeMessage(texts, 'invitation', 'en', ['en'], values).subject, 'Your views, please – Social care in prison (2026)')
  t.equal(composeMessage(texts, 'reminder', 'en', ['en'], values).subject, 'Social care in prison, wave 2026', 'placeholders used: nothing added')
})

t.test('the confirmation names the wave, and its page says the copy is on its way, in English and Welsh', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })

  const welsh = await submitWelshPrisonsThroughForms(app, wave.tokens.E06000001, { cookie: 'lang=cy', copyTo: 'dirprwy@example.org' })
  t.equal(welsh.statusCode, 303)
  const page = await app.inject({ url: welsh.headers.location as string, headers: { cookie: 'lang=cy' } })
  t.match(page.body, 'Rydym yn anfon copi o’r atebion at:')
  t.match(page.body, 'Gall yr e-bost gymryd ychydig funudau i gyrraedd.')
  t.notMatch(page.body, 'Rydym wedi anfon', 'never “we have sent”')

  const english = await submitWelshPrisonsThroughForms(app, wave.tokens.E06000002)
  const englishPage = await app.inject({ url: english.headers.location as string })
  t.match(englishPage.body, 'We are sending a copy of the answers to:')
  t.match(englishPage.body, 'The e-mail may take a few minutes to arrive.')
  t.notMatch(englishPage.body, 'We have sent')

  const subjects = (await app.db.selectFrom('outbox').select(['subject', 'priority']).where('kind', '=', 'confirmation').orderBy('created_at').execute()).map((m) => [m.subject.replace(/[A-Z0-9]{4}-[A-Z0-9]{4}$/, 'REF'), m.priority])
  t.same(subjects, [
    ['Eich ymateb i Gofal cymdeithasol yn y carchar (2020), cyfeirnod REF', 1],
    ['Your response to Social care in prison (2020), reference REF', 1],
  ])
})

t.test('the messages page says so, and offers {wave}', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-bilingual`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'welsh-prisons', version: '1' })
  const page = await app.inject({ url: `/admin/waves/${wave.waveId}/messages`, headers: { cookie: await signIn(app) } })
  t.match(page.body, 'A subject that does not include them gets what is missing added at the end: “ – {survey} ({wave})”')
  t.match(page.body, '<code>{wave}</code></dt><dd class="govuk-summary-list__value">the wave’s name, as the team wrote it (for example 2020)')
  t.match(page.body, 'Please respond: Social care in prison (2020)', 'the preview shows the subject as sent')
})
