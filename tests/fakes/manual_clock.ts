/** A clock that only moves when a test says so: waits resolve in order as `advance` passes their end. */
import type { Clock } from "../../lib/clock.ts";

interface Sleeper {
  at: number;
  wake(): void;
}

/** Starts at `start` ms; `advance` moves it on and wakes every wait that has come due. */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.#now + ms,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((other) => other !== sleeper);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** How many waits are pending: lets a test wait until the code under test is asleep. */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** Moves time on by `ms`, waking due sleepers (letting promise callbacks run between wake-ups). */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    while (true) {
      const due = this.#sleepers.filter((sleeper) => sleeper.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#now = Math.max(this.#now, due.at);
      this.#sleepers = this.#sleepers.filter((sleeper) => sleeper !== due);
      due.wake();
      await settle();
    }
    this.#now = until;
    await settle();
  }
}

/** Lets every promise callback that is ready run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}
