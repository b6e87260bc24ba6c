/**
 * Start-up against a Discord that may not be reachable yet (the network is still coming up, DNS fails,
 * Discord answers 5xx): each failed attempt is one log line, the next waits longer (with jitter, up to a
 * minute), and the bot comes online as soon as Discord answers. Anything else (a rejected token, a bug)
 * is not retried: it is thrown for the caller to explain.
 */
import { type Clock, systemClock } from "../clock.ts";
import { type BackoffOptions, ONLINE_BACKOFF, ReconnectBackoff } from "./reconnect_backoff.ts";
import { unreachableReason } from "./rest_refusal.ts";

/** How the attempts are paced and reported. */
export interface ComeOnlineOptions {
  readonly log?: (line: string) => void;
  readonly backoff?: BackoffOptions;
  readonly clock?: Clock;
  /** Aborting (a shutdown) ends the waiting: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Runs `attempt` until it succeeds, waiting out failures that mean Discord could not be reached. */
export async function comeOnline<T>(attempt: () => Promise<T>, options: ComeOnlineOptions = {}): Promise<T> {
  const log = options.log ?? console.log;
  const clock = options.clock ?? systemClock;
  const backoff = new ReconnectBackoff(options.backoff ?? ONLINE_BACKOFF);
  while (true) {
    options.signal?.throwIfAborted();
    try {
      const result = await attempt();
      if (backoff.attempts > 0) log(`Reached Discord on attempt ${backoff.attempts + 1}.`);
      return result;
    } catch (error) {
      const reason = unreachableReason(error);
      if (reason === null) throw error;
      const { attempt: number, delayMs } = backoff.next();
      log(`Could not reach Discord (${reason}) on attempt ${number}; trying again in ${seconds(delayMs)} s.`);
      await clock.sleep(delayMs, options.signal);
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
