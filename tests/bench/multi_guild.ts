/**
 * Several guilds playing at once: the bot plays one cached track in 1, 10 and 25 guilds of the fake Discord
 * together, and for each count the benchmark reads packet spacing per stream, the bot's CPU time per
 * stream-minute and its resident memory per guild. The baseline, in the same run and on the same fake
 * voice server, is @discordjs/voice alone playing the same Ogg Opus file into as many connections from a
 * separate process (voice_only_streams.ts). Both run with transport encryption only (no DAVE layer):
 * DAVE's own cost is the DAVE spacing section's subject, and the fake voice server's DAVE listeners are
 * per user, not per guild.
 */
import { join } from "node:path";
import { TestWorld } from "../e2e/test_world.ts";
import { trustEnv } from "../fakes/test_ca.ts";
import { isSilenceFrame } from "../fakes/voice_rtp.ts";
import { askUntil } from "../fakes/wait_until.ts";
import { writeMusicLike } from "./bench_audio.ts";
import { BotResources } from "./bot_resources.ts";
import { playAndHear, sleep, stopAndWaitForQuiet, waitForQuiet } from "./listener.ts";
import type { Report } from "./report.ts";
import { differences, maximum, percentile } from "./stats.ts";

/** Guild counts measured, and how long each plays undisturbed. */
export const GUILD_COUNTS = [1, 10, 25];
const MEASURE_SECONDS = 15;
/** Long enough to outlast start-up plus the measurement at every count. */
const TRACK_SECONDS = 90;
/** Every /play resolves its link with yt-dlp first, a few at a time, so 25 at once take a while. */
const START_TIMEOUT_MS = 240_000;

const GOAL_P99_MS = 25;
const GOAL_CPU_PER_STREAM_MINUTE = 0.3;
const GOAL_MB_PER_GUILD = 2;

/** What one count of streams measured. */
export interface StreamLoad {
  readonly streams: number;
  /** Streams that actually sent packets in the window. */
  readonly streamsHeard: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cpuSecondsPerStreamMinute: number;
  readonly residentMbPerStream: number;
  /** CPU share of one core used by the benchmark process itself (fake Discord, voice server decrypting). */
  readonly fakesCpuShare: number;
  /** From sending every /play to hearing every stream, in ms (the bot only). */
  readonly startMs?: number;
}

/** The bot's and the baseline's numbers, by count. */
export interface MultiGuildResult {
  readonly bot: StreamLoad[];
  readonly baseline: StreamLoad[];
}

type Progress = (message: string) => void;

/** Runs its own world (several guilds, no DAVE) and bot; takes about 3 minutes. */
export async function measureMultiGuild(progress: Progress): Promise<MultiGuildResult> {
  const extraGuilds = Math.max(...GUILD_COUNTS) - 1;
  const world = await TestWorld.start({
    daveProtocolVersion: 0,
    daveListener: false,
    discord: { extraGuilds },
  });
  try {
    const path = join(world.dataDir, "multi.mp3");
    await writeMusicLike(path, TRACK_SECONDS, 330);
    const url = world.media.add("multi.mp3", await Deno.readFile(path));
    progress(`multi-guild: starting the bot with ${extraGuilds + 1} guilds`);
    // Alice asks in every guild at once: the per-user /play rate limit would refuse most of it.
    const botProcess = await world.startBot({
      TRAZOM_IDLE_TIMEOUT: "3600",
      TRAZOM_ALONE_TIMEOUT: "3600",
      TRAZOM_PLAY_RATE: "off",
    });
    try {
      return await measureAll(world, url, progress);
    } catch (error) {
      console.error(`bench: the bot's last words:\n${botProcess.output.slice(-40).join("\n")}`);
      throw error;
    }
  } finally {
    await world.close();
  }
}

async function measureAll(world: TestWorld, url: string, progress: Progress): Promise<MultiGuildResult> {
  const bot = await BotResources.find(world.dataDir);
  // One play caches the track, so every count below plays from the cache.
  await playAndHear(world, url);
  // Stopping before the transcode finished would abandon it, leaving nothing cached.
  const oggPath = await waitForCachedFile(join(world.dataDir, "cache"));
  await stopAndWaitForQuiet(world);
  const botLoads: StreamLoad[] = [];
  for (const count of GUILD_COUNTS) {
    progress(`multi-guild: the bot in ${count} guilds at once`);
    botLoads.push(await measureBot(world, bot, url, count));
  }
  const baseline: StreamLoad[] = [];
  for (const count of GUILD_COUNTS) {
    progress(`multi-guild: @discordjs/voice alone, ${count} streams`);
    baseline.push(await measureVoiceOnly(world, oggPath, count));
  }
  return { bot: botLoads, baseline };
}

