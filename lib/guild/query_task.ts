/**
 * The query task: turns /play requests into queued tracks, one request at a time per person, so one
 * person's songs asked for in quick succession are queued in the order they were asked for, while a slow
 * lookup (a server that sends a byte every few seconds) holds up nobody else's.
 */
import type { Track, TrackInfo } from "../track.ts";
import { UserError } from "../user_error.ts";
import type { Resolution, Resolver } from "./resolver_port.ts";

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

/** Resolves queries in order per person and hands the tracks to `enqueue`. */
export class QueryTask {
  /** Each person's latest request, settled or not: the next one of theirs starts after it. */
  #lines = new Map<string, Promise<unknown>>();
  /** Requests submitted and not yet answered, those being looked up included. */
  #pending = 0;
  #closed = false;

  constructor(
    private readonly resolver: Resolver,
    private readonly enqueue: (tracks: Track[], options: { next: boolean }) => Promise<Queued>,
    private readonly now: () => number = Date.now,
    /** Whose lookups these are (the guild), so no one guild holds every yt-dlp slot. */
    private readonly owner?: string,
  ) {}

  /** Queues what `job.query` names; rejects with a UserError the requester should read. */
  submit(job: QueryJob): Promise<QueryResult> {
    const person = job.requesterId;
    this.#pending++;
    // A request not begun when the task closes is dropped, never answered: the session is gone.
    const result = (this.#lines.get(person) ?? Promise.resolve())
      .then(() => this.#closed ? new Promise<never>(() => {}) : this.#handle(job));
    // Counted down before whoever awaits the result runs, so it sees only the others still pending.
    const settled = () => void this.#pending--;
    result.then(settled, settled);
    const line = result.catch(() => {});
    this.#lines.set(person, line);
    line.then(() => {
      if (this.#lines.get(person) === line) this.#lines.delete(person);
    });
    return result;
  }

  /** How many requests are waiting or being looked up. */
  get pending(): number {
    return this.#pending;
  }

  close(): void {
    this.#closed = true;
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
    const answer = await this.resolver.resolve(job.query, this.owner);
    if (answer.outcome !== "tracks") throw failureOf(answer);
    return answer;
  }

  #track(info: TrackInfo, job: QueryJob): Track {
    return { ...info, id: crypto.randomUUID(), requesterId: job.requesterId, requestedAt: this.now() };
  }
}

/** What the requester reads when a lookup found nothing or failed; a failure that is not theirs is logged. */
function failureOf(answer: Exclude<Resolution, { outcome: "tracks" }>): Error {
  if (answer.outcome === "empty" || answer.userFacing) return new UserError(answer.message);
  if (answer.temporary) {
    console.error(`A lookup was interrupted: ${answer.message}`);
    return new UserError("The lookup was interrupted on my side. Please try again in a moment.");
  }
  return new Error(answer.message);
}
