// Invitation and reminder e-mails: texts with placeholders, written per wave in English and,
// where the questionnaire is bilingual, Welsh; each organisation gets its language, or both.
import { translator } from '../i18n/catalogue.js'
import { escapeHtml } from '../mail/html.js'
import type { Language } from '../questionnaire/schema.js'

export type MessageKind = 'invitation' | 'reminder'

export interface MessageText {
  subject: string
  body: string
}

export type WaveMessages = Partial<Record<Language, Record<MessageKind, MessageText>>>

/**
 * Where previews put a personal link: each e-mail's link is made when it is sent (only its hash is
 * kept), so no preview can show a real one.
 */
export const SAMPLE_LINK_TOKEN = 'x'.repeat(43)

export const PLACEHOLDERS = ['organisation', 'contact', 'link', 'deadline', 'survey', 'wave', 'team', 'team_email'] as const
export type Placeholders = Record<(typeof PLACEHOLDERS)[number], string>

export function defaultMessages(languages: Language[]): WaveMessages {
  const out: WaveMessages = {}
  for (const language of languages) {
    // Without parameters the translator gives the text with its placeholders, for the team to edit.
    const t = translator(language)
    out[language] = {
      invitation: { subject: t('mail.invitation.subject'), body: t('mail.invitation.body') },
      reminder: { subject: t('mail.reminder.subject'), body: t('mail.reminder.body') },
    }
  }
  return out
}

/** Placeholders in a text that are not known: a typo such as {organsation} would reach respondents. */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name))
}

export function fillPlaceholders(text: string, values: Placeholders): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? values[name as keyof Placeholders] : whole))
}

/**
 * Every subject names the questionnaire and the wave, so an organisation invited to two waves (or
 * two surveys) can tell the e-mails apart. A subject the team wrote without them gets what is
 * missing added at the end, " – {survey} ({wave})", " ({wave})" or " – {survey}", judged on the
 * filled-in text so that a title typed out instead of the placeholder counts too.
 */
export function subjectNamingSurveyAndWave(subject: string, survey: string, wave: string): string {
  const has = (part: string) => !part || subject.toLocaleLowerCase().includes(part.toLocaleLowerCase())
  const hasSurvey = has(survey)
  const hasWave = has(wave)
  if (hasSurvey && hasWave) return subject
  if (hasSurvey) return `${subject} (${wave})`
  if (hasWave) return `${subject} – ${survey}`
  return `${subject} – ${survey} (${wave})`
}

function htmlOf(body: string, link: string): string {
  const paragraphs = body.split(/\n{2,}/).map((p) => escapeHtml(p).replace(/\n/g, '<br>'))
  const safeLink = escapeHtml(link)
  return paragraphs.map((p) => `<p>${p.split(safeLink).join(`<a href="${safeLink}">${safeLink}</a>`)}</p>`).join('\n')
}

/**
 * The e-mail for one organisation. Welsh comes first when both languages are sent, as the
 * Welsh Language Standards expect of bilingual correspondence.
 */
export function composeMessage(
  texts: WaveMessages,
  kind: MessageKind,
  preference: string,
  available: Language[],
  valuesIn: (language: Language) => Placeholders,
): { subject: string; text: string; html: string } {
  const wanted: Language[] = preference === 'both' ? ['cy', 'en'] : preference === 'cy' ? ['cy'] : ['en']
  const languages = wanted.filter((l) => available.includes(l) && texts[l])
  if (languages.length === 0) languages.push(available.includes('en') && texts.en ? 'en' : (available[0] as Language))
  const parts = languages.map((l) => {
    const text = texts[l]![kind]
    const values = valuesIn(l)
    return { subject: subjectNamingSurveyAndWave(fillPlaceholders(text.subject, values), values.survey, values.wave), body: fillPlaceholders(text.body, values), link: values.link }
  })
  return {
    subject: parts.map((p) => p.subject).join(' / '),
    text: parts.map((p) => p.body).join('\n\n----------\n\n'),
    html: parts.map((p) => htmlOf(p.body, p.link)).join('\n<hr>\n'),
  }
}
