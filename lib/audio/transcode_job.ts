/**
 * One track made playable in two stages. Stage one gets the audio to the listener fast: fetch the source,
 * estimate its loudness from a few windows (constant time), then encode it with that one constant gain,
 * page by page, so the player can start on the first pages. Stage two makes the file fit for the cache: it
 * measures what was written (integrated loudness and true peak) and, when it misses the tolerance or the
 * peak ceiling, measures the source exactly and encodes it again before the file is handed over.
 *
 * A source found to be live (see fetch_source.ts) skips both stages: it is encoded as it comes by a
 * LiveStream, normalized by a running estimate, never written to disk, and the job lasts as long as it plays.
 */
import type { AudioEffects } from "../audio_effects.ts";
import { join } from "node:path";
import type { JobPriority, KnownMedia, TranscoderSource } from "../channels/transcoder_messages.ts";
import { UserError } from "../user_error.ts";
import { type Ebur128Summary, measureLoudness } from "./ebur128.ts";
import { type FetchSettings, fetchSource } from "./fetch_source.ts";
import { gainEncodeArgs } from "./gain_encode.ts";
import { waitForOggPages } from "./growing_ogg.ts";
import type { JobSlots } from "./job_slots.ts";
import { LiveStream } from "./live_stream.ts";
import { estimateLoudness } from "./loudness_estimate.ts";
import type { LoudnessTarget } from "./loudnorm.ts";
import { oggOpusDurationSeconds } from "./ogg_seek.ts";
import { runTool } from "./run_tool.ts";
import { assertDiskRoom, assertLengthAllowed, DEFAULT_TRACK_CAPS } from "./track_caps.ts";

/** The finished file is re-encoded when it misses the target by more than this (the promise is 0.5 LU). */
export const CORRECTION_THRESHOLD_LU = 0.4;
/** The cached file's true peak may not pass this, dBTP. */
export const MAX_TRUE_PEAK = -1;
/** Encodings tried in stage two; the last is kept even if it still misses (reported in the answer). */
const MAX_ENCODINGS = 3;
/** OpusHead, OpusTags and one page (100 ms) of audio. */
const FIRST_PAGES = 3;
/** Below this a track is taken for silence: its noise floor is not raised to the target. */
const SILENCE_LUFS = -60;
const MAX_GAIN_DB = 30;

/** What a job needs from its transcoder. */
export interface JobContext {
  ffmpeg: string;
  target: LoudnessTarget;
  /** Where the download waits (the cache folder: a crash leaves a `.partial-` file a restart sweeps). */
  workDir: string;
  slots: JobSlots;
  fetch: FetchSettings;
}

/** What to make, where, and how urgently. */
export interface JobOrder {
  source: TranscoderSource;
  media?: KnownMedia;
  /** What the resolver said; spares probing the file. */
  durationSeconds?: number;
  /** The resolver found it live. */
  live?: boolean;
  /** For a source found live: the volume and filters it plays with (a file is rendered with them later). */
  effects?: AudioEffects;
  outputPath: string;
  /** Where the cache moves the finished file. */
  cachePath?: string;
  priority: JobPriority;
}

/** Stage one is done: the file starts with playable audio at this gain (or a live stream has audio). */
export interface Streaming {
  durationSeconds?: number;
  gainDb: number;
  /** The source is live: its audio is read with `live.read()`, nothing is written to `outputPath`. */
  live?: boolean;
}

/** Stage two is done: the file is complete, measured and within tolerance. */
export interface Finished {
  durationSeconds?: number;
  inputLoudness: number;
  outputLoudness: number;
  truePeak: number;
}

type JobState =
  | { status: "fetching" }
  | { status: "live"; stream: LiveStream }
  | { status: "waiting" }
  | { status: "encoding"; gainDb: number }
  | { status: "checking"; gainDb: number }
  | { status: "finished"; result: Finished }
  | { status: "failed"; error: unknown };

/** A transcode in progress; cancel() kills whatever it is running. */
export class TranscodeJob {
  readonly streaming: Promise<Streaming>;
  readonly finished: Promise<Finished>;
  #state: JobState = { status: "fetching" };
  #priority: JobPriority;
  readonly #abort = new AbortController();

