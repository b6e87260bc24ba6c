/**
 * A cap on tool runs at once: a priority semaphore. Waiters of priority "now" (the track about to play, a
 * user's /play) are let in before those of priority "later" (prefetch), each kind in the order it came;
 * a waiter whose signal aborts leaves the line.
 */

/** "now": someone is waiting for this run; "later": it is work ahead of time. */
export type ToolPriority = "now" | "later";

interface Waiter {
  priority: ToolPriority;
  admit(release: () => void): void;
}

/** Up to `size` holders at once; the rest wait in line. */
export class ToolSlots {
  #size: number;
  #held = 0;
  #waiting: Waiter[] = [];

  constructor(size: number) {
    this.#size = checkedSize(size);
  }

  /** How many may run at once. */
  get size(): number {
    return this.#size;
  }

  /** Slots taken and waiters in line, for metrics and tests. */
  get usage(): { held: number; waiting: number } {
    return { held: this.#held, waiting: this.#waiting.length };
  }

  /** Changes the cap; holders keep their slots, and waiters are let in if it grew. */
  resize(size: number): void {
    this.#size = checkedSize(size);
    this.#pump();
  }

  /** Waits for a slot; resolves with the function that gives it back (calling it twice is harmless). */
  acquire(priority: ToolPriority, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((other) => other !== waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        priority,
        admit: (release) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#pump();
    });
  }

  /** Runs `work` holding a slot. */
  async run<T>(priority: ToolPriority, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(priority, signal);
    try {
      return await work();
    } finally {
      release();
    }
  }

  #pump(): void {
    while (this.#held < this.#size && this.#waiting.length > 0) {
      const next = this.#waiting.find((waiter) => waiter.priority === "now") ?? this.#waiting[0];
      this.#waiting = this.#waiting.filter((waiter) => waiter !== next);
      this.#held++;
      let released = false;
      next.admit(() => {
        if (released) return;
        released = true;
        this.#held--;
        this.#pump();
      });
    }
  }
}

function checkedSize(size: number): number {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`A slot count must be a whole number ≥ 1: ${size}`);
  }
  return size;
}
