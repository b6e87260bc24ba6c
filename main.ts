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
import { comeOnline } from "./lib/discord/come_online.ts";
import { inviteLink } from "./lib/discord/invite_link.ts";
import { RateLimiter } from "./lib/limits/rate_limiter.ts";
import { checkDave } from "./lib/doctor/dave_module.ts";
import { checkFfmpeg } from "./lib/doctor/tool_checks.ts";
import { ensureWritableFolder, FolderError } from "./lib/doctor/writable_folder.ts";
import { BotMetrics } from "./lib/metrics/bot_metrics.ts";
import { startMetricsServer } from "./lib/metrics/metrics_server.ts";
import { onVoiceReconnect } from "./lib/voice/connection_keeper.ts";
import { getVoiceConnections, VoiceConnectionStatus } from "@discordjs/voice";
import { ShardState } from "discordeno";
import { VoiceStateTracker } from "./lib/discord/voice_state_tracker.ts";
import { GuildSessions } from "./lib/guild/guild_sessions.ts";
import { SessionStateKeeper } from "./lib/guild/session_state_keeper.ts";
import { TrackPreparer } from "./lib/guild/track_preparer.ts";
import { liveTools } from "./lib/process/live_tools.ts";
import { Shutdown } from "./lib/shutdown.ts";
import { systemClock } from "./lib/clock.ts";
import { GuildStateStore } from "./lib/state/guild_state_store.ts";
import { GatewayVoiceAdapters } from "./lib/voice/gateway_voice_adapter.ts";
import { GuildPlayer } from "./lib/voice/guild_player.ts";

/** A guild's music is dropped from memory this long after the bot left its voice (it stays saved). */
const FORGET_SESSION_AFTER_MS = 10 * 60_000;

async function main(): Promise<void> {
  const config = readConfig();
  await prepareFolders(config);
  void warnAboutSetup(config);
  const kvPath = join(config.dataDir, "trazom.kv");
  const kv = await Deno.openKv(kvPath);
  const store = new GuildStateStore(kv);
  const cache = await AudioCache.open({ dir: config.cacheDir, kv, limitBytes: config.cacheLimitBytes });
  // Read at scrape time, when everything below exists.
  const gatewayConnected = () =>
    [...bot.gateway.shards.values()].some((s) => s.state === ShardState.Connected);
  const metrics = new BotMetrics({
    guilds: () => guildIds.size,
    voiceConnections: () =>
      [...getVoiceConnections().values()].filter((c) => c.state.status === VoiceConnectionStatus.Ready)
        .length,
    streamsPlaying: () => sessions.all().filter((session) => session.nowPlaying()?.paused === false).length,
    gatewayConnected,
    cache: () => cache.stats(),
  }, ["resolver", "transcoder"]);
  onVoiceReconnect(() => metrics.voiceReconnected());
  const target = loudnessTarget(config.loudnessLufs);
  const { resolver, transcoder } = startWorkers(config, target, kvPath, (worker) => {
    metrics.workerRestarted(worker);
  });

  const voiceStates = new VoiceStateTracker();
  const roles = new GuildRoles();
  let botUserId = "";
  const guildIds = new Set<string>();
  const adapters = new GatewayVoiceAdapters(() => botUserId, (guildId, payload) => {
    sendGatewayPayload(bot, guildId, payload);
  });
  // A fatal close (bad token, disallowed intents) can only come after start(), once `shutdown` exists.
  const guard = new GatewayGuard({
    onFatal: (message) => void shutdown.run(1, message),
    onReconnect: () => metrics.gatewayReconnected(),
  });
  const bot = createDiscordClient(config, {
    onReady: (ready) => {
      botUserId = ready.user.id;
      console.log(`Connected to Discord as ${ready.user.username}.`);
      console.log(`Invite the bot to a server: ${inviteLink(ready.application?.id ?? ready.user.id)}`);
    },
    onGuildCreate: (guild) => {
      guildIds.add(guild.id);
      voiceStates.onGuildCreate(guild);
      roles.onGuildCreate(guild);
      sessions.rejoin(guild.id).catch((error) => console.error(`Restoring guild ${guild.id}:`, error));
    },
    onVoiceStateUpdate: (state) => {
      voiceStates.onVoiceStateUpdate(state);
      adapters.onVoiceStateUpdate(state);
      if (state.guild_id) sessions.voiceChanged(state.guild_id);
    },
    onGuildDelete: (guild) => {
      if (!guild.unavailable) guildIds.delete(guild.id);
      roles.onGuildDelete(guild.id);
    },
    onGuildRoleEvent: (event) => roles.onRoleEvent(event),
    onVoiceServerUpdate: (update) => adapters.onVoiceServerUpdate(update),
    // Gateway events arrive only after start(), by which time everything below exists.
    onInteraction: (interaction) => {
      if (shutdown.accepting) void router.handle(interaction);
    },
  }, guard);

  const announce = createAnnouncer(bot.rest);
  const keeper = new SessionStateKeeper(store, systemClock);
  const sessions = new GuildSessions({
    createOutput: (guildId, listener) =>
      new GuildPlayer(guildId, adapters, listener.onEvent, listener.onLost),
    preparer: new TrackPreparer(cache, resolver, transcoder, target),
    resolver,
    prefetch: config.prefetch,
    queueCaps: config.queueLimits,
    clock: systemClock,
    leaveAfterMs: { alone: config.aloneTimeoutSeconds * 1000, idle: config.idleTimeoutSeconds * 1000 },
    forgetAfterMs: FORGET_SESSION_AFTER_MS,
    listenersIn: (guildId, channelId) => voiceStates.listenersIn(guildId, channelId).length,
    load: (guildId) => keeper.load(guildId),
    onEvent: (session, event) => {
      if (event.kind === "track-started") metrics.trackStarted(event);
      announce(session, event);
      keeper.onEvent(session, event);
    },
  });
  const deps: CommandDeps = {
    sessions,
    voiceStates,
    roles,
    djRoleName: config.djRoleName,
    resolver,
    playRate: config.playRate ? new RateLimiter(config.playRate) : undefined,
  };
  const commands = allCommands(deps, { store, cache });
  const router = new InteractionRouter(bot.rest, commands, allComponents(deps));

  const shutdown = new Shutdown({
    closeSessions: () => sessions.closeAll(),
    // Each worker kills its tool processes before it is terminated: terminating it would leave them running.
    closeWorkers: async () => void await Promise.all([resolver.shutdown(), transcoder.shutdown()]),
    killTools: () => liveTools.killAll(),
    closeGateway: () => guard.shutdown(bot.gateway),
    closeStore: () => kv.close(),
  });
  shutdown.onShutdown("saving state", async () => {
    keeper.stopPositionTimer();
    await keeper.saveAll(sessions.all());
  });
  shutdown.listen();
  keeper.startPositionTimer(() => sessions.all());

  if (config.metrics) {
    const server = await startMetricsServer({ ...config.metrics, metrics, healthy: gatewayConnected });
    console.log(`Serving /healthz and /metrics at ${server.url}.`);
    shutdown.onShutdown("closing the metrics endpoint", () => server.close());
  }

  // Commands are registered again on every attempt: the overwrite is idempotent, and a failed start
  // (GET /gateway/bot) leaves nothing behind. Once start() has the session info, the gateway guard
  // takes over the waiting, with its own back-off.
  const stopWaiting = new AbortController();
  shutdown.onShutdown("giving up on Discord", () => stopWaiting.abort());
  try {
    await comeOnline(async () => {
      await bot.rest.upsertGlobalApplicationCommands(commands.map((command) => command.definition));
      console.log(`Registered ${commands.length} slash commands.`);
      await bot.start();
    }, { signal: stopWaiting.signal });
  } catch (error) {
    if (stopWaiting.signal.aborted) return;
    const refusal = restRefusalMessage(error);
    if (refusal === null) throw error;
    await shutdown.run(1, refusal);
  }
}

