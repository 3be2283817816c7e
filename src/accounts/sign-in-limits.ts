// Failed sign-ins slow down and block the guesser, never the person guessed at. A named account is
// never locked as such: anyone could type its address ten times and keep its owner out. Instead:
// - one address and one account together: a few failures block that pair (the guesser trying
//   Ana's account from their machine), while Ana signs in from her own;
// - one address, any accounts: more failures block the address (someone trying many accounts);
// - every failure is answered more slowly the more failures its address, or the account from
//   anywhere, has had lately, which slows a guesser spread over many addresses without refusing
//   the right password to anyone.
// The counts live in the database (FailureLimiter), shared by every app process.
import type { FailureLimiter } from '../web/failure-limiter.js'

export const PAIR_LIMIT = 5
export const ADDRESS_LIMIT = 30
export const WINDOW_MS = 15 * 60_000
/** The slow-down stops growing after this many failures. */
const DELAY_STEPS = 20

export interface SignInLimiters {
  /** Per address and account. */
  logins: FailureLimiter
  /** Per address. */
  loginAddresses: FailureLimiter
  /** Per account, from anywhere: counts only, never a block. */
  loginAccounts: FailureLimiter
}

const pairKey = (ip: string, email: string) => `${ip}|${email}`

export class SignInLimits {
  constructor(
    private readonly limiters: SignInLimiters,
    private readonly delayMs: number,
  ) {}

  /** Whether sign-in from this address to this account is refused for now. */
  blocked(ip: string, email: string): boolean {
    return this.limiters.loginAddresses.blocked(`ip:${ip}`) || this.limiters.logins.blocked(pairKey(ip, email))
  }

  /** Counts a failure and returns how long to wait before answering it. */
  async failed(ip: string, email: string): Promise<number> {
    // One after the other: each also sweeps expired rows, and concurrent sweeps could deadlock on PostgreSQL.
    const byAddress = await this.limiters.loginAddresses.recordFailure(`ip:${ip}`)
    await this.limiters.logins.recordFailure(pairKey(ip, email))
    const byAccount = await this.limiters.loginAccounts.recordFailure(`account:${email}`)
    return Math.min(Math.max(byAddress, byAccount), DELAY_STEPS) * this.delayMs
  }
}
