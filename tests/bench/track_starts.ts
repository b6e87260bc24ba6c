/**
 * Memory across many track starts: the same cached track is started, heard and stopped again and again,
 * and the bot's resident memory is read after each start. A leak per start shows as a rising line.
 */
import type { TestWorld } from "../e2e/test_world.ts";
import type { BotResources } from "./bot_resources.ts";
import { timeToFirstAudio } from "./start_latency.ts";

/** Resident memory in MiB after each start, and each start's time to first audio in ms. */
export interface TrackStarts {
  readonly residentMb: number[];
  readonly firstAudioMs: number[];
}

/** Starts `url` (cached) `count` times, each to its first audio packet and then stopped. */
export async function measureTrackStarts(
  world: TestWorld,
  bot: BotResources,
  url: string,
  count: number,
): Promise<TrackStarts> {
  const residentMb: number[] = [];
  const firstAudioMs: number[] = [];
  for (let i = 0; i < count; i++) {
    firstAudioMs.push(await timeToFirstAudio(world, url));
    residentMb.push(bot.residentMb());
  }
  return { residentMb, firstAudioMs };
}
