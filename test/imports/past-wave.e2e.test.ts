// Bringing in a past wave in a real browser with JavaScript off: the page with its templates, a
// file refused with its problems, another tool's columns matched (with a mistake first), the
// check before importing, and the imported wave's page; every page and state audited by axe-core.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { axeViolationsWithoutJavaScript, browserAvailable, teamMemberWithoutJavaScript } from '../helpers/browser.js'
import { excelCsv } from '../helpers/excel-files.js'
import { authorityCode, authorityName, HEADER_2015_16, pastWaveRows } from '../helpers/past-wave-file.js'
import { createOrganisation } from '../../src/waves/organisations.js'

const { available, reason } = browserAvailable()

if (!available) {
  t.test('a past wave in the browser', { skip: reason }, async () => {})
} else {
  t.test('a past wave refused, its columns matched, checked and imported, without JavaScript', async (t) => {
    const app = await buildTestApp(t, { mailWorker: false, scheduleWorker: false })
    for (let i = 1; i <= 3; i++) await createOrganisation(app.db, { code: authorityCode(i), name: authorityName(i), type: 'local authority', contacts: [{ name: 'C', email: `c${i}@example.org` }] })
    const { address, browser, page } = await teamMemberWithoutJavaScript(t, app)
    const audited = async (what: string) => t.same(await axeViolationsWithoutJavaScript(browser, page), [], `${what}: no accessibility violations`)
    const uploadFile = async (name: string, buffer: Buffer) => {
      await page.goto(`${address}/admin/imports`)
      await page.selectOption('#version', 'la-release-social-care/2015-16')
      await page.fill('#label', '2015-16')
      await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer })
      await page.click('button:has-text("Check the file")')
    }

    await page.goto(`${address}/admin`)
    await page.click('a:has-text("Bring in a past wave")')
    t.match(await page.locator('h1').innerText(), 'Bring in a past wave')
    await audited('the past wave page')

    await page.click('button:has-text("Check the file")')
    t.same(await page.locator('.govuk-error-summary__list li').allInnerTexts(), ['Choose the questionnaire version the past wave used', 'Enter a label for the wave, such as 2015-16', 'Choose a CSV file or an Excel workbook (.xlsx) to import'], 'errors in the order of the fields')
    await audited('the form with errors')

    await uploadFile('la-2015-16.csv', excelCsv(pastWaveRows(3, (i, cells) => { if (i === 2) cells.prisons_in_area = '21' })))
    t.same(await page.locator('#problems .govuk-error-summary__list li').allInnerTexts(), ['Row 3, column prisons_in_area: 21 is out of range: give a number between 0 and 20, or -9 if it was not answered'])
    t.equal(await page.inputValue('#label'), '2015-16', 'the label is kept')
    await audited('a file refused with its problems')

    const header = HEADER_2015_16.map((h) => (h === 'organisation_code' ? 'LA code' : h))
    await uploadFile('other-tool.csv', excelCsv(pastWaveRows(3, () => {}, header)))
    t.match(await page.locator('h1').innerText(), 'Match the file’s columns to the questionnaire')
    await audited('the column matching page')
    await page.click('button:has-text("Save the choices and check the file")')
    t.same(await page.locator('.govuk-error-summary__list li').allInnerTexts(), ['Column “LA code”: Choose the column that holds the organisation code'])
    await audited('the column matching page with an error')
    await page.selectOption('#column_0', 'organisation_code')
    await page.click('button:has-text("Save the choices and check the file")')
    t.match(await page.locator('h1').innerText(), 'Check the past wave before importing it')
    t.match(await page.locator('#import-summary').innerText(), /Organisations\s+3 organisations/)
    await audited('the check before importing')
    await page.click('button:has-text("Import the wave")')
    t.match(await page.locator('.govuk-notification-banner--success').innerText(), 'Past wave imported: 3 organisations with 45 answers')
    t.match(await page.locator('#imported').innerText(), 'Imported from other-tool.csv')
    await audited('the imported wave’s page')
    await page.goto(`${address}/admin`)
    t.match(await page.locator('table').innerText(), /2015-16\s+Imported/)
    await audited('the waves with an imported one')
  })
}
