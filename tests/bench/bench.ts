/**
 * `deno task bench`: the bot's speed and memory targets, measured end to end and printed as numbers.
 *
 * The real bot (`deno task start`) runs against the end-to-end stand-ins: a fake Discord, a fake voice
 * server that decrypts and timestamps every packet, and a local media server serving music-like MP3s made
 * by ffmpeg. Nothing is asserted; each number is printed beside its target. What the numbers mean:
 *
 * 1. Start latency: ms from /play to the first voice packet, median of a few runs of a 3-minute track.
 *    "uncached" is a link never played before (resolve, fetch, loudness estimate, first pages of the
 *    stream), left playing until its file is cached; "cached" is the same link again, served from the
 *    cache. The very first /play after start also joins the voice channel, so it is reported on its own line.
 * 2. Normalization cost: loudnorm's two passes (the way the bot worked before it streamed) timed on their
 *    own, as a share of the track's duration, next to the design's measured ≈ 2 % + 0.9 %; and, inside the
 *    bot, (uncached − cached) per minute of audio, which also holds resolving and fetching.
 * 3. Hand-over gap: the arrival gap between the last packet of one prepared track and the first of the next,
 *    for short tracks queued back to back. 20 ms is seamless; the target is under 100 ms.
 * 4. Packet spacing: ms between consecutive packets over a minute of playback, p50/p99/max (20 ms is exact),
 *    then again while the transcoder worker normalizes a newly queued track, ffmpeg competing for the CPU.
 *    The fake voice server shares this process, so its own scheduling is included.
 * 5. The bot's process (main thread and workers; not its ffmpeg or yt-dlp children): resident memory when
 *    idle, while playing, and after N track starts (growth shows as a rising line), and CPU seconds per
 *    minute, idle and while playing.
 * 6. First audio of never-played 30, 180 and 600 s tracks through the streaming transcoder (its worker) and
 *    the growing-file reader, beside play-time transcoding without normalization (ffmpeg → PCM → Opus), with
 *    the ratio, and the loudness of the first play and of the cached file against the target.
 * 7. Suggestions (suggestion_latency.ts): keystroke to suggestions on a warm bot through the in-process
 *    YouTube search, beside what a yt-dlp search costs before YouTube answers.
 * 8. The engine's goals (engine_goals.ts): cached first audio, hand-over gap, /skip while a never-played
 *    track is prepared, and memory across many track starts, beside play-time transcoding's first audio.
 * 9. Several guilds at once (multi_guild.ts): 1, 10 and 25 guilds of the fake Discord playing a cached track
 *    together, p99 packet spacing, CPU per stream-minute and memory per guild, beside @discordjs/voice alone
 *    playing the same file in as many connections from its own process.
 *
 * 10. /play to the first audible packet (play_to_sound.ts): direct, page and YouTube links through the real
 *    resolver and yt-dlp, first /play and in the channel, with the warm yt-dlp helpers beside one yt-dlp
 *    run per request (TRAZOM_YTDLP_HELPER=off) in the same run.
 *
 * 11. Effects (effect_changes.ts): /filter to the changed sound, audio continuity and send jitter at the
 *    seam, the hand-over between prepared tracks in the same stream, and what an ffmpeg render costs per
 *    filtered stream-minute, directly and at 10 guilds (filtered_guilds.ts).
 *
 * BENCH_SECTIONS=single,multi,dave,suggestions,sound,effects picks sections (default: all); "single" is 1–6 and 8.
 * It takes about eight minutes; progress goes to stderr, the report to stdout.
 */
import { join } from "node:path";
import { TestWorld } from "../e2e/test_world.ts";
import { writeMusicLike } from "./bench_audio.ts";
import { reportDaveSpacing } from "./dave_spacing.ts";
import {
  reportHandovers,
  reportMemory,
  reportNormalization,
  reportPlayback,
  reportStartLatency,
} from "./bench_sections.ts";
import { BotResources } from "./bot_resources.ts";
import { measureHandoverGaps } from "./handover_gaps.ts";
import { measureFirstAudio, reportFirstAudio } from "./first_audio.ts";
import { describeMachine } from "./machine.ts";
import { type PassTimes, timeNormalization } from "./normalization_cost.ts";
import { measureMultiGuild, reportMultiGuild } from "./multi_guild.ts";
import { reportEngineGoals } from "./engine_goals.ts";
import { measureSkipDuringPreparation } from "./skip_latency.ts";
import { measureTrackStarts } from "./track_starts.ts";
import { measurePlayback } from "./packet_timing.ts";
import { Report } from "./report.ts";
import { sleep } from "./listener.ts";
import { measureStartLatency, timeToFirstAudio } from "./start_latency.ts";
import { median } from "./stats.ts";

