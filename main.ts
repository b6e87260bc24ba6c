/**
 * Trazom: a self-hosted Discord music bot. This file wires the parts together, explicitly and once:
 * configuration, state, the two workers, the Discord connection, voice, sessions and commands.
 */
import { join } from "node:path";
import { type Config, ConfigError, parseConfig, processEnv } from "./config.ts";
import { loudnessTarget } from "./lib/audio/loudnorm.ts";
import { AudioCache } from "./lib/cache/audio_cache.ts";
import { WorkerClient } from "./lib/channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest, ResolverSettings } from "./lib/channels/resolver_messages.ts";
import type {
  TranscoderAnswer,
  TranscoderRequest,
  TranscoderSettings,
} from "./lib/channels/transcoder_messages.ts";
import { playCommand } from "./lib/commands/play_command.ts";
import { createAnnouncer } from "./lib/discord/announcer.ts";
import { createDiscordClient, sendGatewayPayload } from "./lib/discord/discord_client.ts";
import { InteractionRouter } from "./lib/discord/interaction_router.ts";
import { VoiceStateTracker } from "./lib/discord/voice_state_tracker.ts";
import { GuildSessions } from "./lib/guild/guild_sessions.ts";
import { TrackPreparer } from "./lib/guild/track_preparer.ts";
import { GatewayVoiceAdapters } from "./lib/voice/gateway_voice_adapter.ts";

async function main(): Promise<void> {
  const config = readConfig();
  await Deno.mkdir(config.dataDir, { recursive: true });
  const kvPath = join(config.dataDir, "trazom.kv");
  const kv = await Deno.openKv(kvPath);
  const cache = await AudioCache.open({ dir: config.cacheDir, kv, limitBytes: config.cacheLimitBytes });
  const target = loudnessTarget(config.loudnessLufs);
  const resolver = new WorkerClient<ResolverRequest, ResolverAnswer>(
    "resolver",
    () => startWorker("./workers/resolver_worker.ts"),
    resolverSettings(config, kvPath),
  );
  const transcoder = new WorkerClient<TranscoderRequest, TranscoderAnswer>(
    "transcoder",
    () => startWorker("./workers/transcoder_worker.ts"),
    transcoderSettings(config, target),
  );

  const voiceStates = new VoiceStateTracker();
  let botUserId = "";
  const adapters = new GatewayVoiceAdapters(() => botUserId, (guildId, payload) => {
    sendGatewayPayload(bot, guildId, payload);
  });
  const bot = createDiscordClient(config, {
    onReady: (ready) => {
      botUserId = ready.user.id;
      console.log(`Connected to Discord as ${ready.user.username}.`);
    },
    onGuildCreate: (guild) => voiceStates.onGuildCreate(guild),
    onVoiceStateUpdate: (state) => {
      voiceStates.onVoiceStateUpdate(state);
      adapters.onVoiceStateUpdate(state);
    },
    onVoiceServerUpdate: (update) => adapters.onVoiceServerUpdate(update),
    // Interactions arrive only after start(), by which time the router below exists.
    onInteraction: (interaction) => void router.handle(interaction),
  });

  const preparer = new TrackPreparer(cache, resolver, transcoder, target);
  const sessions = new GuildSessions({
    adapters,
    preparer,
    resolver,
    prefetch: config.prefetch,
    announce: createAnnouncer(bot.rest),
  });
  const commands = [playCommand({ sessions, voiceStates })];
  const router = new InteractionRouter(bot.rest, commands);

  await bot.rest.upsertGlobalApplicationCommands(commands.map((command) => command.definition));
  console.log(`Registered ${commands.length} slash commands.`);
  await bot.start();
}

function readConfig(): Config {
  try {
    return parseConfig(processEnv());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(1);
  }
}

function startWorker(path: string): Worker {
  return new Worker(new URL(path, import.meta.url), { type: "module" });
}

function resolverSettings(config: Config, kvPath: string): ResolverSettings {
  return {
    ytdlpPath: config.ytdlpPath,
    allowPrivateUrls: config.allowPrivateUrls,
    playlistLimit: config.playlistLimit,
    spotify: config.spotify,
    kvPath,
  };
}

function transcoderSettings(config: Config, target: ReturnType<typeof loudnessTarget>): TranscoderSettings {
  return {
    ytdlpPath: config.ytdlpPath,
    ffmpegPath: config.ffmpegPath,
    allowPrivateUrls: config.allowPrivateUrls,
    target,
    workDir: config.cacheDir,
  };
}

if (import.meta.main) await main();
