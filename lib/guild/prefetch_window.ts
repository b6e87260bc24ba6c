/**
 * The next few tracks, being made ready before they are needed so one track follows another without a gap.
 * Tracks that leave the window have their preparation cancelled; a failure is reported once, as it happens.
 */
import type { Clock } from "../clock.ts";
import type { Track } from "../track.ts";
import {
  cancelPreparation,
  type PreparationJob,
  type Preparer,
  type Priority,
  startPreparation,
} from "./preparation.ts";

/** Track id → its preparation, for the tracks about to play. */
export class PrefetchWindow {
  #jobs = new Map<string, PreparationJob>();

  constructor(
    private readonly preparer: Preparer,
    private readonly clock: Clock,
    /** A prefetched track could not be made (after any retries): it will never play. */
    private readonly onFailure: (track: Track, error: unknown) => void,
  ) {}

  /** Hands the preparation of `track` over to the caller, started now if it was not under way. */
  take(track: Track): PreparationJob {
    const prefetched = this.#jobs.get(track.id);
    this.#jobs.delete(track.id);
    if (!prefetched) return this.#start(track, "now");
    // It is about to play: whatever waits behind it must not hold it up any longer.
    this.preparer.prioritize?.(track);
    return prefetched;
  }

  /** Prepares `upcoming` and cancels everything else. */
  keepOnly(upcoming: readonly Track[]): void {
    const wanted = new Set(upcoming.map((track) => track.id));
    for (const [trackId, job] of this.#jobs) {
      if (wanted.has(trackId)) continue;
      this.#jobs.delete(trackId);
      cancelPreparation(job);
    }
    for (const track of upcoming) {
      if (!this.#jobs.has(track.id)) this.#jobs.set(track.id, this.#start(track, "later"));
    }
  }

  /** Cancels every preparation. */
  clear(): void {
    this.keepOnly([]);
  }

  #start(track: Track, priority: Priority): PreparationJob {
    const job = startPreparation(this.preparer, track, priority, this.clock);
    job.result.catch((error) => {
      // Only a job still in the window is the window's to report; a taken one is its new owner's.
      if (this.#jobs.get(track.id) !== job || job.controller.signal.aborted) return;
      this.#jobs.delete(track.id);
      this.onFailure(track, error);
    });
    return job;
  }
}