  constructor(private readonly context: JobContext, private readonly order: JobOrder) {
    this.#priority = order.priority;
    let streamed!: (value: Streaming) => void;
    const started = new Promise<Streaming>((resolve) => (streamed = resolve));
    this.finished = this.#run(streamed);
    // A job that fails before it streams fails both; unawaited, neither may become an unhandled rejection.
    this.streaming = Promise.race([started, this.finished.then(() => started)]);
    this.streaming.catch(() => {});
    this.finished.catch(() => {});
  }

  get status(): JobState["status"] {
    return this.#state.status;
  }

  /** The live stream this job plays, once it was found to be one. */
  get live(): LiveStream | undefined {
    return this.#state.status === "live" ? this.#state.stream : undefined;
  }

  get priority(): JobPriority {
    return this.#priority;
  }

  /** Moves a waiting job ahead of prefetch (or back). */
  prioritize(priority: JobPriority): void {
    this.#priority = priority;
    this.context.slots.reconsider();
  }

  /** Stops the job and kills its processes; both promises reject. */
  cancel(reason: unknown = new Error("The transcode was cancelled")): void {
    this.#abort.abort(reason);
  }

  #set(state: JobState): void {
    if (this.#state.status === "live" && this.#state.stream !== (state as { stream?: LiveStream }).stream) {
      this.#state.stream.stop();
    }
    this.#state = state;
  }

  async #run(streamed: (value: Streaming) => void): Promise<Finished> {
    const { context, order } = this;
    const signal = this.#abort.signal;
    const download = join(context.workDir, `.partial-download-${crypto.randomUUID()}`);
    const exact = `${order.outputPath}-exact`;
    try {
      const caps = context.fetch.caps ?? DEFAULT_TRACK_CAPS;
      // A length known already (an autoplay pick, a saved track) is refused before any download.
      assertLengthAllowed(order.durationSeconds, caps);
      // Before anything is written: a nearly full disk must not reach the state store.
      assertDiskRoom(context.workDir, caps);
      const fetched = await fetchSource(context.fetch, { ...order, destination: download }, signal);
      if (fetched.kind === "live") {
        const stream = new LiveStream(
          context.ffmpeg,
          context.target,
          fetched.body,
          fetched.close,
          signal,
          order.effects,
        );
        this.#set({ status: "live", stream });
        await ffmpegStep(signal, () => stream.firstAudio());
        streamed({ gainDb: 0, live: true });
        return await this.#whileLive(stream, signal);
      }
      this.#set({ status: "waiting" });
      const release = await context.slots.acquire(() => this.#priority, signal);
      let gainDb: number;
      try {
        const estimate = await ffmpegStep(
          signal,
          () =>
            estimateLoudness(context.ffmpeg, download, { durationSeconds: order.durationSeconds, signal }),
        );
        assertLengthAllowed(estimate.durationSeconds, context.fetch.caps ?? DEFAULT_TRACK_CAPS);
        gainDb = gainFor(estimate.integrated, context.target);
        this.#set({ status: "encoding", gainDb });
        // Whatever an earlier attempt left there must not pass for the first pages of this one.
        await Deno.remove(order.outputPath).catch(() => {});
        const encoder = runTool(
          context.ffmpeg,
          gainEncodeArgs(download, order.outputPath, gainDb, context.target),
          signal,
        );
        encoder.catch(() => {});
        // The encoder exiting first is a failure, or a track shorter than one page: its exit says which.
        if (!await waitForOggPages(order.outputPath, FIRST_PAGES, encoder, signal)) {
          await ffmpegStep(signal, () => encoder);
        }
        streamed({ durationSeconds: estimate.durationSeconds, gainDb });
        await ffmpegStep(signal, () => encoder);
      } finally {
        release();
      }
      this.#set({ status: "checking", gainDb });
      const result = await this.#check(download, exact, gainDb, signal);
      this.#set({ status: "finished", result });
      return result;
    } catch (error) {
      this.#set({ status: "failed", error });
      throw error;
    } finally {
      await Deno.remove(download).catch(() => {});
      await Deno.remove(exact).catch(() => {});
    }
  }

  /** A live job lasts until its stream ends or is stopped; it never has a finished file. */
  async #whileLive(stream: LiveStream, signal: AbortSignal): Promise<never> {
    await stream.over;
    signal.throwIfAborted();
    throw new Error("A live stream has no finished file");
  }

  /**
   * Stage two, at prefetch priority: measure the file; if it misses the loudness or the peak ceiling, measure
   * the source exactly and encode again (the output less the gain is no measure of the source once the
   * limiter has worked hard), then nudge the gain or lower the ceiling while it still misses.
   */
  async #check(download: string, exact: string, gainDb: number, signal: AbortSignal): Promise<Finished> {
    const { context, order } = this;
    const release = await context.slots.acquire(() => "later", signal);
    try {
      const measure = (path: string) =>
        ffmpegStep(signal, () => measureLoudness(context.ffmpeg, path, { truePeak: true, signal }));
      let measured = await measure(order.outputPath);
      let inputLoudness = measured.integrated - gainDb;
      if (!fits(measured, context.target)) {
        const source = await ffmpegStep(
          signal,
          () => measureLoudness(context.ffmpeg, download, { truePeak: false, signal }),
        );
        inputLoudness = source.integrated;
        gainDb = gainFor(source.integrated, context.target);
        let ceiling = context.target;
        for (let attempt = 0; attempt < MAX_ENCODINGS; attempt++) {
          await ffmpegStep(
            signal,
            () => runTool(context.ffmpeg, gainEncodeArgs(download, exact, gainDb, ceiling), signal),
          );
          measured = await measure(exact);
          if (fits(measured, context.target) || measured.integrated <= SILENCE_LUFS) break;
          if (!loudnessFits(measured, context.target)) {
            gainDb = clampGain(gainDb + context.target.integrated - measured.integrated);
          }
          const peak = measured.truePeak ?? -Infinity;
          if (peak > MAX_TRUE_PEAK) {
            ceiling = { ...ceiling, truePeak: ceiling.truePeak - (peak - MAX_TRUE_PEAK) - 0.5 };
          }
        }
        // The player may still be reading the first encoding: it keeps its open file, a new reader gets this.
        await Deno.rename(exact, order.outputPath);
      }
      return {
        durationSeconds: await oggOpusDurationSeconds(order.outputPath),
        inputLoudness: round1(inputLoudness),
        outputLoudness: measured.integrated,
        truePeak: measured.truePeak ?? -Infinity,
      };
    } finally {
      release();
    }
  }
}

