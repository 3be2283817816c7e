// The benchmark's measure of a server's memory, shared by its parts.
import { readFileSync } from 'node:fs'

/** Resident memory of a process, from Linux's /proc: now (VmRSS) and its peak so far (VmHWM). */
export function residentMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}
