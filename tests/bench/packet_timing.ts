/**
 * "Never stutters": how evenly packets arrive while a cached track plays, first undisturbed, then while
 * the transcoder worker normalizes a newly queued track (ffmpeg competing for the CPU). Also the bot's
 * CPU time and memory over the undisturbed minute.
 */
import type { TestWorld } from "../e2e/test_world.ts";
import type { BotResources } from "./bot_resources.ts";
import { enqueue, playAndHear, sleep, stopAndWaitForQuiet } from "./listener.ts";
import { differences, maximum, percentile } from "./stats.ts";

/** Inter-packet spacing in ms. */
export interface Spacing {
  readonly intervals: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** What one playback run measured. */
export interface PlaybackTiming {
  readonly steady: Spacing;
  readonly steadySeconds: number;
  readonly busy: Spacing;
  /** From the second /play until its normalized file was in the cache. */
  readonly busySeconds: number;
  readonly cpuSecondsPerMinute: number;
  readonly residentMbMax: number;
}

/** Where to listen and what to play. */
export interface PlaybackPlan {
  /** Already cached, and longer than `steadySeconds` plus the time to normalize `uncachedUrl`. */
  readonly cachedUrl: string;
  readonly uncachedUrl: string;
  readonly steadySeconds: number;
  readonly cacheDir: string;
}

/** Plays `cachedUrl`, listens for `steadySeconds`, then queues `uncachedUrl` and listens while it is made. */
export async function measurePlayback(
  world: TestWorld,
  bot: BotResources,
  plan: PlaybackPlan,
): Promise<PlaybackTiming> {
  await playAndHear(world, plan.cachedUrl);
  // The first second holds the start-up burst, which the first-packet figures already cover.
  await sleep(1_000);
  const steadyStart = performance.now();
  const cpuStart = bot.cpuSeconds();
  let residentMbMax = bot.residentMb();
  while (performance.now() - steadyStart < plan.steadySeconds * 1000) {
    await sleep(1_000);
    residentMbMax = Math.max(residentMbMax, bot.residentMb());
  }
  const steadyEnd = performance.now();
  const cpuSeconds = bot.cpuSeconds() - cpuStart;

  const cachedBefore = await cachedFiles(plan.cacheDir);
  const busyStart = performance.now();
  await enqueue(world, plan.uncachedUrl);
  await waitForCacheGrowth(plan.cacheDir, cachedBefore, 180_000);
  const busyEnd = performance.now();
  await stopAndWaitForQuiet(world);

  const minutes = (steadyEnd - steadyStart) / 60_000;
  return {
    steady: spacing(world, steadyStart, steadyEnd),
    steadySeconds: (steadyEnd - steadyStart) / 1000,
    busy: spacing(world, busyStart, busyEnd),
    busySeconds: (busyEnd - busyStart) / 1000,
    cpuSecondsPerMinute: cpuSeconds / minutes,
    residentMbMax,
  };
}

/** Spacing of the packets that arrived in [start, end). */
function spacing(world: TestWorld, start: number, end: number): Spacing {
  const arrivals = world.voice.packets
    .filter((packet) => packet.arrivalMs >= start && packet.arrivalMs < end)
    .map((packet) => packet.arrivalMs);
  const intervals = differences(arrivals);
  return {
    intervals: intervals.length,
    p50: percentile(intervals, 0.5),
    p99: percentile(intervals, 0.99),
    max: maximum(intervals),
  };
}

/** Finished cache files: the cache renames a temporary file to its final `.ogg` name when complete. */
async function cachedFiles(dir: string): Promise<number> {
  let count = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".ogg") && !entry.name.startsWith(".")) count++;
  }
  return count;
}

async function waitForCacheGrowth(dir: string, before: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await cachedFiles(dir) > before) return;
    await sleep(100);
  }
  throw new Error(`No new file appeared in the cache within ${timeoutMs} ms of queueing a track`);
}