async function measureBot(world: TestWorld, bot: BotResources, url: string, count: number) {
  const guilds = world.discord.guilds.slice(0, count);
  const idleMb = bot.residentMb();
  const from = world.voice.packets.length;
  const sentAt = performance.now();
  const replies = guilds.map((guild) =>
    world.playIn(guild.id, url).waitForMessage(undefined, START_TIMEOUT_MS)
  );
  await Promise.all([...replies, waitForStreams(world, from, count)]);
  const startMs = performance.now() - sentAt;
  const load = { ...await measureWindow(world, bot, count, idleMb), startMs };
  await Promise.all(
    guilds.map((guild) =>
      world.discord.sendCommandIn(guild.id, { name: "stop", userId: world.alice, roles: [guild.djRoleId] })
        .waitForResponse(30_000)
    ),
  );
  await waitForQuiet(world, 1_000, 30_000);
  return load;
}

async function measureVoiceOnly(world: TestWorld, oggPath: string, count: number): Promise<StreamLoad> {
  const program = new URL("./voice_only_streams.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", program, world.voice.endpoint, String(count), oggPath],
    env: trustEnv(world.certificates.caPath),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const from = world.voice.packets.length;
    await waitForStreams(world, from, count);
    // The process's resident memory holds the runtime too: per stream it is an upper bound.
    return await measureWindow(world, BotResources.of(child.pid), count, 0);
  } finally {
    child.kill("SIGKILL");
    await child.stdout.cancel();
    await child.status;
    await waitForQuiet(world, 1_000, 30_000);
  }
}

/** Waits until `count` different streams (SSRCs) have sent audio since packet index `from`. */
/** Waits until `count` streams (by SSRC) sent audio after packet `from`, `packetsEach` packets at least. */
export async function waitForStreams(
  world: TestWorld,
  from: number,
  count: number,
  packetsEach = 1,
): Promise<void> {
  const heard = new Map<number, number>();
  let scanned = from;
  await world.voice.waitUntil(
    () => {
      for (; scanned < world.voice.packets.length; scanned++) {
        const packet = world.voice.packets[scanned];
        if (!isSilenceFrame(packet.opus)) heard.set(packet.ssrc, (heard.get(packet.ssrc) ?? 0) + 1);
      }
      return [...heard.values()].filter((packets) => packets >= packetsEach).length >= count;
    },
    START_TIMEOUT_MS,
    `audio from ${count} streams`,
  );
}

/** Lets the streams settle for a second, then reads spacing, CPU and memory over the measurement window. */
async function measureWindow(
  world: TestWorld,
  process: BotResources,
  count: number,
  idleMb: number,
): Promise<StreamLoad> {
  await sleep(1_000);
  const self = BotResources.of(Deno.pid);
  const start = performance.now();
  const [cpuStart, selfStart] = [process.cpuSeconds(), self.cpuSeconds()];
  let residentMb = process.residentMb();
  while (performance.now() - start < MEASURE_SECONDS * 1000) {
    await sleep(1_000);
    residentMb = Math.max(residentMb, process.residentMb());
  }
  const end = performance.now();
  const [cpu, selfCpu] = [process.cpuSeconds() - cpuStart, self.cpuSeconds() - selfStart];
  const bySsrc = new Map<number, number[]>();
  for (const packet of world.voice.packets) {
    if (packet.arrivalMs < start || packet.arrivalMs >= end) continue;
    const arrivals = bySsrc.get(packet.ssrc) ?? [];
    arrivals.push(packet.arrivalMs);
    bySsrc.set(packet.ssrc, arrivals);
  }
  const intervals = [...bySsrc.values()].flatMap(differences);
  const seconds = (end - start) / 1000;
  return {
    streams: count,
    streamsHeard: bySsrc.size,
    p99Ms: percentile(intervals, 0.99),
    maxMs: maximum(intervals),
    cpuSecondsPerStreamMinute: cpu / (count * seconds / 60),
    residentMbPerStream: (residentMb - idleMb) / count,
    fakesCpuShare: selfCpu / seconds,
  };
}

/** The first finished file in the cache (files still being made start with a dot). */
export function waitForCachedFile(dir: string): Promise<string> {
  return askUntil(
    async () => {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.isFile && entry.name.endsWith(".ogg") && !entry.name.startsWith(".")) {
          return join(dir, entry.name);
        }
      }
      return undefined;
    },
    "a finished file in the cache",
    { boundMs: 120_000 },
  );
}

