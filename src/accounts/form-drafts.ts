// A team member whose session ended while filling a form gets it back filled after signing in
// again, and submits it themselves: nothing they typed is lost, and nothing is done without them
// seeing it again. The sign-in page carries what was typed (only when the post came from this
// service's own form: its CSRF token was good); signing in keeps it for the new session, and the
// form's page takes it, once. Passwords are never carried, and files cannot be (the person
// chooses the file again).
import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { nowIso } from '../db/ids.js'
import type { Database } from '../db/schema.js'
import { SESSION_COOKIE, sha256 } from './sessions.js'

export type CarriedFields = Record<string, string | string[]>

declare module 'fastify' {
  interface FastifyRequest {
    /** What the person typed before signing in again, when this page is the form it came from. */
    restoredForm?: CarriedFields
  }
}

/** Drafts older than this are not offered: the person has moved on. */
const DRAFT_MINUTES = 60

/** The text fields of a posted form worth carrying: no CSRF token, no passwords, no files. */
export function carriedFields(body: unknown): { fields: CarriedFields; droppedFile: boolean } {
  const fields: CarriedFields = {}
  let droppedFile = false
  if (!body || typeof body !== 'object') return { fields, droppedFile }
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name === '_csrf' || /password/i.test(name)) continue
    if (typeof value === 'string') fields[name] = value
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) fields[name] = value as string[]
    else droppedFile = true
  }
  return { fields, droppedFile }
}

export const encodeCarried = (fields: CarriedFields): string => Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url')

function parseFields(json: string): CarriedFields | undefined {
  try {
    const { fields } = carriedFields(JSON.parse(json))
    return Object.keys(fields).length ? fields : undefined
  } catch {
    return undefined
  }
}

export const decodeCarried = (raw: string | undefined): CarriedFields | undefined => (raw ? parseFields(Buffer.from(raw, 'base64url').toString('utf8')) : undefined)

export async function keepFormDraft(db: Kysely<Database>, sessionSecret: string, path: string, fields: CarriedFields): Promise<void> {
  await db.insertInto('form_drafts').values({ session_id: sha256(sessionSecret), path, fields_json: JSON.stringify(fields), created_at: nowIso() }).execute()
}

/**
 * The draft kept for this session and this page, taken once (a reload shows the saved values
 * again). Also set on the request, so the page can say where the values came from.
 */
export async function takeFormDraft(db: Kysely<Database>, request: FastifyRequest): Promise<CarriedFields | undefined> {
  const secret = request.cookies[SESSION_COOKIE]
  if (!secret || !request.user) return undefined
  const id = sha256(secret)
  const row = await db.selectFrom('form_drafts').select(['path', 'fields_json', 'created_at']).where('session_id', '=', id).executeTakeFirst()
  if (!row || row.path !== request.url.split('?')[0]) return undefined
  await db.deleteFrom('form_drafts').where('session_id', '=', id).execute()
  if (row.created_at < nowIso(new Date(Date.now() - DRAFT_MINUTES * 60_000))) return undefined
  request.restoredForm = parseFields(row.fields_json)
  return request.restoredForm
}