/** The data and cache folders, created and proven writable, or a sentence and exit code 1. */
async function prepareFolders(config: Config): Promise<void> {
  try {
    await ensureWritableFolder(config.dataDir, "TRAZOM_DATA_DIR");
    await ensureWritableFolder(config.cacheDir, "TRAZOM_CACHE_DIR");
  } catch (error) {
    if (!(error instanceof FolderError)) throw error;
    console.error(error.message);
    Deno.exit(1);
  }
}

/** What `deno task doctor` would fail on in ffmpeg and DAVE, logged once; the bot starts anyway. */
async function warnAboutSetup(config: Config): Promise<void> {
  for (const result of [await checkDave(), await checkFfmpeg(config.ffmpegPath)]) {
    if (result.status !== "ok") console.warn(`${result.detail} ${result.fix ?? ""}`.trim());
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
function startWorkers(
  config: Config,
  target: LoudnessTarget,
  kvPath: string,
  onRestart: (worker: string) => void,
) {
  const resolver = new WorkerClient<ResolverRequest, ResolverAnswer>(
    "resolver",
    () => startWorker("./workers/resolver_worker.ts"),
    {
      ytdlpPath: config.ytdlpPath,
      ytdlpOperator: config.ytdlpOperator,
      ytdlpHelper: config.ytdlpHelper,
      ytdlpPython: config.ytdlpPython,
      allowPrivateUrls: config.allowPrivateUrls,
      playlistLimit: config.playlistLimit,
      spotify: config.spotify,
      youtubeUrl: config.youtubeUrl,
      kvPath,
    } satisfies ResolverSettings,
    { onRestart: () => onRestart("resolver"), toolJobs: config.toolJobs },
  );
  const transcoder = new WorkerClient<TranscoderRequest, TranscoderAnswer>(
    "transcoder",
    () => startWorker("./workers/transcoder_worker.ts"),
    {
      ytdlpPath: config.ytdlpPath,
      ytdlpOperator: config.ytdlpOperator,
      ytdlpHelper: config.ytdlpHelper,
      ytdlpPython: config.ytdlpPython,
      ffmpegPath: config.ffmpegPath,
      allowPrivateUrls: config.allowPrivateUrls,
      target,
      workDir: config.cacheDir,
      toolJobs: config.toolJobs,
    } satisfies TranscoderSettings,
    { onRestart: () => onRestart("transcoder"), toolJobs: config.toolJobs },
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
