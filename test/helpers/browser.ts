// Headless Chromium from Debian's package, driven by playwright-core, for tests that need a
// real browser. The flags keep it from reaching for the network, which this machine lacks.
import { existsSync, readFileSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

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
