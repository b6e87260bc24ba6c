/**
 * The fair queue as listeners hear it: Alice queues three songs, then Bob one; Bob's plays right after
 * Alice's first. Each song is a different tone, so the order is read back from the audio the voice
 * server received. Alice's first song is long, so all four requests are queued while it plays however
 * slowly they are resolved; she skips it once the queue has been checked. The longest hand-over gap is printed for information: its target is a benchmark number
 * (`deno task bench`), not a bound here.
 */
import assert from "node:assert/strict";
import { worldTest } from "./with_world.ts";
import { addTone } from "./media_library.ts";
import { answerText, firstResponse } from "./bot_answers.ts";
import { longestGapMs, packetsFor, toneOrder, waitForTone } from "./received_audio.ts";

const SECONDS = 4;
const FIRST_SECONDS = 120;
const [A1, A2, A3, B1] = [300, 500, 700, 900];

worldTest(
  "A queues three songs, then B one: the channel hears A1, B1, A2, A3",
  async (world) => {
    const urls = await Promise.all(
      [A1, A2, A3, B1].map((hz) => addTone(world, `${hz}.mp3`, hz, hz === A1 ? FIRST_SECONDS : SECONDS)),
    );
    world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
    await world.startBot();

    const from = world.voice.audioPackets().length;
    // Different people's lookups run side by side, so A1 is queued first by being answered first.
    const first = world.play(urls[0], world.alice);
    await answerText(first);
    // The reply can come before the music now that a media link needs no yt-dlp: A1 must be heard before
    // the skip below, or the order heard would start after it.
    const heard = await waitForTone(world.voice, 0, A1, {
      candidatesHz: [A1, A2, A3, B1],
      dir: world.dataDir,
    });
    // A second of A1 before anything else happens: the order read back needs more than a blip of it.
    await world.voice.waitUntil(
      () => world.voice.audioPackets().length >= heard.index + packetsFor(1),
      30_000,
      "a second of A1",
    );
    const requests = [
      ["A1", first],
      ["A2", world.play(urls[1], world.alice)],
      ["A3", world.play(urls[2], world.alice)],
      ["B1", world.play(urls[3], world.bob)],
    ] as const;
    const answers = await Promise.allSettled(requests.map(([, interaction]) => answerText(interaction)));
    const unanswered = requests.filter((_, i) => answers[i].status === "rejected").map(([name]) => name);
    assert.deepEqual(unanswered, [], "every /play is answered");
    const replies = answers.map((answer) => answer.status === "fulfilled" ? answer.value : "");
    console.log(`replies:\n${replies.join("\n")}`);

    const listing = await firstResponse(world.discord.sendCommand({ name: "queue", userId: world.alice }));
    const description = String(
      (listing.data as { embeds?: { description?: string }[] }).embeds?.[0]?.description,
    );
    const entries = description.split("\n").filter((line) => /^\*\*\d+\.\*\*/.test(line));
    assert.equal(entries.length, 3, description);
    assert.ok(entries[0].includes(`<@${world.bob}>`) && /next/.test(entries[0]), description);
    assert.ok(entries[1].includes(`<@${world.alice}>`) && /in \d+:\d\d/.test(entries[1]), description);

    assert.ok(
      /Skipped/.test(await answerText(world.discord.sendCommand({ name: "skip", userId: world.alice }))),
    );
    const skippedAt = world.voice.audioPackets().length;
    await world.voice.waitUntil(
      () => world.voice.audioPackets().length >= skippedAt + packetsFor(3 * SECONDS) - 20,
      90_000,
      "the three tracks after the first",
    );
    const packets = world.voice.audioPackets().slice(from);
    assert.deepEqual(await toneOrder(packets, world.dataDir, [A1, A2, A3, B1]), [A1, B1, A2, A3]);
    console.log(
      `longest gap between packets after the skip (the skip and two hand-overs): ${
        longestGapMs(world.voice.audioPackets().slice(skippedAt)).toFixed(1)
      } ms`,
    );
    assert.deepEqual(world.discord.rejections, [], "Discord accepted every message the bot sent");
  },
);
