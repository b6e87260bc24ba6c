/**
 * /play end to end: the real bot, started with `deno task start`, plays links from a local media server
 * into the fake voice channel, normalized to the configured loudness, and serves repeats from its cache.
 */
import { worldTest } from "./with_world.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { generateTone } from "../fakes/test_tones.ts";
import { TestWorld } from "./test_world.ts";
import { firstResponse } from "./bot_answers.ts";
import { audioAfter, loudnessOf, packetsFor, speakingCount, waitForSpeakingEnd } from "./received_audio.ts";

const TRACK_SECONDS = 6;
const TARGET_LUFS = -16;

worldTest(
  "a quiet and a loud track both reach the voice channel at the configured loudness, repeats from cache",
  async (world) => {
    const quietUrl = world.media.add("quiet.mp3", await tone(world, "quiet.mp3", 440, -32));
    const loudUrl = world.media.add("loud.mp3", await tone(world, "loud.mp3", 660, -8));
    await world.startBot({ TRAZOM_LOUDNESS: String(TARGET_LUFS) });

    const quiet = await playAndListen(world, quietUrl, "uncached");
    assert.ok(/Playing .*quiet/.test(quiet.reply), quiet.reply);
    const loud = await playAndListen(world, loudUrl, "uncached");

    const quietLufs = await loudnessOf(quiet.packets, world.dataDir, "received-quiet");
    const loudLufs = await loudnessOf(loud.packets, world.dataDir, "received-loud");
    console.log(
      `received loudness: quiet source ${quietLufs.toFixed(2)} LUFS, loud source ${loudLufs.toFixed(2)} LUFS`,
    );
    assert.ok(Math.abs(quietLufs - TARGET_LUFS) <= 1, `quiet track arrived at ${quietLufs} LUFS`);
    assert.ok(Math.abs(loudLufs - TARGET_LUFS) <= 1, `loud track arrived at ${loudLufs} LUFS`);

    const requestsBefore = world.media.count("quiet.mp3");
    const again = await playAndListen(world, quietUrl, "cached");
    assert.equal(
      world.media.count("quiet.mp3"),
      requestsBefore,
      "the repeat must not fetch the file again",
    );
    assert.ok(Math.abs((await loudnessOf(again.packets, world.dataDir, "again")) - TARGET_LUFS) <= 1);
  },
);

async function tone(world: TestWorld, name: string, frequencyHz: number, loudnessLufs: number) {
  const path = join(world.dataDir, name);
  await generateTone({ path, frequencyHz, seconds: TRACK_SECONDS, loudnessLufs });
  return await Deno.readFile(path);
}

/** Plays `url` once the previous track has finished, and returns the reply and the track's packets. */
async function playAndListen(world: TestWorld, url: string, label: string) {
  const from = world.voice.audioPackets().length;
  const speakingBefore = speakingCount(world.voice);
  const sentAt = Date.now();
  const interaction = world.play(url);
  const response = await firstResponse(interaction);
  assert.equal(response.type, 5, "the bot acknowledges at once and thinks");
  const message = await interaction.waitForMessage(undefined, 30_000);
  const packets = await audioAfter(world.voice, from, packetsFor(TRACK_SECONDS) - 5);
  console.log(`time to first voice packet (${label}): ${packets[0].receivedAt - sentAt} ms`);
  // The bot says it stopped speaking once the track has ended and nothing follows it.
  await waitForSpeakingEnd(world.voice, speakingBefore, 30_000);
  return { reply: String(message.body.content ?? ""), packets };
}
