/**
 * The bot's link to Discord: Discordeno's gateway and REST, with raw gateway events routed to plain
 * callbacks. Raw payloads keep Discord's own field names, so nothing depends on Discordeno's transformers.
 */
import {
  type Bot,
  createBot,
  type CreateRestManagerOptions,
  type DiscordGatewayPayload,
  type DiscordGuild,
  type DiscordInteraction,
  type DiscordReady,
  type DiscordVoiceServerUpdate,
  type DiscordVoiceState,
  Intents,
} from "discordeno";
import type { Config } from "../../config.ts";
import type { GatewayGuard } from "./gateway_guard.ts";
import type { GuildRoleEvent } from "./guild_roles.ts";

/** What the rest of the bot hears from the gateway. */
export interface GatewayListener {
  onReady(ready: DiscordReady): void;
  onGuildCreate(guild: DiscordGuild): void;
  /** The bot left a guild, or the guild became unavailable (`unavailable: true`). */
  onGuildDelete?(guild: { id: string; unavailable?: boolean }): void;
  /** A role was created, updated or deleted in a guild. */
  onGuildRoleEvent?(event: GuildRoleEvent): void;
  onVoiceStateUpdate(state: DiscordVoiceState): void;
  onVoiceServerUpdate(update: DiscordVoiceServerUpdate): void;
  onInteraction(interaction: DiscordInteraction): void;
}

/** Guild and voice-state events are all a music bot needs; interactions come without an intent. */
export const INTENTS = Intents.Guilds | Intents.GuildVoiceStates;

/** Creates the Discordeno bot, its shards kept alive by `guard`; call `start()` on it to connect. */
export function createDiscordClient(config: Config, listener: GatewayListener, guard: GatewayGuard): Bot {
  return createBot({
    token: config.discordToken,
    intents: INTENTS,
    rest: restOptions(config),
    // One shard needs no pause between shard starts; the default pause delays start-up by 5 seconds.
    gateway: { url: config.discordGatewayUrl, spawnShardDelay: 0, events: guard.shardEvents },
    events: { raw: (payload) => routeGatewayPayload(payload, listener) },
    loggerFactory: (name) => name === "REST" ? restLogger : quietLogger,
  });
}

/** How the bot's REST client reaches Discord; `deno task doctor` tries the token through the same. */
export function restOptions(
  config: Pick<Config, "discordToken" | "discordApiUrl">,
): CreateRestManagerOptions {
  return { token: config.discordToken, proxy: { baseUrl: config.discordApiUrl } };
}

/** Calls the listener for the dispatches it cares about; everything else is ignored. */
export function routeGatewayPayload(payload: DiscordGatewayPayload, listener: GatewayListener): void {
  const data = payload.d as never;
  switch (payload.t) {
    case "READY":
      return listener.onReady(data);
    case "GUILD_CREATE":
      return listener.onGuildCreate(data);
    case "GUILD_DELETE":
      return listener.onGuildDelete?.(data);
    case "GUILD_ROLE_CREATE":
    case "GUILD_ROLE_UPDATE":
    case "GUILD_ROLE_DELETE":
      return listener.onGuildRoleEvent?.({ type: payload.t, data } as GuildRoleEvent);
    case "VOICE_STATE_UPDATE":
      return listener.onVoiceStateUpdate(data);
    case "VOICE_SERVER_UPDATE":
      return listener.onVoiceServerUpdate(data);
    case "INTERACTION_CREATE":
      return listener.onInteraction(data);
  }
}

/** Sends a raw gateway payload (voice's op 4) on the shard that serves `guildId`. */
export function sendGatewayPayload(bot: Bot, guildId: string, payload: unknown): void {
  const shardId = bot.gateway.calculateShardId(guildId);
  bot.gateway.sendPayload(shardId, payload as never).catch((error) => {
    console.error(`Could not send a voice update for guild ${guildId}:`, error);
  });
}

/**
 * Discordeno logs every request and heartbeat at info: that goes to the bot's debug level (for diagnosing a
 * connection), its warnings and errors to the bot's own.
 */
const quietLogger = {
  debug: (...args: unknown[]) => console.debug("[discord]", ...args),
  info: (...args: unknown[]) => console.debug("[discord]", ...args),
  warn: (...args: unknown[]) => console.warn("[discord]", ...args),
  error: (...args: unknown[]) => console.error("[discord]", ...args),
  fatal: (...args: unknown[]) => console.error("[discord]", ...args),
};

/**
 * REST's only error log is a request that got no answer, which also rejects that request: its caller says
 * what failed (once), so a start-up waiting for Discord prints one line per attempt, not two.
 */
const restLogger = { ...quietLogger, error: () => {} };
