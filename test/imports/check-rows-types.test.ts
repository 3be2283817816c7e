// A past wave's row read against a questionnaire with the new answer types: money and decimals as
// the raw data writes them, a month as YYYY-MM, contact details tidied as the form tidies them,
// and each wrong cell named with its column.
import t from 'tap'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { rowChecker } from '../../src/imports/check-rows.js'
import { FIXTURES } from '../helpers/app.js'

const definition = loadCatalogue(`${FIXTURES}/surveys-types`).catalogue!.find('service-types', '1')!.definition
const checker = rowChecker(definition)

const CELLS: Record<string, string> = {
  referrals: '4',
  spend: '1234.5',
  share_assessed: '12.5',
  hours_per_week: '-9',
  service_start: '2020-02',
  last_review: '2024-11-30',
  tasks_1: '1',
  tasks_2: '1',
  tasks_3: '0',
  tasks_4: '0',
  tasks_5: '0',
  assessments: '3',
  spend_enough: '1',
  contact_email: 'ann@example.org',
  contact_phone: '+44 7700 900982',
  office_postcode: 'sw1a 1aa',
}

function check(changes: Record<string, string> = {}) {
  const cells = { ...CELLS, ...changes }
  return checker.check(2, 'ORG01', (variable) => ({ text: cells[variable] ?? '', column: variable }))
}

t.test('a row of the new types reads back as the answers the form would have kept', async (t) => {
  const { row, problems } = check()
  t.same(problems, [])
  t.same(row!.answers.spend, { value: 1234.5 })
  t.same(row!.answers.share_assessed, { value: 12.5 })
  t.equal(row!.answers.hours_per_week, undefined, '-9: asked, not answered')
  t.same(row!.answers.service_start, { value: '2020-02' })
  t.same(row!.answers.contact_phone, { value: '07700 900982' }, '+44 written as 0')
  t.same(row!.answers.office_postcode, { value: 'SW1A 1AA' })
})

t.test('each wrong cell of the new types is named with its column', async (t) => {
  const messages = (changes: Record<string, string>) => check(changes).problems.map((p) => `${p.column}: ${p.message}`)
  t.same(messages({ service_start: '2020-13' }), ['service_start: “2020-13” is not a month: give it as 2020-02'])
  t.same(messages({ service_start: '14/02/2020' }), ['service_start: “14/02/2020” is not a month: give it as 2020-02'])
  t.same(messages({ contact_email: 'ann@example' }), ['contact_email: “ann@example” is not an e-mail address like name@example.org'])
  t.same(messages({ contact_phone: '12345' }), ['contact_phone: “12345” is not a UK telephone number like 020 7946 0000'])
  t.same(messages({ office_postcode: 'Cardiff' }), ['office_postcode: “Cardiff” is not a UK postcode like SW1A 1AA'])
  t.equal(check({ spend: '12.345' }).problems.length, 1, 'money with a fraction of a penny is refused')
  t.equal(check({ hours_per_week: '7.25' }).problems.length, 0, 'two decimals where two are allowed')
})
