// The confirmation e-mail after submission: the reference and a copy of every answer, in plain
// text and HTML (every value escaped), in the language the respondent used.
import { escapeHtml } from '../mail/html.js'
import type { Translate } from '../i18n/catalogue.js'
import type { OutgoingMessage } from '../mail/outbox.js'
import type { SummarySection } from './answer-summary.js'


export interface ConfirmationInput {
  responseId: string
  submittedAt: string
  reference: string
  waveId: string
  organisationId: string
  organisationName: string
  surveyTitle: string
  waveLabel: string
  teamName: string
  teamEmail: string
  to: string[]
  sections: SummarySection[]
  t: Translate
}

export function confirmationMessage(input: ConfirmationInput): OutgoingMessage {
  const { t } = input
  // Names the wave as well as the survey: an organisation may answer two waves of one survey.
  const subject = t('mail.confirmation.subject', { survey: input.surveyTitle, wave: input.waveLabel, reference: input.reference })
  const intro = t('mail.confirmation.intro', { organisation: input.organisationName, survey: input.surveyTitle })
  const reference = t('mail.confirmation.reference', { reference: input.reference })
  const contact = t('mail.confirmation.contact', { team: input.teamName, email: input.teamEmail })
  const text = [
    intro,
    '',
    reference,
    '',
    ...input.sections.flatMap((s) => [s.title, '='.repeat(Math.min(s.title.length, 70)), ...s.rows.flatMap((r) => [r.question, ...r.answer.map((a) => `  ${a}`), '']), '']),
    contact,
  ].join('\n')
  const html = [
    `<p>${escapeHtml(intro)}</p>`,
    `<p><strong>${escapeHtml(reference)}</strong></p>`,
    ...input.sections.map(
      (s) =>
        `<h2>${escapeHtml(s.title)}</h2><table>${s.rows
          .map((r) => `<tr><th style="text-align:left;vertical-align:top;padding:4px 12px 4px 0">${escapeHtml(r.question)}</th><td style="padding:4px 0">${r.answer.map(escapeHtml).join('<br>')}</td></tr>`)
          .join('')}</table>`,
    ),
    `<p>${escapeHtml(contact)}</p>`,
  ].join('\n')
  return {
    dedupeKey: `confirmation:${input.responseId}:${input.submittedAt}`,
    kind: 'confirmation',
    waveId: input.waveId,
    organisationId: input.organisationId,
    to: input.to,
    fromName: input.teamName,
    replyTo: input.teamEmail,
    subject,
    text,
    html,
  }
}
