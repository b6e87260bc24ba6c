/** Timers (the engine's `Timers` port) that fire only when a test moves their clock on. */
import type { Timers } from "../../lib/guild/auto_leave.ts";

/** Fake timers and their clock, starting at 0 ms. */
export function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers = {
    set: (callback: () => void, ms: number) => {
      pending.set(nextId, { at: now + ms, callback });
      return nextId++;
    },
    clear: (id: number) => void pending.delete(id),
  } as unknown as Timers;
  /** Fires the earliest timer due by `until`, with the clock moved to its time; false when none is due. */
  const fireNext = (until: number): boolean => {
    const due = [...pending].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
    if (!due) return false;
    now = due[1].at;
    pending.delete(due[0]);
    due[1].callback();
    return true;
  };
  return {
    timers,
    pending,
    now: () => now,
    /** Moves the clock on by `ms`, firing what falls due on the way, in order. */
    advance(ms: number): void {
      const until = now + ms;
      while (fireNext(until));
      now = until;
    },
    /** As `advance`, awaiting `between()` after each timer fired (for work it starts asynchronously). */
    async advanceAsync(ms: number, between: () => Promise<unknown>): Promise<void> {
      const until = now + ms;
      while (fireNext(until)) await between();
      now = until;
    },
  };
}
