// An organisation's own page: its details, contacts and the waves it is in, and the corrections a
// research team makes between imports: its name, type, language and attributes; a contact added
// beside the others (and sent the invitation of an open wave, if the team wants), changed or
// removed; the organisation deactivated and reactivated. Analysts read; only admins change.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../accounts/audit.js'
import { ID_PATTERN } from '../db/ids.js'
import { translator } from '../i18n/catalogue.js'
import { formatUkDate } from '../i18n/uk-dates.js'
import { isEmailAddress } from '../mail/address.js'
import { localize } from '../questionnaire/model.js'
import { attributeLabel } from '../web/attribute-label.js'
import { redirectDone } from '../web/done-notice.js'
import { renderTeamPage } from '../web/render.js'
import { LANGUAGES } from './organisation-import.js'
import {
  addContact,
  contactsOf,
  deactivateOrganisation,
  getOrganisation,
  openWavesNotSubmitted,
  reactivateOrganisation,
  removeContact,
  updateContact,
  updateOrganisation,
  wavesOf,
} from './organisations.js'
import { sendInvitation } from './waves.js'

type Fields = Record<string, string | string[] | undefined>
type Organisation = NonNullable<Awaited<ReturnType<typeof getOrganisation>>>
interface Params {
  id: string
  contactId?: string
}

const t = translator('en')
const params = { type: 'object', properties: { id: { type: 'string', pattern: ID_PATTERN }, contactId: { type: 'string', pattern: ID_PATTERN } }, required: ['id'] } as const
const formBody = { type: 'object', maxProperties: 200, additionalProperties: { anyOf: [{ type: 'string', maxLength: 1000 }, { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 1000 } }] } } as const

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value ?? '').trim()
}

/** How an attribute typed as a label is stored: as a CSV column would be (lower case, underscores), so exports keep one variable name. */
function attributeName(typed: string): string {
  return typed.trim().toLowerCase().replace(/\s+/g, '_')
}

