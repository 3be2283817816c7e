// Eta with compiled templates and resolved include paths kept. Eta resolves the file path of
// every include on every render (building a JSON cache key, checking the path stays inside the
// views folder); a question page includes a partial per question, so that was a tenth of the
// page's time. The set of (template, includer) pairs is small and fixed, so the memo is bounded.
import { Eta } from 'eta'

export function cachedEta(views: string): Eta {
  const eta = new Eta({ views, autoEscape: true, cache: true })
  const resolve = eta.resolvePath!.bind(eta)
  const resolved = new Map<string, string>()
  eta.resolvePath = (template, options) => {
    const key = `${options?.filepath ?? ''}\u0000${template}`
    let path = resolved.get(key)
    if (path === undefined) {
      path = resolve(template, options)
      resolved.set(key, path)
    }
    return path
  }
  return eta
}