/** The multi-guild section: per count, the bot beside the baseline, with goals and ratios. */
export function reportMultiGuild(report: Report, result: MultiGuildResult): void {
  report.section(
    `9. Several guilds at once (${MEASURE_SECONDS} s each, cached ${TRACK_SECONDS} s track, no DAVE); ` +
      "baseline: @discordjs/voice alone playing the same Ogg Opus file, in its own process",
  );
  result.bot.forEach((ours, i) => {
    const base = result.baseline[i];
    const n = ours.streams;
    const guilds = n === 1 ? "1 guild" : `${n} guilds`;
    const atGoalCount = n === Math.max(...GUILD_COUNTS);
    const heard = ours.streamsHeard === n ? "" : ` (only ${ours.streamsHeard} streams heard)`;
    report.add({
      label: `${guilds}: p99 packet spacing${heard}`,
      value: ours.p99Ms,
      unit: "ms",
      target: `≤ ${GOAL_P99_MS} ms${atGoalCount ? "" : " (at 25)"}; ${versus(ours.p99Ms, base?.p99Ms, "ms")}`,
    });
    report.add({
      label: `${guilds}: /play in all to audio from all (cached)`,
      value: ours.startMs,
      unit: "ms",
      digits: 0,
    });
    report.add({
      label: `${guilds}: largest packet gap`,
      value: ours.maxMs,
      unit: "ms",
      target: `< 60 ms; baseline ${fmt(base?.maxMs)} ms`,
    });
    report.add({
      label: `${guilds}: bot CPU per stream-minute`,
      value: ours.cpuSecondsPerStreamMinute,
      unit: "s",
      digits: 3,
      target: `≤ ${GOAL_CPU_PER_STREAM_MINUTE} s${atGoalCount ? "" : " (at 25)"}; ` +
        versus(ours.cpuSecondsPerStreamMinute, base?.cpuSecondsPerStreamMinute, "s", 3),
    });
    report.add({
      label: `${guilds}: resident memory per guild`,
      value: ours.residentMbPerStream,
      unit: "MiB",
      digits: 2,
      target:
        `≤ ${GOAL_MB_PER_GUILD} MiB (growth over idle ÷ guilds${n === 1 ? ", with one-time costs" : ""}); ` +
        `baseline whole process ÷ streams ${fmt(base?.residentMbPerStream, 1)} MiB`,
    });
    report.add({
      label: `${guilds}: fakes' CPU (benchmark process)`,
      value: 100 * ours.fakesCpuShare,
      unit: "% core",
      digits: 0,
      target: `shares the 2 cores; baseline run ${fmt(100 * (base?.fakesCpuShare ?? NaN), 0)} %`,
    });
  });
  explain(report, result);
}

/** Says what limits each number at the goal count that misses its goal. */
function explain(report: Report, result: MultiGuildResult): void {
  const at = (loads: StreamLoad[]) => loads.find((load) => load.streams === Math.max(...GUILD_COUNTS));
  const [ours, base] = [at(result.bot), at(result.baseline)];
  if (!ours || !base) return;
  const n = ours.streams;
  if (ours.p99Ms > GOAL_P99_MS) {
    const added = (ours.p99Ms - base.p99Ms).toFixed(1);
    report.note(
      `p99 spacing at ${n} misses ${GOAL_P99_MS} ms; @discordjs/voice alone reaches ${
        base.p99Ms.toFixed(1)
      } ` +
        `ms on the same 2 shared cores (the engine adds ${added} ms): its 20 ms send loop is a timer on the ` +
        "main thread, late whenever that thread or the cores are busy; the fakes took " +
        `${(100 * ours.fakesCpuShare).toFixed(0)} % of a core and receive every packet on one event loop.`,
    );
  }
  if (ours.cpuSecondsPerStreamMinute > GOAL_CPU_PER_STREAM_MINUTE) {
    const shareBase = base.cpuSecondsPerStreamMinute / ours.cpuSecondsPerStreamMinute;
    report.note(
      `CPU at ${n} misses ${GOAL_CPU_PER_STREAM_MINUTE} s; @discordjs/voice alone (Ogg demuxing, encryption, ` +
        `one UDP send per packet, the runtime) accounts for ${
          (100 * Math.min(1, shareBase)).toFixed(0)
        } % of it, ` +
        "the engine for the rest.",
    );
  }
  if (ours.residentMbPerStream > GOAL_MB_PER_GUILD) {
    report.note(
      `memory per guild at ${n} misses ${GOAL_MB_PER_GUILD} MiB; the baseline holds ` +
        `${base.residentMbPerStream.toFixed(1)} MiB per stream for its whole process.`,
    );
  }
}

function versus(ours: number, base: number | undefined, unit: string, digits = 1): string {
  if (base === undefined || !Number.isFinite(base)) return "baseline n/a";
  return `baseline ${base.toFixed(digits)} ${unit}, ratio ${(ours / base).toFixed(2)}×`;
}

function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);
}
