/**
 * The operator's caps, end to end with polite replies: a video longer than TRAZOM_MAX_TRACK_MINUTES is
 * refused naming the cap; a source whose server keeps sending past TRAZOM_MAX_SOURCE_MB without a
 * Content-Length is stopped while it downloads; below TRAZOM_MIN_FREE_DISK no new download starts.
 */
import assert from "node:assert/strict";
import { answerText, privateAnswer } from "./bot_answers.ts";
import { addTone } from "./media_library.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import { freeDiskBytes } from "../../lib/audio/free_disk.ts";
import { waitUntil } from "../fakes/wait_until.ts";

const LONG = {
  id: "longConcert",
  title: "Long Concert",
  frequencyHz: 400,
  seconds: 2,
  listedSeconds: 2 * 3600,
};
const HUGE = { id: "hugeUpload1", title: "Huge Upload", frequencyHz: 600, seconds: 2, listedSeconds: 60 };

/** Waits for the bot to post a message whose text matches `pattern` (a notice in the text channel). */
async function notice(world: TestWorld, pattern: RegExp): Promise<string> {
  const find = () =>
    world.discord.channelMessages.map((message) => String(message.body.content ?? ""))
      .find((content) => pattern.test(content));
  await waitUntil(() => find() !== undefined, `a message matching ${pattern}`, 60_000);
  return find()!;
}

worldTest(
  "a video over the length cap is refused, and a source growing past the byte cap is stopped",
  async (world, t) => {
    const youtube = await FakeYoutube.create(world, { version: "2026.08.19", videos: [LONG, HUGE] });
    // Its server sends without end and without a length, 4 MB a second, though the video is listed at 60 s.
    const huge = await Deno.readFile(`${world.dataDir}/youtube-${HUGE.id}.mp3`);
    world.media.addEndless(`youtube-${HUGE.id}.mp3`, huge, 4_000_000);
    await world.startBot({ ...youtube.env, TRAZOM_MAX_TRACK_MINUTES: "60", TRAZOM_MAX_SOURCE_MB: "1" });

    await t.step("a two-hour video is refused with the cap named", async () => {
      const reply = await privateAnswer(world.play(`https://www.youtube.com/watch?v=${LONG.id}`));
      assert.match(reply, /That track is 2 hours long; the longest I play is 60 minutes\./);
    });

    await t.step("a download that passes 1 MB is stopped with a reason", async () => {
      const reply = await answerText(world.play(`https://www.youtube.com/watch?v=${HUGE.id}`));
      assert.ok(reply.includes(HUGE.title), reply);
      const said = await notice(world, /Huge Upload/i);
      assert.match(said, /too large for me to play \(over 1 MB\)/);
      const sent = world.media.endlessBytesSent(`youtube-${HUGE.id}.mp3`);
      console.log(`the source sent ${sent} B before the download was stopped`);
      assert.ok(sent < 16e6, `stopped while downloading, after ${sent} B`);
    });
  },
);

worldTest("below the free-disk floor a new track is not downloaded, and the bot says why", async (world) => {
  const url = await addTone(world, "song.mp3", 500, 3);
  const floor = 2 * (freeDiskBytes(world.dataDir) ?? 0);
  await world.startBot({ TRAZOM_MIN_FREE_DISK: String(floor) });
  await answerText(world.play(url));
  const said = await notice(world, /song/i);
  assert.match(said, /disk is almost full, so I can't download new tracks/);
});
