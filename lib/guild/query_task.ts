/**
 * The query task: turns /play requests into queued tracks, one request at a time per person, so one
 * person's songs asked for in quick succession are queued in the order they were asked for, while a slow
 * lookup (a server that sends a byte every few seconds) holds up nobody else's.
 */
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";
import type { Track, TrackInfo } from "../track.ts";
import { UserError } from "../user_error.ts";

/** A /play request. */
export interface QueryJob {
  query: string;
  requesterId: string;
  /** A DJ's "play this next". */
  next: boolean;
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

/** Resolves queries in order and hands the tracks to `enqueue`. */
export class QueryTask {
  /** Each person's latest request, settled or not: the next one of theirs starts after it. */
  #lines = new Map<string, Promise<unknown>>();
  #closed = false;

  constructor(
    private readonly resolver: WorkerClient<ResolverRequest, ResolverAnswer>,
    private readonly enqueue: (tracks: Track[], options: { next: boolean }) => Promise<Queued>,
    private readonly now: () => number = Date.now,
    /** Whose lookups these are (the guild), so no one guild holds every yt-dlp slot. */
    private readonly owner?: string,
  ) {
  }

  /** Queues what `job.query` names; rejects with a UserError the requester should read. */
  submit(job: QueryJob): Promise<QueryResult> {
    const person = job.requesterId;
    // A request not begun when the task closes is dropped, never answered: the session is gone.
    const result = (this.#lines.get(person) ?? Promise.resolve())
      .then(() => this.#closed ? new Promise<never>(() => {}) : this.#handle(job));
    const line = result.catch(() => {});
    this.#lines.set(person, line);
    line.then(() => {
      if (this.#lines.get(person) === line) this.#lines.delete(person);
    });
    return result;
  }

  close(): void {
    this.#closed = true;
  }

  async #handle(job: QueryJob): Promise<QueryResult> {
    const request = {
      kind: "resolve",
      query: job.query,
      ...(this.owner ? { owner: this.owner } : {}),
    } as const;
    const answer = await this.resolver.request(request, {
      timeoutMs: RESOLVE_TIMEOUT_MS,
    });
    if (answer.outcome === "failed") {
      throw answer.userFacing ? new UserError(answer.message) : new Error(answer.message);
    }
    if (answer.outcome === "empty") throw new UserError(answer.message);
    if (answer.outcome !== "tracks") throw new Error(`The resolver answered ${answer.outcome} to a query`);
    const queued = await this.enqueue(answer.tracks.map((info) => this.#track(info, job)), {
      next: job.next,
    });
    const note = [answer.note, queued.note].filter(Boolean).join("\n") || undefined;
    return { tracks: queued.tracks, positions: queued.positions, note };
  }

  #track(info: TrackInfo, job: QueryJob): Track {
    return { ...info, id: crypto.randomUUID(), requesterId: job.requesterId, requestedAt: this.now() };
  }
}
