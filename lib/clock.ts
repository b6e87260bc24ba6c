/**
 * Time as the engine sees it: the current time and abortable waits. Injected, so tests move a manual clock
 * instead of waiting for real seconds to pass.
 */
import { setTimeout as delay } from "node:timers/promises";

/** Milliseconds since the epoch, and a wait that ends early (rejecting) when `signal` aborts. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => void await delay(ms, undefined, { signal }),
};
