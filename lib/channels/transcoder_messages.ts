/**
 * What the main thread asks the transcoder worker, and what it can answer.
 *
 * A job takes two requests: `start` answers as soon as the file at `outputPath` holds playable Ogg Opus at the
 * right loudness (the player can follow it while it grows), and `finish` answers once the file is complete,
 * measured and, where needed, corrected; only then may it enter the cache. Aborting either request cancels
 * the job and kills its processes.
 */
import type { MediaLocation, TrackSource } from "../track.ts";
import type { LoudnessTarget } from "../audio/loudnorm.ts";
import type { YtdlpOperatorOptions } from "../sources/ytdlp_operator.ts";
import type { ToolJobs } from "../process/tool_caps.ts";
import type { Failed } from "./worker_protocol.ts";
import type { AudioEffects } from "../audio_effects.ts";

/** Fixed for the worker's life; sent once when it starts. */
export interface TranscoderSettings {
  ytdlpPath: string;
  /** The operator's cookies file and extra yt-dlp arguments. */
  ytdlpOperator?: YtdlpOperatorOptions;
  /** Unset: ffmpeg-static's file if present, else PATH. */
  ffmpegPath?: string;
  allowPrivateUrls: boolean;
  target: LoudnessTarget;
  /** Where downloads wait while they are normalized (the cache folder, so renames stay on one disk). */
  workDir: string;
  /** Caps on tools at once (TRAZOM_FFMPEG_JOBS, TRAZOM_YTDLP_JOBS); unset, one ffmpeg job per core. */
  toolJobs?: ToolJobs;
}

/** "now": the track about to play; "later": prefetch, which never holds up a "now" job. */
export type JobPriority = "now" | "later";

/** A media file the resolver already found for a source, fetched directly while it is still valid. */
export type KnownMedia = MediaLocation;

/** A source the transcoder can fetch: Spotify tracks arrive here already matched to YouTube. */
export type TranscoderSource = Exclude<TrackSource, { kind: "spotify" }>;

export type TranscoderRequest =
  | {
    kind: "start";
    /** Chosen by the main thread, unique among jobs in flight. */
    job: string;
    source: TranscoderSource;
    /** What the resolver learned, so the download needs no second lookup. */
    media?: KnownMedia;
    /** The track's length as the resolver reported it, if it did. */
    durationSeconds?: number;
    /** Where to write the normalized Ogg Opus; the cache moves it into place after `finish`. */
    outputPath: string;
    priority: JobPriority;
  }
  | { kind: "finish"; job: string }
  /**
   * Renders a prepared file with volume and filters from `startSeconds` to `outputPath`; answers
   * `rendering` once its first audio is there, and a `finish` for the same job answers `rendered` at its end.
   */
  | {
    kind: "render";
    job: string;
    inputPath: string;
    /** Where the input goes once complete, while it is still being written by job `making`. */
    movedTo?: string;
    making?: string;
    startSeconds: number;
    effects: AudioEffects;
    outputPath: string;
  }
  /** A prefetched job whose track is now about to play. */
  | { kind: "prioritize"; job: string; priority: JobPriority }
  /** Drops a job whatever its stage (the same as aborting its request in flight). */
  | { kind: "cancel"; job: string };

/** The answer to `start`: the file is playable from its start, at this constant gain. */
export interface StreamingAnswer {
  outcome: "streaming";
  durationSeconds?: number;
  gainDb: number;
}

/** The answer to `finish`: the file is complete and valid. */
export interface ReadyAnswer {
  outcome: "ready";
  durationSeconds?: number;
  /** The source's integrated loudness, LUFS. */
  inputLoudness: number;
  /** The file's integrated loudness, LUFS, measured on the finished file. */
  outputLoudness: number;
  /** The file's true peak, dBTP. */
  truePeak: number;
}

export type TranscoderAnswer =
  | StreamingAnswer
  | ReadyAnswer
  | { outcome: "rendering" }
  | { outcome: "rendered" }
  /** The answer to `prioritize` and `cancel`. */
  | { outcome: "noted" }
  | Failed;
