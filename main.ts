/**
 * Trazom: a self-hosted Discord music bot. This file wires the parts together, explicitly and once:
 * configuration, state, the two workers, the Discord connection, voice, sessions and commands.
 */
import { join } from "node:path";
import { type Config, ConfigError, parseConfig, processEnv } from "./config.ts";
import { type LoudnessTarget, loudnessTarget } from "./lib/audio/loudnorm.ts";
import { AudioCache } from "./lib/cache/audio_cache.ts";
import { WorkerClient } from "./lib/channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest, ResolverSettings } from "./lib/channels/resolver_messages.ts";
import type {
  TranscoderAnswer,
  TranscoderRequest,
  TranscoderSettings,
} from "./lib/channels/transcoder_messages.ts";
import { allCommands, allComponents } from "./lib/commands/all_commands.ts";
import type { CommandDeps } from "./lib/commands/command_deps.ts";
import { createAnnouncer } from "./lib/discord/announcer.ts";
import { createDiscordClient, sendGatewayPayload } from "./lib/discord/discord_client.ts";
import { GatewayGuard } from "./lib/discord/gateway_guard.ts";
import { GuildRoles } from "./lib/discord/guild_roles.ts";
import { InteractionRouter } from "./lib/discord/interaction_router.ts";
import { restRefusalMessage } from "./lib/discord/rest_refusal.ts";
import { VoiceStateTracker } from "./lib/discord/voice_state_tracker.ts";
import { GuildSessions } from "./lib/guild/guild_sessions.ts";
import { SessionStateKeeper } from "./lib/guild/session_state_keeper.ts";
import { SkipVotes } from "./lib/guild/skip_votes.ts";
import { TrackPreparer } from "./lib/guild/track_preparer.ts";
import { Shutdown } from "./lib/shutdown.ts";
import { GuildStateStore } from "./lib/state/guild_state_store.ts";
import { GatewayVoiceAdapters } from "./lib/voice/gateway_voice_adapter.ts";

async function main(): Promise<void> {
  const config = readConfig();
  await Deno.mkdir(config.dataDir, { recursive: true });
  const kvPath = join(config.dataDir, "trazom.kv");
  const kv = await Deno.openKv(kvPath);
  const store = new GuildStateStore(kv);
  const cache = await AudioCache.open({ dir: config.cacheDir, kv, limitBytes: config.cacheLimitBytes });
  const target = loudnessTarget(config.loudnessLufs);
  const { resolver, transcoder } = startWorkers(config, target, kvPath);

  const voiceStates = new VoiceStateTracker();
  const roles = new GuildRoles();
  let botUserId = "";
  const adapters = new GatewayVoiceAdapters(() => botUserId, (guildId, payload) => {
    sendGatewayPayload(bot, guildId, payload);
  });
  // A fatal close (bad token, disallowed intents) can only come after start(), once `shutdown` exists.
  const guard = new GatewayGuard({ onFatal: (message) => void shutdown.run(1, message) });
  const bot = createDiscordClient(config, {
    onReady: (ready) => {
      botUserId = ready.user.id;
      console.log(`Connected to Discord as ${ready.user.username}.`);
    },
    onGuildCreate: (guild) => {
      voiceStates.onGuildCreate(guild);
      roles.onGuildCreate(guild);
      keeper.restoreGuild(guild.id).catch((error) => console.error(`Restoring guild ${guild.id}:`, error));
    },
    onVoiceStateUpdate: (state) => {
      voiceStates.onVoiceStateUpdate(state);
      adapters.onVoiceStateUpdate(state);
      if (state.guild_id) sessions.voiceChanged(state.guild_id);
    },
    onVoiceServerUpdate: (update) => adapters.onVoiceServerUpdate(update),
    // Gateway events arrive only after start(), by which time everything below exists.
    onInteraction: (interaction) => {
      if (shutdown.accepting) void router.handle(interaction);
    },
  }, guard);

  const announce = createAnnouncer(bot.rest);
  const sessions = new GuildSessions({
    adapters,
    preparer: new TrackPreparer(cache, resolver, transcoder, target),
    resolver,
    voiceStates,
    prefetch: config.prefetch,
    leaveAfterMs: { alone: config.aloneTimeoutSeconds * 1000, idle: config.idleTimeoutSeconds * 1000 },
    onEvent: (session, event) => {
      announce(session, event);
      keeper.onEvent(session, event);
    },
  });
  const keeper = new SessionStateKeeper(store, sessions, voiceStates, announce);
  const skipVotes = new Map<string, SkipVotes>();
  const deps: CommandDeps = {
    sessions,
    voiceStates,
    roles,
    djRoleName: config.djRoleName,
    resolver,
    skipVotes: (guildId) => skipVotes.get(guildId) ?? skipVotes.set(guildId, new SkipVotes()).get(guildId)!,
  };
  const commands = allCommands(deps, { store, cache });
  const router = new InteractionRouter(bot.rest, commands, allComponents(deps));

  const shutdown = new Shutdown({
    closeSessions: () => sessions.closeAll(),
    closeWorkers: () => {
      resolver.close();
      transcoder.close();
    },
    closeGateway: () => guard.shutdown(bot.gateway),
    closeStore: () => kv.close(),
  });
  shutdown.onShutdown("saving state", async () => {
    keeper.stopPositionTimer();
    await keeper.saveAll();
  });
  shutdown.listen();
  keeper.startPositionTimer();

  try {
    await bot.rest.upsertGlobalApplicationCommands(commands.map((command) => command.definition));
    console.log(`Registered ${commands.length} slash commands.`);
    await bot.start();
  } catch (error) {
    const refusal = restRefusalMessage(error);
    if (refusal === null) throw error;
    await shutdown.run(1, refusal);
  }
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

/** The resolver and transcoder workers, each restarted by its client if it dies. */
function startWorkers(config: Config, target: LoudnessTarget, kvPath: string) {
  const resolver = new WorkerClient<ResolverRequest, ResolverAnswer>(
    "resolver",
    () => startWorker("./workers/resolver_worker.ts"),
    {
      ytdlpPath: config.ytdlpPath,
      allowPrivateUrls: config.allowPrivateUrls,
      playlistLimit: config.playlistLimit,
      spotify: config.spotify,
      kvPath,
    } satisfies ResolverSettings,
  );
  const transcoder = new WorkerClient<TranscoderRequest, TranscoderAnswer>(
    "transcoder",
    () => startWorker("./workers/transcoder_worker.ts"),
    {
      ytdlpPath: config.ytdlpPath,
      ffmpegPath: config.ffmpegPath,
      allowPrivateUrls: config.allowPrivateUrls,
      target,
      workDir: config.cacheDir,
    } satisfies TranscoderSettings,
  );
  return { resolver, transcoder };
}

function startWorker(path: string): Worker {
  return new Worker(new URL(path, import.meta.url), { type: "module" });
}

if (import.meta.main) {
  // A stray rejection inside a library must not take every guild's music down with it: log it and go on.
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    console.error("Unhandled rejection:", event.reason);
  });
  await main();
}
