/**
 * SponsorBlock end to end: a YouTube video whose middle is an off-topic part (a different tone) plays
 * without it, /nowplaying says what is and was skipped and shows the length as heard, only the hash prefix
 * reaches the stand-in, and TRAZOM_SPONSORBLOCK=off plays the whole video without asking.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { answerText, firstResponse } from "./bot_answers.ts";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import { startFakeSponsorBlock } from "../fakes/fake_sponsorblock.ts";
import { oggOpusFile } from "../fakes/ogg_opus_writer.ts";
import { toneSegments } from "../fakes/audio_analysis.ts";
import { packetsFor, speakingCount, waitForSpeakingEnd, waitForTone } from "./received_audio.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";

const MUSIC_HZ = 440;
const OFF_TOPIC_HZ = 1000;
const VIDEO_ID = "offTopicVd1";

/** The now-playing card's text: its description and fields. */
async function nowPlayingText(world: TestWorld): Promise<string> {
  const interaction = world.discord.sendCommand({ name: "nowplaying", userId: world.alice });
  const response = await firstResponse(interaction);
  const body = response.type === 4
    ? response.data as Record<string, unknown>
    : (await interaction.waitForMessage(undefined, 30_000)).body;
  const [embed] = (body.embeds ?? []) as {
    description?: string;
    fields?: { name: string; value: string }[];
  }[];
  assert.ok(embed, `a now-playing card, got ${JSON.stringify(body)}`);
  return [embed.description, ...(embed.fields ?? []).map((field) => `${field.name}: ${field.value}`)].join(
    "\n",
  );
}

/** Each 0.1 s of the audio received since packet `from`, named after the stronger of the two tones. */
async function slicesSince(world: TestWorld, from: number): Promise<(number | null)[]> {
  const path = join(world.dataDir, `heard-${crypto.randomUUID()}.ogg`);
  await Deno.writeFile(
    path,
    oggOpusFile(world.voice.audioPackets().slice(from).map((packet) => packet.opus)),
  );
  const segments = await toneSegments(path, { segmentSeconds: 0.1, candidatesHz: [MUSIC_HZ, OFF_TOPIC_HZ] });
  return segments.map((segment) => segment.frequencyHz);
}

worldTest(
  "a YouTube video's off-topic part is never heard, /nowplaying says so, and TRAZOM_SPONSORBLOCK=off plays it",
  async (world, t) => {
    const youtube = await FakeYoutube.create(world, {
      videos: [{
        id: VIDEO_ID,
        title: "Song With A Talky Middle",
        frequencyHz: MUSIC_HZ,
        seconds: 12,
        steps: [[MUSIC_HZ, 3], [OFF_TOPIC_HZ, 3], [MUSIC_HZ, 6]],
      }],
    });
    const sponsorBlock = await startFakeSponsorBlock({ [VIDEO_ID]: [[3, 6]] });
    world.closeWith(() => sponsorBlock.close());
    const url = youtube.watchUrl(VIDEO_ID);
    const bot = await world.startBot({ ...youtube.env, SPONSORBLOCK_URL: sponsorBlock.url });

    await t.step("the off-topic part is skipped and /nowplaying says so", async () => {
      const from = world.voice.audioPackets().length;
      const speaking = speakingCount(world.voice);
      await answerText(world.play(url));
      await world.voice.waitForPackets(from + 1, 60_000);
      const before = await nowPlayingText(world);
      assert.match(before, /\/ 0:09/, `the length shown is what is heard: ${before}`);
      assert.match(before, /Skipping 0:03–0:06/, before);
      await world.voice.waitUntil(
        () => world.voice.audioPackets().length >= from + packetsFor(4),
        30_000,
        "four seconds of audio",
      );
      const after = await nowPlayingText(world);
      assert.match(after, /Skipped 0:03–0:06/, after);
      await waitForSpeakingEnd(world.voice, speaking, 60_000);
      const heard = world.voice.audioPackets().length - from;
      const slices = await slicesSince(world, from);
      const offTopic = slices.flatMap((hz, i) => hz === OFF_TOPIC_HZ ? [(i / 10).toFixed(1)] : []);
      assert.deepEqual(
        offTopic,
        [],
        `no 0.1 s of the off-topic tone was heard (at ${offTopic.join(", ")} s)`,
      );
      assert.ok(slices.filter((hz) => hz === MUSIC_HZ).length > 80, "the music around it was heard");
      console.log(`heard ${heard / 50} s of the 12 s video`);
      assert.ok(heard < packetsFor(10) && heard > packetsFor(8), `${heard} packets: about 9 s, not 12 s`);
    });

    await t.step("SponsorBlock learned only the hash prefix", () => {
      assert.ok(sponsorBlock.requests.length > 0, "it was asked");
      for (const request of sponsorBlock.requests) {
        assert.match(request, /^\/api\/skipSegments\/[0-9a-f]{4}\?categories=/);
        assert.ok(!request.includes(VIDEO_ID), request);
      }
    });

    await t.step("with TRAZOM_SPONSORBLOCK=off the whole video plays and nobody is asked", async () => {
      await bot.stop();
      const asked = sponsorBlock.requests.length;
      await world.startBot({
        ...youtube.env,
        SPONSORBLOCK_URL: sponsorBlock.url,
        TRAZOM_SPONSORBLOCK: "off",
      });
      const playingAt = Date.now();
      await answerText(world.play(url));
      await waitForTone(world.voice, playingAt, OFF_TOPIC_HZ, {
        candidatesHz: [MUSIC_HZ, OFF_TOPIC_HZ],
        dir: world.dataDir,
      });
      assert.equal(sponsorBlock.requests.length, asked, "no request to SponsorBlock");
    });
  },
);
