/**
 * What the engine needs to make a track playable, and how it treats failures: temporary ones (a worker
 * restarting, a network timeout) are tried again with growing waits, permanent ones (not found, not audio,
 * too large) end the track's chances at once.
 */
import type { Readable } from "node:stream";
import type { Clock } from "../clock.ts";
import type { SkipSegment } from "../skip_segments.ts";
import type { Track } from "../track.ts";
import type { AudioEffects } from "../audio_effects.ts";

/** A track whose audio can be read now (from the cache, or while it is still being written). */
export interface PreparedTrack {
  cacheKey: string;
  durationSeconds?: number;
  fromCache: boolean;
  /** Non-music parts to jump over (SponsorBlock), looked up while the track was made ready. */
  skipSegments?: readonly SkipSegment[];
  /** A live stream: no length, never cached, no seeking; `open` ignores `startSeconds` and plays it as it comes. */
  live?: boolean;
  /**
   * Ogg Opus from `startSeconds` on; may be called again (seek, loop). With `effects` other than none, the
   * audio is rendered with them first (its stream gives data once the render's first audio is ready).
   */
  open(startSeconds: number, effects?: AudioEffects): Readable;
  /** The session no longer needs it: unpins the file, and stops its making if nobody else waits for it. */
  release(): void;
}

/** "play now" goes before "later" (prefetch) wherever work waits for a free slot. */
export type Priority = "now" | "later";

/** Makes tracks playable; `prepare` rejects with a UserError, a TemporaryFailure, or the signal's reason. */
export interface Preparer {
  prepare(track: Track, options: { signal: AbortSignal; priority: Priority }): Promise<PreparedTrack>;
  /** A track prepared as "later" is now about to play. */
  prioritize?(track: Track): void;
}

/** A failure that may not happen again: worth another try after a wait. */
export class TemporaryFailure extends Error {
  override name = "TemporaryFailure";
}

/** Waits between tries after temporary failures; after the last one the failure stands. */
export const RETRY_DELAYS_MS: readonly number[] = [1_000, 3_000, 9_000];

/** `preparer.prepare`, tried again after temporary failures with growing waits on `clock`. */
export async function prepareWithRetries(
  preparer: Preparer,
  track: Track,
  options: { signal: AbortSignal; priority: Priority; clock: Clock },
): Promise<PreparedTrack> {
  for (let attempt = 0;; attempt++) {
    try {
      return await preparer.prepare(track, options);
    } catch (error) {
      const delayMs = RETRY_DELAYS_MS[attempt];
      if (!(error instanceof TemporaryFailure) || delayMs === undefined || options.signal.aborted) {
        throw error;
      }
      console.error(`Preparing ${track.url} failed (${error.message}); trying again in ${delayMs} ms.`);
      await options.clock.sleep(delayMs, options.signal);
    }
  }
}

/** One track being made ready: abort `controller` to give it up (its file is released if it was made). */
export interface PreparationJob {
  readonly track: Track;
  readonly controller: AbortController;
  /** The prepared track, or the failure; rejects with the abort reason once given up. */
  readonly result: Promise<PreparedTrack>;
}

/** Starts preparing `track`, with retries, cancellable as a whole. */
export function startPreparation(
  preparer: Preparer,
  track: Track,
  priority: Priority,
  clock: Clock,
): PreparationJob {
  const controller = new AbortController();
  const { signal } = controller;
  const result = prepareWithRetries(preparer, track, { signal, priority, clock }).then((prepared) => {
    // Made just as it was given up: nobody will play it, so let go of it here.
    if (!signal.aborted) return prepared;
    prepared.release();
    throw signal.reason;
  });
  // Whoever holds the job reads its failure; an unread one must not become an unhandled rejection.
  result.catch(() => {});
  return { track, controller, result };
}

/** Gives up `job`, releasing its track if it was already made. */
export function cancelPreparation(job: PreparationJob): void {
  if (job.controller.signal.aborted) return;
  job.controller.abort(new DOMException("The track is no longer wanted.", "AbortError"));
  job.result.then((prepared) => prepared.release(), () => {});
}
