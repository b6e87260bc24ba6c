/** What a guild session tells the rest of the bot: the announcer, the state keeper, auto-leave, metrics. */
import type { Track } from "../track.ts";

/**
 * Why the bot left a voice channel (or gave up joining it): nobody listened, the queue stayed empty, it was
 * kicked, the voice server could not be reached, a DJ asked, the join failed, or the /play it joined for
 * found nothing to queue.
 */
export type LeftReason =
  | "alone"
  | "idle"
  | "disconnected"
  | "unreachable"
  | "asked"
  | "join-failed"
  | "nothing-queued";

export type SessionEvent =
  /**
   * A track's audio started. `announce` is false when the requester was just told in the reply to their
   * /play; `preparedInMs` is how long it took from being taken up to its first audio.
   */
  | { kind: "track-started"; track: Track; announce: boolean; preparedInMs: number; fromCache: boolean }
  /** A track could not be made ready or failed while playing: it is skipped. */
  | { kind: "track-failed"; track: Track; reason: string }
  /** Nothing is playing and nothing is being prepared. */
  | { kind: "idle" }
  /** The queue, the settings, the playback or its pause state changed: worth saving. */
  | { kind: "changed" }
  /** Playback picked up where it was after a restart. */
  | { kind: "resumed"; track: Track; positionSeconds: number }
  /** The bot left the voice channel. */
  | { kind: "left"; reason: LeftReason; channelId: string };
