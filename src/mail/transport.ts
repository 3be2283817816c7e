// Where e-mail goes: an SMTP server when SMTP_URL is set; otherwise .eml files under data/mail,
// so the whole flow works on a fresh machine and a developer can open what was "sent".
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { PRIVATE_FILE, privateFolder } from '../db/private-files.js'

export interface MailEnvelope {
  from: string
  to: string
  replyTo?: string
  subject: string
  text: string
  html: string
  messageId: string
}

export interface MailTransport {
  kind: 'smtp' | 'file'
  send(message: MailEnvelope): Promise<{ messageId: string; file?: string }>
  close(): void
}

/**
 * One SMTP connection kept open for message after message, unless SMTP_URL says ?pool=false: a
 * launch of 3,000 invitations otherwise opens 3,000 connections, each costing a handshake (more
 * than 100 ms apiece even on loopback), and a confirmation waits for them.
 */
function pooled(smtpUrl: string): string {
  const url = new URL(smtpUrl)
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true')
  return url.toString()
}

export function createMailTransport(options: { smtpUrl?: string; mailDir: string }): MailTransport {
  if (options.smtpUrl) {
    const transporter = nodemailer.createTransport(pooled(options.smtpUrl))
    return {
      kind: 'smtp',
      async send(message) {
        const info = await transporter.sendMail(message)
        return { messageId: info.messageId }
      },
      close: () => transporter.close(),
    }
  }
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    kind: 'file',
    async send(message) {
      const info = await transporter.sendMail(message)
      // Each file holds a personal link and the contact's address: for this account only.
      privateFolder(options.mailDir)
      const safeId = message.messageId.replace(/[^A-Za-z0-9.-]/g, '_')
      const file = join(options.mailDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeId}.eml`)
      writeFileSync(file, info.message as Buffer, { mode: PRIVATE_FILE })
      return { messageId: info.messageId, file }
    },
    close: () => transporter.close(),
  }
}
