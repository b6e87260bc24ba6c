/** A real Discordeno bot, in-process, pointed at a fake Discord: to test the fake with the client it must serve. */
import { createBot, GatewayIntents, type GatewayManager } from "discordeno";
import type { FakeDiscord } from "./fake_discord.ts";

/** What the bot asks for: 129. */
export const INTENTS = GatewayIntents.Guilds | GatewayIntents.GuildVoiceStates;

/** Without these Discordeno drops the fields: an interaction would have no id or token. */
const desiredProperties = {
  interaction: {
    id: true,
    token: true,
    type: true,
    data: true,
    member: true,
    guildId: true,
    channelId: true,
  },
  member: { id: true, roles: true, permissions: true, user: true },
  user: { id: true, username: true },
  guild: { id: true, name: true, voiceStates: true, channels: true },
  channel: { id: true, type: true, name: true },
  voiceState: { userId: true, channelId: true, guildId: true, sessionId: true },
} as const;

const silent = { debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

/** A Discordeno bot pointed at the fake, recording the events these tests look at. */
export function startBot(discord: FakeDiscord) {
  const seen = {
    ready: [] as bigint[],
    guilds: [] as { id: bigint; voiceStates?: Map<bigint, { channelId?: bigint }> }[],
    interactions: [] as { id: bigint; token: string; data?: { name?: string } }[],
    voiceStates: [] as { userId: bigint; channelId?: bigint; sessionId: string }[],
    voiceServers: [] as { token: string; endpoint?: string }[],
  };
  const bot = createBot({
    token: discord.botToken,
    intents: INTENTS,
    desiredProperties,
    loggerFactory: () => silent,
    rest: { proxy: { baseUrl: discord.apiUrl } },
    // Discordeno waits spawnShardDelay (5.3 s) after READY before start() resolves; one shard needs no wait.
    gateway: { url: discord.gatewayUrl, spawnShardDelay: 0 },
    events: {
      ready: (payload) => seen.ready.push(payload.user.id),
      guildCreate: (guild) => seen.guilds.push(guild),
      interactionCreate: (interaction) => seen.interactions.push(interaction),
      voiceStateUpdate: (state) => seen.voiceStates.push(state),
      voiceServerUpdate: (payload) => seen.voiceServers.push(payload),
    },
  });
  return { bot, seen };
}

/** Shuts the bot down and clears the 60 s refill timer of each shard's send bucket, which shutdown leaves behind. */
export async function stopBot(bot: { shutdown(): Promise<void>; gateway: GatewayManager }): Promise<void> {
  await bot.shutdown();
  for (const shard of bot.gateway.shards.values()) clearTimeout(shard.bucket.timeoutId);
}

/** Polls `check` until it holds: Discordeno events arrive asynchronously. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
