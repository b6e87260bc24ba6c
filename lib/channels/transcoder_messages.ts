/**
 * What the main thread asks the transcoder worker, and what it can answer.
 *
 * A job takes two requests: `start` answers as soon as the file at `outputPath` holds playable Ogg Opus at the
 * right loudness (the player can follow it while it grows), and `finish` answers once the file is complete,
 * measured and, where needed, corrected; only then may it enter the cache. Aborting either request cancels
 * the job and kills its processes.
 *
 * A source found to be live is not written anywhere: `start` answers `streaming` with `live: true` once its
 * first audio is encoded, and the main thread pulls the Ogg Opus with `read` requests, one chunk each, as
 * the player needs it (so the worker never holds more than a chunk). `finish` does not apply to it.
 */
import type { MediaLocation, TrackSource } from "../track.ts";
import type { LoudnessTarget } from "../audio/loudnorm.ts";
import type { YtdlpOperatorOptions } from "../sources/ytdlp_operator.ts";
import type { ToolJobs } from "../process/tool_caps.ts";
import type { TrackCaps } from "../audio/track_caps.ts";
import type { Failed } from "./worker_protocol.ts";
import type { HelperSettings } from "../sources/ytdlp_helper.ts";
import type { AudioEffects } from "../audio_effects.ts";

/** Fixed for the worker's life; sent once when it starts. */
export interface TranscoderSettings extends HelperSettings {
  ytdlpPath: string;
  /** The operator's cookies file and extra yt-dlp arguments. */
  ytdlpOperator?: YtdlpOperatorOptions;
  /** Unset: the ffmpeg on PATH. */
  ffmpegPath?: string;
  allowPrivateUrls: boolean;
  target: LoudnessTarget;
  /** Where downloads wait while they are normalized (the cache folder, so renames stay on one disk). */
  workDir: string;
  /** Caps on tools at once (TRAZOM_FFMPEG_JOBS, TRAZOM_YTDLP_JOBS); unset, one ffmpeg job per core. */
  toolJobs?: ToolJobs;
  /** The operator's caps on one track (length, download size, free disk); the defaults when unset. */
  caps?: TrackCaps;
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
    /** The resolver found it live: it is streamed by yt-dlp and played as it comes. */
    live?: boolean;
    /** For a source that turns out live: the volume and filters it is played with. */
    effects?: AudioEffects;
    /** Where to write the normalized Ogg Opus; the cache moves it into place after `finish`. */
    outputPath: string;
    /** Where the cache moves it: renders of the finished file read it there. */
    cachePath?: string;
    priority: JobPriority;
  }
  | { kind: "finish"; job: string }
  /** The next chunk of a live job's Ogg Opus. */
  | { kind: "read"; job: string }
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
  | { kind: "cancel"; job: string }
  /**
   * Finds where a video's audio is, downloading nothing, so that a `start` for it soon needs no extraction
   * of its own; aborting the request cancels the look-up unless a `start` is already waiting for it.
   */
  | { kind: "lookAhead"; source: Extract<TranscoderSource, { kind: "youtube" }> };

/** The answer to `start`: the file is playable from its start, at this constant gain. */
export interface StreamingAnswer {
  outcome: "streaming";
  durationSeconds?: number;
  gainDb: number;
  /** The source is live: read it with `read`, nothing is written to `outputPath`. */
  live?: boolean;
}

/** The answer to `read`: encoded bytes, and whether the live stream has ended. */
export interface AudioAnswer {
  outcome: "audio";
  bytes: Uint8Array;
  end: boolean;
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
  | AudioAnswer
  | { outcome: "rendering" }
  | { outcome: "rendered" }
  /** The answer to `prioritize` and `cancel`. */
  | { outcome: "noted" }
  /** The answer to `lookAhead`: whether the audio's address was found (and is kept). */
  | { outcome: "lookedAhead"; found: boolean }
  | Failed;
