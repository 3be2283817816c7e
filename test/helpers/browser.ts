// Headless Chromium from Debian's package, driven by playwright-core, for tests that need a
// real browser. The flags keep it from reaching for the network, which this machine lacks.
import { existsSync, readFileSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { FastifyInstance } from 'fastify'
import { openTestWave } from './waves.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function browserAvailable(): { available: boolean; reason?: string } {
  if (existsSync(CHROMIUM)) return { available: true }
  if (process.env.CI) throw new Error(`CI must run the browser tests: ${CHROMIUM} is missing (see .ci/run)`)
  return { available: false, reason: `browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)` }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

const AXE_SOURCE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: string[]
}

/** Runs axe-core in the page (WCAG 2.2 A and AA rules and best practices) and returns its violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { html: string }[] }[] }> } }).axe
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.html.slice(0, 200)) }))
  })
}

/** A page in a fresh browser context signed in to the app with the given role. */
export async function signedInPage(browser: Browser, address: string, sessionCookie: string): Promise<Page> {
  const context = await browser.newContext()
  await context.addCookies([{ name: 'sid', value: sessionCookie.replace(/^sid=/, ''), url: address }])
  return context.newPage()
}

/** A browser context with JavaScript switched off, as on a locked-down council laptop. */
export async function withoutJavaScript(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ javaScriptEnabled: false })
}

/**
 * axe-core needs JavaScript, which a page opened without it cannot run: the page as that browser
 * received it (the same HTML at the same address, so styles load alike) is audited in a second
 * context that has JavaScript.
 */
export async function axeViolationsWithoutJavaScript(browser: Browser, page: Page): Promise<AxeViolation[]> {
  const html = await page.content()
  // One auditing context per browser: creating a context per audit cost more than the audit.
  let auditor = auditors.get(browser)
  if (!auditor) {
    auditor = await (await browser.newContext()).newPage()
    auditors.set(browser, auditor)
  }
  const url = page.url()
  await auditor.route(url, (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }))
  try {
    await auditor.goto(url)
    return await axeViolations(auditor)
  } finally {
    await auditor.unroute(url)
  }
}

const auditors = new WeakMap<Browser, Page>()

/** Answers every question on the page: first option, "2" for numbers, a date, some text, an e-mail address, telephone number and postcode; `chosen` overrides by field name. */
export async function fillPage(page: Page, chosen: Record<string, string | string[]>) {
  const radios = await page.locator('input[type=radio]').evaluateAll((els) => [...new Set(els.map((e) => (e as HTMLInputElement).name))])
  for (const name of radios) {
    const value = chosen[name]
    await page.check(value ? `input[name="${name}"][value="${value}"]` : `input[name="${name}"] >> nth=0`)
  }
  const boxes = await page.locator('input[type=checkbox]').evaluateAll((els) => [...new Set(els.map((e) => (e as HTMLInputElement).name))])
  for (const name of boxes.filter((n) => !n.endsWith('__dont_know'))) {
    const values = ([] as string[]).concat(chosen[name] ?? [])
    if (values.length) for (const v of values) await page.check(`input[name="${name}"][value="${v}"]`)
    else await page.check(`input[name="${name}"] >> nth=0`)
  }
  for (const input of await page.locator('input[type=text], input[type=email], input[type=tel], textarea').all()) {
    const name = (await input.getAttribute('name'))!
    const value = chosen[name] as string | undefined
    if (value !== undefined) await input.fill(value)
    else if (name.endsWith('__day')) await input.fill('14')
    else if (name.endsWith('__month')) await input.fill('2')
    else if (name.endsWith('__year')) await input.fill('2020')
    else if (['numeric', 'decimal'].includes((await input.getAttribute('inputmode')) ?? '')) await input.fill('2')
    else if ((await input.getAttribute('type')) === 'email') await input.fill('someone@example.org')
    else if ((await input.getAttribute('type')) === 'tel') await input.fill('020 7946 0000')
    else if ((await input.getAttribute('autocomplete')) === 'postal-code') await input.fill('SW1A 1AA')
    else await input.fill(`Answer to ${name}`)
  }
}


/**
 * One organisation of a fresh wave, its link opened by a browser with JavaScript off: the app
 * listens on a free port and the browser is closed when the test ends.
 */
export async function respondentWithoutJavaScript(t: { teardown(fn: () => unknown): void }, app: FastifyInstance, wave: Parameters<typeof openTestWave>[1] = {}) {
  const opened = await openTestWave(app, { ...wave, organisations: ['ORG0001'] })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launchBrowser()
  t.teardown(() => browser.close())
  const context = await withoutJavaScript(browser)
  return { wave: opened, link: `${address}/r/${opened.tokens.ORG0001}`, browser, context, page: await context.newPage() }
}

/**
 * A member of the research team signed in (an admin unless told), in a browser with JavaScript
 * off: the app listens on a free port and the browser is closed when the test ends.
 */
export async function teamMemberWithoutJavaScript(t: { teardown(fn: () => unknown): void }, app: FastifyInstance, role: 'admin' | 'analyst' = 'admin') {
  const { signIn } = await import('./app.js')
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launchBrowser()
  t.teardown(() => browser.close())
  const context = await withoutJavaScript(browser)
  await context.addCookies([{ name: 'sid', value: (await signIn(app, role)).replace(/^sid=/, ''), url: address }])
  return { address, browser, context, page: await context.newPage() }
}
