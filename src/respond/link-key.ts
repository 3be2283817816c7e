// The key of the personal links' hashes (link-tokens.ts). It lives outside the database, so that a
// copy of the database (a backup, a dump handed to someone) opens no link: LINK_TOKEN_KEY, or
// else a key made once, at the first start, in the data folder (link-token.key, 0600). Every
// process serving one database needs the same key: several machines on one PostgreSQL set
// LINK_TOKEN_KEY. Losing the key loses every link sent so far (the team reissues them).
import { randomBytes } from 'node:crypto'
import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LINK_KEY_BYTES, parseLinkKey as parseKey, type AppConfig } from '../config.js'
import { isPostgresUrl } from '../db/database.js'
import { PRIVATE_FILE, privateFile, privateFolder } from '../db/private-files.js'

const LINK_KEY_FILE = 'link-token.key'

export function linkTokenKeyFor(config: Pick<AppConfig, 'linkTokenKey' | 'dataDir' | 'databaseUrl'>, warn: (message: string) => void = () => {}): Buffer {
  if (config.linkTokenKey) return parseKey(config.linkTokenKey, 'LINK_TOKEN_KEY')
  const file = join(config.dataDir, LINK_KEY_FILE)
  if (existsSync(file)) {
    privateFile(file)
  } else {
    privateFolder(config.dataDir)
    // Written whole under another name, then linked into place: of two processes starting at
    // once, one key wins and neither reads a half-written file.
    const written = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`
    writeFileSync(written, `${randomBytes(LINK_KEY_BYTES).toString('base64')}\n`, { mode: PRIVATE_FILE, flag: 'wx' })
    try {
      linkSync(written, file)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    } finally {
      rmSync(written, { force: true })
    }
  }
  if (isPostgresUrl(config.databaseUrl)) warn(`LINK_TOKEN_KEY is not set, so the personal links' key is ${file}: every process on this database must have the same key, so set LINK_TOKEN_KEY on each`)
  return parseKey(readFileSync(file, 'utf8'), file)
}
