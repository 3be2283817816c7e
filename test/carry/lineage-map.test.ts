// Earlier answers as they read in a later version, through the lineage of the options fixture
// (version 2 drops "Laundry", splits "Remand or local" and "Benefits and debt", adds a grid row):
// an answer is carried only when every part of it has exactly one equivalent now.
import t from 'tap'
import { carriedAnswer, carryPlans, sameAnswer } from '../../src/carry/lineage-map.js'
import { loadCatalogue } from '../../src/questionnaire/catalogue.js'
import { FIXTURES } from '../helpers/app.js'

const catalogue = loadCatalogue(`${FIXTURES}/surveys-options`).catalogue!
const v1 = catalogue.find('options-lineage', '1')!.definition
const v2 = catalogue.find('options-lineage', '2')!.definition

t.test('each part of an earlier answer needs exactly one equivalent now', async (t) => {
  const { plans, refused } = carryPlans(catalogue, v2, '1', ['q_tasks', 'q_route', 'q_help', 'q_category', 'q_support', 'q_beds', 'no_such_question'])
  t.same([...plans.keys()], ['q_tasks', 'q_route', 'q_help', 'q_category', 'q_support', 'q_beds'])
  t.same(refused, [{ questionId: 'no_such_question', reason: 'not_a_question' }])
  const carried = (id: string, answer: Parameters<typeof carriedAnswer>[1]) => carriedAnswer(plans.get(id)!, answer)
  t.same(carried('q_tasks', { codes: [1, 2] }), { codes: [1, 2] })
  t.equal(carried('q_tasks', { codes: [1, 3] }), undefined, '"Laundry" has no equivalent: the answer is not carried')
  t.same(carried('q_route', { code: 9 }), { code: 9 }, '"don\'t know" stays "don\'t know"')
  t.same(carried('q_help', { rows: { a: 2 } }), { rows: { a: 2 } }, 'a grid row kept; the row added since is left to answer')
  t.equal(carried('q_category', { code: 7 }), undefined, '"Remand or local" is now two options: not carried')
  t.same(carried('q_category', { code: 8 }), { code: 8 })
  t.equal(carried('q_support', { codes: [2] }), undefined, '"Benefits and debt" split in two')
  t.same(carried('q_support', { codes: [1] }), { codes: [1] })
  t.same(carried('q_beds', { value: 40 }), { value: 40 })
  t.equal(carried('q_beds', undefined), undefined, 'nothing answered, nothing carried')
})

t.test('an answer saved unchanged is "confirmed", whatever order its options were given in', async (t) => {
  const plan = carryPlans(catalogue, v2, '1', ['q_tasks']).plans.get('q_tasks')!
  t.ok(sameAnswer(plan.question, { codes: [2, 1] }, { codes: [1, 2] }))
  t.ok(sameAnswer(plan.question, { codes: [1, 2], confirmed: { some_check: 'abc' } }, { codes: [1, 2] }), 'a soft check confirmed with it changes nothing')
  t.notOk(sameAnswer(plan.question, { codes: [1] }, { codes: [1, 2] }))
  t.notOk(sameAnswer(plan.question, undefined, { codes: [1, 2] }), 'cleared is changed')
})

t.test('a wave of a later version cannot start an earlier one', async (t) => {
  t.same(carryPlans(catalogue, v1, '2', ['q_route']).refused, [{ questionId: 'q_route', reason: 'later_version' }])
  t.same([...carryPlans(catalogue, v1, '1', ['q_route']).plans.keys()], ['q_route'], 'the same version carries as it is')
})
