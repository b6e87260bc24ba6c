/**
 * What the engine needs from a voice connection: join a channel, play a stream, pause, stop, and say where
 * playback is. lib/voice implements it with @discordjs/voice; the engine itself knows nothing of Discord.
 */
import type { Readable } from "node:stream";

/**
 * How a play the output was given came to an end, after lavaplayer's end reasons: only `ended` means the
 * track was heard to its end and the queue may move on.
 * - `ended`: its stream ran out;
 * - `starved`: no audio arrived for a while (a slow source, a busy machine) although the stream is open:
 *   the track is not over, it stalled at `positionSeconds`;
 * - `stopped`: the output was told to stop, or left its channel;
 * - `replaced`: another play took its place;
 * - `failed`: its stream broke.
 */
export type OutputEvent =
  | { type: "ended"; trackId: string }
  | { type: "starved"; trackId: string; positionSeconds: number }
  | { type: "stopped"; trackId: string }
  | { type: "replaced"; trackId: string }
  | { type: "failed"; trackId: string; error: Error; positionSeconds: number };

/** Why a voice connection was lost for good. */
export type VoiceLoss = "disconnected" | "unreachable";

/** Hears the output: the end of each play, and the loss of the connection. */
export interface OutputListener {
  onEvent(event: OutputEvent): void;
  onLost(reason: VoiceLoss, channelId: string): void;
}

/** One guild's voice connection and player. */
export interface AudioOutput {
  /** The voice channel joined or being joined. */
  readonly channelId: string | undefined;
  /**
   * Joins (or moves to) `channelId`; resolves once audio can flow. Aborting `signal` gives the join up: the
   * promise rejects with the signal's reason and the half-made connection is closed.
   */
  connect(channelId: string, signal: AbortSignal): Promise<void>;
  /**
   * Starts a play at once, replacing whatever played (reported as replaced). `trackId` names this play in
   * the events; `open` gives Ogg Opus from `startSeconds` on. `tempo` is song seconds per second heard (a
   * speed filter; 1 when unset), which the position counts in. A play that `follows` carries on the same
   * audio (a volume or filter change): what the old play is heard for until the new one is ready is not
   * heard again.
   */
  play(playable: {
    trackId: string;
    open: () => Readable;
    startSeconds: number;
    tempo?: number;
    follows?: boolean;
  }): void;
  pause(): boolean;
  resume(): boolean;
  /** Ends the current play early; it is reported as stopped. */
  stop(): void;
  /** Seconds into the current play's song, counting the position it started at. */
  positionSeconds(): number;
  disconnect(): void;
}
