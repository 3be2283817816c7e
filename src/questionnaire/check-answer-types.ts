// The validator's checks of the answer types' options that a JSON Schema cannot express: money
// with pence or whole pounds, percentages within 0 to 100, limits with more decimals than the
// answer may have, and ticked-option limits a question's options cannot meet.
import { decimalsOf, rangeOf } from './answer-types.js'
import type { PlacedQuestion } from './model.js'
import type { Path } from './problems.js'

type Report = (path: Path, message: string) => void

const decimalPlaces = (n: number) => (Number.isInteger(n) ? 0 : (String(n).split('.')[1]?.length ?? 0))

export function checkAnswerTypes(placed: PlacedQuestion[], error: Report, warning: Report): void {
  for (const { question: q, path } of placed) {
    if (q.type === 'number') {
      const decimals = decimalsOf(q)
      if (q.format === 'money' && decimals !== 0 && decimals !== 2) error([...path, 'decimals'], `is ${decimals}, but money is pounds and pence: leave decimals out (2, for pence) or give 0 for whole pounds`)
      if (q.format && q.unit !== undefined) error([...path, 'unit'], `a ${q.format} question shows ${q.format === 'money' ? '£' : '%'} itself: remove unit`)
      if (q.format === 'percentage') {
        const { min, max } = rangeOf(q)
        if (min! < 0) error([...path, 'min'], `is ${min}, but a percentage is 0 to 100: give a minimum of 0 or more`)
        if (max! > 100) error([...path, 'max'], `is ${max}, but a percentage is 0 to 100: give a maximum of 100 or less`)
      }
      for (const key of ['min', 'max'] as const) {
        const limit = q[key]
        if (limit !== undefined && decimalPlaces(limit) > decimals)
          error([...path, key], `is ${limit}, with more decimal places than the answer may have (decimals: ${decimals}): no answer could equal it`)
      }
    }
    if (q.type === 'multiple_choice') {
      // "None of these" and don't know stand alone, so only the ordinary options can make up the count.
      const combinable = q.options.filter((o) => !o.exclusive && !o.special).length
      if (q.min_selected !== undefined && q.min_selected > combinable)
        error([...path, 'min_selected'], `is ${q.min_selected}, but only ${combinable} of the options can be ticked together: no answer could meet it`)
      if (q.min_selected !== undefined && q.max_selected !== undefined && q.min_selected > q.max_selected)
        error([...path, 'min_selected'], `is ${q.min_selected}, more than max_selected (${q.max_selected}): no answer could meet both`)
      if (q.max_selected !== undefined && q.max_selected >= combinable)
        warning([...path, 'max_selected'], `is ${q.max_selected}, but only ${combinable} of the options can be ticked together: it limits nothing`)
    }
  }
}
