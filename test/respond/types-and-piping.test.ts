// The new answer types and piping over HTTP, on SQLite and PostgreSQL: the inputs say what they
// take (inputmode, autocomplete, £ and %, a month and year only), each mistake comes back with the
// GOV.UK message and everything typed kept, and once saved the answers and the organisation are
// piped into later pages, check your answers, the print copy and the confirmation e-mail, where a
// confirmed soft check says "You confirmed this answer". The facts for statistics hold the numbers.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, FIXTURES, form, formSession } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openTestWave } from '../helpers/waves.js'
import { ukToday } from '../../src/i18n/uk-dates.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const { databases, skipped } = testDatabases()
if (skipped) t.test('types and piping on postgres', { skip: skipped }, async () => {})

async function post(app: FastifyInstance, url: string, fields: Record<string, string | string[]>, lang = '') {
  const session = await formSession(app, `${url}${lang}`)
  const version = /name="_page_version" value="(\d+)"/.exec(session.html)![1]
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: session.cookie }, payload: form({ _csrf: session.token, _page_version: version, ...fields }) })
}

const good = { referrals: '0', spend: '£1,234.50', share_assessed: '12.5%', hours_per_week: '7.25', service_start__month: '2', service_start__year: '2020', last_review__day: '', last_review__month: '', last_review__year: '', tasks: ['1', '2'] }

