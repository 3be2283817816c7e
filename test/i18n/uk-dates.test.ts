// Deadlines as people read them: "end of 31 March 2027" is 23:59 on UK clocks that day. The
// expected instants are worked out by hand from the UK's clock changes (01:00 UTC on the last
// Sunday of March and of October): 2026-10-25 and 2027-03-28 are those Sundays.
import t from 'tap'
import { endOfUkDay, formatUkDate, formatUkTime, ukToday } from '../../src/i18n/uk-dates.js'
import { translator } from '../../src/i18n/catalogue.js'
import { parseDeadline } from '../../src/waves/routes.js'
import { buildTestApp } from '../helpers/app.js'
import { openTestWave } from '../helpers/waves.js'

t.test('the end of a day on UK clocks, in winter and summer and either side of the clock changes', async (t) => {
  t.equal(endOfUkDay(2027, 1, 31), '2027-01-31T23:59:59.999Z', 'GMT: UK time is UTC')
  t.equal(endOfUkDay(2027, 3, 27), '2027-03-27T23:59:59.999Z', 'the day before the clocks go forward')
  t.equal(endOfUkDay(2027, 3, 28), '2027-03-28T22:59:59.999Z', 'the day they go forward: already BST by midnight')
  t.equal(endOfUkDay(2027, 3, 31), '2027-03-31T22:59:59.999Z', 'BST: an hour ahead of UTC')
  t.equal(endOfUkDay(2026, 10, 24), '2026-10-24T22:59:59.999Z', 'the day before the clocks go back')
  t.equal(endOfUkDay(2026, 10, 25), '2026-10-25T23:59:59.999Z', 'the day they go back: GMT again by midnight')
  t.equal(endOfUkDay(2027, 2, 29), undefined, 'no such day')
  t.equal(parseDeadline('31', '3', '2027'), '2027-03-31T22:59:59.999Z', 'the date fields of the wave forms')
  t.equal(parseDeadline('31', '12', '2026'), '2026-12-31T23:59:59.999Z')
})

t.test('dates are shown as the UK date of the instant', async (t) => {
  const en = translator('en')
  t.equal(formatUkDate('2027-03-31T22:59:59.999Z', en), '31 March 2027')
  t.equal(formatUkDate('2027-03-31T23:30:00.000Z', en), '1 April 2027', 'half past midnight BST is already the next day in the UK')
  t.equal(formatUkDate('2027-01-31T23:30:00.000Z', en), '31 January 2027')
  t.equal(formatUkDate('2027-03-31T22:59:59.999Z', translator('cy')), '31 Mawrth 2027')
  t.equal(formatUkTime('2027-03-31T13:05:00.000Z', en), 'at 14:05 on 31 March 2027', 'BST: an hour ahead')
  t.equal(formatUkTime('2027-01-31T13:05:00.000Z', en), 'at 13:05 on 31 January 2027', 'GMT')
  t.equal(formatUkTime('2027-03-31T23:30:00.000Z', en), 'at 00:30 on 1 April 2027', 'after midnight on UK clocks')
})

t.test('a link works all of its last day, and not the day after', async (t) => {
  const today = ukToday()
  const app = await buildTestApp(t)
  const lastDay = await openTestWave(app, { organisations: ['E06000001'], closesAt: endOfUkDay(today.year, today.month, today.day) })
  t.equal((await app.inject(`/r/${lastDay.tokens.E06000001}`)).statusCode, 200, 'open until the end of the deadline day')
  const yesterday = new Date(Date.UTC(today.year, today.month - 1, today.day - 1))
  const past = await openTestWave(app, { organisations: ['E06000002'], closesAt: endOfUkDay(yesterday.getUTCFullYear(), yesterday.getUTCMonth() + 1, yesterday.getUTCDate()) })
  t.equal((await app.inject(`/r/${past.tokens.E06000002}`)).statusCode, 410, 'closed the day after')
})

t.test('deadlines saved the old way (22:59 UTC, an hour early in winter) move to the end of the UK day', async (t) => {
  const { up } = await import('../../migrations/0009_deadlines_end_of_uk_day.js')
  const app = await buildTestApp(t)
  const winter = await openTestWave(app, { organisations: ['E06000001'], closesAt: '2027-01-31T22:59:00.000Z' })
  const summer = await openTestWave(app, { organisations: ['E06000002'], closesAt: '2027-06-30T22:59:00.000Z' })
  const chosen = await openTestWave(app, { organisations: ['E06000003'], closesAt: '2027-02-01T12:00:00.000Z' })
  await up(app.db)
  const closes = async (id: string) => (await app.db.selectFrom('waves').select('closes_at').where('id', '=', id).executeTakeFirstOrThrow()).closes_at
  t.equal(await closes(winter.waveId), '2027-01-31T23:59:59.999Z')
  t.equal(await closes(summer.waveId), '2027-06-30T22:59:59.999Z')
  t.equal(await closes(chosen.waveId), '2027-02-01T12:00:00.000Z', 'other times are left as they are')
})
