/**
 * Makes tracks playable: matches Spotify tracks to videos, then serves the normalized file from the cache,
 * or has the transcoder make it and hands it over as soon as its first audio is written, to be followed
 * while it grows. Shared by all guilds: a song asked for in two places is made once, and its making is
 * cancelled only when every guild holding it has let go before it was finished. Files in use are pinned,
 * so the cache never evicts them.
 */
import { abortable } from "../abortable.ts";
import type { AudioCache } from "../cache/audio_cache.ts";
import { cacheKeyFor } from "../cache/cache_key.ts";
import type { LoudnessTarget } from "../audio/loudnorm.ts";
import { openOggOpusAt, readableOf } from "../audio/ogg_seek.ts";
import { type AudioEffects, isNeutral } from "../audio_effects.ts";
import type { Readable } from "node:stream";
import { openGrowingOggOpus } from "../audio/growing_ogg.ts";
import { cancelLiveJob, openLiveJob } from "../audio/live_track.ts";
import type { WorkerClient } from "../channels/worker_client.ts";
import type { Failed } from "../channels/worker_protocol.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";
import type {
  TranscoderAnswer,
  TranscoderRequest,
  TranscoderSource,
} from "../channels/transcoder_messages.ts";
import { type MediaLocation, sourceKey, type Track, type TrackSource } from "../track.ts";
import { UserError } from "../user_error.ts";
import { type PreparedTrack, type Preparer, type Priority, TemporaryFailure } from "../guild/preparation.ts";

/** Matching waits on the network; the first audio needs a download and a short measurement. */
const MATCH_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 5 * 60_000;
/** Finishing a long track (and correcting its loudness) takes a while after it started playing. */
const FINISH_TIMEOUT_MS = 30 * 60_000;
/** SponsorBlock is a nicety: a track never waits long for it. */
const SEGMENTS_TIMEOUT_MS = 3_000;

/** A file being made, and how many holders still want it. */
interface Making {
  job: string;
  what: { source: TranscoderSource; durationSeconds?: number; media?: MediaLocation; live?: boolean };
  /** Once committed the cache holds one pin for the making, given back when the last holder lets go. */
  status: "making" | "committed" | "failed";
  /** Resolves once the first audio is on disk at `path` (or, for a live source, encoded in the worker). */
  streaming: Promise<{ durationSeconds?: number; live?: boolean }>;
  /** Resolves true once the file is complete and in the cache, false if it never will be. */
  complete: Promise<boolean>;
  path: string;
  controller: AbortController;
  holders: number;
  /** A live making's job has been taken by one holder (or dropped): any other starts a job of its own. */
  liveTaken?: boolean;
}

/** Turns queued tracks into playable files, each made at most once at a time. */
export class TrackPreparer implements Preparer {
  #making = new Map<string, Making>();
  #jobs = 0;
  /** Track id → the cache key it is being made under: a Spotify track's is known only once it is matched. */
  #keysOfTracks = new Map<string, string>();
  /** Tracks whose `prepare` has not settled yet: only these can still be raised before their making. */
  #preparing = new Set<string>();
  /** Tracks raised to "now" while still being matched: their making starts first in line. */
  #urgent = new Set<string>();

  constructor(
    private readonly cache: AudioCache,
    private readonly resolver: WorkerClient<ResolverRequest, ResolverAnswer>,
    private readonly transcoder: WorkerClient<TranscoderRequest, TranscoderAnswer>,
    private readonly target: LoudnessTarget,
  ) {}

  /** The playable track; rejects with a UserError, a TemporaryFailure, or the signal's reason. */
  async prepare(track: Track, options: { signal: AbortSignal; priority: Priority }): Promise<PreparedTrack> {
    this.#preparing.add(track.id);
    try {
      return await this.#prepare(track, options);
    } finally {
      this.#preparing.delete(track.id);
      this.#urgent.delete(track.id);
    }
  }