const LONG_SECONDS = 180;
const SHORT_SECONDS = 6;
const LATENCY_RUNS = 3;
const HANDOVER_TRACKS = 6;
const STEADY_SECONDS = 60;
const IDLE_SECONDS = 10;
const TARGET_LUFS = -16;
const FIRST_AUDIO_SECONDS = [30, 180, 600];
const FIRST_AUDIO_RUNS = 3;
const TRACK_STARTS = 50;
const SKIP_LONG_SECONDS = 600;

/** Links the benchmark plays; the long track is served under several names so each is a new link. */
interface Library {
  longPath: string;
  warmUp: string;
  latency: string[];
  busy: string;
  shorts: string[];
  /** Never played before the skip measurement. */
  skipLong: string;
}

async function buildLibrary(world: TestWorld): Promise<Library> {
  const longPath = join(world.dataDir, "long.mp3");
  await writeMusicLike(longPath, LONG_SECONDS, 220);
  const long = await Deno.readFile(longPath);
  const skipLongPath = join(world.dataDir, "skip-long.mp3");
  await writeMusicLike(skipLongPath, SKIP_LONG_SECONDS, 260);
  const shorts: string[] = [];
  for (let i = 0; i <= HANDOVER_TRACKS; i++) {
    const path = join(world.dataDir, `short-${i}.mp3`);
    await writeMusicLike(path, SHORT_SECONDS, 300 + 100 * i);
    shorts.push(world.media.add(`short-${i}.mp3`, await Deno.readFile(path)));
  }
  return {
    longPath,
    warmUp: shorts[0],
    latency: Array.from({ length: LATENCY_RUNS }, (_, i) => world.media.add(`long-${i}.mp3`, long)),
    busy: world.media.add("long-busy.mp3", long),
    shorts: shorts.slice(1),
    skipLong: world.media.add("skip-long.mp3", await Deno.readFile(skipLongPath)),
  };
}

function progress(message: string): void {
  console.error(`bench: ${message}`);
}

async function run(world: TestWorld, report: Report): Promise<void> {
  for (const [name, value] of await describeMachine()) report.condition(name, value);
  report.condition("tracks", `${LONG_SECONDS} s (latency, playback), ${SHORT_SECONDS} s (hand-over), MP3`);
  report.condition("target loudness", `${TARGET_LUFS} LUFS`);

  progress("making test tracks");
  const library = await buildLibrary(world);
  // Before the bot starts, so nothing else competes with ffmpeg for the CPU.
  progress("timing the two normalization passes directly");
  const passes = await timeNormalization(library.longPath, world.dataDir, TARGET_LUFS);
  progress("first audio of never-played tracks: streaming transcoder, then play-time transcoding");
  const firstAudio = await measureFirstAudio(
    world.dataDir,
    FIRST_AUDIO_SECONDS,
    FIRST_AUDIO_RUNS,
    TARGET_LUFS,
    progress,
  );

  progress("starting the bot");
  // A long idle timeout: the bot must not leave the channel during the pauses between measurements.
  const botProcess = await world.startBot({
    TRAZOM_LOUDNESS: String(TARGET_LUFS),
    TRAZOM_IDLE_TIMEOUT: "3600",
    // The many track starts come faster than the per-user /play rate limit allows.
    TRAZOM_PLAY_RATE: "off",
  });
  try {
    const baseline = firstAudio.find((result) => result.seconds === LONG_SECONDS) ?? firstAudio[0];
    await measureBot(world, report, library, passes, median(baseline?.baselineMs ?? []));
  } catch (error) {
    console.error(`bench: the bot's last words:\n${botProcess.output.slice(-40).join("\n")}`);
    throw error;
  } finally {
    reportFirstAudio(report, firstAudio, TARGET_LUFS);
  }
}

