/**
 * The transcoder worker's work: jobs that fetch a source and write it as loudness-normalized Ogg Opus
 * where the cache asked, streaming first and exact before it is handed over (see transcode_job.ts).
 * Jobs outlive a request: `start` answers when the file is playable, `finish` when it is complete.
 */
import type {
  TranscoderAnswer,
  TranscoderRequest,
  TranscoderSettings,
} from "../channels/transcoder_messages.ts";
import type { Failed } from "../channels/worker_protocol.ts";
import { applyToolJobs, toolCaps } from "../process/tool_caps.ts";
import { UserError } from "../user_error.ts";
import { findFfmpeg } from "./ffmpeg_path.ts";
import { startYtdlpHelper } from "../sources/ytdlp_helper.ts";
import { sourceKey } from "../track.ts";
import { findMedia } from "./fetch_source.ts";
import { LookedAheadMedia } from "./looked_ahead_media.ts";
import { JobSlots } from "./job_slots.ts";
import { type AudioEffects, parseFilters, parseVolume } from "../audio_effects.ts";
import { RenderJob, type RenderNeeds, type RenderOrder } from "./render_job.ts";
import { PreRenders } from "./pre_renders.ts";
import { FilterCorrections } from "./filter_loudness.ts";
import { type JobContext, type JobOrder, TranscodeJob } from "./transcode_job.ts";

/** Look-ups ahead share one owner of the yt-dlp slots: together they never hold every one. */
const LOOK_AHEAD_OWNER = "look-ahead";

/** A job whose `finish` never comes is forgotten this long after it ended (its file is left to the cache). */
const UNCLAIMED_JOB_MS = 10 * 60_000;

