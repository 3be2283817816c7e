// `npm run bench` is documented and its figures quoted in the README, but it takes minutes, so CI
// runs it only small: this checks the script still works end to end (servers in their own
// processes, every measure reported, its temporary data removed), not how fast anything is.
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import t from 'tap'

// Eight measures, four servers started and stopped: about 90 s on a quiet 2-core machine, and
// several times that while other work shares the cores; a hang still ends here.
t.setTimeout(600_000)

t.test('the benchmark runs end to end on a small scale and reports every measure', async (t) => {
  const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('bench-')))
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    let output = ''
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], { env: { ...process.env, BENCH_RESPONSES: '300', BENCH_SECONDS: '1', BENCH_ORGANISATIONS: '500', BENCH_DIFF_QUESTIONS: '300', BENCH_CODING: '300', BENCH_IMPORT_WAVE: '300' } })
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('close', (code) => resolve({ code, output }))
  })
  t.equal(code, 0, output.slice(-2000))
  for (const measure of [
    /\(0\) server's resident memory at rest: \d+ MiB just started, \d+ MiB idle after \(1\) and \(2\)/,
    /\(1\) question page: \d+ req\/s, p50 \d+ ms, p99 \d+ ms vs bare route \d+ req\/s, p50 \d+ ms, p99 \d+ ms \(\d+ bytes\): ratio \d+\.\d\d/,
    /\(2\) save and continue: \d+ saves\/s, p50 \d+ ms, p99 \d+ ms vs bare insert \d+\/s, p50 \d+ ms, p99 \d+ ms: ratio \d+\.\d\d/,
    /\(3\) export of 300 responses × 60 questions .*ratio \d+\.\d\d/,
    /\(4\) server's peak resident memory during that export: \d+ MiB/,
    /\(5\) import of 500 organisations \(0\.\d MB of CSV\) through the team's page: \d+\.\d s; server's peak resident memory \d+ MiB/,
    /\(7\) changes page of two versions of 300 questions \(0\.\d\d MB and 0\.\d\d MB\): first request \d+\.\d\d s, second \d+ ms \(kept\); server's peak resident memory \d+ MiB/,
    /\(6\) organisations page 11 of 501 organisations: median \d+ ms, 99th percentile \d+ ms .*a respondent's page at the same time: median \d+ ms/,
    /\(8\) coding grid of 300 answers, first page: \d+ ms median, \d+ ms slowest; the "not yet coded" page with 270 coded: \d+ ms median/,
    /\(8\) theme table of 300 coded answers \(6 codes, by region\): \d+ ms median/,
    /\(9\) import of a past wave of 300 organisations \(0\.\d MB of CSV, 2015-16 survey\) through the team's pages: \d+\.\d s \(upload \d+\.\d s, check of every cell \d+\.\d s, import \d+\.\d s\); server's peak resident memory \d+ MiB/,
  ]) {
    t.match(output, measure)
  }
  t.notMatch(output, /saves failed|requests failed/, 'every benchmark request succeeded')
  const left = readdirSync(tmpdir()).filter((f) => f.startsWith('bench-') && !before.has(f))
  t.same(left, [], 'the generated data is removed')
})
