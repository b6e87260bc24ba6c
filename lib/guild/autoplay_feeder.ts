/** One guild's autoplay: whether it is on, what played lately, and one radio pick at a time. */
import { sourceKey, type Track, type TrackInfo } from "../track.ts";
import { pickAutoplayTrack, RECENT_PLAYS } from "./autoplay_picker.ts";

/** Who "asked" for an autoplay pick: nobody, so nobody's fair-queue clock is charged. */
export const AUTOPLAY_REQUESTER = "autoplay";

/** Picks that fail in a row before autoplay rests until a track plays or someone asks for one. */
export const MAX_FAILED_PICKS = 3;

/** Picks autoplay tracks from the radio of recent plays. */
export class AutoplayFeeder {
  enabled = false;
  /** What played here lately, newest first: seeds the radio and keeps picks from repeating. */
  recent: TrackInfo[] = [];
  /** Picks that could not be made: never picked again. */
  #failedKeys = new Set<string>();
  #failuresInARow = 0;
  #pending?: Promise<Track | undefined>;
  /** Moves on when picks in flight are no longer wanted (a /stop): they then come back empty. */
  #generation = 0;

  constructor(private readonly radio: (videoId: string) => Promise<TrackInfo[]>) {}

  remember(track: TrackInfo): void {
    this.recent = [track, ...this.recent].slice(0, RECENT_PLAYS);
    this.#failuresInARow = 0;
  }

  /** A pick could not be made: it is left out from now on, and a run of such picks rests autoplay. */
  failed(track: TrackInfo): void {
    this.#failedKeys.add(sourceKey(track.source));
    this.#failuresInARow++;
  }

  /** Someone asked for music: autoplay may try again after a run of failed picks. */
  wake(): void {
    this.#failuresInARow = 0;
  }

  /** The next pick, shared by callers that ask while it is being found; undefined when off, resting or none fits. */
  pick(): Promise<Track | undefined> {
    if (!this.enabled || this.#failuresInARow >= MAX_FAILED_PICKS) return Promise.resolve(undefined);
    const generation = this.#generation;
    this.#pending ??= this.#pick().finally(() => (this.#pending = undefined));
    return this.#pending.then((track) => generation === this.#generation && this.enabled ? track : undefined);
  }

  /** Picks in flight come back empty. */
  cancelPending(): void {
    this.#generation++;
  }

  async #pick(): Promise<Track | undefined> {
    const pick = await pickAutoplayTrack(this.recent, this.radio, this.#failedKeys);
    if (!pick) return undefined;
    return {
      ...pick,
      id: crypto.randomUUID(),
      requesterId: AUTOPLAY_REQUESTER,
      requestedAt: Date.now(),
      autoplay: true,
    };
  }
}
