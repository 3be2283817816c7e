// Slows down guessing: a key (a client address, an account) with too many failures in a window
// is refused until the window passes, so a lucky guess of a link or password cannot be confirmed.
export class FailureLimiter {
  private readonly failures = new Map<string, { count: number; resetAt: number }>()

  constructor(
    private readonly maxFailures = 20,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  blocked(client: string): boolean {
    const entry = this.failures.get(client)
    if (!entry) return false
    if (entry.resetAt <= this.now()) {
      this.failures.delete(client)
      return false
    }
    return entry.count >= this.maxFailures
  }

  recordFailure(client: string): void {
    const current = this.failures.get(client)
    if (!current || current.resetAt <= this.now()) this.failures.set(client, { count: 1, resetAt: this.now() + this.windowMs })
    else current.count++
    // Keep memory bounded: forget the oldest clients when too many are tracked.
    if (this.failures.size > 10_000) {
      const oldest = this.failures.keys().next().value
      if (oldest !== undefined) this.failures.delete(oldest)
    }
  }
}
