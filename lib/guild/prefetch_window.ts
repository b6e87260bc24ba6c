/**
 * The next few tracks, being made ready before they are needed, so one track follows another without a
 * gap. Each preparation is started once, pins its cache file while it is in the window, and never rejects.
 */
import type { Track } from "../track.ts";
import { UserError, userMessageOf } from "../user_error.ts";
import type { PreparedTrack, TrackPreparer } from "./track_preparer.ts";

/** Track id → its preparation; undefined once resolved means the track cannot be played. */
export class PrefetchWindow {
  #pending = new Map<string, Promise<PreparedTrack | undefined>>();

  constructor(
    private readonly preparer: TrackPreparer,
    private readonly onFailure: (track: Track, reason: string) => void,
  ) {}

  /** The preparation of `track`, started now if it is not under way. */
  preparationOf(track: Track): Promise<PreparedTrack | undefined> {
    const pending = this.#pending.get(track.id) ?? this.#prepare(track);
    this.#pending.set(track.id, pending);
    return pending;
  }

  /** Hands a track over to playback: the window forgets it, the pin now belongs to the caller. */
  take(trackId: string): void {
    this.#pending.delete(trackId);
  }

  /** Prepares `upcoming` and lets go of (unpins) everything else. */
  keepOnly(upcoming: Track[]): void {
    const wanted = new Set(upcoming.map((track) => track.id));
    for (const [trackId, pending] of this.#pending) {
      if (wanted.has(trackId)) continue;
      this.#pending.delete(trackId);
      pending.then((prepared) => prepared && this.preparer.unpin(prepared.cacheKey));
    }
    for (const track of upcoming) this.preparationOf(track);
  }

  /** A failure is reported once, when it happens, and the track counts as unplayable. */
  async #prepare(track: Track): Promise<PreparedTrack | undefined> {
    try {
      const prepared = await this.preparer.prepare(track);
      this.preparer.pin(prepared.cacheKey);
      return prepared;
    } catch (error) {
      if (!(error instanceof UserError)) console.error(`Preparing ${track.url}:`, error);
      this.onFailure(track, userMessageOf(error));
      return undefined;
    }
  }
}
