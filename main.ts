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
import type { PlaylistDeps } from "./lib/commands/playlist_scope.ts";
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
import { TrackLog } from "./lib/log/track_log.ts";
import { chooseYtdlp, CurrentYtdlp, YtdlpUpdater } from "./lib/sources/current_ytdlp.ts";
import { OwnYtdlp } from "./lib/sources/own_ytdlp.ts";
import { installLogger, log, type LogSettings, type WithLog } from "./lib/log/logger.ts";
import { ensureWritableFolder, FolderError } from "./lib/doctor/writable_folder.ts";
import { BotMetrics, type FailureKind } from "./lib/metrics/bot_metrics.ts";
import { healthProblems } from "./lib/metrics/bot_health.ts";
import { resolverFailure, transcoderFailure } from "./lib/metrics/failure_kind.ts";
import { startMetricsServer } from "./lib/metrics/metrics_server.ts";
import { RestartLoop } from "./lib/metrics/restart_loop.ts";
import { ToolHealth, toolProbes } from "./lib/metrics/tool_health.ts";
import { WorkerStatsReader } from "./lib/metrics/worker_stats.ts";
import { onVoiceReconnect } from "./lib/voice/connection_keeper.ts";
import { getVoiceConnections, VoiceConnectionStatus } from "@discordjs/voice";
import { ShardState } from "discordeno";
import { VoiceStateTracker } from "./lib/discord/voice_state_tracker.ts";
import { GuildSessions } from "./lib/guild/guild_sessions.ts";
import { SessionStateKeeper } from "./lib/guild/session_state_keeper.ts";
import { TrackPreparer } from "./lib/adapters/track_preparer.ts";
import { WorkerResolver } from "./lib/adapters/worker_resolver.ts";
import { transcoderLookAhead } from "./lib/adapters/transcoder_look_ahead.ts";
import { SuggestionLookAhead } from "./lib/sources/suggestion_look_ahead.ts";
import { liveTools } from "./lib/process/live_tools.ts";
import { Shutdown } from "./lib/shutdown.ts";
import { cookiesProblem, preparePrivateFolder } from "./lib/sources/cookies_copy.ts";
import { clearProxyEnvironment } from "./lib/sources/proxy_environment.ts";
import { systemClock } from "./lib/clock.ts";
import { GuildStateStore } from "./lib/state/guild_state_store.ts";
import { PlaylistStore } from "./lib/playlists/playlist_store.ts";
import { GatewayVoiceAdapters } from "./lib/voice/gateway_voice_adapter.ts";
import { LyricsFollower } from "./lib/discord/lyrics_follower.ts";
import { createLrclib } from "./lib/lyrics/lrclib.ts";
import { LyricsBook } from "./lib/lyrics/lyrics_book.ts";
import { LyricsStore } from "./lib/lyrics/lyrics_store.ts";
import { GuildPlayer } from "./lib/voice/guild_player.ts";

/** A guild's music is dropped from memory this long after the bot left its voice (it stays saved). */
const FORGET_SESSION_AFTER_MS = 10 * 60_000;

