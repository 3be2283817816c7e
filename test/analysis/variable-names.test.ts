// Variable names SPSS, Stata and R all accept, worked out by hand from the rules in
// src/analysis/variable-names.ts: lower case, letters, digits and underscores, a letter first,
// no reserved word, at most 32 characters, unique ignoring case.
import t from 'tap'
import { validName, VariableNames } from '../../src/analysis/variable-names.js'

t.test('any text becomes a name the three packages accept', async (t) => {
  t.equal(validName('=attr'), 'attr', 'a formula sign dropped')
  t.equal(validName('Prison category'), 'prison_category')
  t.equal(validName('Ardal (Cymraeg)'), 'ardal_cymraeg')
  t.equal(validName('Rhanbarth gogledd-ddwyrain'), 'rhanbarth_gogledd_ddwyrain')
  t.equal(validName('Café résumé'), 'cafe_resume', 'accents taken off, not the letters')
  t.equal(validName('2020 region'), 'v_2020_region', 'a name cannot start with a digit')
  t.equal(validName('¿?'), 'v', 'nothing usable left')
  t.equal(validName('IF'), 'if_v', "Stata's reserved if")
  t.equal(validName('NA'), 'na_v', "R's NA")
  t.equal(validName('to'), 'to_v', 'an SPSS keyword')
  // 39 characters once spaces are underscores: cut at 32, in the middle of "the".
  t.equal(validName('number of people released into the area'), 'number_of_people_released_into_t')
  // Cut where the 32nd character is an underscore: the underscore goes too (31 left).
  t.equal(validName('number of people released in to x'), 'number_of_people_released_in_to')
})

t.test('names handed out in order are unique ignoring case, and still 32 characters at most', async (t) => {
  const names = new VariableNames()
  t.equal(names.take('q'), 'q')
  t.equal(names.take('Q'), 'q_2', 'SPSS ignores case: Q is taken')
  t.equal(names.take('q'), 'q_3')
  const long = 'a'.repeat(40)
  t.equal(names.take(long), 'a'.repeat(32))
  t.equal(names.take(long), `${'a'.repeat(30)}_2`, 'the suffix fits inside 32 characters')
  const many = new VariableNames()
  for (let i = 1; i <= 9; i++) many.take('region')
  t.equal(many.take('region'), 'region_10', 'two-digit suffixes too')
})
