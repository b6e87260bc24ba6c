/**
 * The bot's link to Discord: Discordeno's gateway and REST, with raw gateway events routed to plain
 * callbacks. Raw payloads keep Discord's own field names, so nothing depends on Discordeno's transformers.
 */
import {
  type Bot,
  createBot,
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

/** What the rest of the bot hears from the gateway. */
export interface GatewayListener {
  onReady(ready: DiscordReady): void;
  onGuildCreate(guild: DiscordGuild): void;
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
    rest: { proxy: { baseUrl: config.discordApiUrl } },
    // One shard needs no pause between shard starts; the default pause delays start-up by 5 seconds.
    gateway: { url: config.discordGatewayUrl, spawnShardDelay: 0, events: guard.shardEvents },
    events: { raw: (payload) => routeGatewayPayload(payload, listener) },
    loggerFactory: () => quietLogger,
  });
}

/** Calls the listener for the dispatches it cares about; everything else is ignored. */
export function routeGatewayPayload(payload: DiscordGatewayPayload, listener: GatewayListener): void {
  const data = payload.d as never;
  switch (payload.t) {
    case "READY":
      return listener.onReady(data);
    case "GUILD_CREATE":
      return listener.onGuildCreate(data);
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

/** Discordeno logs every request and heartbeat at info; only problems are worth an operator's time. */
const quietLogger = {
  debug: () => {},
  info: () => {},
  warn: (...args: unknown[]) => console.warn("[discord]", ...args),
  error: (...args: unknown[]) => console.error("[discord]", ...args),
  fatal: (...args: unknown[]) => console.error("[discord]", ...args),
};
