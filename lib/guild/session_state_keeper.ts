/**
 * Keeps every guild's music in Deno KV as it changes, and reads it back for a new session: the queue with
 * its fairness clocks, settings, history, and the track playing or being prepared with its position (saved
 * on every change, and every few seconds while it plays).
 */
import type { Clock } from "../clock.ts";
import { type GuildStateStore } from "../state/guild_state_store.ts";
import { historyEntryOf } from "../state/guild_state.ts";
import { RECENT_PLAYS } from "./autoplay_picker.ts";
import type { GuildSession, SavedMusic } from "./guild_session.ts";
import type { SessionEvent } from "./session_events.ts";

/** How often the position of playing tracks is saved: a crash loses at most this much. */
export const POSITION_SAVE_INTERVAL_MS = 3_000;

/** Saves session state after its events; one write at a time per guild, and no backlog of stale saves. */
export class SessionStateKeeper {
  /** Guild id → the last write queued for it. */
  #writes = new Map<string, Promise<void>>();
  /** Guilds with a full save queued but not yet begun: one is enough, it reads the state when it runs. */
  #savesQueued = new Set<string>();
  #timer?: ReturnType<typeof setInterval>;

  constructor(private readonly store: GuildStateStore, private readonly clock: Clock) {}

  /** Hears session events (wired into GuildSessions' onEvent). */
  onEvent(session: GuildSession, event: SessionEvent): void {
    if (event.kind === "track-started") {
      const entry = historyEntryOf(event.track, this.clock.now());
      this.#write(session.guildId, () => this.store.appendHistory(session.guildId, entry));
    }
    if (event.kind !== "track-failed") void this.save(session);
  }

  /** Saves the queue, settings and playback of `session`, after any earlier write for its guild. */
  save(session: GuildSession): Promise<void> {
    const { guildId } = session;
    if (this.#savesQueued.has(guildId)) return this.#writes.get(guildId)!;
    this.#savesQueued.add(guildId);
    return this.#write(guildId, async () => {
      this.#savesQueued.delete(guildId);
      // Each part on its own, one after another: one that cannot be saved (too large, say) must not keep
      // the others from being saved.
      const stayChannelId = session.stay ? session.channelId : undefined;
      const failures: unknown[] = [];
      for (
        const part of [
          () => this.store.saveQueue(guildId, session.queue.snapshot()),
          () =>
            this.store.saveSettings(guildId, {
              mode: session.queue.mode,
              loop: session.loop,
              autoplay: session.autoplay,
              stay: session.stay,
              volume: session.effects.volume,
              filters: session.effects.filters,
              ...(stayChannelId && { stayChannelId }),
            }),
          () => this.store.savePlayback(guildId, this.#playbackOf(session)),
        ]
      ) {
        await part().catch((error) => failures.push(error));
      }
      if (failures.length > 0) {
        const reasons = failures.map((error) => error instanceof Error ? error.message : String(error));
        throw new AggregateError(failures, `some parts were not saved (${reasons.join("; ")})`);
      }
    });
  }

  /** Saves every session now: on shutdown. */
  async saveAll(sessions: GuildSession[]): Promise<void> {
    await Promise.all(sessions.map((session) => this.save(session)));
  }

  /** Every few seconds, the position alone: the rest is saved when it changes. */
  startPositionTimer(sessions: () => GuildSession[]): void {
    this.#timer ??= setInterval(() => {
      for (const session of sessions()) {
        if (session.status !== "playing") continue;
        this.#write(
          session.guildId,
          () => this.store.savePlayback(session.guildId, this.#playbackOf(session)),
        );
      }
    }, POSITION_SAVE_INTERVAL_MS);
  }

  stopPositionTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A guild's saved music, read after any write still under way (default settings when nothing was saved). */
  async load(guildId: string): Promise<SavedMusic | undefined> {
    await this.#writes.get(guildId);
    const state = await this.store.load(guildId);
    const recent = await this.store.history(guildId, RECENT_PLAYS);
    return { ...state, recent };
  }

  #playbackOf(session: GuildSession) {
    const playback = session.savedPlayback();
    return playback && { ...playback, savedAt: this.clock.now() };
  }

  /** Writes for one guild happen one after another, so an older save never lands after a newer one. */
  #write(guildId: string, write: () => Promise<void>): Promise<void> {
    const previous = this.#writes.get(guildId) ?? Promise.resolve();
    const next = previous.then(write).catch((error) => console.error(`Saving guild ${guildId}:`, error));
    this.#writes.set(guildId, next);
    // Once the last write is done, nothing about the guild needs remembering here.
    next.then(() => {
      if (this.#writes.get(guildId) === next) this.#writes.delete(guildId);
    });
    return next;
  }
}
