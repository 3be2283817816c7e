// The research team's organisations in a real browser with JavaScript off: files as Excel writes
// them imported with their names intact (read back on the pages), a re-import previewed then
// applied, an organisation corrected and a second contact added; every page and state, errors
// included, audited by axe-core.
import t from 'tap'
import type { Page } from 'playwright-core'
import { axeViolationsWithoutJavaScript, browserAvailable, teamMemberWithoutJavaScript } from '../helpers/browser.js'
import { buildTestApp } from '../helpers/app.js'
import { excelCsv, workbook } from '../helpers/excel-files.js'

const { available, reason } = browserAvailable()

const HEADER = ['code', 'name', 'type', 'region', 'contact_name', 'contact_email', 'language']

if (!available) {
  t.test('organisations in the browser', { skip: reason }, async () => {})
} else {
  t.test('imports, a re-import, corrections and a second contact, without JavaScript', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false })
    const { address, browser, page } = await teamMemberWithoutJavaScript(t, app)

    const audited = async (what: string) => t.same(await axeViolationsWithoutJavaScript(browser, page), [], `${what}: no accessibility violations`)
    const importFile = async (name: string, mimeType: string, buffer: Buffer) => {
      await page.goto(`${address}/admin/organisations`)
      await page.setInputFiles('#csv', { name, mimeType, buffer })
      await page.click('button:has-text("Import")')
    }
    const banner = async (p: Page) => (await p.locator('.govuk-notification-banner--success').innerText()).replace(/\s+/g, ' ').trim()

    await page.goto(`${address}/admin/organisations`)
    await audited('the empty list')

    // A file that is not a list of organisations, and one with a bad row.
    await importFile('organisations.pdf', 'application/pdf', Buffer.from('%PDF-1.7\n'))
    t.match(await page.locator('.govuk-error-summary').innerText(), 'This is a PDF, which cannot be imported.')
    await audited('a file refused')
    await importFile('bad.csv', 'text/csv', excelCsv([HEADER, ['W1', 'Cyngor Gwynedd', 'local authority', 'Wales', 'Siân', 'not-an-email', 'cy'], ['W2', '', 'local authority', 'Wales', 'Dai', 'dai@example.org', 'cy']]))
    const summary = await page.locator('.govuk-error-summary__list li').allInnerTexts()
    t.same(summary, ['Line 2: "not-an-email" is not a valid e-mail address', 'Line 3: the name is missing'], 'problems by line')
    await audited('a file with bad rows')

    // Windows-1252, as Excel's "CSV (Comma delimited)" writes it.
    await importFile('welsh.csv', 'text/csv', excelCsv([HEADER, ['W06000001', 'Cyngor Sir Ynys Môn', 'local authority', 'Wales', 'Siân Hughes', 'sian@ynysmon.example', 'both'], ['W06000014', 'Bro Morgannwg – Vale of Glamorgan', 'local authority', 'Wales', 'Rhodri', 'rhodri@vale.example', 'both']]))
    t.equal(await banner(page), 'Success 2 organisations added')
    t.match(await page.locator('table').innerText(), 'Cyngor Sir Ynys Môn')
    t.match(await page.locator('table').innerText(), 'Bro Morgannwg – Vale of Glamorgan')
    await audited('the list after an import')

    // Semicolons, as Excel writes CSV in many European locales.
    await importFile('prisons.csv', 'text/csv', excelCsv([['code', 'name', 'type', 'prison_category', 'contact_name', 'contact_email'], ['P1', 'HMP Example, North', 'prison', 'B', 'Zoë Brontë', 'zoe@hmp.example']], ';'))
    t.equal(await banner(page), 'Success 1 organisation added')
    // The .xlsx itself.
    await importFile('more.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', await workbook([['Code', 'Name', 'Type', 'Contact name', 'Contact email'], ['P2', { richText: [{ text: 'CEM ' }, { text: 'Abertawe' }] }, 'prison', 'Gwenllïan', 'gwen@abertawe.example']]))
    t.equal(await banner(page), 'Success 1 organisation added')
    await page.fill('#q', 'hmp example')
    await page.click('button:has-text("Search")')
    t.match(await page.locator('table').innerText(), 'HMP Example, North')
    t.match(await page.locator('table').innerText(), 'Prison category: B', 'the attribute shown as a label')
    t.match(await page.locator('table').innerText(), 'Zoë Brontë')
    await audited('a search')
    await page.goto(`${address}/admin/organisations?q=abertawe`)
    t.match(await page.locator('table').innerText(), 'CEM Abertawe')

    // A re-import: one name corrected, a contact added to another, a new organisation.
    await importFile('welsh-again.csv', 'text/csv', excelCsv([HEADER,
      ['W06000001', 'Cyngor Sir Ynys Môn – Isle of Anglesey', 'local authority', 'Wales', 'Siân Hughes', 'sian@ynysmon.example', 'both'],
      ['W06000014', 'Bro Morgannwg – Vale of Glamorgan', 'local authority', 'Wales', 'Rhodri', 'rhodri@vale.example', 'both'],
      ['W06000014', 'Bro Morgannwg – Vale of Glamorgan', 'local authority', 'Wales', 'Ffion', 'ffion@vale.example', 'both'],
      ['W06000023', 'Cyngor Sir Powys', 'local authority', 'Wales', 'Owain', 'owain@powys.example', 'cy'],
    ]))
    t.match(page.url(), /\/admin\/organisations\/imports\//)
    const preview = await page.locator('main').innerText()
    t.match(preview, 'Check the changes before applying them')
    t.match(preview, /New organisations\s+1 organisation/)
    t.match(preview, /Organisations that would change\s+2 organisations/)
    t.match(preview, 'Cyngor Sir Ynys Môn → Cyngor Sir Ynys Môn – Isle of Anglesey')
    t.match(preview, /Contact added\s+Ffion <ffion@vale.example>/)
    t.match(preview, 'Cyngor Sir Powys (W06000023)')
    await audited('the re-import preview')
    await page.goto(`${address}/admin/organisations?q=W06000001`)
    t.match(await page.locator('table').innerText(), 'Cyngor Sir Ynys Môn', 'nothing changed before confirming')
    t.notMatch(await page.locator('table').innerText(), 'Isle of Anglesey')
    await page.goBack()
    await page.click('button:has-text("Apply these changes")')
    t.equal(await banner(page), 'Success 1 organisation added, 2 changed')
    await page.goto(`${address}/admin/organisations?q=W06000014`)
    t.match(await page.locator('table').innerText(), /Rhodri <rhodri@vale.example>\s*Ffion <ffion@vale.example>/)

    // The organisation's own page: correct its details, add a second contact.
    await page.goto(`${address}/admin/organisations?q=P1`)
    await page.click('a:has-text("HMP Example, North")')
    await audited('an organisation’s page')
    await page.click('a:has-text("Change Details")')
    await audited('the details form')
    await page.fill('#name', '')
    await page.fill('#type', '')
    await page.fill('#new_attribute_value', 'North West')
    await page.click('button:has-text("Save")')
    t.same(await page.locator('.govuk-error-summary__list li').allInnerTexts(), ["Enter the organisation’s name", 'Enter the type of organisation, such as local authority or prison', 'Enter a name for the new attribute, such as Region'], 'errors in the order of the fields')
    t.equal(await page.inputValue('#new_attribute_value'), 'North West', 'what was typed is kept')
    await audited('the details form with errors')
    await page.fill('#name', 'HMP Example (North)')
    await page.fill('#type', 'prison')
    await page.fill('#new_attribute_name', 'Region')
    await page.check('#language-cy')
    await page.click('button:has-text("Save")')
    t.equal(await banner(page), 'Success Organisation details saved')
    const details = await page.locator('.govuk-summary-card').innerText()
    t.match(details, /Name\s+HMP Example \(North\)/)
    t.match(details, /Language of e-mails\s+Welsh/)
    t.match(details, /Region\s+North West/)
    t.match(details, /Prison category\s+B/)

    await page.click('a:has-text("Add a contact")')
    await audited('the new contact form')
    await page.fill('#contact_name', 'Bob Second')
    await page.fill('#contact_email', 'zoe@hmp.example')
    await page.click('button:has-text("Add the contact")')
    t.same(await page.locator('.govuk-error-summary__list li').allInnerTexts(), ['zoe@hmp.example is already a contact of this organisation'])
    await audited('the new contact form with an error')
    await page.fill('#contact_email', 'bob.second@hmp.example')
    await page.click('button:has-text("Add the contact")')
    t.equal(await banner(page), 'Success Contact added')
    t.match(await page.locator('main').innerText(), /Zoë Brontë\s+zoe@hmp.example[\s\S]*Bob Second\s+bob.second@hmp.example/, 'the first contact stays beside the second')

    // Deactivated, then shown as inactive.
    await page.click('button:has-text("Deactivate this organisation")')
    t.match(await banner(page), 'Organisation deactivated')
    t.match(await page.locator('h1').innerText(), 'Inactive')
    await audited('an inactive organisation')
  })
}
