/**
 * A cap on tool runs at once: a priority semaphore. Waiters of priority "now" (the track about to play, a
 * user's /play) are let in before those of priority "later" (prefetch), each kind in the order it came;
 * a waiter whose signal aborts leaves the line. Runs may name an owner (a guild): no owner holds every
 * slot, so one server's slow lookups leave room for everyone else's.
 */

/** "now": someone is waiting for this run; "later": it is work ahead of time. */
export type ToolPriority = "now" | "later";

interface Waiter {
  priority: ToolPriority;
  owner?: string;
  admit(release: () => void): void;
}

/** Up to `size` holders at once; the rest wait in line. */
export class ToolSlots {
  #size: number;
  #held = 0;
  #waiting: Waiter[] = [];
  /** Slots held per owner; runs without an owner are not counted. */
  #byOwner = new Map<string, number>();

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

  /** The most slots one owner may hold: all but one, when there is more than one. */
  get perOwner(): number {
    return Math.max(1, this.#size - 1);
  }

  /**
   * Waits for a slot; resolves with the function that gives it back (calling it twice is harmless). An
   * `owner` holding {@linkcode perOwner} slots waits even when one is free.
   */
  acquire(priority: ToolPriority, signal?: AbortSignal, owner?: string): Promise<() => void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((other) => other !== waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        priority,
        owner,
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
  async run<T>(
    priority: ToolPriority,
    work: () => Promise<T>,
    signal?: AbortSignal,
    owner?: string,
  ): Promise<T> {
    const release = await this.acquire(priority, signal, owner);
    try {
      return await work();
    } finally {
      release();
    }
  }

  #pump(): void {
    while (this.#held < this.#size) {
      const admissible = this.#waiting.filter((waiter) => this.#ownerHas(waiter.owner) < this.perOwner);
      const next = admissible.find((waiter) => waiter.priority === "now") ?? admissible[0];
      if (next === undefined) return;
      this.#waiting = this.#waiting.filter((waiter) => waiter !== next);
      this.#held++;
      this.#count(next.owner, +1);
      let released = false;
      next.admit(() => {
        if (released) return;
        released = true;
        this.#held--;
        this.#count(next.owner, -1);
        this.#pump();
      });
    }
  }

  #ownerHas(owner: string | undefined): number {
    return owner === undefined ? 0 : this.#byOwner.get(owner) ?? 0;
  }

  #count(owner: string | undefined, change: number): void {
    if (owner === undefined) return;
    const held = this.#ownerHas(owner) + change;
    if (held > 0) this.#byOwner.set(owner, held);
    else this.#byOwner.delete(owner);
  }
}

function checkedSize(size: number): number {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`A slot count must be a whole number ≥ 1: ${size}`);
  }
  return size;
}
