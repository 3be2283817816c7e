// The real server in a child process (node --import tsx src/server.ts, or a compiled .js file
// such as dist/src/server.js with no loader at all), for tests that kill it or run two of them
// side by side.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

export interface ServerProcess {
  url: string
  child: ChildProcess
  output: () => string
  kill(signal?: NodeJS.Signals): Promise<void>
}

export async function startServer(env: Record<string, string>, options: { script?: string; nodeArgs?: string[] } = {}): Promise<ServerProcess> {
  const port = await freePort()
  let output = ''
  const script = options.script ?? 'src/server.ts'
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : []
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: env.LOG_LEVEL ?? 'warn', CI: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  // Through tsx on a machine busy with other test runs, loading the app alone can take 20 s.
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}): ${output}`)
    try {
      const res = await fetch(`${url}/health`)
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Left running, it would keep the test process (and tap) waiting until tap's own timeout.
      child.kill('SIGKILL')
      throw new Error(`The server did not start within 60 s: ${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url,
    child,
    output: () => output,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill(signal)
      }),
  }
}

/** A browser-like client: keeps cookies, reads the CSRF token and page version from a form. */
export class FormClient {
  private cookies = new Map<string, string>()
  constructor(public base: string) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private remember(res: Response) {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';')
      const [name, ...value] = pair.split('=')
      this.cookies.set(name, value.join('='))
    }
  }

  async get(path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(this.base + path, { headers: { cookie: this.cookieHeader() }, redirect: 'manual' })
    this.remember(res)
    return { status: res.status, body: await res.text() }
  }

  async post(path: string, fields: Record<string, string>): Promise<{ status: number; location: string | null; body: string }> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    })
    this.remember(res)
    return { status: res.status, location: res.headers.get('location'), body: await res.text() }
  }

}

export function formToken(html: string): { csrf: string; version: string } {
  return { csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '', version: /name="_page_version" value="(\d+)"/.exec(html)?.[1] ?? '0' }
}
