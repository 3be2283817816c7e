// What the server writes holds personal data and secrets (the database, e-mails with personal
// links, backups, the link key), so nobody else on the machine may read it: files 0600, folders
// 0700. The process's umask makes everything it creates so, whichever code creates it (SQLite's
// -wal and -shm files included); the helpers below also tighten what an earlier version left
// readable.
import { chmodSync, existsSync, mkdirSync } from 'node:fs'

export const PRIVATE_FILE = 0o600
export const PRIVATE_FOLDER = 0o700

/** From now on this process creates files 0600 and folders 0700. */
export function keepNewFilesPrivate(): void {
  process.umask(0o077)
}

/** Creates the folder (and its parents) for private files, or tightens it if it exists. */
export function privateFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_FOLDER })
  tighten(path, PRIVATE_FOLDER)
}

/** Tightens an existing file to 0600. */
export function privateFile(path: string): void {
  if (existsSync(path)) tighten(path, PRIVATE_FILE)
}

function tighten(path: string, mode: number): void {
  try {
    chmodSync(path, mode)
  } catch {
    // Not ours (a folder the operator shares): left as the operator set it.
  }
}
