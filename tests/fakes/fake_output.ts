/** A voice output that records what it was asked to do; a test ends plays and joins when it wants. */
import type { Readable } from "node:stream";
import type { AudioOutput, OutputListener } from "../../lib/guild/audio_output.ts";

/** One play handed to the output. */
export interface FakePlay {
  trackId: string;
  startSeconds: number;
  open: () => Readable;
}

/** Records plays, pauses and joins; `finish` ends the current play as if its audio ran out. */
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
  disconnects = 0;

  constructor(readonly listener: OutputListener) {}

  connect(channelId: string): Promise<void> {
    this.channelId = channelId;
    if (!this.holdJoins) return Promise.resolve();
    return new Promise((resolve, reject) => this.#pendingJoins.push({ channelId, resolve, reject }));
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
    if (previous) this.listener.onEvent({ type: "stopped", trackId: previous.trackId });
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
    const current = this.current;
    if (!current) throw new Error("nothing is playing");
    this.current = undefined;
    this.listener.onEvent({ type: "finished", trackId: current.trackId });
  }

  /** The play id's track, without the per-play suffix. */
  get currentTrackId(): string | undefined {
    return this.current?.trackId.split("#")[0];
  }
}
