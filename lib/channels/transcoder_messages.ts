/** What the main thread asks the transcoder worker, and what it can answer. */
import type { TrackSource } from "../track.ts";
import type { LoudnessTarget } from "../audio/loudnorm.ts";
import type { Failed } from "./worker_protocol.ts";

/** Fixed for the worker's life; sent once when it starts. */
export interface TranscoderSettings {
  ytdlpPath: string;
  /** Unset: ffmpeg-static's file if present, else PATH. */
  ffmpegPath?: string;
  allowPrivateUrls: boolean;
  target: LoudnessTarget;
  /** Where downloads wait while they are normalized (the cache folder, so renames stay on one disk). */
  workDir: string;
}

export type TranscoderRequest = {
  kind: "prepare";
  /** Already matched: Spotify tracks arrive here as YouTube sources. */
  source: Exclude<TrackSource, { kind: "spotify" }>;
  /** Where to write the normalized Ogg Opus; the cache moves it into place. */
  outputPath: string;
};

export type TranscoderAnswer =
  | { outcome: "ready"; durationSeconds?: number; inputLoudness: number }
  | Failed;
