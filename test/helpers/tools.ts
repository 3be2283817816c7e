// The analysts' tools the export tests run (R, GNU PSPP): outside CI a missing tool skips its
// test, in CI it fails the run, so a green CI always means the files were really read.
import { execFileSync } from 'node:child_process'

export function toolAvailable(command: string, purpose: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    if (process.env.CI) throw new Error(`CI must ${purpose}: ${command} is missing (see .ci/run)`)
    return false
  }
}
