/**
 * TrackPreparer on fakes of its far ends: real WorkerClients over in-memory workers whose handlers the test
 * answers by hand (a transcoder that writes Ogg Opus pages to the requested path, a resolver that matches
 * Spotify tracks), and a real AudioCache on a temporary folder with an in-memory KV index.
 */
import { loudnessTarget } from "../../../lib/audio/loudnorm.ts";
import { oggPageBytes, parseOggPageHeader } from "../../../lib/audio/ogg_page.ts";
import { AudioCache } from "../../../lib/cache/audio_cache.ts";
import { type CacheFiles, denoCacheFiles } from "../../../lib/cache/cache_files.ts";
import { cacheKeyFor } from "../../../lib/cache/cache_key.ts";
import type { ResolverAnswer, ResolverRequest } from "../../../lib/channels/resolver_messages.ts";
import type { TranscoderAnswer, TranscoderRequest } from "../../../lib/channels/transcoder_messages.ts";
import { WorkerClient } from "../../../lib/channels/worker_client.ts";
import type { Failed } from "../../../lib/channels/worker_protocol.ts";
import { TrackPreparer } from "../../../lib/adapters/track_preparer.ts";
import type { PreparedTrack, Priority } from "../../../lib/guild/preparation.ts";
import { sourceKey, type Track, type TrackSource } from "../../../lib/track.ts";
import { inMemoryWorker } from "../../fakes/in_memory_worker.ts";
import { oggOpusFile } from "../../fakes/ogg_opus_writer.ts";
import { waitUntil } from "../../fakes/wait_until.ts";

export const TARGET = loudnessTarget(-16);

/** 200 packets of 20 ms in pages of 63 packets: a 4 s file of four audio pages after the two headers. */
export const SONG = oggOpusFile(Array.from({ length: 200 }, () => new Uint8Array(1000).fill(0xfc)));
/** Where the pages of SONG end, header pages included. */
const PAGE_ENDS = (() => {
  const ends: number[] = [];
  for (let at = 0; at < SONG.length; at = ends.at(-1)!) {
    ends.push(at + oggPageBytes(parseOggPageHeader(SONG.subarray(at), at)!));
  }
  return ends;
})();
/** What `start` writes before it answers: the headers and the first audio page. */
export const FIRST_PAGES = SONG.subarray(0, PAGE_ENDS[2]);

type StartRequest = Extract<TranscoderRequest, { kind: "start" }>;

/** A request the fake worker holds until the test answers it; `signal` aborts when a cancel reaches it. */
interface HeldRequest<Request, Answer> {
  request: Request;
  signal: AbortSignal;
  answer(answer: Answer): void;
}

/** A `start`: `stream()` writes the first pages to `outputPath`, then answers "streaming". */
export interface StartCall extends HeldRequest<StartRequest, TranscoderAnswer> {
  stream(): Promise<void>;
}

/** A `finish`: `ready()` writes the rest of the file, then answers "ready". */
export interface FinishCall extends HeldRequest<{ kind: "finish"; job: string }, TranscoderAnswer> {
  ready(): Promise<void>;
}

/** Everything a test drives and reads. */
export interface PreparerWorld {
  preparer: TrackPreparer;
  /**
   * `preparer.prepare`, as "later" unless told; a rejection the test has not awaited yet is not an unhandled
   * one, so a failed assertion is reported as itself.
   */
  prepare(track: Track, options?: { signal: AbortSignal; priority: Priority }): Promise<PreparedTrack>;
  cache: AudioCache;
  starts: StartCall[];
  finishes: FinishCall[];
  /** `prioritize` and `cancel` requests, as the worker received them. */
  notes: TranscoderRequest[];
  matches: HeldRequest<Extract<ResolverRequest, { kind: "match" }>, ResolverAnswer>[];
  transcoder: WorkerClient<TranscoderRequest, TranscoderAnswer>;
  /** The cache key of a source normalized to TARGET. */
  keyOf(source: TrackSource): string;
  /** The start of `job`, once it reached the worker. */
  startOf(job: string): StartCall;
  /** Waits for the finish request of `job`. */
  finishOf(job: string): Promise<FinishCall>;
  /**
   * A request answered by the transcoder worker: every message posted to it before has been handled, so a
   * cancel that was sent has reached it by then.
   */
  roundTrip(): Promise<void>;
  /** Moves into the cache wait for `renames.gate` when set; `renames.started` counts them. */
  renames: { gate?: Promise<void>; started: number };
  /** Puts SONG in the cache under `key`, as a finished making would, and lets go of it. */
  cacheSong(key: string): Promise<void>;
  close(): Promise<void>;
}

/** A failed answer as workers give it. */
export function failure(message: string, kind: { temporary?: boolean; userFacing?: boolean }): Failed {
  return {
    outcome: "failed",
    message,
    temporary: kind.temporary ?? false,
    userFacing: kind.userFacing ?? false,
  };
}

