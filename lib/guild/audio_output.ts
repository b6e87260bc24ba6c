/**
 * What the engine needs from a voice connection: join a channel, play a stream, pause, stop, and say where
 * playback is. lib/voice implements it with @discordjs/voice; the engine itself knows nothing of Discord.
 */
import type { Readable } from "node:stream";

/** What the output reports about the play it was given. */
export type OutputEvent =
  | { type: "finished"; trackId: string }
  | { type: "stopped"; trackId: string }
  | { type: "failed"; trackId: string; error: Error };

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
  /** Joins (or moves to) `channelId`; resolves once audio can flow. */
  connect(channelId: string): Promise<void>;
  /**
   * Starts a play at once, replacing whatever played (reported as stopped). `trackId` names this play in the
   * events; `open` gives Ogg Opus from `startSeconds` on.
   */
  play(playable: { trackId: string; open: () => Readable; startSeconds: number }): void;
  pause(): boolean;
  resume(): boolean;
  /** Ends the current play early; it is reported as stopped. */
  stop(): void;
  /** Seconds into the current play, counting the position it started at. */
  positionSeconds(): number;
  disconnect(): void;
}
