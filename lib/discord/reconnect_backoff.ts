/**
 * Exponential back-off with jitter for reconnects: 1 s, 2 s, 4 s … capped (30 s for the gateway, 60 s while
 * Discord cannot be reached at all), each spread by ±20 % so that many bots dropped by one outage do not all
 * come back in the same instant.
 */

/** The shape of a back-off schedule; `random` is injectable so tests get exact numbers. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Fraction of each delay by which it may move up or down. */
  readonly jitter: number;
  /** A number in [0, 1), as `Math.random` gives. */
  readonly random: () => number;
}

/** 1 s doubling to 30 s, ±20 %. */
export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({
  baseMs: 1000,
  maxMs: 30_000,
  jitter: 0.2,
  random: Math.random,
});

/** 1 s doubling to 60 s, ±20 %: coming online while Discord (or the network) is out of reach. */
export const ONLINE_BACKOFF: BackoffOptions = Object.freeze({ ...DEFAULT_BACKOFF, maxMs: 60_000 });

/** The delay before reconnect attempt `attempt` (1 for the first after a drop). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const plain = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const spread = plain * options.jitter * (2 * options.random() - 1);
  return Math.round(Math.min(options.maxMs, plain + spread));
}

/** One step of the schedule. */
export interface BackoffStep {
  readonly attempt: number;
  readonly delayMs: number;
}

/** Counts attempts since the link last worked and hands out their delays. */
export class ReconnectBackoff {
  #attempts = 0;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** Attempts made since the last `reset()`. */
  get attempts(): number {
    return this.#attempts;
  }

  /** The next attempt and how long to wait before it. */
  next(): BackoffStep {
    this.#attempts++;
    return { attempt: this.#attempts, delayMs: backoffDelay(this.#attempts, this.options) };
  }

  /** The link works again: the next drop starts from the shortest delay. */
  reset(): void {
    this.#attempts = 0;
  }
}