export async function organisationPageRoutes(app: FastifyInstance) {
  async function load(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply): Promise<Organisation | undefined> {
    const organisation = await getOrganisation(app.db, request.params.id)
    if (!organisation) await reply.callNotFound()
    return organisation
  }

  const pageOf = (id: string) => `/admin/organisations/${id}`

  app.get<{ Params: Params }>('/admin/organisations/:id', { schema: { params }, onRequest: app.requireUser }, async (request, reply) => {
    const organisation = await load(request, reply)
    if (!organisation) return reply
    const waves = (await wavesOf(app.db, organisation.id)).map((w) => {
      const version = app.catalogue.find(w.survey_id, w.version)
      return { ...w, title: version ? localize(version.definition.title, 'en') : w.survey_id }
    })
    return renderTeamPage(request, reply, 'admin/organisation', {
      organisation,
      attributes: Object.entries(organisation.attributes).map(([name, value]) => ({ label: attributeLabel(name), value })),
      contacts: await contactsOf(app.db, organisation.id),
      waves,
      deactivated: organisation.deactivated_at ? formatUkDate(organisation.deactivated_at, t) : null,
      isAdmin: request.user?.role === 'admin',
    })
  })

  // Details: name, type, language and attributes.
  function detailsForm(request: FastifyRequest, reply: FastifyReply, organisation: Organisation, values: Fields, errors: Record<string, string>, status = 200) {
    const attributes = Object.entries(organisation.attributes).map(([name, value], i) => ({ index: i, name, label: attributeLabel(name), value: values[`attribute_value_${i}`] ?? value }))
    return renderTeamPage(request, reply, 'admin/organisation-edit', { organisation, attributes, values, errors, languageChoices: LANGUAGES }, status)
  }

  app.get<{ Params: Params }>('/admin/organisations/:id/edit', { schema: { params }, onRequest: app.requireAdmin }, async (request, reply) => {
    const organisation = await load(request, reply)
    if (!organisation) return reply
    return detailsForm(request, reply, organisation, { name: organisation.name, type: organisation.type, language: organisation.language }, {})
  })

  app.post<{ Params: Params; Body: Fields }>('/admin/organisations/:id/edit', { schema: { params, body: formBody }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
    const organisation = await load(request, reply)
    if (!organisation) return reply
    const b = request.body
    const name = first(b.name)
    const type = first(b.type)
    const language = first(b.language)
    // Errors in the order of the fields, so the summary reads down the page.
    const errors: Record<string, string> = {}
    if (!name) errors.name = t('admin.org_page.error.name')
    else if (name.length > 300) errors.name = t('admin.org_page.error.name_long')
    if (!type) errors.type = t('admin.org_page.error.type')
    else if (type.length > 100) errors.type = t('admin.org_page.error.type_long')
    if (!(LANGUAGES as readonly string[]).includes(language)) errors.language = t('admin.org_page.error.language')
    const attributes: Record<string, string> = {}
    Object.keys(organisation.attributes).forEach((stored, i) => {
      const value = first(b[`attribute_value_${i}`])
      // Left blank, an attribute is removed.
      if (value) attributes[stored] = value
    })
    const newName = attributeName(first(b.new_attribute_name))
    const newValue = first(b.new_attribute_value)
    if (newValue && !newName) errors.new_attribute_name = t('admin.org_page.error.attribute_name')
    else if (newName && newName in organisation.attributes) errors.new_attribute_name = t('admin.org_page.error.attribute_exists', { label: attributeLabel(newName) })
    else if (newName && !newValue) errors.new_attribute_value = t('admin.org_page.error.attribute_value', { label: attributeLabel(newName) })
    else if (newName) attributes[newName] = newValue
    if (Object.keys(errors).length) return detailsForm(request, reply, organisation, b, errors, 400)
    const changed = [
      ...(['name', 'type', 'language'] as const).filter((field) => organisation[field] !== { name, type, language }[field]),
      ...[...new Set([...Object.keys(organisation.attributes), ...Object.keys(attributes)])].filter((a) => organisation.attributes[a] !== attributes[a]),
    ]
    await updateOrganisation(app.db, organisation.id, { name, type, language, attributes })
    await audit(app.db, request.user!, 'organisation_updated', { organisationId: organisation.id, code: organisation.code, organisation: name, changed })
    return redirectDone(reply, pageOf(organisation.id), 'organisation_updated')
  })

  // Contacts: added beside the others, changed, removed.
  async function contactForm(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, organisation: Organisation, values: Fields, errors: Record<string, string>, status = 200) {
    return renderTeamPage(
      request,
      reply,
      'admin/organisation-contact',
      { organisation, contactId: request.params.contactId ?? null, openWaves: await openWavesNotSubmitted(app.db, organisation.id), values, errors },
      status,
    )
  }

  async function loadContact(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, organisation: Organisation) {
    const contact = (await contactsOf(app.db, organisation.id)).find((c) => c.id === request.params.contactId)
    if (!contact) await reply.callNotFound()
    return contact
  }

  app.get<{ Params: Params }>('/admin/organisations/:id/contacts/new', { schema: { params }, onRequest: app.requireAdmin }, async (request, reply) => {
    const organisation = await load(request, reply)
    if (!organisation) return reply
    return contactForm(request, reply, organisation, {}, {})
  })

  app.get<{ Params: Params }>('/admin/organisations/:id/contacts/:contactId', { schema: { params }, onRequest: app.requireAdmin }, async (request, reply) => {
    const organisation = await load(request, reply)
    if (!organisation) return reply
    const contact = await loadContact(request, reply, organisation)
    if (!contact) return reply
    return contactForm(request, reply, organisation, { contact_name: contact.name, contact_email: contact.email, contact_role: contact.role ?? '' }, {})
  })

  /** Checks the contact form; returns the contact, or renders the form with its errors. */
  async function checkedContact(request: FastifyRequest<{ Params: Params; Body: Fields }>, reply: FastifyReply, organisation: Organisation) {
    const b = request.body
    const contact = { name: first(b.contact_name), email: first(b.contact_email).toLowerCase(), role: first(b.contact_role) || null }
    const errors: Record<string, string> = {}
    if (!contact.name) errors.contact_name = t('admin.organisation.error.name')
    else if (contact.name.length > 300) errors.contact_name = t('admin.org_page.error.contact_name_long')
    if (!isEmailAddress(contact.email) || contact.email.length > 320) errors.contact_email = t('admin.organisation.error.email')
    else if ((await contactsOf(app.db, organisation.id)).some((c) => c.email === contact.email && c.id !== request.params.contactId)) errors.contact_email = t('admin.org_page.error.contact_twice', { email: contact.email })
    if ((contact.role ?? '').length > 200) errors.contact_role = t('admin.org_page.error.contact_role_long')
    if (Object.keys(errors).length) {
      await contactForm(request, reply, organisation, b, errors, 400)
      return undefined
    }
    return contact
  }

  /** Sends the invitation of each open wave the team ticked to this one contact, at its organisation's current link. */
  async function inviteContact(request: FastifyRequest<{ Params: Params; Body: Fields }>, organisation: Organisation, contactId: string, email: string): Promise<number> {
    const chosen = new Set(([] as string[]).concat(request.body.send_invitation ?? []))
    let sent = 0
    for (const wave of await openWavesNotSubmitted(app.db, organisation.id)) {
      if (!chosen.has(wave.waveId)) continue
      if (await sendInvitation(app.db, wave.waveId, organisation.id, { catalogue: app.catalogue }, `invitation:contact:${contactId}:${email}:${wave.waveId}`, [email])) sent++
    }
    return sent
  }

  app.post<{ Params: Params; Body: Fields }>('/admin/organisations/:id/contacts', { schema: { params, body: formBody }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
    const organisation = await load(request, reply)
    if (!organisation) return reply
    const contact = await checkedContact(request, reply, organisation)
    if (!contact) return reply
    const contactId = await addContact(app.db, organisation.id, contact)
    const invited = await inviteContact(request, organisation, contactId, contact.email)
    await audit(app.db, request.user!, 'contact_added', { organisationId: organisation.id, organisation: organisation.name, email: contact.email, invitations: invited })
    return invited ? redirectDone(reply, pageOf(organisation.id), 'contact_added_invited', invited) : redirectDone(reply, pageOf(organisation.id), 'contact_added')
  })

  app.post<{ Params: Params; Body: Fields }>('/admin/organisations/:id/contacts/:contactId', { schema: { params, body: formBody }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
    const organisation = await load(request, reply)
    if (!organisation) return reply
    const before = await loadContact(request, reply, organisation)
    if (!before) return reply
    const contact = await checkedContact(request, reply, organisation)
    if (!contact) return reply
    await updateContact(app.db, organisation.id, before.id, contact)
    const invited = await inviteContact(request, organisation, before.id, contact.email)
    await audit(app.db, request.user!, 'contact_changed', { organisationId: organisation.id, organisation: organisation.name, from: before.email, email: contact.email, invitations: invited })
    return invited ? redirectDone(reply, pageOf(organisation.id), 'contact_changed_invited', invited) : redirectDone(reply, pageOf(organisation.id), 'contact_changed')
  })

  app.post<{ Params: Params; Body: Fields }>('/admin/organisations/:id/contacts/:contactId/remove', { schema: { params, body: formBody }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
    const organisation = await load(request, reply)
    if (!organisation) return reply
    const contact = await loadContact(request, reply, organisation)
    if (!contact) return reply
    if ((await removeContact(app.db, organisation.id, contact.id)) === 'last_in_open_wave') {
      return contactForm(request, reply, organisation, { contact_name: contact.name, contact_email: contact.email, contact_role: contact.role ?? '' }, { remove: t('admin.org_page.error.last_contact') }, 409)
    }
    await audit(app.db, request.user!, 'contact_removed', { organisationId: organisation.id, organisation: organisation.name, email: contact.email })
    return redirectDone(reply, pageOf(organisation.id), 'contact_removed')
  })

  // Deactivated, an organisation is never invited again; its waves and answers stay.
  const statusChanges = {
    deactivate: async (id: string) => ({ leftDraftWaves: (await deactivateOrganisation(app.db, id)).leftDrafts }),
    reactivate: async (id: string) => (await reactivateOrganisation(app.db, id), {}),
  }
  for (const [change, apply] of Object.entries(statusChanges)) {
    app.post<{ Params: Params; Body: Fields }>(`/admin/organisations/:id/${change}`, { schema: { params, body: formBody }, onRequest: app.requireAdmin, preHandler: app.csrfProtection }, async (request, reply) => {
      const organisation = await load(request, reply)
      if (!organisation) return reply
      const details = await apply(organisation.id)
      await audit(app.db, request.user!, `organisation_${change}d`, { organisationId: organisation.id, code: organisation.code, organisation: organisation.name, ...details })
      return redirectDone(reply, pageOf(organisation.id), `organisation_${change}d`)
    })
  }
}