let tracks = 0;

/** A queued track; each call is a new queue entry, as when two guilds queue the same song. */
export function trackOf(source: TrackSource, durationSeconds = 4): Track {
  const title = source.kind === "spotify" ? source.title : sourceKey(source);
  return {
    id: `track-${++tracks}`,
    source,
    title,
    url: `https://example.com/${encodeURIComponent(title)}`,
    durationSeconds,
    requesterId: "alice",
    requestedAt: 1_000,
  };
}

/** Runs `test` in a fresh world, closing it afterwards. */
export async function withPreparer(test: (world: PreparerWorld) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trazom_preparer_" });
  const kv = await Deno.openKv(":memory:");
  const renames: PreparerWorld["renames"] = { started: 0 };
  const files: CacheFiles = {
    ...denoCacheFiles,
    rename: async (from, to) => {
      renames.started++;
      await renames.gate;
      await denoCacheFiles.rename(from, to);
    },
  };
  const cache = await AudioCache.open({ dir, kv, limitBytes: 100_000_000, files });
  const starts: StartCall[] = [];
  const finishes: FinishCall[] = [];
  const notes: TranscoderRequest[] = [];
  const matches: PreparerWorld["matches"] = [];
  const transcoder = new WorkerClient<TranscoderRequest, TranscoderAnswer>(
    "transcoder",
    () =>
      inMemoryWorker<TranscoderRequest, TranscoderAnswer>((request, signal) => {
        if (request.kind === "prioritize" || request.kind === "cancel") {
          notes.push(request);
          return Promise.resolve({ outcome: "noted" });
        }
        return held(signal, (answer) => {
          if (request.kind === "start") {
            starts.push({
              request,
              signal,
              answer,
              stream: async () => {
                await Deno.writeFile(request.outputPath, FIRST_PAGES);
                answer({ outcome: "streaming", durationSeconds: 4, gainDb: -3 });
              },
            });
          } else if (request.kind === "finish") {
            finishes.push({
              request,
              signal,
              answer,
              ready: async () => {
                const start = starts.find((call) => call.request.job === request.job)!;
                await Deno.writeFile(start.request.outputPath, SONG.subarray(FIRST_PAGES.length), {
                  append: true,
                });
                answer({
                  outcome: "ready",
                  durationSeconds: 4,
                  inputLoudness: -13,
                  outputLoudness: -16,
                  truePeak: -2,
                });
              },
            });
          }
        });
      }),
    {},
  );
  const resolver = new WorkerClient<ResolverRequest, ResolverAnswer>(
    "resolver",
    () =>
      inMemoryWorker<ResolverRequest, ResolverAnswer>((request, signal) => {
        if (request.kind !== "match") return Promise.resolve({ outcome: "empty", message: "Nothing." });
        return held(signal, (answer) => matches.push({ request, signal, answer }));
      }),
    {},
  );
  const preparer = new TrackPreparer(cache, resolver, transcoder, TARGET);
  const world: PreparerWorld = {
    preparer,
    prepare: (track, options = { signal: new AbortController().signal, priority: "later" }) => {
      const prepared = preparer.prepare(track, options);
      prepared.catch(() => {});
      return prepared;
    },
    cache,
    starts,
    finishes,
    notes,
    matches,
    transcoder,
    keyOf: (source) => cacheKeyFor(sourceKey(source), TARGET),
    startOf: (job) => {
      const call = starts.find((start) => start.request.job === job);
      if (!call) throw new Error(`no start for ${job}`);
      return call;
    },
    finishOf: async (job) => {
      await waitUntil(() => finishes.some((call) => call.request.job === job), `the finish of ${job}`);
      return finishes.find((call) => call.request.job === job)!;
    },
    roundTrip: async () => {
      const answer = await transcoder.request({ kind: "prioritize", job: "probe", priority: "later" }, {
        timeoutMs: 10_000,
      });
      if (answer.outcome !== "noted") throw new Error(`the probe was answered ${JSON.stringify(answer)}`);
      notes.splice(notes.findIndex((note) => "job" in note && note.job === "probe"), 1);
    },
    renames,
    cacheSong: async (key) => {
      const temporary = cache.temporaryPathFor(key);
      await Deno.writeFile(temporary, SONG);
      await cache.commit(key, temporary, { durationSeconds: 4, inputLoudness: -13 });
      await cache.release(key);
    },
    close: async () => {
      transcoder.close();
      resolver.close();
      kv.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
  try {
    await test(world);
  } finally {
    await world.close();
  }
}

/** A handler's answer held until the test gives it; a cancel from the main thread ends the wait. */
function held<Answer>(
  signal: AbortSignal,
  record: (answer: (answer: Answer) => void) => void,
): Promise<Answer> {
  const { promise, resolve, reject } = Promise.withResolvers<Answer>();
  signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  record(resolve);
  return promise;
}