async function measureBot(
  world: TestWorld,
  report: Report,
  library: Library,
  passes: PassTimes,
  baselineFirstAudioMs: number,
) {
  const bot = await BotResources.find(world.dataDir);
  // Start-up work (compiling, registering commands) is over after a few seconds; idle is measured after it.
  await sleep(3_000);
  const idleCpu = await cpuPerMinute(bot, IDLE_SECONDS);
  const memory = [{ label: "idle after start", mb: bot.residentMb() }];

  progress("first /play (joins the voice channel)");
  const firstPlayMs = await timeToFirstAudio(world, library.warmUp);
  progress(`start latency, ${LATENCY_RUNS} uncached then ${LATENCY_RUNS} cached runs`);
  const latency = await measureStartLatency(world, library.latency);
  reportStartLatency(report, {
    ...latency,
    firstPlayMs,
    shortSeconds: SHORT_SECONDS,
    longSeconds: LONG_SECONDS,
  });
  reportNormalization(report, passes, LONG_SECONDS, median(latency.uncachedMs) - median(latency.cachedMs));
  let starts = 1 + 2 * LATENCY_RUNS;
  memory.push({ label: `after ${starts} track starts`, mb: bot.residentMb() });

  progress(`hand-over between ${HANDOVER_TRACKS} queued ${SHORT_SECONDS} s tracks`);
  const handoverGapsMs = await measureHandoverGaps(world, library.shorts, SHORT_SECONDS);
  reportHandovers(report, handoverGapsMs);
  starts += HANDOVER_TRACKS;
  memory.push({ label: `after ${starts} track starts`, mb: bot.residentMb() });

  progress(`${STEADY_SECONDS} s of playback, then playback during a normalization`);
  const playback = await measurePlayback(world, bot, {
    cachedUrl: library.latency[0],
    uncachedUrl: library.busy,
    steadySeconds: STEADY_SECONDS,
    cacheDir: join(world.dataDir, "cache"),
  });
  reportPlayback(report, playback);
  starts += 1;
  memory.push({ label: "while playing (max)", mb: playback.residentMbMax });
  await sleep(2_000);
  memory.push({ label: `after ${starts} track starts`, mb: bot.residentMb() });
  memory.push({ label: "peak (VmHWM)", mb: bot.peakResidentMb() });
  reportMemory(report, memory, { idle: idleCpu, playing: playback.cpuSecondsPerMinute });

  progress(`/skip while a never-played ${SKIP_LONG_SECONDS} s track is prepared`);
  const skip = await measureSkipDuringPreparation(world, library.skipLong, library.shorts[0]);
  progress(`memory across ${TRACK_STARTS} starts of a cached track`);
  const trackStarts = await measureTrackStarts(world, bot, library.latency[0], TRACK_STARTS);
  reportEngineGoals(report, {
    cachedFirstAudioMs: latency.cachedMs,
    handoverGapsMs,
    skip,
    trackStarts,
    baselineFirstAudioMs,
    baselineSeconds: LONG_SECONDS,
  });
}

async function cpuPerMinute(bot: BotResources, seconds: number): Promise<number> {
  const before = bot.cpuSeconds();
  await sleep(seconds * 1000);
  return (bot.cpuSeconds() - before) / (seconds / 60);
}

/** BENCH_SECTIONS="single,multi" (any of single, multi, dave, suggestions, sound, effects) runs only those; default all. */
function selected(name: string): boolean {
  const wanted = Deno.env.get("BENCH_SECTIONS");
  return !wanted || wanted.split(",").map((part) => part.trim()).includes(name);
}

async function main(): Promise<void> {
  const started = performance.now();
  const report = new Report();
  const world = await TestWorld.start();
  try {
    if (selected("single")) await run(world, report);
    if (selected("multi")) reportMultiGuild(report, await measureMultiGuild(progress));
    if (selected("dave")) await reportDaveSpacing(report, progress);
    if (selected("effects")) {
      const { measureEffectChanges, reportEffects } = await import("./effect_changes.ts");
      reportEffects(report, await measureEffectChanges(progress));
      const { measureFilteredGuilds, reportFilteredGuilds } = await import("./filtered_guilds.ts");
      reportFilteredGuilds(report, await measureFilteredGuilds(progress));
    }
    if (selected("suggestions")) {
      await (await import("./suggestion_latency.ts")).reportSuggestionLatency(report, progress);
    }
    if (selected("sound")) await (await import("./play_to_sound.ts")).reportPlayToSound(report, progress);
  } finally {
    report.condition("benchmark wall time", `${((performance.now() - started) / 1000).toFixed(0)} s`);
    console.log(report.toString());
    await world.close();
  }
}

await main();
