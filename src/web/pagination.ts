// GOV.UK pagination for a long list: previous and next, the first and last pages, the current
// page with its neighbours, and ellipses between (https://design-system.service.gov.uk/components/pagination/).
export interface Pagination {
  previous?: string
  next?: string
  items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[]
}

/** Links for page `page` of `pageCount`, each keeping the list's other query parameters. */
export function pagination(page: number, pageCount: number, hrefFor: (page: number) => string): Pagination | undefined {
  if (pageCount <= 1) return undefined
  const shown = [...new Set([1, page - 1, page, page + 1, pageCount])].filter((p) => p >= 1 && p <= pageCount).sort((a, b) => a - b)
  const items: Pagination['items'] = []
  shown.forEach((number, i) => {
    if (i > 0 && number - shown[i - 1] > 1) items.push({ ellipsis: true })
    items.push({ number, href: hrefFor(number), current: number === page })
  })
  return { previous: page > 1 ? hrefFor(page - 1) : undefined, next: page < pageCount ? hrefFor(page + 1) : undefined, items }
}
