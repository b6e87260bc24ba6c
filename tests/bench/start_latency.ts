/**
 * "Starts playing fast": the time from /play to the first voice packet, for links never played before
 * (resolve, download, two-pass normalization) and for the same links again (served from the cache).
 */
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
  for (const url of urls) uncachedMs.push(await timeToFirstAudio(world, url));
  const cachedMs: number[] = [];
  for (const url of urls) cachedMs.push(await timeToFirstAudio(world, url));
  return { uncachedMs, cachedMs };
}

/** One /play, timed to its first audio packet; the track is stopped so the next run starts from quiet. */
export async function timeToFirstAudio(world: TestWorld, url: string): Promise<number> {
  const { sentAt, first } = await playAndHear(world, url);
  await stopAndWaitForQuiet(world);
  return first.arrivalMs - sentAt;
}
