/**
 * The query task: turns /play requests into queued tracks, one request at a time per guild, so
 * songs asked for in quick succession are queued in the order they were asked for.
 */
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";
import { Mailbox } from "../mailbox.ts";
import type { Track, TrackInfo } from "../track.ts";
import { UserError } from "../user_error.ts";

/** A /play request. */
export interface QueryJob {
  query: string;
  requesterId: string;
  /** A DJ's "play this next". */
  next: boolean;
  /** Tracks already resolved (a saved playlist): queued as they are, in order, without asking the resolver. */
  resolved?: readonly TrackInfo[];
}

/** What a request added, for the reply. */
export interface QueryResult {
  tracks: Track[];
  /** 1-based queue positions of `tracks`; 0 means it started playing at once. */
  positions: number[];
  note?: string;
}

/** What the queue took of a request: maybe fewer tracks than asked, with a note saying why. */
export interface Queued {
  tracks: Track[];
  positions: number[];
  note?: string;
}

/** Resolution runs yt-dlp or Spotify requests in the resolver worker; a playlist can take a while. */
const RESOLVE_TIMEOUT_MS = 60_000;

interface Pending {
  job: QueryJob;
  resolve(result: QueryResult): void;
  reject(error: unknown): void;
}

/** Resolves queries in order and hands the tracks to `enqueue`. */
export class QueryTask {
  #jobs = new Mailbox<Pending>();

  constructor(
    private readonly resolver: WorkerClient<ResolverRequest, ResolverAnswer>,
    private readonly enqueue: (tracks: Track[], options: { next: boolean }) => Promise<Queued>,
    private readonly now: () => number = Date.now,
  ) {
    this.#run();
  }

  /** Queues what `job.query` names; rejects with a UserError the requester should read. */
  submit(job: QueryJob): Promise<QueryResult> {
    return new Promise((resolve, reject) => this.#jobs.send({ job, resolve, reject }));
  }

  close(): void {
    this.#jobs.close();
  }

  async #run(): Promise<void> {
    for await (const { job, resolve, reject } of this.#jobs) {
      try {
        resolve(await this.#handle(job));
      } catch (error) {
        reject(error);
      }
    }
  }

  async #handle(job: QueryJob): Promise<QueryResult> {
    const answer = job.resolved
      ? { outcome: "tracks" as const, tracks: [...job.resolved], note: undefined }
      : await this.#resolve(job);
    const queued = await this.enqueue(answer.tracks.map((info) => this.#track(info, job)), {
      next: job.next,
    });
    const note = [answer.note, queued.note].filter(Boolean).join("\n") || undefined;
    return { tracks: queued.tracks, positions: queued.positions, note };
  }

  async #resolve(job: QueryJob): Promise<{ tracks: TrackInfo[]; note?: string }> {
    const answer = await this.resolver.request({ kind: "resolve", query: job.query }, {
      timeoutMs: RESOLVE_TIMEOUT_MS,
    });
    if (answer.outcome === "failed") {
      throw answer.userFacing ? new UserError(answer.message) : new Error(answer.message);
    }
    if (answer.outcome === "empty") throw new UserError(answer.message);
    if (answer.outcome !== "tracks") throw new Error(`The resolver answered ${answer.outcome} to a query`);
    return answer;
  }

  #track(info: TrackInfo, job: QueryJob): Track {
    return { ...info, id: crypto.randomUUID(), requesterId: job.requesterId, requestedAt: this.now() };
  }
}
