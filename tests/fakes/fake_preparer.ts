/**
 * A preparer whose preparations a test settles by hand: each `prepare` call is recorded with its signal, and
 * stays pending until the test makes it ready or fails it. Like a real preparer whose work was already done,
 * it may complete after it was aborted (`lateAfterAbort`), so late completions are exercised too.
 */
import type { AudioEffects } from "../../lib/audio_effects.ts";
import { Readable } from "node:stream";
import type { PreparedTrack, Preparer, Priority } from "../../lib/guild/preparation.ts";
import type { Track } from "../../lib/track.ts";

/** One call to `prepare`, as the test sees it. */
export interface PendingPreparation {
  track: Track;
  priority: Priority;
  signal: AbortSignal;
  ready(options?: { durationSeconds?: number; fromCache?: boolean; live?: boolean }): void;
  fail(error: Error): void;
}

/** Records calls; counts releases so tests can check that every prepared file was let go. */
export class FakePreparer implements Preparer {
  calls: PendingPreparation[] = [];
  released: string[] = [];
  /** Every `open` of a prepared track: its title, start and the effects it was opened with. */
  opened: { title: string; startSeconds: number; effects?: AudioEffects }[] = [];
  /** Tracks (by title) prepared at once, as if cached, without the test settling them. */
  instant = new Set<string>();
  /** When true, an abort does not settle a preparation: the test's `ready` or `fail` still does, late. */
  lateAfterAbort = false;

  prepare(track: Track, options: { signal: AbortSignal; priority: Priority }): Promise<PreparedTrack> {
    return new Promise((resolve, reject) => {
      const make = (
        settings: { durationSeconds?: number; fromCache?: boolean; live?: boolean } = {},
      ): PreparedTrack => ({
        cacheKey: `key-${track.title}`,
        durationSeconds: settings.durationSeconds ?? track.durationSeconds,
        fromCache: settings.fromCache ?? false,
        ...(settings.live ? { live: true } : {}),
        open: (startSeconds, effects) => {
          this.opened.push({ title: track.title, startSeconds, effects });
          return Readable.from([]);
        },
        release: () => void this.released.push(track.title),
      });
      if (!this.lateAfterAbort) {
        options.signal.addEventListener("abort", () => reject(options.signal.reason), { once: true });
      }
      if (this.instant.has(track.title)) return resolve(make({ fromCache: true }));
      this.calls.push({
        track,
        priority: options.priority,
        signal: options.signal,
        ready: (settings) => resolve(make(settings)),
        fail: reject,
      });
    });
  }

  /** Titles whose preparation was raised to "now" after it started. */
  prioritized: string[] = [];

  prioritize(track: Track): void {
    this.prioritized.push(track.title);
  }

  /** The latest call for the track titled `title`. */
  callFor(title: string): PendingPreparation {
    const call = this.calls.findLast((candidate) => candidate.track.title === title);
    if (!call) throw new Error(`"${title}" was never prepared`);
    return call;
  }
}
