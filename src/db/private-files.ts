// What the server writes holds personal data and secrets (the database, e-mails with personal
// links, backups, the link key), so nobody else on the machine may read it: files 0600, folders
// 0700. The process's umask makes everything it creates so, whichever code creates it (SQLite's
// -wal and -shm files included); the helpers below also tighten the files an earlier version left
// readable. An existing folder keeps its mode: it may be one the operator shares (/tmp, say).
import { chmodSync, existsSync, mkdirSync } from 'node:fs'

export const PRIVATE_FILE = 0o600
const PRIVATE_FOLDER = 0o700

/** From now on this process creates files 0600 and folders 0700. */
export function keepNewFilesPrivate(): void {
  process.umask(0o077)
}

/** Creates the folder (and any missing parents) 0700 for private files; an existing one is left as it is. */
export function privateFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_FOLDER })
}

/** Tightens an existing file to 0600. */
export function privateFile(path: string): void {
  if (!existsSync(path)) return
  try {
    chmodSync(path, PRIVATE_FILE)
  } catch {
    // Not ours to change (another account's file we may only read): left as its owner set it.
  }
}
