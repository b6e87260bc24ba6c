/** A voice output that records what it was asked to do; a test ends plays and joins when it wants. */
import type { Readable } from "node:stream";
import type { AudioOutput, OutputListener } from "../../lib/guild/audio_output.ts";

/** One play handed to the output. */
export interface FakePlay {
  trackId: string;
  startSeconds: number;
  open: () => Readable;
  /** Song seconds per second heard, when a speed filter is on. */
  tempo?: number;
  /** Carries on the audio of the play before it (a volume or filter change). */
  follows?: boolean;
}

/**
 * Records plays, pauses and joins; `finish`, `starve` and `fail` end the current play the ways a real
 * output reports.
 */
export class FakeOutput implements AudioOutput {
  channelId: string | undefined;
  plays: FakePlay[] = [];
  current?: FakePlay;
  paused = false;
  /** Seconds into the current play beyond its start, as a test sets it. */
  elapsedSeconds = 0;
  /** Joins wait for `completeJoin` when true. */
  holdJoins = false;
  #pendingJoins: { channelId: string; resolve(): void; reject(error: Error): void }[] = [];
  /** The signals joins were given, newest last: a test checks that a join was given up. */
  joinSignals: AbortSignal[] = [];
  disconnects = 0;

  constructor(readonly listener: OutputListener) {}

  connect(channelId: string, signal: AbortSignal): Promise<void> {
    this.channelId = channelId;
    this.joinSignals.push(signal);
    if (!this.holdJoins) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const join = { channelId, resolve, reject };
      this.#pendingJoins.push(join);
      // Like the real output: a join given up rejects at once, and is no longer waiting.
      signal.addEventListener("abort", () => {
        this.#pendingJoins = this.#pendingJoins.filter((pending) => pending !== join);
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** How many joins are waiting for `completeJoin`. */
  get waitingJoins(): number {
    return this.#pendingJoins.length;
  }

  /** Completes (or fails) the oldest join still waiting. */
  completeJoin(error?: Error): void {
    const join = this.#pendingJoins.shift();
    if (!join) throw new Error("no join is waiting");
    if (error) join.reject(error);
    else join.resolve();
  }

  play(playable: FakePlay): void {
    const previous = this.current;
    this.current = playable;
    this.paused = false;
    this.elapsedSeconds = 0;
    this.plays.push(playable);
    if (previous) this.listener.onEvent({ type: "replaced", trackId: previous.trackId });
  }

  pause(): boolean {
    if (!this.current || this.paused) return false;
    this.paused = true;
    return true;
  }

  resume(): boolean {
    if (!this.current || !this.paused) return false;
    this.paused = false;
    return true;
  }

  stop(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    this.listener.onEvent({ type: "stopped", trackId: current.trackId });
  }

  positionSeconds(): number {
    return this.current ? this.current.startSeconds + this.elapsedSeconds : 0;
  }

  disconnect(): void {
    this.stop();
    this.channelId = undefined;
    this.disconnects++;
  }

  /** The current play's audio ran out. */
  finish(): void {
    this.listener.onEvent({ type: "ended", trackId: this.#end().trackId });
  }

  /** The current play got no audio for too long, at `elapsedSeconds` into it. */
  starve(): void {
    const positionSeconds = this.positionSeconds();
    this.listener.onEvent({ type: "starved", trackId: this.#end().trackId, positionSeconds });
  }

  /** The current play's stream broke, at `elapsedSeconds` into it. */
  fail(error = new Error("the stream broke")): void {
    const positionSeconds = this.positionSeconds();
    this.listener.onEvent({ type: "failed", trackId: this.#end().trackId, error, positionSeconds });
  }

  #end(): FakePlay {
    const current = this.current;
    if (!current) throw new Error("nothing is playing");
    this.current = undefined;
    return current;
  }

  /** The play id's track, without the per-play suffix. */
  get currentTrackId(): string | undefined {
    return this.current?.trackId.split("#")[0];
  }
}
