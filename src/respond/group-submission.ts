// What submitting (or keeping a partial response when a wave closes) does to the items of
// repeating groups, in the same transaction: items of a group not asked and answers an item did
// not ask are removed, as the organisation's hidden answers are, and the items' facts recorded.
import type { Transaction } from 'kysely'
import { recordItemFacts } from '../analysis/item-facts.js'
import type { Database } from '../db/schema.js'
import { dropHiddenItemAnswers } from './group-items.js'
import type { GroupProgress } from './group-progress.js'

export async function submitItems(trx: Transaction<Database>, waveId: string, responseId: string, groups: GroupProgress[], options: { partial?: boolean } = {}): Promise<void> {
  const items = groups.flatMap((g) => g.items)
  // Closing keeps what was saved as it is: only a submission removes what does not count.
  if (!options.partial) await dropHiddenItemAnswers(trx, responseId, new Map(items.map((i) => [i.item.id, Object.keys(i.answers)])))
  await recordItemFacts(
    trx,
    waveId,
    responseId,
    items.map((i) => ({ groupId: i.item.groupId, itemId: i.item.id, itemNumber: i.number, asked: i.pages.flatMap((p) => p.questions), answers: i.answers })),
    options,
  )
}
