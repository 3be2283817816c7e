// A statement may bind at most 32,766 values on SQLite (SQLITE_MAX_VARIABLE_NUMBER) and 65,535 on
// PostgreSQL (the protocol counts them in 16 bits). A national file of 33,000 organisations
// inserted, or looked up with `in (…)`, in one statement fails on both: work goes in batches
// sized for the smaller limit, and small enough that each statement holds the database briefly.
export const MAX_BOUND_VALUES = 32_766

/** Splits `items` into batches whose statements bind at most `valuesPerItem` × size values (and at most `maxRows` rows). */
export function batches<T>(items: readonly T[], valuesPerItem = 1, maxRows = 1000): T[][] {
  const size = Math.max(1, Math.min(maxRows, Math.floor(MAX_BOUND_VALUES / Math.max(1, valuesPerItem))))
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
