/**
 * "Starts playing fast": the time from /play to the first voice packet, for links never played before
 * (resolve, fetch, loudness estimate, first pages of the stream) and for the same links again (served from
 * the cache). A never-played track is left playing until its file is finished and cached: stopped sooner,
 * its making would be cancelled and the repeat would be a second first play.
 */
import { join } from "node:path";
import type { TestWorld } from "../e2e/test_world.ts";
import { playAndHear, stopAndWaitForQuiet } from "./listener.ts";

/** Milliseconds from /play to the first audio packet, one entry per run. */
export interface StartLatency {
  readonly uncachedMs: number[];
  readonly cachedMs: number[];
}

/** Plays each link once (uncached), then each again (cached), stopping after the first packet every time. */
export async function measureStartLatency(world: TestWorld, urls: readonly string[]): Promise<StartLatency> {
  const uncachedMs: number[] = [];
  for (const url of urls) uncachedMs.push(await timeToFirstAudio(world, url, { untilCached: true }));
  const cachedMs: number[] = [];
  for (const url of urls) cachedMs.push(await timeToFirstAudio(world, url));
  return { uncachedMs, cachedMs };
}

/**
 * One /play, timed to its first audio packet; the track is stopped (once cached, with `untilCached`) so
 * the next run starts from quiet.
 */
export async function timeToFirstAudio(
  world: TestWorld,
  url: string,
  options: { untilCached?: boolean } = {},
): Promise<number> {
  const cachedBefore = cachedFiles(world);
  const { sentAt, first } = await playAndHear(world, url);
  if (options.untilCached) {
    await world.voice.waitUntil(() => cachedFiles(world) > cachedBefore, 300_000, "the file to be cached");
  }
  await stopAndWaitForQuiet(world);
  return first.arrivalMs - sentAt;
}

/** How many finished files the bot's cache holds. */
function cachedFiles(world: TestWorld): number {
  const dir = join(world.dataDir, "cache");
  return [...Deno.readDirSync(dir)].filter((entry) =>
    entry.name.endsWith(".ogg") && !entry.name.startsWith(".")
  )
    .length;
}
