/** The states of one guild's playback; GuildSession changes them in one place. */
import type { Track } from "../track.ts";
import type { PreparationJob, PreparedTrack } from "./preparation.ts";

/** A track to carry on with, where it was: after a restart, or after the bot left in the middle of it. */
export interface Resume {
  track: Track;
  positionSeconds: number;
  paused: boolean;
  /** The channel it was playing in, to rejoin after a restart. */
  voiceChannelId: string;
}

export type SessionState =
  /** Nothing plays. `resume` is a track to carry on with before the queue when music is next asked for. */
  | { status: "idle"; resume?: Resume }
  /** `track` was taken up and is being made ready; it starts at `positionSeconds`. */
  | {
    status: "preparing";
    track: Track;
    job: PreparationJob;
    positionSeconds: number;
    paused: boolean;
    /** Say so in the channel when it starts (false when the /play reply already did). */
    announce: boolean;
    /** Continuing after a restart or a return to voice: announced as such. */
    resumed: boolean;
    /** When it was taken up (clock ms), to measure the wait for its first audio. */
    since: number;
    /** How often it was picked up again after its audio stalled or broke (0 for a fresh start). */
    recoveries: number;
  }
  /**
   * `track` is heard, or paused. `playId` names the play the output holds; undefined while paused with
   * nothing loaded (a seek while paused, or a paused track brought back after a restart), and then
   * `positionSeconds` is where it will start. Otherwise `positionSeconds` is where the loaded play started.
   */
  | {
    status: "playing";
    track: Track;
    prepared: PreparedTrack;
    playId: string | undefined;
    positionSeconds: number;
    paused: boolean;
    /** How often it was picked up again after its audio stalled or broke. */
    recoveries: number;
  }
  /** Shut down: nothing happens any more. */
  | { status: "closed" };

export type SessionStatus = SessionState["status"];
