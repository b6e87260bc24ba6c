/**
 * The top suggestion looked up ahead: once the words typed into /play have settled, the warm helper extracts
 * the first suggested video's audio address (nothing is downloaded); words that change to another video
 * cancel that extraction, and pressing Enter on a settled suggestion plays it with no extraction of its own.
 */
import assert from "node:assert/strict";
import { FakeYoutube, holdExtractions } from "../fakes/fake_youtube.ts";
import { askUntil, waitUntil } from "../fakes/wait_until.ts";
import { isAlive } from "../lib/process/proc_table.ts";
import { answerText } from "./bot_answers.ts";
import { audioAfter, packetsFor } from "./received_audio.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";

const HUMS = {
  videos: [
    { id: "firstHum001", title: "First Hum", frequencyHz: 440, seconds: 3 },
    { id: "firstHum002", title: "First Hum Again", frequencyHz: 480, seconds: 3 },
    { id: "otherHum001", title: "Other Hum", frequencyHz: 660, seconds: 3 },
  ],
  searches: { "first hum": ["firstHum001", "firstHum002"], "other hum": ["otherHum001"] },
};

/** The suggestions Alice gets for `words`, asked again until the search's own answer comes (not the words). */
async function suggestionsFor(world: TestWorld, words: string): Promise<{ name: string; value: string }[]> {
  return await askUntil(
    async () => {
      const response = await world.discord.sendAutocomplete({
        name: "play",
        options: [{ name: "query", type: 3, value: words, focused: true }],
        userId: world.alice,
      }).waitForResponse(30_000);
      const choices = (response.data as { choices?: { name: string; value: string }[] }).choices ?? [];
      return choices.length === 1 && choices[0].value === words ? undefined : choices;
    },
    `suggestions for "${words}"`,
    { everyMs: 200 },
  );
}

/** The fake yt-dlp's extractions of one video (a look-up ahead or at play time), oldest first. */
function extractionsOf(youtube: FakeYoutube, videoId: string) {
  return youtube.invocations().filter((run) =>
    run.request.kind === "video" && run.request.videoId === videoId
  );
}

worldTest("a suggestion's extraction is cancelled when the words change", async (world) => {
  const youtube = await FakeYoutube.create(world, HUMS);
  await world.startBot(youtube.env);
  const hold = await holdExtractions(youtube);
  const first = youtube.watchUrl("firstHum001");
  const other = youtube.watchUrl("otherHum001");

  assert.equal((await suggestionsFor(world, "first hum"))[0].value, first);
  await waitUntil(
    () => hold.extractions().some((held) => held.url === first),
    "the words settled and the helper is extracting the top suggestion",
  );
  const [extracting] = hold.extractions().filter((held) => held.url === first);

  assert.equal((await suggestionsFor(world, "other hum"))[0].value, other);
  await waitUntil(() => !isAlive(extracting.pid), "the helper extracting the first words' video was stopped");
  await waitUntil(
    () => hold.extractions().some((held) => held.url === other),
    "the new words' top suggestion is being extracted ahead",
  );
  await hold.release();
  await waitUntil(() => extractionsOf(youtube, "otherHum001").length === 1, "the new look-up finished");
  assert.deepEqual(
    extractionsOf(youtube, "firstHum001"),
    [],
    "by the time the new words' look-up finished, the cancelled one had never reached YouTube",
  );
  assert.equal(hold.extractions().filter((held) => held.url === first).length, 1, "nor was it tried again");
  assert.deepEqual(youtube.requests("download"), [], "nothing was downloaded");
  assert.equal(world.media.count("youtube-otherHum001.mp3"), 0, "no audio fetched ahead");
});

worldTest(
  "pressing Enter on a suggestion after the words settled plays it with no extraction at play time",
  async (world) => {
    const youtube = await FakeYoutube.create(world, HUMS);
    await world.startBot(youtube.env);
    const [top] = await suggestionsFor(world, "first hum");
    assert.equal(top.value, youtube.watchUrl("firstHum001"));
    await waitUntil(
      () => extractionsOf(youtube, "firstHum001").length === 1,
      "the words settled and the top suggestion was extracted ahead",
    );

    const from = world.voice.audioPackets().length;
    const reply = await answerText(world.play(top.value));
    assert.ok(reply.includes("First Hum"), reply);
    await audioAfter(world.voice, from, packetsFor(2), 60_000);
    const runs = extractionsOf(youtube, "firstHum001");
    assert.equal(runs.length, 1, "the one extraction was the look-up ahead");
    assert.equal(runs[0].via, "helper");
    assert.equal(world.media.count("youtube-firstHum001.mp3"), 1, "its audio fetched once, directly");
    assert.deepEqual(youtube.requests("download"), []);
  },
);
