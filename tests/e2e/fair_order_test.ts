/**
 * The fair queue as listeners hear it: Alice queues three songs, then Bob one; Bob's plays right after
 * Alice's first. Each song is a different tone, so the order is read back from the audio the voice
 * server received. Also measures the gap at each hand-over from one prepared track to the next.
 */
import assert from "node:assert/strict";
import { worldTest } from "./with_world.ts";
import { addTone } from "./media_library.ts";
import { longestGapMs, packetsFor, toneOrder } from "./received_audio.ts";

const SECONDS = 5;
const [A1, A2, A3, B1] = [300, 500, 700, 900];

worldTest(
  "A queues three songs, then B one: the channel hears A1, B1, A2, A3 without gaps",
  async (world) => {
    const urls = await Promise.all([A1, A2, A3, B1].map((hz) => addTone(world, `${hz}.mp3`, hz, SECONDS)));
    world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
    await world.startBot();

    const from = world.voice.audioPackets().length;
    const replies = [
      world.play(urls[0], world.alice),
      world.play(urls[1], world.alice),
      world.play(urls[2], world.alice),
      world.play(urls[3], world.bob),
    ].map((interaction) => interaction.waitForMessage(undefined, 30_000));
    await Promise.all(replies);

    const listing = await world.discord.sendCommand({ name: "queue", userId: world.alice })
      .waitForResponse();
    const description = String(
      (listing.data as { embeds?: { description?: string }[] }).embeds?.[0]?.description,
    );
    const entries = description.split("\n").filter((line) => /^\*\*\d+\.\*\*/.test(line));
    assert.ok(entries[0].includes(`<@${world.bob}>`) && /next/.test(entries[0]), description);
    assert.ok(entries[1].includes(`<@${world.alice}>`) && /in \d+:\d\d/.test(entries[1]), description);

    const total = packetsFor(4 * SECONDS) - 20;
    await world.voice.waitUntil(
      () => world.voice.audioPackets().length >= from + total,
      90_000,
      "four tracks",
    );
    const packets = world.voice.audioPackets().slice(from);
    assert.deepEqual(await toneOrder(packets, world.dataDir, [A1, A2, A3, B1]), [A1, B1, A2, A3]);
    const gap = longestGapMs(packets);
    console.log(`longest gap between packets across three track changes: ${gap.toFixed(1)} ms`);
    assert.ok(gap < 1_000, `a prepared track follows without an audible pause (${gap} ms)`);
    assert.deepEqual(world.discord.rejections, [], "Discord accepted every message the bot sent");
  },
);