async function main(): Promise<void> {
  // Until the settings are read, lines still get their time and level.
  installLogger({ level: "info", format: "text", secrets: [] });
  forgetProxyEnvironment();
  const config = readConfig();
  const logSettings = logSettingsOf(config);
  installLogger(logSettings);
  await prepareFolders(config);
  // Both look at tools, neither needs the other: the ffmpeg check and the choice of yt-dlp run together.
  const [, ytdlp] = await Promise.all([checkTools(config), startYtdlp(config)]);
  const kvPath = join(config.dataDir, "trazom.kv");
  const kv = await Deno.openKv(kvPath);
  const store = new GuildStateStore(kv);
  const cache = await AudioCache.open({ dir: config.cacheDir, kv, limitBytes: config.cacheLimitBytes });
  // Read at scrape time, when everything below exists.
  const gatewayConnected = () =>
    [...bot.gateway.shards.values()].some((s) => s.state === ShardState.Connected);
  // Checked when health is first asked for (and after a failure), not at start: a yt-dlp start costs a
  // second of CPU, and start-up already stopped the bot without a usable ffmpeg.
  const tools = new ToolHealth(toolProbes(config.ffmpegPath, () => ytdlp.current.path));
  const restarts = new RestartLoop();
  const workerStats = new WorkerStatsReader();
  const metrics = new BotMetrics({
    guilds: () => guildIds.size,
    voiceConnections: () =>
      [...getVoiceConnections().values()].filter((c) => c.state.status === VoiceConnectionStatus.Ready)
        .length,
    streamsPlaying: () => sessions.all().filter((session) => session.nowPlaying()?.paused === false).length,
    gatewayConnected,
    cache: () => cache.stats(),
    queuedTracks: () => sessions.all().reduce((sum, session) => sum + session.queue.list().length, 0),
    workers: () => workerStats.all,
    ytdlpVersion: () => tools.readings.ytdlpVersion,
  }, ["resolver", "transcoder"]);
  const failed = (kind: FailureKind | undefined) => {
    if (kind === undefined) return;
    metrics.failed(kind);
    // A tool that disappeared or broke shows first as failing downloads and encodes.
    if (kind !== "resolve") tools.suspect();
  };
  onVoiceReconnect(() => metrics.voiceReconnected());
  const target = loudnessTarget(config.loudnessLufs);
  // The bot's own yt-dlp is run through one fixed script, so a switch needs no word to the workers.
  const ytdlpConfig = { ...config, ytdlpPath: ytdlp.current.path };
  const { resolver, transcoder } = startWorkers(ytdlpConfig, logSettings, target, kvPath, {
    onRestart: (worker) => {
      metrics.workerRestarted(worker);
      restarts.restarted(worker);
    },
    onAnswer: (worker, request, answer) =>
      failed(worker === "resolver" ? resolverFailure(request, answer) : transcoderFailure(answer)),
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
      // An outage keeps the guild; a removal forgets what was known of its members.
      if (!guild.unavailable) {
        guildIds.delete(guild.id);
        voiceStates.forgetGuild(guild.id);
      }
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
  const trackLog = new TrackLog(log);
  const sessions = new GuildSessions({
    createOutput: (guildId, listener) =>
      new GuildPlayer(guildId, adapters, listener.onEvent, listener.onLost),
    preparer: new TrackPreparer(cache, resolver, transcoder, target),
    resolver: new WorkerResolver(resolver),
    prefetch: config.prefetch,
    queueCaps: config.queueLimits,
    clock: systemClock,
    leaveAfterMs: { alone: config.aloneTimeoutSeconds * 1000, idle: config.idleTimeoutSeconds * 1000 },
    forgetAfterMs: FORGET_SESSION_AFTER_MS,
    listenersIn: (guildId, channelId) => voiceStates.listenersIn(guildId, channelId).length,
    load: (guildId) => keeper.load(guildId),
    onEvent: (session, event) => {
      trackLog.onEvent(session.guildId, event);
      if (event.kind === "track-started") metrics.trackStarted(event);
      // The one failure the session itself finds: the voice output failed while playing.
      if (event.kind === "track-failed" && event.reason === "Playback failed.") failed("voice");
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
    lookAhead: config.lookAhead
      ? new SuggestionLookAhead({ port: transcoderLookAhead(transcoder, cache, target) })
      : undefined,
    playRate: config.playRate ? new RateLimiter(config.playRate) : undefined,
  };
  const playlists: PlaylistDeps = {
    store: new PlaylistStore(kv, config.playlistCaps),
    maxTracks: config.playlistCaps.tracks,
    addressPolicy: { allowPrivate: config.allowPrivateUrls },
  };
  const lyrics = {
    book: new LyricsBook(new LyricsStore(kv), createLrclib({ baseUrl: config.lrclibUrl })),
    follower: new LyricsFollower(
      (guildId) => sessions.get(guildId),
      (card, body) => bot.rest.editMessage(card.channelId, card.messageId, body),
    ),
  };
  const commands = allCommands(deps, { store, cache, playlists, lyrics });
  const router = new InteractionRouter(bot.rest, commands, allComponents(deps, playlists, lyrics));

  const shutdown = new Shutdown({
    closeSessions: () => sessions.closeAll(),
    // Each worker kills its tool processes before it is terminated: terminating it would leave them running.
    closeWorkers: async () => void await Promise.all([resolver.shutdown(), transcoder.shutdown()]),
    killTools: () => liveTools.killAll(),
    closeGateway: () => guard.shutdown(bot.gateway),
    closeStore: () => kv.close(),
  });
  shutdown.onShutdown("stopping lyrics cards", () => lyrics.follower.stopAll());
  shutdown.onShutdown("saving state", async () => {
    keeper.stopPositionTimer();
    await keeper.saveAll(sessions.all());
  });
  shutdown.onShutdown("closing the workers' statistics", () => workerStats.close());
  shutdown.onShutdown("stopping yt-dlp updates", () => ytdlp.updater?.stop());
  shutdown.listen();
  keeper.startPositionTimer(() => sessions.all());

  if (config.metrics) {
    const problems = () => healthProblems({ gatewayConnected, tools, restarts });
    const server = await startMetricsServer({ ...config.metrics, metrics, problems });
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

/** Where each yt-dlp run's private copy of the cookies file goes. */
function privateDir(config: Config): string {
  return join(config.dataDir, "private");
}

/** The data and cache folders, created and proven writable, or a sentence and exit code 1. */
async function prepareFolders(config: Config): Promise<void> {
  try {
    await ensureWritableFolder(config.dataDir, "TRAZOM_DATA_DIR");
    await ensureWritableFolder(config.cacheDir, "TRAZOM_CACHE_DIR");
    await preparePrivateFolder(privateDir(config));
    const cookies = await cookiesProblem(config.ytdlpOperator.cookiesPath);
    if (cookies !== undefined) {
      console.error(cookies);
      Deno.exit(1);
    }
  } catch (error) {
    if (!(error instanceof FolderError)) throw error;
    console.error(error.message);
    Deno.exit(1);
  }
}

/**
 * ffmpeg as the transcoder will run it, or a sentence naming the fix and exit code 1: without it no new
 * track could ever play. DAVE's module is only warned about (the doctor says more).
 */
async function checkTools(config: Config): Promise<void> {
  const [dave, ffmpeg] = await Promise.all([checkDave(), checkFfmpeg(config.ffmpegPath)]);
  if (dave.status !== "ok") console.warn(`${dave.detail} ${dave.fix ?? ""}`.trim());
  if (ffmpeg.status === "ok") return;
  console.error(`The bot cannot play without a working ffmpeg: ${ffmpeg.detail} ${ffmpeg.fix ?? ""}`.trim());
  Deno.exit(1);
}

/**
 * The yt-dlp to run (installing the bot's own when there is no new-enough one), and its daily update when
 * it is the bot's own and TRAZOM_YTDLP_UPDATE is not off.
 */
async function startYtdlp(config: Config) {
  const own = new OwnYtdlp(config.dataDir, {
    indexUrl: config.ownYtdlp.pipIndexUrl,
    log: (line) => log.info(line),
  });
  const configured = config.ytdlpPathSet ? config.ytdlpPath : undefined;
  const current = new CurrentYtdlp(await chooseYtdlp({ configured, own, log: (line) => log.info(line) }));
  log.info(`Using ${current.describe()}.`);
  if (!current.choice.own || config.ownYtdlp.update === "off") return { current };
  const updater = new YtdlpUpdater(current, own, (line) => log.info(line));
  updater.start();
  return { current, updater };
}

/** The log as configured, told which values are secrets. */
function logSettingsOf(config: Config): LogSettings {
  const secrets = [config.discordToken, config.spotify.clientSecret].filter((value) => value !== undefined);
  return { ...config.log, secrets };
}

/** Before any request: the environment's proxy settings could route the bot's fetches around its guard. */
function forgetProxyEnvironment(): void {
  try {
    clearProxyEnvironment();
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
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
  logSettings: LogSettings,
  target: LoudnessTarget,
  kvPath: string,
  hooks: {
    onRestart(worker: string): void;
    onAnswer(worker: string, request: unknown, answer: unknown): void;
  },
) {
  const resolver = new WorkerClient<ResolverRequest, ResolverAnswer>(
    "resolver",
    () => startWorker("./workers/resolver_worker.ts"),
    {
      ytdlpPath: config.ytdlpPath,
      ytdlpOperator: { ...config.ytdlpOperator, privateDir: privateDir(config) },
      ytdlpHelper: config.ytdlpHelper,
      ytdlpPython: config.ytdlpPython,
      allowPrivateUrls: config.allowPrivateUrls,
      playlistLimit: config.playlistLimit,
      maxTrackSeconds: config.trackCaps.maxTrackSeconds,
      spotify: config.spotify,
      youtubeUrl: config.youtubeUrl,
      sponsorBlockUrl: config.sponsorBlockUrl,
      kvPath,
      log: logSettings,
    } satisfies WithLog<ResolverSettings>,
    {
      onRestart: () => hooks.onRestart("resolver"),
      onAnswer: (request, answer) => hooks.onAnswer("resolver", request, answer),
      toolJobs: config.toolJobs,
    },
  );
  const transcoder = new WorkerClient<TranscoderRequest, TranscoderAnswer>(
    "transcoder",
    () => startWorker("./workers/transcoder_worker.ts"),
    {
      ytdlpPath: config.ytdlpPath,
      ytdlpOperator: { ...config.ytdlpOperator, privateDir: privateDir(config) },
      ytdlpHelper: config.ytdlpHelper,
      ytdlpPython: config.ytdlpPython,
      ffmpegPath: config.ffmpegPath,
      allowPrivateUrls: config.allowPrivateUrls,
      target,
      workDir: config.cacheDir,
      toolJobs: config.toolJobs,
      caps: config.trackCaps,
      log: logSettings,
    } satisfies WithLog<TranscoderSettings>,
    {
      onRestart: () => hooks.onRestart("transcoder"),
      onAnswer: (request, answer) => hooks.onAnswer("transcoder", request, answer),
      toolJobs: config.toolJobs,
    },
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
