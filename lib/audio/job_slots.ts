/**
 * Admission of transcode jobs to the CPU: as many at once as there are slots, the track about to play
 * before prefetch. A "now" job never waits for "later" ones: it starts while fewer than `size` "now" jobs
 * run, even if prefetch fills every slot for a moment, so one guild's long preparation never delays
 * another guild's next track. "Later" jobs only take slots nobody else holds.
 */
import type { JobPriority } from "../channels/transcoder_messages.ts";

interface Waiter {
  priority: () => JobPriority;
  admit: (release: () => void) => void;
}

/** A priority semaphore for transcode jobs. */
export class JobSlots {
  readonly #size: number;
  #waiting: Waiter[] = [];
  #running = { now: 0, later: 0 };

  constructor(size: number) {
    this.#size = Math.max(1, Math.floor(size));
  }

  /**
   * Waits for a slot; `priority` is read again whenever slots are handed out, so a waiting job can be
   * moved forward. Resolves with the function that gives the slot back (once).
   */
  acquire(priority: () => JobPriority, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        admit: (release) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((other) => other !== waiter);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#pump();
    });
  }

  /** Jobs holding a slot, by the priority they were admitted with. */
  get running(): Readonly<{ now: number; later: number }> {
    return { ...this.#running };
  }

  /** Re-reads the waiters' priorities: call after one changed. */
  reconsider(): void {
    this.#pump();
  }

  #pump(): void {
    while (true) {
      const next = this.#waiting.find((waiter) => waiter.priority() === "now") ??
        this.#waiting.find((waiter) => waiter.priority() === "later");
      if (!next) return;
      const kind = next.priority();
      const fits = kind === "now"
        ? this.#running.now < this.#size
        : this.#running.now + this.#running.later < this.#size;
      if (!fits) return;
      this.#waiting = this.#waiting.filter((waiter) => waiter !== next);
      this.#running[kind]++;
      let released = false;
      next.admit(() => {
        if (released) return;
        released = true;
        this.#running[kind]--;
        this.#pump();
      });
    }
  }
}
