/**
 * Keeps every guild's music in Deno KV as it changes, and brings it back after a restart: the queue with
 * its fairness clocks, settings, history, and the playing track with its position (saved every few seconds).
 */
import { FairQueue } from "../queue/fair_queue.ts";
import { type GuildStateStore } from "../state/guild_state_store.ts";
import { historyEntryOf, type Playback } from "../state/guild_state.ts";
import type { VoiceStateTracker } from "../discord/voice_state_tracker.ts";
import type { GuildSession, SessionEvent } from "./guild_session.ts";
import type { GuildSessions } from "./guild_sessions.ts";
import { RECENT_PLAYS } from "./autoplay_picker.ts";

/** How often the position of playing tracks is saved: a crash loses at most this much. */
export const POSITION_SAVE_INTERVAL_MS = 3_000;

/** Saves session state on every change; restores a guild's state the first time the guild is seen. */
export class SessionStateKeeper {
  #writes = new Map<string, Promise<void>>();
  #restored = new Set<string>();
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly store: GuildStateStore,
    private readonly sessions: GuildSessions,
    private readonly voiceStates: VoiceStateTracker,
    private readonly announce: (session: GuildSession, event: SessionEvent) => void,
  ) {}

  /** Hears session events (wired into GuildSessions' onEvent). */
  onEvent(session: GuildSession, event: SessionEvent): void {
    if (event.kind === "track-started") {
      this.#write(
        session.guildId,
        () => this.store.appendHistory(session.guildId, historyEntryOf(event.track, Date.now())),
      );
    }
    if (
      event.kind === "track-started" || event.kind === "changed" || event.kind === "idle" ||
      event.kind === "left"
    ) {
      this.save(session);
    }
  }

  /** Saves the queue, settings and playback of `session`, in order after any earlier save. */
  save(session: GuildSession): Promise<void> {
    const { guildId } = session;
    const snapshot = session.queue.snapshot();
    const settings = { mode: session.queue.mode, loop: session.loop, autoplay: session.autoplay.enabled };
    const playback = playbackOf(session);
    return this.#write(guildId, async () => {
      await this.store.saveQueue(guildId, snapshot);
      await this.store.saveSettings(guildId, settings);
      await this.store.savePlayback(guildId, playback);
    });
  }

  /** Saves every session now: on shutdown, and from the position timer. */
  async saveAll(): Promise<void> {
    await Promise.all(this.sessions.all().map((session) => this.save(session)));
  }

  /** Every few seconds, the position alone: the queue and settings are saved when they change. */
  startPositionTimer(): void {
    this.#timer ??= setInterval(() => {
      for (const session of this.sessions.all()) {
        if (session.status !== "playing") continue;
        const playback = playbackOf(session);
        this.#write(session.guildId, () => this.store.savePlayback(session.guildId, playback));
      }
    }, POSITION_SAVE_INTERVAL_MS);
  }

  stopPositionTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Brings back a guild's saved music, once per run; rejoins only if people are still listening. */
  async restoreGuild(guildId: string): Promise<void> {
    if (this.#restored.has(guildId)) return;
    this.#restored.add(guildId);
    const state = await this.store.load(guildId);
    if (!state.queue && !state.playback) return;
    const session = this.sessions.obtain(guildId);
    if (state.queue) session.queue = FairQueue.fromSnapshot(state.queue);
    session.queue.setMode(state.settings.mode);
    session.loop = state.settings.loop;
    session.autoplay.enabled = state.settings.autoplay;
    session.autoplay.recent = await this.store.history(guildId, RECENT_PLAYS);
    await this.#resumePlayback(session, state.playback);
  }

  async #resumePlayback(session: GuildSession, playback: Playback | undefined): Promise<void> {
    if (!playback) return;
    const listeners = this.voiceStates.listenersIn(session.guildId, playback.voiceChannelId);
    if (listeners.length === 0) return;
    session.textChannelId = playback.textChannelId;
    await session.player.connect(playback.voiceChannelId);
    session.resumeFrom(playback.track, playback.positionSeconds);
    this.announce(session, {
      kind: "resumed",
      track: playback.track,
      positionSeconds: playback.positionSeconds,
    });
  }

  /** Writes for one guild happen one after another, so an older save never lands after a newer one. */
  #write(guildId: string, write: () => Promise<void>): Promise<void> {
    const previous = this.#writes.get(guildId) ?? Promise.resolve();
    const next = previous.then(write).catch((error) => console.error(`Saving guild ${guildId}:`, error));
    this.#writes.set(guildId, next);
    return next;
  }
}

function playbackOf(session: GuildSession): Playback | null {
  const playing = session.nowPlaying();
  const voiceChannelId = session.player.channelId;
  if (!playing || !voiceChannelId) return null;
  return {
    track: playing.track,
    positionSeconds: playing.positionSeconds,
    paused: playing.paused,
    voiceChannelId,
    textChannelId: session.textChannelId,
    savedAt: Date.now(),
  };
}
