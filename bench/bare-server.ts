// The baselines for the HTTP measurements, in a process of their own like the real server: a
// bare Fastify route returning a fixed page (BARE_HTML_FILE) and a bare route inserting one row
// with better-sqlite3 (into BARE_DB), then redirecting as "Save and continue" does.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import SQLite from 'better-sqlite3'
import Fastify from 'fastify'
import formbody from '@fastify/formbody'

const html = readFileSync(process.env.BARE_HTML_FILE!, 'utf8')
const db = new SQLite(process.env.BARE_DB!)
db.pragma('journal_mode = WAL')
db.exec('create table if not exists response_answers (response_id text, question_id text, page_id text, answer_json text, updated_at text, primary key (response_id, question_id))')
const insert = db.prepare('insert or replace into response_answers values (?, ?, ?, ?, ?)')

const app = Fastify()
await app.register(formbody)
app.get('/health', async () => ({ ok: true }))
app.get('/page', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html))
app.post('/save', async (req, reply) => {
  const body = req.body as Record<string, string>
  insert.run(randomUUID(), 'q0', 'first', JSON.stringify({ code: Number(body.q0) }), new Date().toISOString())
  return reply.redirect('/page', 303)
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
