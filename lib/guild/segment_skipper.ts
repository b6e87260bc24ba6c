/**
 * Jumps over a playing track's non-music parts (SponsorBlock): it watches where playback is and, when a part
 * begins, asks the session to seek to its end, through the same path as /seek. It needs no network: the
 * parts came with the prepared track. One timer at a time, set for the next part's start and looked at again
 * after every change of the session (a track starting, a seek, a pause).
 */
import type { SkipSegment } from "../skip_segments.ts";
import { realTimers, type TimerId, type Timers } from "./auto_leave.ts";

/** What the skipper needs of a session. */
export interface SkipTarget {
  nowPlaying():
    | { positionSeconds: number; paused: boolean; skipSegments?: readonly SkipSegment[] }
    | undefined;
  seek(positionSeconds: number): boolean;
}

/**
 * The jump is asked for this much before the part starts: the player works a frame ahead and a timer fires a
 * little late, and losing one frame of music beats letting one of the skipped part through.
 */
const LEAD_SECONDS = 0.06;
/** A part that ends this close to where playback is counts as done: a seek lands on a frame, not exactly. */
const TAIL_SECONDS = 0.25;

/** Watches one guild's playback and skips the parts its track marks. */
export class SegmentSkipper {
  #timer?: TimerId;
  #closed = false;

  constructor(private readonly target: SkipTarget, private readonly timers: Timers = realTimers) {}

  /** The session changed something; looked at once the change is complete (the session may be mid-way). */
  changed(): void {
    queueMicrotask(() => this.#check());
  }

  close(): void {
    this.#closed = true;
    this.#clear();
  }

  #check(): void {
    this.#clear();
    const playing = this.#closed ? undefined : this.target.nowPlaying();
    if (!playing || playing.paused || !playing.skipSegments?.length) return;
    const position = playing.positionSeconds;
    const next = playing.skipSegments.find((segment) => segment.endSeconds - TAIL_SECONDS > position);
    if (!next) return;
    const waitSeconds = next.startSeconds - LEAD_SECONDS - position;
    // The seek makes the session change, which brings the skipper back here for the part after this one.
    if (waitSeconds <= 0) return void this.target.seek(next.endSeconds);
    this.#timer = this.timers.set(() => {
      this.#timer = undefined;
      this.#check();
    }, waitSeconds * 1000);
  }

  #clear(): void {
    if (this.#timer !== undefined) this.timers.clear(this.#timer);
    this.#timer = undefined;
  }
}