  async #prepare(track: Track, options: { signal: AbortSignal; priority: Priority }): Promise<PreparedTrack> {
    const { signal } = options;
    const source = await this.#playableSource(track.source, signal);
    // Looked up while the audio is made, so it costs the first note no time when SponsorBlock answers fast.
    const segments = this.#segmentsFor(track, source, signal);
    const prepared = await this.#prepareSource(track, source, options);
    const skipSegments = await segments;
    if (signal.aborted) prepared.release();
    signal.throwIfAborted();
    return skipSegments?.length ? { ...prepared, skipSegments } : prepared;
  }

  async #prepareSource(
    track: Track,
    source: TranscoderSource,
    options: { signal: AbortSignal; priority: Priority },
  ): Promise<PreparedTrack> {
    const { signal } = options;
    const key = this.#keyOf(source);
    // A hit is pinned as it is found, so no other guild's commit can evict it before it plays.
    const cached = await this.cache.acquire(key);
    if (cached) {
      const prepared = this.#cachedTrack(key, cached.durationSeconds);
      if (signal.aborted) prepared.release();
      signal.throwIfAborted();
      return prepared;
    }
    // What the resolver learned spares the transcoder a probe and a second extraction; a Spotify track's
    // duration may not match its video, and it has no media of its own.
    const learned = track.source.kind === "spotify"
      ? {}
      : { durationSeconds: track.durationSeconds, media: track.media, ...(track.live ? { live: true } : {}) };
    // Read only now: a raise that came while the cache was asked must not be lost.
    const priority = this.#urgent.has(track.id) ? "now" : options.priority;
    this.#keysOfTracks.set(track.id, key);
    try {
      const prepared = await this.#streamingTrack(key, { source, ...learned }, { signal, priority });
      return { ...prepared, release: () => (this.#keysOfTracks.delete(track.id), prepared.release()) };
    } catch (error) {
      this.#keysOfTracks.delete(track.id);
      throw error;
    }
  }

  /**
   * A prefetched track is about to play: its making goes before other prefetches. A Spotify track still
   * being matched has no making yet; it is remembered, and its making starts as "now".
   */
  prioritize(track: Track): void {
    const key = track.source.kind === "spotify"
      ? this.#keysOfTracks.get(track.id)
      : this.#keyOf(track.source);
    const making = key === undefined ? undefined : this.#making.get(key);
    if (!making) {
      // Only a track still on its way to its making can be raised later; a cached one has nothing to raise.
      if (key === undefined && this.#preparing.has(track.id)) this.#urgent.add(track.id);
      return;
    }
    this.transcoder.request({ kind: "prioritize", job: making.job, priority: "now" }, { timeoutMs: 10_000 })
      .catch(() => {});
  }

  #keyOf(source: TranscoderSource): string {
    return cacheKeyFor(sourceKey(source), this.target);
  }

  #cachedTrack(key: string, durationSeconds: number | undefined): PreparedTrack {
    const path = this.cache.pathOf(key);
    return {
      cacheKey: key,
      durationSeconds,
      fromCache: true,
      open: (startSeconds, effects) =>
        effects && !isNeutral(effects)
          ? this.#render({ inputPath: path }, startSeconds, effects)
          : openOggOpusAt(path, startSeconds),
      release: once(() => void this.cache.release(key)),
    };
  }

  /** Joins the making of `key` (starting it if needed) and hands the track over once it streams. */
  async #streamingTrack(
    key: string,
    what: Making["what"],
    options: { signal: AbortSignal; priority: Priority },
  ): Promise<PreparedTrack> {
    const making = this.#making.get(key) ?? this.#startMaking(key, what, options.priority);
    making.holders++;
    const letGo = once(() => {
      if (--making.holders > 0) return;
      // The last holder to leave an unfinished file stops its making; a finished one stays in the cache.
      if (making.status === "committed") return void this.cache.release(key);
      if (this.#making.get(key) === making) this.#making.delete(key);
      making.controller.abort(new DOMException("Nobody wants this track any more.", "AbortError"));
    });
    try {
      const { durationSeconds, live } = await abortable(making.streaming, options.signal);
      if (live) return this.#liveTrack(key, making, what, letGo, options.priority);
      return {
        cacheKey: key,
        durationSeconds,
        fromCache: false,
        // Once complete the file is in the cache; until then it is followed as it is written.
        open: (startSeconds, effects) => {
          const growing = this.#making.get(key) === making;
          if (effects && !isNeutral(effects)) {
            const input = growing
              ? { inputPath: making.path, movedTo: this.cache.pathOf(key), making: making.job }
              : { inputPath: this.cache.pathOf(key) };
            return this.#render(input, startSeconds, effects);
          }
          return growing
            ? openGrowingOggOpus(making.path, {
              startSeconds,
              complete: making.complete,
              movedTo: this.cache.pathOf(key),
            })
            : openOggOpusAt(this.cache.pathOf(key), startSeconds);
        },
        release: letGo,
      };
    } catch (error) {
      letGo();
      throw error;
    }
  }

  /**
   * A live source: never cached. The first play takes over the job that found it live, if it is still
   * fresh (a prefetched one is dropped at once, or it would play stale audio later); any later play (a
   * loop, a resume after a restart) starts a new job on the same source.
   */
  #liveTrack(
    key: string,
    making: Making,
    what: Making["what"],
    letGo: () => void,
    priority: Priority,
  ): PreparedTrack {
    if (this.#making.get(key) === making) this.#making.delete(key);
    // Only one holder may read the job (two guilds that asked at once each get their own stream).
    let unclaimed: string | undefined;
    if (!making.liveTaken) {
      making.liveTaken = true;
      if (priority === "now") unclaimed = making.job;
      else cancelLiveJob(this.transcoder, making.job);
    }
    const opened: Promise<string>[] = [];
    return {
      cacheKey: key,
      fromCache: false,
      live: true,
      // The job that found it live plays it as it is; with volume or filters on, a new one plays it with them.
      open: (_startSeconds, effects) => {
        const plain = !effects || isNeutral(effects);
        if (unclaimed !== undefined && !plain) cancelLiveJob(this.transcoder, unclaimed);
        const job = unclaimed !== undefined && plain
          ? Promise.resolve(unclaimed)
          : this.#startLive(what, plain ? undefined : effects);
        unclaimed = undefined;
        opened.push(job);
        return openLiveJob(this.transcoder, job);
      },
      release: once(() => {
        if (unclaimed !== undefined) cancelLiveJob(this.transcoder, unclaimed);
        for (const job of opened) job.then((id) => cancelLiveJob(this.transcoder, id), () => {});
        letGo();
      }),
    };
  }

  /** A new live job on a source already known to be live. */
  async #startLive(what: Making["what"], effects?: AudioEffects): Promise<string> {
    const job = `job-${++this.#jobs}`;
    const outputPath = this.cache.temporaryPathFor("live");
    const started = await this.#start(
      { kind: "start", job, ...what, ...(effects ? { effects } : {}), outputPath, priority: "now" },
      AbortSignal.timeout(START_TIMEOUT_MS),
    ).catch(async (error) => {
      await this.cache.discard(outputPath);
      throw error;
    });
    if (started.live) return job;
    // It has a length after all this time: play it from the cache on the next try.
    cancelLiveJob(this.transcoder, job);
    await this.cache.discard(outputPath);
    throw new TemporaryFailure("The stream is no longer live");
  }

  #startMaking(key: string, what: Making["what"], priority: Priority): Making {
    const controller = new AbortController();
    const job = `job-${++this.#jobs}`;
    const path = this.cache.temporaryPathFor(key);
    const streaming = this.#start(
      { kind: "start", job, ...what, outputPath: path, cachePath: this.cache.pathOf(key), priority },
      controller.signal,
    );
    // A live source has no finished file: there is nothing to commit.
    const finished = streaming.then((started) =>
      started.live ? Promise.reject(LIVE) : this.#finish(key, job, path, controller.signal)
    );
    const making: Making = {
      job,
      what,
      status: "making",
      streaming,
      complete: finished.then(() => true, () => false),
      path,
      controller,
      holders: 0,
    };
    finished.then(() => {
      making.status = "committed";
      // Everyone let go while it was being committed: nothing holds the file now.
      if (making.holders === 0) void this.cache.release(key);
    }, async (error) => {
      making.status = "failed";
      if (!controller.signal.aborted && error !== LIVE) {
        console.error(`Finishing ${sourceKey(what.source)}:`, error);
      }
      await this.cache.discard(path);
    }).finally(() => {
      if (this.#making.get(key) === making) this.#making.delete(key);
    });
    streaming.catch(() => {});
    // Downloads in progress count against the cache limit: once this one has begun, make room for it.
    streaming.then(() => this.cache.evict(), () => {});
    this.#making.set(key, making);
    return making;
  }

  async #start(request: Extract<TranscoderRequest, { kind: "start" }>, signal: AbortSignal) {
    const answer = await this.transcoder.request(request, { timeoutMs: START_TIMEOUT_MS, signal });
    if (answer.outcome === "streaming") return { durationSeconds: answer.durationSeconds, live: answer.live };
    throw answer.outcome === "failed"
      ? failureOf(answer)
      : new Error(`The transcoder answered ${answer.outcome}`);
  }

  async #finish(key: string, job: string, outputPath: string, signal: AbortSignal) {
    const answer = await this.transcoder.request({ kind: "finish", job }, {
      timeoutMs: FINISH_TIMEOUT_MS,
      signal,
    });
    if (answer.outcome !== "ready") {
      throw answer.outcome === "failed"
        ? failureOf(answer)
        : new Error(`The transcoder answered ${answer.outcome}`);
    }
    const details = { durationSeconds: answer.durationSeconds, inputLoudness: answer.inputLoudness };
    // Comes back pinned for the making; a cache that cannot take it fails to keep it only.
    await this.cache.commit(key, outputPath, details);
  }

  /** A YouTube video's non-music parts: those found with the track, or asked for now; none when unknown. */
  async #segmentsFor(track: Track, source: TranscoderSource, signal: AbortSignal) {
    if (source.kind !== "youtube") return undefined;
    if (track.source.kind === "youtube" && track.skipSegments) return track.skipSegments;
    // A Spotify track's length is not its video's: the segments' own length check would misfire.
    const durationSeconds = track.source.kind === "youtube" ? track.durationSeconds : undefined;
    try {
      const answer = await this.resolver.request(
        { kind: "segments", videoId: source.videoId, durationSeconds },
        { timeoutMs: SEGMENTS_TIMEOUT_MS, signal },
      );
      return answer.outcome === "segments" ? answer.segments : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The prepared file from `startSeconds` with `effects`, rendered by the transcoder: the stream gives its
   * first bytes once the render's first audio is on disk, and destroying it stops the render and removes
   * its file.
   */
  #render(
    input: { inputPath: string; movedTo?: string; making?: string },
    startSeconds: number,
    effects: AudioEffects,
  ): Readable {
    const stop = new AbortController();
    const job = `render-${++this.#jobs}`;
    const outputPath = this.cache.temporaryPathFor(job);
    const transcoder = this.transcoder;
    async function* rendered(): AsyncGenerator<Uint8Array> {
      const { signal } = stop;
      try {
        const started = await transcoder.request(
          { kind: "render", job, ...input, startSeconds, effects, outputPath },
          { timeoutMs: START_TIMEOUT_MS, signal },
        );
        if (started.outcome !== "rendering") throw renderFailure(started);
        const finished = transcoder.request({ kind: "finish", job }, {
          timeoutMs: FINISH_TIMEOUT_MS,
          signal,
        });
        const complete = finished.then((answer) => answer.outcome === "rendered", () => false);
        yield* openGrowingOggOpus(outputPath, { startSeconds: 0, complete, signal });
      } finally {
        stop.abort();
        await Deno.remove(outputPath).catch(() => {});
      }
    }
    return readableOf(rendered(), stop);
  }

  /** Spotify tracks become YouTube videos here, when they are about to play, not when queued. */
  async #playableSource(source: TrackSource, signal: AbortSignal): Promise<TranscoderSource> {
    if (source.kind !== "spotify") return source;
    const answer = await this.resolver.request({ kind: "match", source }, {
      timeoutMs: MATCH_TIMEOUT_MS,
      signal,
    });
    signal.throwIfAborted();
    if (answer.outcome === "matched") return answer.source;
    if (answer.outcome === "failed") throw failureOf(answer);
    throw new UserError(
      answer.outcome === "empty" ? answer.message : `No video matches "${source.title}" on YouTube.`,
    );
  }
}

/** Why a live making is never committed (not an error worth a log line). */
const LIVE = new Error("A live stream is not cached");

/** A worker's failure as the engine's kind of error: worth retrying, the user's to read, or a bug. */
function failureOf(answer: Failed): Error {
  if ((answer as { temporary?: boolean }).temporary) return new TemporaryFailure(answer.message);
  return answer.userFacing ? new UserError(answer.message) : new Error(answer.message);
}

function renderFailure(answer: TranscoderAnswer): Error {
  return answer.outcome === "failed"
    ? failureOf(answer)
    : new Error(`The transcoder answered ${answer.outcome}`);
}

/** `action`, run at most once however often it is called. */
function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
