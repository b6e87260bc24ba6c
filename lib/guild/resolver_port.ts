/**
 * What the engine needs to turn words or a link into tracks, with every way it can end spelled out: the
 * engine never sees a worker, a time-out or a crash, only these outcomes.
 */
import type { TrackInfo } from "../track.ts";

export type Resolution =
  /** `note` tells the user about a limit that applied (a capped playlist, say). */
  | { outcome: "tracks"; tracks: TrackInfo[]; note?: string }
  /** Nothing was found; `message` says so in the user's terms. */
  | { outcome: "empty"; message: string }
  /**
   * It did not work. `temporary`: the same request may work in a moment (a lookup interrupted by a restart,
   * a time-out). `message` is the user's to read when `userFacing`, otherwise a description for the log.
   */
  | { outcome: "failed"; temporary: boolean; userFacing: boolean; message: string };

/** Resolves /play queries and autoplay radios. */
export interface Resolver {
  /** `owner` (the guild) shares the lookup tools fairly: no one guild holds them all. */
  resolve(query: string, owner?: string): Promise<Resolution>;
  /** Tracks like the video `videoId`, for autoplay. */
  radio(videoId: string): Promise<Resolution>;
}
