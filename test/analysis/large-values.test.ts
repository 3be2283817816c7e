// The standard deviation of large values, on both databases. Budgets in pounds run to tens of
// millions; the one-pass formula lost the third significant figure there.
import t from 'tap'
import { waveStatistics } from '../../src/analysis/statistics.js'
import { createOrganisation } from '../../src/waves/organisations.js'
import { createWave, inviteOrganisations } from '../../src/waves/waves.js'
import { buildTestApp, FIXTURES } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { submitAnswers } from '../helpers/responses.js'

const { databases, skipped } = testDatabases()
if (skipped) t.test('large values on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`the standard deviation stays exact around ten million, on ${database.kind}`, async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false }, database)
    // 10,000,000 + 0, 1, 2, 1, 2: mean 10,000,001.2; deviations² 1.44 + 0.04 + 0.64 + 0.04 + 0.64 = 2.8;
    // variance 2.8 / 4 = 0.7; sd √0.7 = 0.836660.
    const budgets = [10_000_000, 10_000_001, 10_000_002, 10_000_001, 10_000_002]
    const organisations: string[] = []
    for (const [i] of budgets.entries()) organisations.push(await createOrganisation(app.db, { code: `B${i}`, name: `Organisation ${i}`, type: 'prison', contacts: [{ name: 'C', email: `c${i}@example.org` }] }))
    const wave = await createWave(app.db, { surveyId: 'demo-analysis', version: '1', label: 'W1', teamName: 'Team', teamEmail: 'team@example.org' })
    await inviteOrganisations(app.db, wave, organisations)
    for (const [i, value] of budgets.entries()) {
      await submitAnswers(app, wave, organisations[i], { q_role: { code: 1 }, q_scheme: { code: 2 }, q_tasks: { codes: [1] }, q_staff: { value: 1 }, q_budget: { value }, q_rate: { rows: { a: 1 } } })
    }
    const stats = await waveStatistics(app.db, wave, app.catalogue.find('demo-analysis', '1')!.definition)
    const budget = stats.questions.find((q) => q.id === 'q_budget')!.number!
    t.equal(budget.n, 5)
    t.equal(budget.mean, 10_000_001.2)
    t.equal(Math.round(budget.sd! * 1e6) / 1e6, 0.83666, 'sd √0.7, to six decimals')
    t.same([budget.q1, budget.median, budget.q3], [10_000_001, 10_000_001, 10_000_002])
  })
}
