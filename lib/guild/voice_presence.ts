/**
 * Where the bot is in voice for one guild: out, joining a channel, or in one. One union of states, changed
 * only in `#set`, which gives up a join that is no longer wanted and closes the connection on the way out.
 * Like discord.js keeps its connection in a machine of its own, the session never asks the output whether
 * it is connected: it asks this.
 */
import type { AudioOutput } from "./audio_output.ts";

export type Presence =
  | { status: "out" }
  /** `joined` settles with the join's outcome; aborting `controller` gives the join up. */
  | { status: "joining"; channelId: string; controller: AbortController; joined: Promise<JoinOutcome> }
  | { status: "in"; channelId: string };

/** How a join ended for those who waited for it; it never rejects. */
export type JoinOutcome =
  | { outcome: "in" }
  /** Left, or moved elsewhere, before the join completed. */
  | { outcome: "given-up" }
  /** The channel could not be joined; the presence is still `joining` it until the caller leaves. */
  | { outcome: "failed"; error: unknown };

/** One guild's voice presence over an AudioOutput. */
export class VoicePresence {
  #presence: Presence = { status: "out" };

  constructor(
    private readonly output: AudioOutput,
    /** Hears every change, after it happened. */
    private readonly onChange: (presence: Presence) => void,
  ) {}

  get status(): Presence["status"] {
    return this.#presence.status;
  }

  /** The channel the bot is in or joining. */
  get channelId(): string | undefined {
    const presence = this.#presence;
    return presence.status === "out" ? undefined : presence.channelId;
  }

  /** In a channel, not still joining it: only then can audio flow. */
  get isIn(): boolean {
    return this.#presence.status === "in";
  }

  /**
   * Joins `channelId` (moving there from elsewhere), or waits for the join already under way there. A
   * failed join leaves the presence `joining` for the caller to leave through its one leave path.
   */
  join(channelId: string): Promise<JoinOutcome> {
    const presence = this.#presence;
    if (presence.status === "in" && presence.channelId === channelId) {
      return Promise.resolve({ outcome: "in" });
    }
    if (presence.status === "joining" && presence.channelId === channelId) return presence.joined;
    const controller = new AbortController();
    const joined: Promise<JoinOutcome> = this.output.connect(channelId, controller.signal).then(
      () => {
        if (!this.#isCurrent(joined)) return { outcome: "given-up" };
        this.#set({ status: "in", channelId });
        return { outcome: "in" };
      },
      (error) => this.#isCurrent(joined) ? { outcome: "failed", error } : { outcome: "given-up" },
    );
    this.#set({ status: "joining", channelId, controller, joined });
    return joined;
  }

  /** Leaves the channel, or gives up the join under way; false when already out. */
  leave(): boolean {
    if (this.#presence.status === "out") return false;
    this.#set({ status: "out" });
    return true;
  }

  /** Whether `joined` belongs to the join under way now (not one given up or replaced since). */
  isJoining(joined: Promise<JoinOutcome>): boolean {
    return this.#isCurrent(joined);
  }

  #isCurrent(joined: Promise<JoinOutcome>): boolean {
    const presence = this.#presence;
    return presence.status === "joining" && presence.joined === joined;
  }

  /** The one place the presence changes. */
  #set(next: Presence): void {
    const previous = this.#presence;
    this.#presence = next;
    if (previous.status === "joining" && !(next.status === "in" && next.channelId === previous.channelId)) {
      previous.controller.abort(new DOMException("The join is no longer wanted.", "AbortError"));
    }
    if (next.status === "out") this.output.disconnect();
    this.onChange(next);
  }
}
