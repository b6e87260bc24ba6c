/**
 * Makes tracks playable: matches Spotify tracks to videos, then serves the normalized file from the
 * cache or has the transcoder make it. Shared by all guilds, so one song asked for in two places is
 * made once, and files that are playing or about to play are never evicted.
 */
import type { AudioCache } from "../cache/audio_cache.ts";
import { cacheKeyFor } from "../cache/cache_key.ts";
import type { LoudnessTarget } from "../audio/loudnorm.ts";
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";
import type { TranscoderAnswer, TranscoderRequest } from "../channels/transcoder_messages.ts";
import { sourceKey, type Track, type TrackSource } from "../track.ts";
import { UserError } from "../user_error.ts";

/** A track whose audio is on disk, ready for the player. */
export interface PreparedTrack {
  path: string;
  cacheKey: string;
  durationSeconds?: number;
  fromCache: boolean;
}

/** Matching and downloads wait on the network; normalizing a long track takes a while. */
const MATCH_TIMEOUT_MS = 60_000;
const TRANSCODE_TIMEOUT_MS = 15 * 60_000;

/** Turns queued tracks into cached files, at most once per file at a time. */
export class TrackPreparer {
  #inFlight = new Map<string, Promise<PreparedTrack>>();
  #pins = new Map<string, number>();

  constructor(
    private readonly cache: AudioCache,
    private readonly resolver: WorkerClient<ResolverRequest, ResolverAnswer>,
    private readonly transcoder: WorkerClient<TranscoderRequest, TranscoderAnswer>,
    private readonly target: LoudnessTarget,
  ) {}

  /** The file for `track`; rejects with a UserError saying why when it cannot be made. */
  async prepare(track: Track): Promise<PreparedTrack> {
    const source = await this.#playableSource(track.source);
    const key = cacheKeyFor(sourceKey(source), this.target);
    const running = this.#inFlight.get(key) ?? this.#prepareOnce(key, source);
    this.#inFlight.set(key, running);
    try {
      return await running;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  /** Keeps `cacheKey`'s file from eviction until `unpin`; pins count, so two guilds may hold one file. */
  pin(cacheKey: string): void {
    this.#pins.set(cacheKey, (this.#pins.get(cacheKey) ?? 0) + 1);
  }

  unpin(cacheKey: string): void {
    const count = (this.#pins.get(cacheKey) ?? 0) - 1;
    if (count > 0) this.#pins.set(cacheKey, count);
    else this.#pins.delete(cacheKey);
  }

  async #prepareOnce(key: string, source: Exclude<TrackSource, { kind: "spotify" }>): Promise<PreparedTrack> {
    const cached = await this.cache.lookup(key);
    if (cached) {
      return {
        path: this.cache.pathOf(key),
        cacheKey: key,
        durationSeconds: cached.durationSeconds,
        fromCache: true,
      };
    }
    const outputPath = this.cache.temporaryPathFor(key);
    const answer = await this.transcoder.request(
      { kind: "prepare", source, outputPath },
      { timeoutMs: TRANSCODE_TIMEOUT_MS },
    );
    if (answer.outcome === "failed") {
      await this.cache.discard(outputPath);
      throw answerError(answer);
    }
    const details = { durationSeconds: answer.durationSeconds, inputLoudness: answer.inputLoudness };
    const entry = await this.#commit(key, outputPath, details);
    return {
      path: this.cache.pathOf(key),
      cacheKey: key,
      durationSeconds: entry.durationSeconds,
      fromCache: false,
    };
  }

  /** A cache that cannot take the file fails this track only: what is already cached still plays. */
  async #commit(key: string, outputPath: string, details: Parameters<AudioCache["commit"]>[2]) {
    try {
      return await this.cache.commit(key, outputPath, details, new Set(this.#pins.keys()));
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      throw new UserError("I couldn't store this track: my cache folder is full or not writable.", {
        cause: error,
      });
    }
  }

  /** Spotify tracks become YouTube videos here, when they are about to play, not when queued. */
  async #playableSource(source: TrackSource): Promise<Exclude<TrackSource, { kind: "spotify" }>> {
    if (source.kind !== "spotify") return source;
    const answer = await this.resolver.request({ kind: "match", source }, { timeoutMs: MATCH_TIMEOUT_MS });
    if (answer.outcome === "matched") return answer.source;
    if (answer.outcome === "failed") throw answerError(answer);
    throw new UserError(
      answer.outcome === "empty" ? answer.message : `No video matches "${source.title}" on YouTube.`,
    );
  }
}

function answerError(answer: { message: string; userFacing: boolean }): Error {
  return answer.userFacing ? new UserError(answer.message) : new Error(answer.message);
}
