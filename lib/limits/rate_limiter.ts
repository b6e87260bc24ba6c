/**
 * A per-user rate limit as a sliding window: at most `limit` uses in any `windowMs`. Pure apart from the
 * injected clock; users who have been quiet for a whole window are forgotten, so memory stays small.
 */
import { UserError } from "../user_error.ts";

/** How many uses are allowed in how long. */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** What a `take` decided. */
export type RateDecision =
  | { readonly allowed: true }
  /** `retryAfterMs`: when the oldest use in the window leaves it. */
  | { readonly allowed: false; readonly retryAfterMs: number };

/** Counts each user's recent uses. */
export class RateLimiter {
  readonly #uses = new Map<string, number[]>();

  constructor(readonly rate: RateLimit, private readonly now: () => number = Date.now) {}

  /** Records a use by `key` if it fits in the window; otherwise says how long to wait. */
  take(key: string): RateDecision {
    const now = this.now();
    this.#forgetBefore(now - this.rate.windowMs);
    const uses = this.#uses.get(key) ?? [];
    if (uses.length >= this.rate.limit) {
      return { allowed: false, retryAfterMs: uses[0] + this.rate.windowMs - now };
    }
    uses.push(now);
    this.#uses.set(key, uses);
    return { allowed: true };
  }

  /** How many users have uses in the current window. */
  get tracked(): number {
    return this.#uses.size;
  }

  #forgetBefore(cutoff: number): void {
    for (const [key, uses] of this.#uses) {
      while (uses.length > 0 && uses[0] <= cutoff) uses.shift();
      if (uses.length === 0) this.#uses.delete(key);
    }
  }
}

/** Counts a use by `key`, or throws the polite reply when it is one too many; no limiter means no limit. */
export function enforceRate(limiter: RateLimiter | undefined, key: string): void {
  const decision = limiter?.take(key);
  if (decision?.allowed === false) {
    throw new UserError(rateLimitMessage(limiter!.rate, decision.retryAfterMs));
  }
}

/** The polite reply for a refused /play. */
export function rateLimitMessage(rate: RateLimit, retryAfterMs: number): string {
  const wait = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `You're adding songs quickly: at most ${rate.limit} /play every ${describeWindow(rate.windowMs)}. ` +
    `Try again in ${wait} s.`;
}

/** Reads "5/10s", "20/1m" or "off" (no limit: null); undefined when it is neither. */
export function parseRate(text: string): RateLimit | null | undefined {
  if (/^(off|0)$/i.test(text.trim())) return null;
  const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const limit = Number(match[1]);
  const windowMs = Number(match[2]) * unitMs[(match[3] ?? "s").toLowerCase()];
  return limit >= 1 && windowMs >= 1 ? { limit, windowMs } : undefined;
}

function describeWindow(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return ms === 60_000 ? "minute" : `${ms / 60_000} minutes`;
  return `${+(ms / 1000).toFixed(1)} s`;
}
