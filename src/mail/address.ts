// One check of an e-mail address for every place that takes one to send to (contacts imported,
// a contact replaced, the team's reply-to address, a respondent's extra copy): a single address,
// no display name or list, so it can go straight into a message header.
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/

export function isEmailAddress(value: string): boolean {
  return ADDRESS.test(value)
}
