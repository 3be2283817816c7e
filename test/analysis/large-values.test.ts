// The standard deviation of large values, on both databases. Budgets in pounds run to tens of
// millions; the one-pass formula lost the third significant figure there.
import t from 'tap'
import { waveStatistics } from '../../src/analysis/statistics.js'
import { buildTestApp, FIXTURES } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { submittedWave } from '../helpers/responses.js'

const { databases, skipped } = testDatabases()
if (skipped) t.test('large values on postgres', { skip: skipped }, async () => {})

for (const database of databases) {
  t.test(`the standard deviation stays exact around ten million, on ${database.kind}`, async (t) => {
    const app = await buildTestApp(t, { surveysDir: `${FIXTURES}/surveys-analysis`, mailWorker: false }, database)
    // 10,000,000 + 0, 1, 2, 1, 2: mean 10,000,001.2; deviations² 1.44 + 0.04 + 0.64 + 0.04 + 0.64 = 2.8;
    // variance 2.8 / 4 = 0.7; sd √0.7 = 0.836660.
    const budgets = [10_000_000, 10_000_001, 10_000_002, 10_000_001, 10_000_002]
    const { waveId: wave } = await submittedWave(app, {
      surveyId: 'demo-analysis',
      version: '1',
      label: 'W1',
      answers: budgets.map((value) => ({ q_role: { code: 1 }, q_scheme: { code: 2 }, q_tasks: { codes: [1] }, q_staff: { value: 1 }, q_budget: { value }, q_rate: { rows: { a: 1 } } })),
    })
    const stats = await waveStatistics(app.db, wave, app.catalogue.find('demo-analysis', '1')!.definition)
    const budget = stats.questions.find((q) => q.id === 'q_budget')!.number!
    t.equal(budget.n, 5)
    t.equal(budget.mean, 10_000_001.2)
    t.equal(Math.round(budget.sd! * 1e6) / 1e6, 0.83666, 'sd √0.7, to six decimals')
    t.same([budget.q1, budget.median, budget.q3], [10_000_001, 10_000_001, 10_000_002])
  })
}
