/** Every guild's session, created the first time someone asks for music there. */
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";
import type { GatewayVoiceAdapters } from "../voice/gateway_voice_adapter.ts";
import { GuildPlayer } from "../voice/guild_player.ts";
import { GuildSession, type SessionNotice } from "./guild_session.ts";
import type { TrackPreparer } from "./track_preparer.ts";

/** What a new session is built from. */
export interface SessionParts {
  adapters: GatewayVoiceAdapters;
  preparer: TrackPreparer;
  resolver: WorkerClient<ResolverRequest, ResolverAnswer>;
  prefetch: number;
  announce: (session: GuildSession, notice: SessionNotice) => void;
}

/** Guild id → session. */
export class GuildSessions {
  #sessions = new Map<string, GuildSession>();

  constructor(private readonly parts: SessionParts) {}

  get(guildId: string): GuildSession | undefined {
    return this.#sessions.get(guildId);
  }

  /** The guild's session, created (without joining voice) if it has none. */
  obtain(guildId: string): GuildSession {
    const existing = this.#sessions.get(guildId);
    if (existing) return existing;
    const { adapters, preparer, resolver, prefetch, announce } = this.parts;
    // The player reports to the session made just below; it cannot report before it plays anything.
    const player = new GuildPlayer(guildId, adapters, (event) => session.onPlayerEvent(event));
    const session: GuildSession = new GuildSession(
      guildId,
      player,
      preparer,
      (notice) => announce(session, notice),
      prefetch,
      resolver,
    );
    this.#sessions.set(guildId, session);
    return session;
  }

  all(): GuildSession[] {
    return [...this.#sessions.values()];
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.all().map((session) => session.close()));
    this.#sessions.clear();
  }
}
