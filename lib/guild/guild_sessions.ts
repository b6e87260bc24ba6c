/** Every guild's session, created the first time someone asks for music there, each with its auto-leave. */
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";
import type { VoiceStateTracker } from "../discord/voice_state_tracker.ts";
import type { GatewayVoiceAdapters } from "../voice/gateway_voice_adapter.ts";
import { GuildPlayer } from "../voice/guild_player.ts";
import { AutoLeave, type LeaveReason } from "./auto_leave.ts";
import { GuildSession, type SessionEvent } from "./guild_session.ts";
import type { TrackPreparer } from "./track_preparer.ts";

/** What a new session is built from. */
export interface SessionParts {
  adapters: GatewayVoiceAdapters;
  preparer: TrackPreparer;
  resolver: WorkerClient<ResolverRequest, ResolverAnswer>;
  voiceStates: VoiceStateTracker;
  prefetch: number;
  /** Grace periods before leaving an empty channel or an empty queue. */
  leaveAfterMs: { alone: number; idle: number };
  /** Hears every session's events: the announcer, the state store. */
  onEvent: (session: GuildSession, event: SessionEvent) => void;
}

/** Guild id → session. */
export class GuildSessions {
  #sessions = new Map<string, { session: GuildSession; autoLeave: AutoLeave }>();

  constructor(private readonly parts: SessionParts) {}

  get(guildId: string): GuildSession | undefined {
    return this.#sessions.get(guildId)?.session;
  }

  /** The guild's session, created (without joining voice) if it has none. */
  obtain(guildId: string): GuildSession {
    const existing = this.#sessions.get(guildId);
    if (existing) return existing.session;
    const { adapters, preparer, resolver, prefetch, leaveAfterMs } = this.parts;
    // The player reports to the session made just below; it cannot report before it plays anything.
    const player = new GuildPlayer(
      guildId,
      adapters,
      (event) => session.onPlayerEvent(event),
      (_reason, channelId) => this.#lost(session, channelId),
    );
    const autoLeave = new AutoLeave(leaveAfterMs, (reason) => this.#leave(session, reason));
    const onEvent = (event: SessionEvent) => this.#onEvent(session, autoLeave, event);
    const session: GuildSession = new GuildSession(guildId, player, preparer, onEvent, prefetch, resolver);
    this.#sessions.set(guildId, { session, autoLeave });
    return session;
  }

  /** Someone joined or left a voice channel in `guildId`: the bot may now be alone, or no longer. */
  voiceChanged(guildId: string): void {
    const entry = this.#sessions.get(guildId);
    const channelId = entry?.session.player.channelId;
    if (!entry || !channelId) return;
    entry.autoLeave.listenersChanged(this.parts.voiceStates.listenersIn(guildId, channelId).length);
  }

  all(): GuildSession[] {
    return [...this.#sessions.values()].map((entry) => entry.session);
  }

  async closeAll(): Promise<void> {
    for (const { autoLeave } of this.#sessions.values()) autoLeave.cancelAll();
    await Promise.all(this.all().map((session) => session.close()));
    this.#sessions.clear();
  }

  #onEvent(session: GuildSession, autoLeave: AutoLeave, event: SessionEvent): void {
    if (event.kind === "track-started") autoLeave.becameActive();
    if (event.kind === "idle" && session.player.channelId) autoLeave.becameIdle();
    if (event.kind === "track-started") this.voiceChanged(session.guildId);
    this.parts.onEvent(session, event);
  }

  /** Voice was lost for good: stop playing into nothing, keep the queue, and say what happened. */
  #lost(session: GuildSession, channelId: string): void {
    this.#sessions.get(session.guildId)?.autoLeave.cancelAll();
    session.leave();
    this.parts.onEvent(session, { kind: "left", reason: "disconnected", channelId });
  }

  #leave(session: GuildSession, reason: LeaveReason): void {
    const channelId = session.player.channelId;
    if (!channelId) return;
    session.leave();
    this.parts.onEvent(session, { kind: "left", reason, channelId });
  }
}