for (const database of databases) {
  t.test(`a respondent answers every new type, with piped wording everywhere after (${database.kind})`, async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-types`, mailWorker: false }, database)
    const wave = await openTestWave(app, { surveyId: 'service-types', version: '1', organisations: ['ORG01'] })
    const base = `/r/${wave.tokens.ORG01}`
    const figures = `${base}/pages/figures`

    const page = await app.inject({ method: 'GET', url: figures })
    t.equal(page.statusCode, 200)
    t.match(page.body, 'These questions are about Authority ORG01.', 'the organisation piped into the section introduction')
    t.match(page.body, /<div class="govuk-input__prefix" aria-hidden="true">£<\/div>\s*<input[^>]*id="spend"[^>]*inputmode="decimal"/)
    t.match(page.body, /id="share_assessed"[^>]*inputmode="decimal"[\s\S]*?<div class="govuk-input__suffix" aria-hidden="true">%<\/div>/)
    t.match(page.body, /id="referrals"[^>]*inputmode="numeric"/)
    t.match(page.body, /id="service_start__month"/)
    t.notMatch(page.body, 'service_start__day', 'a month and year only')
    t.match(page.body, /id="last_review__day"/)

    const today = ukToday()
    const next = today.month === 12 ? { service_start__month: '1', service_start__year: String(today.year + 1) } : { service_start__month: String(today.month + 1), service_start__year: String(today.year) }
    const refused = await post(app, figures, { ...good, spend: 'about £40', share_assessed: '100.5', hours_per_week: '7.255', ...next, tasks: ['1'] })
    t.equal(refused.statusCode, 400)
    const summary = [...refused.body.matchAll(/<li><a href="#([^"]+)">[^<]* – ([^<]+)<\/a><\/li>/g)].map((m) => `${m[1]}: ${m[2]}`)
    t.same(summary, [
      'spend: Enter an amount in pounds, like £1,234.50',
      'share_assessed: Enter a percentage between 0% and 100%',
      'hours_per_week: Enter a number with no more than 2 decimal places',
      'service_start__month: The month must be this month or in the past',
      'tasks-0: Select at least 2 answers',
    ], 'in the order of the fields')
    t.match(refused.body, /id="spend"[^>]*value="about £40"/, 'everything typed is kept')
    t.match(refused.body, /id="share_assessed"[^>]*value="100.5"/)
    t.match(refused.body, new RegExp(`id="service_start__month"[^>]*value="${next.service_start__month}"`))
    t.match(refused.body, /id="tasks-0"[^>]*value="1" checked/)

    const asked = await post(app, figures, good)
    t.equal(asked.statusCode, 200, 'no referrals: the soft check asks')
    t.match(asked.body, 'You said 0 referrals. Is that right?')
    const box = /name="(_confirm__no_referrals)" type="checkbox" value="([0-9a-f]+)"/.exec(asked.body)!
    t.equal((await post(app, figures, { ...good, [box[1]]: box[2] })).statusCode, 303)

    const followOn = `${base}/pages/follow_on`
    const second = await app.inject({ method: 'GET', url: followOn })
    t.match(second.body, 'Authority ORG01 is in the North East region.', 'an attribute piped into the page introduction')
    t.match(second.body, 'You received 0 referrals. How many of them led to an assessment?', 'an earlier answer piped into the question')
    t.match(second.body, 'The service started in February 2020.', 'and into the hint')
    t.match(second.body, 'Yes, £1,234.50 was enough', 'and into an option label')
    t.match(second.body, /id="contact_email"[^>]*type="email"[^>]*autocomplete="email"/)
    t.match(second.body, /id="contact_phone"[^>]*type="tel"[^>]*autocomplete="tel"/)
    t.match(second.body, /id="office_postcode"[^>]*autocomplete="postal-code"/)

    const bad = await post(app, followOn, { assessments: '0', spend_enough: '1', contact_email: 'ann@example', contact_phone: '7700 900982', office_postcode: 'Cardiff' })
    t.equal(bad.statusCode, 400)
    t.match(bad.body, 'href="#contact_email">Your e-mail address – Enter an e-mail address in the correct format, like name@example.com')
    t.match(bad.body, 'href="#contact_phone">Your telephone number – Enter a UK telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192')
    t.match(bad.body, 'href="#office_postcode">The postcode of your office – Enter a real UK postcode, like SW1A 1AA')
    t.match(bad.body, /id="office_postcode"[^>]*value="Cardiff"/)
    t.equal((await post(app, followOn, { assessments: '0', spend_enough: '1', contact_email: ' ann@example.org ', contact_phone: '+44 7700 900982', office_postcode: ' sw1a 1aa ' })).statusCode, 303)

    const check = await app.inject({ method: 'GET', url: `${base}/check` })
    const rows = [...check.body.matchAll(/<dt class="govuk-summary-list__key">([^<]*)<\/dt>\s*<dd class="govuk-summary-list__value">([\s\S]*?)<\/dd>/g)].map((m) => `${m[1]} = ${m[2].replace(/<[^>]+>/g, ' | ').replace(/\s+/g, ' ').trim()}`)
    t.same(rows, [
      'How many referrals did you receive? = 0 referrals | You confirmed this answer |',
      'How much did you spend on social care in prison? = £1,234.50',
      'What percentage of people referred were assessed? = 12.5%',
      'How many hours a week does the social care lead spend in the prison? = 7.25',
      'When did the service start? = February 2020',
      'When was the service last reviewed? = Not answered',
      'Which tasks does the service help with? = Cleaning | Collecting meals',
      'You received 0 referrals. How many of them led to an assessment? = 0',
      'Was £1,234.50 enough? = Yes, £1,234.50 was enough',
      'Your e-mail address = ann@example.org',
      'Your telephone number = 07700 900982',
      'The postcode of your office = SW1A 1AA',
    ])

    const print = await app.inject({ method: 'GET', url: `${base}/print` })
    t.match(print.body, 'Was £1,234.50 enough?')
    t.match(print.body, /0 referrals<span class="govuk-hint[^"]*">You confirmed this answer<\/span>/)

    const submit = await formSession(app, `${base}/check`)
    const done = await app.inject({ method: 'POST', url: `${base}/submit`, headers: { ...FORM, cookie: submit.cookie }, payload: form({ _csrf: submit.token }) })
    t.equal(done.statusCode, 303)
    const mail = await app.db.selectFrom('outbox').select(['text_body', 'html_body']).where('kind', '=', 'confirmation').executeTakeFirstOrThrow()
    t.match(mail.text_body, 'You received 0 referrals. How many of them led to an assessment?\n  0')
    t.match(mail.text_body, 'Was £1,234.50 enough?')
    t.match(mail.text_body, 'When did the service start?\n  February 2020')
    t.match(mail.text_body, 'The postcode of your office\n  SW1A 1AA')

    const facts = await app.db.selectFrom('answer_values').select(['question_id', 'number_value', 'text_value']).where('question_id', 'in', ['spend', 'share_assessed', 'hours_per_week', 'service_start', 'contact_phone']).orderBy('question_id').execute()
    t.same(
      facts.map((f) => [f.question_id, f.number_value === null ? null : Number(f.number_value), f.text_value]),
      [
        ['contact_phone', null, '07700 900982'],
        ['hours_per_week', 7.25, null],
        ['service_start', null, '2020-02'],
        ['share_assessed', 12.5, null],
        ['spend', 1234.5, null],
      ],
      'numbers with decimals kept exactly, a month as YYYY-MM',
    )
  })
}

t.test('in Welsh: piped answers in Welsh words and plural forms, Welsh messages', async (t) => {
  const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-types`, mailWorker: false })
  const wave = await openTestWave(app, { surveyId: 'service-types', version: '1', organisations: ['ORG01'] })
  const base = `/r/${wave.tokens.ORG01}`
  const refused = await post(app, `${base}/pages/figures`, { ...good, spend: '', tasks: ['1', '2', '3', '4'], referrals: '3' }, '?lang=cy')
  t.equal(refused.statusCode, 400)
  t.match(refused.body, 'href="#spend">Faint a wariwyd gennych ar ofal cymdeithasol yn y carchar? – Rhowch swm')
  t.match(refused.body, 'Dewiswch ddim mwy na 3 ateb')
  t.equal((await post(app, `${base}/pages/figures`, { ...good, referrals: '3' })).statusCode, 303)
  const second = await app.inject({ method: 'GET', url: `${base}/pages/follow_on?lang=cy` })
  t.match(second.body, 'Mae Authority ORG01 yn rhanbarth North East.')
  t.match(second.body, 'Cawsoch 3 atgyfeiriad. Faint ohonynt a arweiniodd at asesiad?')
  t.match(second.body, 'Dechreuodd y gwasanaeth ym mis Chwefror 2020.')
  t.match(second.body, 'Oedd, roedd £1,234.50 yn ddigon')
})
