/**
 * Leaves the voice channel when nobody is listening or nothing is queued, after a grace period, so the
 * bot does not sit in a channel for hours. Either condition clears as soon as it stops being true. With 24/7
 * on (`stay`), neither countdown runs.
 */

export type LeaveReason = "alone" | "idle";

/** setTimeout and clearTimeout, injectable so tests need not wait minutes. */
export interface Timers {
  set(callback: () => void, ms: number): TimerId;
  clear(id: TimerId): void;
}

export type TimerId = ReturnType<typeof setTimeout>;

/** The real setTimeout and clearTimeout. */
export const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (id) => clearTimeout(id),
};

/** Two independent countdowns for one guild; `leave` is called at most once per countdown. */
export class AutoLeave {
  #alone?: TimerId;
  #idle?: TimerId;
  #stay = false;

  constructor(
    private readonly timeoutsMs: { alone: number; idle: number },
    private readonly leave: (reason: LeaveReason) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  /** 24/7: on stops both countdowns; after turning it off the caller reports the channel's state again. */
  get stay(): boolean {
    return this.#stay;
  }

  set stay(on: boolean) {
    this.#stay = on;
    if (on) this.cancelAll();
  }

  /** The number of people (not bots) in the bot's channel changed. */
  listenersChanged(count: number): void {
    if (count > 0 || this.#stay) return this.#cancel("alone");
    this.#alone ??= this.timers.set(() => this.#fire("alone"), this.timeoutsMs.alone);
  }

  /** Nothing plays and nothing is queued. */
  becameIdle(): void {
    if (this.#stay) return;
    this.#idle ??= this.timers.set(() => this.#fire("idle"), this.timeoutsMs.idle);
  }

  /** Something started playing. */
  becameActive(): void {
    this.#cancel("idle");
  }

  /** The bot left for another reason: no countdown should outlive it. */
  cancelAll(): void {
    this.#cancel("alone");
    this.#cancel("idle");
  }

  #fire(reason: LeaveReason): void {
    this.cancelAll();
    this.leave(reason);
  }

  #cancel(reason: LeaveReason): void {
    const id = reason === "alone" ? this.#alone : this.#idle;
    if (id !== undefined) this.timers.clear(id);
    if (reason === "alone") this.#alone = undefined;
    else this.#idle = undefined;
  }
}