/** Within the loudness tolerance and under the peak ceiling the cache promises. */
function fits(measured: Ebur128Summary, target: LoudnessTarget): boolean {
  return loudnessFits(measured, target) && (measured.truePeak ?? -Infinity) <= MAX_TRUE_PEAK;
}

function loudnessFits(measured: Ebur128Summary, target: LoudnessTarget): boolean {
  return Math.abs(target.integrated - measured.integrated) <= CORRECTION_THRESHOLD_LU ||
    measured.integrated <= SILENCE_LUFS;
}

/** The constant gain that brings `integrated` to the target; silence is left alone. */
export function gainFor(integrated: number, target: LoudnessTarget): number {
  if (integrated <= SILENCE_LUFS) return 0;
  return clampGain(target.integrated - integrated);
}

function clampGain(gainDb: number): number {
  return Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, gainDb));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Runs an ffmpeg step; its failures (not a cancellation) become what the user is told. */
async function ffmpegStep<T>(signal: AbortSignal, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    signal.throwIfAborted();
    throw explainFfmpegFailure(error);
  }
}

/** ffmpeg's failures, in the user's terms; the details go to the log for the operator. */
function explainFfmpegFailure(error: unknown): UserError {
  if (error instanceof UserError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  console.error(`Transcoding failed: ${detail}`);
  if (/No space left on device|Permission denied|Read-only file system/i.test(detail)) {
    return new UserError("I couldn't store this track: my cache folder is full or not writable.");
  }
  return new UserError("I couldn't read that as audio. Is it a music or video file?");
}
