/**
 * Decides when a gateway link is half-open, and when the next heartbeat is due. A link whose TCP
 * connection died silently never closes by itself, so silence is the only sign: a heartbeat left
 * unacknowledged for a whole interval, or no traffic at all for 1.5 intervals. Pure: time is passed in.
 */

/** What the watch concludes about the link at a moment. */
export type LinkVerdict = "alive" | "missed_ack" | "silent";

/** Silence longer than this many heartbeat intervals means the link is dead. */
export const SILENCE_INTERVALS = 1.5;

/** Discord's usual heartbeat interval, used until a Hello says otherwise. */
export const DEFAULT_INTERVAL_MS = 41_250;

type WatchState =
  | { readonly status: "idle" }
  | {
    readonly status: "linked";
    lastTrafficAt: number;
    /** Null until Hello: no heartbeats before Discord says how often. */
    nextBeatAt: number | null;
    /** When the oldest unacknowledged heartbeat went out. */
    unackedSince: number | null;
  };

/** Heartbeat schedule and half-open detection for one shard's link. */
export class LinkWatch {
  #state: WatchState = { status: "idle" };
  #intervalMs: number;

  constructor(intervalMs = DEFAULT_INTERVAL_MS) {
    this.#intervalMs = intervalMs;
  }

  /** The heartbeat interval Discord last asked for. */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** A socket is being opened: from now on, silence counts. */
  connecting(now: number): void {
    this.#state = { status: "linked", lastTrafficAt: now, nextBeatAt: null, unackedSince: null };
  }

  /** Hello arrived: heartbeat every `intervalMs`, the first after `firstBeatDelayMs` (Discord's jitter). */
  hello(now: number, intervalMs: number, firstBeatDelayMs: number): void {
    this.#intervalMs = intervalMs;
    this.#state = {
      status: "linked",
      lastTrafficAt: now,
      nextBeatAt: now + firstBeatDelayMs,
      unackedSince: null,
    };
  }

  /** Any payload arrived. */
  traffic(now: number): void {
    if (this.#state.status === "linked") this.#state.lastTrafficAt = now;
  }

  /** A heartbeat ACK (op 11) arrived. */
  acked(now: number): void {
    if (this.#state.status !== "linked") return;
    this.#state.lastTrafficAt = now;
    this.#state.unackedSince = null;
  }

  /** A heartbeat went out. */
  beatSent(now: number): void {
    if (this.#state.status !== "linked") return;
    this.#state.unackedSince ??= now;
    this.#state.nextBeatAt = now + this.#intervalMs;
  }

  /** No link to watch (closed, abandoned, or waiting to reconnect). */
  idle(): void {
    this.#state = { status: "idle" };
  }

  /** Whether a heartbeat should go out now. */
  beatDue(now: number): boolean {
    return this.#state.status === "linked" && this.#state.nextBeatAt !== null &&
      now >= this.#state.nextBeatAt;
  }

  /** Whether the link still looks alive at `now`. */
  verdict(now: number): LinkVerdict {
    if (this.#state.status === "idle") return "alive";
    const { unackedSince, lastTrafficAt } = this.#state;
    if (unackedSince !== null && now - unackedSince >= this.#intervalMs) return "missed_ack";
    if (now - lastTrafficAt >= SILENCE_INTERVALS * this.#intervalMs) return "silent";
    return "alive";
  }
}