/** Builds the handler for the transcoder worker from its settings. */
export async function createTranscoder(settings: TranscoderSettings) {
  // The worker's init message applies these too; here they also hold where the handler runs on its own.
  if (settings.toolJobs) applyToolJobs(settings.toolJobs);
  const lookedAhead = new LookedAheadMedia();
  const context: JobContext = {
    ffmpeg: await findFfmpeg(settings.ffmpegPath),
    target: settings.target,
    workDir: settings.workDir,
    // Whole jobs are admitted here rather than each ffmpeg run in toolCaps.ffmpeg, whose "later" holders
    // would keep a "now" job waiting; the cap is the same number (TRAZOM_FFMPEG_JOBS, applied at init).
    slots: new JobSlots(toolCaps.ffmpeg.size),
    fetch: {
      ytdlpPath: settings.ytdlpPath,
      ytdlpOperator: settings.ytdlpOperator,
      policy: { allowPrivate: settings.allowPrivateUrls },
      caps: settings.caps,
      workDir: settings.workDir,
      // Started now, so the first track that needs an extraction finds yt-dlp warm.
      helper: await startYtdlpHelper(settings),
      lookedAhead,
    },
  };
  const jobs = new Map<string, TranscodeJob>();
  const renders = new Map<string, RenderJob>();
  const corrections = new FilterCorrections(context.ffmpeg);
  const correctionDb: RenderNeeds["correctionDb"] = (order, signal) =>
    corrections.correctionFor(order, order.startSeconds, order.effects.filters, signal);
  /**
   * A render is heard now: it goes before prefetch, and counts against TRAZOM_FFMPEG_JOBS like any job. One
   * of a file still being made runs at the pace of the job making it and shares its slot: waiting for a
   * slot of its own could wait on that very job's last step, which needs a slot to end.
   */
  const renderNeeds = (making: TranscodeJob | undefined): RenderNeeds => ({
    admit: making ? () => Promise.resolve(() => {}) : (signal) => context.slots.acquire(() => "now", signal),
    correctionDb,
  });
  // Made ahead behind everything someone waits for; adopted when the render is asked for.
  const preRenders = new PreRenders(
    settings.workDir,
    (order) =>
      new RenderJob(context.ffmpeg, settings.target, order, {
        admit: (signal) => context.slots.acquire(() => "later", signal),
        correctionDb,
      }),
  );

  /** Starts a render; the effects are checked again here, so nothing unchecked reaches the graph. */
  function render(request: Extract<TranscoderRequest, { kind: "render" }>): RenderJob {
    if (renders.has(request.job)) throw new Error(`A render called "${request.job}" is already running`);
    const effects = checkedEffects(request.effects);
    const making = request.making === undefined ? undefined : jobs.get(request.making);
    const order: RenderOrder = {
      inputPath: request.inputPath,
      movedTo: request.movedTo,
      // A making no longer here has finished: its file is complete (in the cache by now).
      inputComplete: making ? making.finished.then(() => true, () => false) : Promise.resolve(true),
      startSeconds: request.startSeconds,
      effects,
      outputPath: request.outputPath,
    };
    const job = preRenders.adopt(order) ??
      new RenderJob(context.ffmpeg, settings.target, order, renderNeeds(making));
    preRenders.used(effects, order);
    renders.set(request.job, job);
    job.finished.then(() => {}, () => {}).finally(() => {
      const timer = setTimeout(() => renders.get(request.job) === job && renders.delete(request.job), 60_000);
      Deno.unrefTimer(timer);
    });
    return job;
  }

  function open(id: string, order: JobOrder): TranscodeJob {
    if (jobs.has(id)) throw new Error(`A job called "${id}" is already running`);
    const job = new TranscodeJob(context, order);
    jobs.set(id, job);
    const forget = () => {
      const timer = setTimeout(() => jobs.get(id) === job && jobs.delete(id), UNCLAIMED_JOB_MS);
      Deno.unrefTimer(timer);
    };
    job.finished.then(forget, () => jobs.get(id) === job && jobs.delete(id));
    if (order.cachePath) {
      const input = {
        inputPath: order.outputPath,
        movedTo: order.cachePath,
        inputComplete: Promise.resolve(true),
      };
      job.finished.then(() => preRenders.renderAhead(input), () => {});
    }
    return job;
  }

  /** Settles with a job's (or render's) promise, or cancels it when the request is aborted first. */
  async function follow<T, Job extends { cancel(reason: unknown): void }>(
    running: Map<string, Job>,
    id: string,
    job: Job,
    promise: Promise<T>,
    signal: AbortSignal,
  ) {
    const cancel = () => {
      job.cancel(signal.reason);
      if (running.get(id) === job) running.delete(id);
    };
    if (signal.aborted) cancel();
    signal.addEventListener("abort", cancel, { once: true });
    try {
      return await promise;
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  }

  async function handle(request: TranscoderRequest, signal: AbortSignal): Promise<TranscoderAnswer> {
    switch (request.kind) {
      case "start": {
        const { effects, ...order } = request;
        const job = open(request.job, effects ? { ...order, effects: checkedEffects(effects) } : order);
        const streaming = await follow(jobs, request.job, job, job.streaming, signal);
        return { outcome: "streaming", ...streaming };
      }
      case "render": {
        const job = render(request);
        await follow(renders, request.job, job, job.streaming, signal);
        return { outcome: "rendering" };
      }
      case "finish": {
        const rendering = renders.get(request.job);
        if (rendering) {
          try {
            await follow(renders, request.job, rendering, rendering.finished, signal);
            return { outcome: "rendered" };
          } finally {
            renders.delete(request.job);
          }
        }
        const job = jobs.get(request.job);
        if (!job) return failure(new Error(`No job called "${request.job}" is running`));
        try {
          return { outcome: "ready", ...await follow(jobs, request.job, job, job.finished, signal) };
        } finally {
          if (jobs.get(request.job) === job) jobs.delete(request.job);
        }
      }
      case "read": {
        const live = jobs.get(request.job)?.live;
        if (!live) return failure(new Error(`No live job called "${request.job}" is running`));
        return { outcome: "audio", ...await live.read() };
      }
      case "prioritize":
        jobs.get(request.job)?.prioritize(request.priority);
        return { outcome: "noted" };
      case "lookAhead": {
        const { source } = request;
        if (!/^[A-Za-z0-9_-]{11}$/.test(source.videoId)) {
          return failure(new Error(`Not a YouTube video id: ${JSON.stringify(source.videoId).slice(0, 40)}`));
        }
        const url = `https://www.youtube.com/watch?v=${source.videoId}`;
        const find = (stop: AbortSignal) =>
          findMedia(context.fetch, url, { signal: stop, later: { owner: LOOK_AHEAD_OWNER } });
        // A look-up that fails is no one's failure: whoever plays the video extracts it then.
        const found = await lookedAhead.lookAhead(sourceKey(source), find, signal)
          .catch(() => false);
        return { outcome: "lookedAhead", found };
      }
      case "cancel":
        renders.get(request.job)?.cancel();
        renders.delete(request.job);
        jobs.get(request.job)?.cancel();
        jobs.delete(request.job);
        return { outcome: "noted" };
    }
  }

  return async (request: TranscoderRequest, signal: AbortSignal): Promise<TranscoderAnswer> => {
    try {
      return await handle(request, signal);
    } catch (error) {
      return failure(error);
    }
  };
}

/** Network trouble and time-outs may pass; a missing page, a non-audio file or a full disk will not. */
const TEMPORARY =
  /try again|took too long|couldn't connect|couldn't find that website|rate-limited|restarting/i;

/** The answer for an error: a user's reason when it is one, a bug report for the log otherwise. */
export function failure(error: unknown): Failed {
  if (error instanceof UserError) {
    return {
      outcome: "failed",
      message: error.message,
      userFacing: true,
      temporary: TEMPORARY.test(error.message),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { outcome: "failed", message, userFacing: false, temporary: false };
}

/** Effects from a request, checked again here, so nothing unchecked reaches an ffmpeg graph. */
function checkedEffects(effects: AudioEffects): AudioEffects {
  return { volume: parseVolume(effects.volume), filters: parseFilters(effects.filters) };
}
