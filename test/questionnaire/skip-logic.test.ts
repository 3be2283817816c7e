// Which pages and questions a respondent sees, and which answers count.
import t from 'tap'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { evaluate, questionIndex, walkVisible } from '../../src/questionnaire/skip-logic.js'

const prison = loadCatalogue('surveys').catalogue!.find('prison-peer-social-care', '2024')!.definition
const questions = questionIndex(prison)
const pageIds = (answers: Parameters<typeof walkVisible>[1]) => walkVisible(prison, answers).pages.map((p) => p.page.id)

t.test('a prison without a buddy scheme skips every section about the scheme', async (t) => {
  const without = pageIds({ has_scheme: { code: 2 } })
  t.ok(without.includes('no_scheme'))
  for (const id of ['scheme_details', 'buddy_tasks_page', 'numbers', 'selection', 'pay_page', 'risks_page', 'data_recorded_page']) t.notOk(without.includes(id), `${id} hidden`)
  t.ok(without.includes('future'), 'the questions for everyone remain')
  const withScheme = pageIds({ has_scheme: { code: 1 } })
  t.notOk(withScheme.includes('no_scheme'))
  t.ok(withScheme.includes('risks_page'))
})

t.test('answers to questions that end up hidden are dropped', async (t) => {
  const { answers } = walkVisible(prison, { has_scheme: { code: 2 }, buddies_count: { value: 12 }, scheme_planned: { code: 1 }, national_guidance: { code: 1 } })
  t.same(Object.keys(answers).sort(), ['has_scheme', 'national_guidance', 'scheme_planned'])
})

t.test('pay details only for paid buddies; training details only where training is given', async (t) => {
  t.notOk(pageIds({ has_scheme: { code: 1 }, buddies_paid: { code: 4 } }).includes('pay_amount'))
  t.ok(pageIds({ has_scheme: { code: 1 }, buddies_paid: { code: 2 } }).includes('pay_amount'))
  t.ok(pageIds({ has_scheme: { code: 1 }, training_given: { code: 1 } }).includes('training_details'))
})

t.test('conditions on numbers, grids, multiple choice, and combinations', async (t) => {
  const answers = { population: { value: 800 }, risk_frequency: { rows: { bullying: 2 } }, buddy_tasks: { codes: [1, 5] }, has_scheme: { code: 8 } }
  t.ok(evaluate({ question: 'population', min: 500 }, answers, questions))
  t.notOk(evaluate({ question: 'population', max: 500 }, answers, questions))
  t.ok(evaluate({ question: 'risk_frequency', row: 'bullying', in: [1, 2] }, answers, questions))
  t.notOk(evaluate({ question: 'risk_frequency', row: 'burden', answered: true }, answers, questions))
  t.ok(evaluate({ question: 'buddy_tasks', in: [5] }, answers, questions))
  t.ok(evaluate({ question: 'has_scheme', in: ['dont_know'] }, answers, questions))
  t.ok(evaluate({ question: 'has_scheme', not_in: ['yes'] }, answers, questions))
  t.notOk(evaluate({ question: 'waiting_list', not_in: ['yes'] }, answers, questions), 'not_in needs an answer')
  t.ok(evaluate({ all: [{ question: 'population', min: 1 }, { any: [{ question: 'buddy_tasks', in: [9] }, { question: 'has_scheme', answered: true }] }] }, answers, questions))
})
