/**
 * CPU per stream-minute at 10 guilds, with and without a filter: 10 guilds play a cached track, the bot's
 * CPU (main thread and workers) is read over a window; then /filter add nightcore in every guild and the
 * bot's CPU plus its exited children's (the ffmpeg renders, which render the rest of the track at once) over
 * the same length of window from the command on.
 */
import { join } from "node:path";
import { TestWorld } from "../e2e/test_world.ts";
import { writeMusicLike } from "./bench_audio.ts";
import { BotResources } from "./bot_resources.ts";
import { playAndHear, sleep, stopAndWaitForQuiet } from "./listener.ts";
import { waitForCachedFile, waitForStreams } from "./multi_guild.ts";
import { packetsFor } from "../e2e/received_audio.ts";
import type { Report } from "./report.ts";

const GUILDS = 10;
const TRACK_SECONDS = 120;
const WINDOW_SECONDS = 20;

export interface FilteredGuildsResult {
  plainCpuPerStreamMinute: number;
  filteredCpuPerStreamMinute: number;
  /** Of which the ffmpeg renders (exited children). */
  renderCpuPerStreamMinute: number;
}

type Progress = (text: string) => void;

export async function measureFilteredGuilds(progress: Progress): Promise<FilteredGuildsResult> {
  const world = await TestWorld.start({
    daveProtocolVersion: 0,
    daveListener: false,
    discord: { extraGuilds: GUILDS - 1 },
  });
  try {
    const path = join(world.dataDir, "filtered.mp3");
    await writeMusicLike(path, TRACK_SECONDS, 330);
    const url = world.media.add("filtered.mp3", await Deno.readFile(path));
    progress(`filtered guilds: starting the bot with ${GUILDS} guilds`);
    await world.startBot({
      TRAZOM_IDLE_TIMEOUT: "3600",
      TRAZOM_ALONE_TIMEOUT: "3600",
      TRAZOM_PLAY_RATE: "off",
    });
    const bot = await BotResources.find(world.dataDir);
    await playAndHear(world, url);
    await waitForCachedFile(join(world.dataDir, "cache"));
    await stopAndWaitForQuiet(world);
    const from = world.voice.packets.length;
    await Promise.all([
      ...world.discord.guilds.map((guild) => world.playIn(guild.id, url).waitForMessage(undefined, 240_000)),
      // A second of each stream first: the window measures playing, not starting.
      waitForStreams(world, from, GUILDS, packetsFor(1)),
    ]);
    progress(`filtered guilds: ${GUILDS} plain streams for ${WINDOW_SECONDS} s`);
    const plain = await window(bot, () => Promise.resolve());
    progress(`filtered guilds: nightcore in ${GUILDS} guilds for ${WINDOW_SECONDS} s`);
    const filtered = await window(bot, async () => {
      await Promise.all(world.discord.guilds.map((guild) =>
        world.discord.sendCommandIn(guild.id, {
          name: "filter",
          userId: world.alice,
          options: [{ name: "add", type: 1, options: [{ name: "preset", type: 3, value: "nightcore" }] }],
        }).waitForResponse(30_000)
      ));
    });
    const streamMinutes = (GUILDS * WINDOW_SECONDS) / 60;
    return {
      plainCpuPerStreamMinute: (plain.own + plain.children) / streamMinutes,
      filteredCpuPerStreamMinute: (filtered.own + filtered.children) / streamMinutes,
      renderCpuPerStreamMinute: filtered.children / streamMinutes,
    };
  } finally {
    await world.close();
  }
}

async function window(bot: BotResources, start: () => Promise<void>) {
  const [own, children] = [bot.cpuSeconds(), bot.childCpuSeconds()];
  const startedAt = performance.now();
  await start();
  await sleep(WINDOW_SECONDS * 1000 - (performance.now() - startedAt));
  return { own: bot.cpuSeconds() - own, children: bot.childCpuSeconds() - children };
}

export function reportFilteredGuilds(report: Report, result: FilteredGuildsResult): void {
  report.section(`11. Effects at ${GUILDS} guilds: CPU per stream-minute (bot and its ffmpeg renders)`);
  report.add({
    label: "plain (pre-encoded packets)",
    value: result.plainCpuPerStreamMinute,
    unit: "CPU-s/min",
    digits: 2,
    target: "unchanged by the filter feature",
  });
  report.add({
    label: `nightcore, ${WINDOW_SECONDS} s from /filter (renders the rest of each track at once)`,
    value: result.filteredCpuPerStreamMinute,
    unit: "CPU-s/min",
    digits: 2,
    target: "filters cost only where used",
  });
  report.add({
    label: "  of which ffmpeg renders",
    value: result.renderCpuPerStreamMinute,
    unit: "CPU-s/min",
    digits: 2,
  });
}
