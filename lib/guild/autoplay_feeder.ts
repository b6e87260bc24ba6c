/** One guild's autoplay: whether it is on, what played lately, and one radio pick at a time. */
import type { Track, TrackInfo } from "../track.ts";
import { pickAutoplayTrack, RECENT_PLAYS } from "./autoplay_picker.ts";

/** Who "asked" for an autoplay pick: nobody, so nobody's fair-queue clock is charged. */
export const AUTOPLAY_REQUESTER = "autoplay";

/** Picks autoplay tracks from the radio of recent plays. */
export class AutoplayFeeder {
  enabled = false;
  /** What played here lately, newest first: seeds the radio and keeps picks from repeating. */
  recent: TrackInfo[] = [];
  #pending?: Promise<Track | undefined>;
  /** Moves on when picks in flight are no longer wanted (a /stop): they then come back empty. */
  #generation = 0;

  constructor(private readonly radio: (videoId: string) => Promise<TrackInfo[]>) {}

  remember(track: TrackInfo): void {
    this.recent = [track, ...this.recent].slice(0, RECENT_PLAYS);
  }

  /** The next pick, shared by callers that ask while it is being found; undefined when off or none fits. */
  pick(): Promise<Track | undefined> {
    if (!this.enabled) return Promise.resolve(undefined);
    const generation = this.#generation;
    this.#pending ??= this.#pick().finally(() => (this.#pending = undefined));
    return this.#pending.then((track) => generation === this.#generation && this.enabled ? track : undefined);
  }

  /** Picks in flight come back empty. */
  cancelPending(): void {
    this.#generation++;
  }

  async #pick(): Promise<Track | undefined> {
    const pick = await pickAutoplayTrack(this.recent, this.radio);
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
