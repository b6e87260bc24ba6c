/** Notices a worker that keeps dying: too many restarts within a window make the bot unhealthy. */

/** Restarts per worker within the last `windowMs`. */
export class RestartLoop {
  readonly #restarts = new Map<string, number[]>();

  constructor(
    private readonly limit = 3,
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  restarted(worker: string): void {
    this.#restarts.set(worker, [...this.#recent(worker), this.now()]);
  }

  /** One sentence per worker restarting in a loop; empty when none is. */
  problems(): string[] {
    const minutes = Math.round(this.windowMs / 60_000);
    return [...this.#restarts.keys()]
      .map((worker) => ({ worker, count: this.#recent(worker).length }))
      .filter(({ count }) => count >= this.limit)
      .map(({ worker, count }) => `The ${worker} worker restarted ${count} times in ${minutes} minutes.`);
  }

  #recent(worker: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.#restarts.get(worker) ?? []).filter((time) => time > since);
  }
}
