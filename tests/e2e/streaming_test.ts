/**
 * Never-played tracks start while they are still being made: heard at the target loudness from the first
 * packet whatever their length, cached within tighter bounds once finished, and a skip, a seek or a crash
 * in the middle of the making does what a listener expects.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { answerText } from "./bot_answers.ts";
import { addToneSteps } from "./media_library.ts";
import { audioAfter, loudnessOf, packetsFor, waitForTone } from "./received_audio.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";
import { integratedLoudness, runFfmpeg } from "../fakes/audio_analysis.ts";
import { writeMusicLike } from "../fakes/music_like.ts";

const TARGET_LUFS = -16;
/** How much of each first play is listened to. */
const EXCERPT_SECONDS = 12;

worldTest(
  "never-played 180 s and 600 s tracks are heard at the target loudness from the start, and cached within 0.5 LU",
  async (world, t) => {
    await world.startBot({ TRAZOM_LOUDNESS: String(TARGET_LUFS) });
    for (const seconds of [180, 600]) {
      await t.step(`${seconds} s`, async () => {
        const name = `music-${seconds}.mp3`;
        const source = join(world.dataDir, name);
        await writeMusicLike(source, seconds, { frequencyHz: 180 + seconds / 10 });
        const url = world.media.add(name, await Deno.readFile(source));
        // A constant gain keeps every stretch where it sits against the whole track, so the excerpt heard
        // should be as far from the target as the same stretch of the source is from the source's loudness.
        const expected = TARGET_LUFS + await excerptLoudness(source, EXCERPT_SECONDS) -
          await integratedLoudness(source);

        const before = new Set(cachedFiles(world));
        const first = await heardExcerpt(world, url, `first-${seconds}`);
        console.log(
          `${seconds} s, first play: ${first.toFixed(2)} LUFS heard, ${expected.toFixed(2)} expected`,
        );
        assert.ok(
          Math.abs(first - expected) <= 1,
          `first play of ${seconds} s: ${first} against ${expected}`,
        );

        // Still playing, so its making goes on until the file is finished and cached.
        await world.voice.waitUntil(
          () => cachedFiles(world).some((path) => !before.has(path)),
          120_000,
          "the cached file",
        );
        const cached = cachedFiles(world).find((path) => !before.has(path))!;
        await skip(world);
        const file = await measuredFile(cached);
        console.log(`${seconds} s, cached file: ${file.integrated} LUFS, true peak ${file.truePeak} dBTP`);
        assert.ok(Math.abs(file.integrated - TARGET_LUFS) <= 0.5, `cached at ${file.integrated} LUFS`);
        assert.ok(file.truePeak <= -1, `cached true peak ${file.truePeak} dBTP`);

        const fetches = world.media.count(name);
        const replay = await heardExcerpt(world, url, `replay-${seconds}`);
        await skip(world);
        assert.equal(world.media.count(name), fetches, "the replay comes from the cache");
        assert.ok(Math.abs(replay - expected) <= 1, `replay of ${seconds} s: ${replay} against ${expected}`);
      });
    }
  },
);

worldTest("a skip while a track is being made cancels its making; the next track plays", async (world) => {
  const long = await addToneSteps(world, "long.mp3", [[300, 600]]);
  const next = await addToneSteps(world, "next.mp3", [[700, 6]]);
  await world.startBot();
  const since = Date.now();
  await answerText(world.play(long));
  await answerText(world.play(next));
  await waitForTone(world.voice, since, 300, { candidatesHz: [300, 700], dir: world.dataDir });
  const skippedAt = Date.now();
  await skip(world);
  const heard = await waitForTone(world.voice, skippedAt, 700, {
    candidatesHz: [300, 700],
    dir: world.dataDir,
  });
  console.log(`next track heard ${heard.receivedAt - skippedAt} ms after /skip`);
  // Left alone, the long track's file would be finished and renamed into the cache (about 10 s of work);
  // cancelled, its partial file is deleted. Either way no partial file remains: then count what was cached.
  await world.voice.waitUntil(() => partialFiles(world).length === 0, 60_000, "no file being made");
  assert.deepEqual(cachedFiles(world).length, 1, "only the next track was cached");
});

worldTest("a seek past what is written waits for it, then plays from there", async (world) => {
  const url = await addToneSteps(world, "halves.mp3", [[300, 300], [900, 300]]);
  await world.startBot();
  const since = Date.now();
  await answerText(world.play(url));
  await waitForTone(world.voice, since, 300, { candidatesHz: [300, 900], dir: world.dataDir });
  const seekedAt = Date.now();
  const reply = await answerText(
    world.discord.sendCommand({
      name: "seek",
      userId: world.alice,
      options: [{ name: "time", type: 3, value: "9:00" }],
    }),
  );
  assert.ok(/Jumped to 9:00/.test(reply), reply);
  const heard = await waitForTone(world.voice, seekedAt, 900, {
    candidatesHz: [300, 900],
    dir: world.dataDir,
  });
  console.log(`9:00 heard ${heard.receivedAt - seekedAt} ms after /seek`);
});

worldTest(
  "kill -9 while a track is being made: the restarted bot makes it again and goes on",
  async (world) => {
    const url = await addToneSteps(world, "crash.mp3", [[300, 20], [700, 580]]);
    const first = await world.startBot();
    await answerText(world.play(url));
    // Position is saved every three seconds; six seconds of audio cannot arrive faster than they play.
    await world.voice.waitUntil(
      () => world.voice.audioPackets().length >= packetsFor(6),
      60_000,
      "6 s of audio",
    );
    assert.ok(partialFiles(world).length > 0 || cachedFiles(world).length === 0, "still being made");
    await first.kill();
    const restartedAt = Date.now();
    await world.startBot();
    const back = await world.discord.waitForChannelMessage(
      (m) => /carrying on with/.test(String(m.body.content)),
      30_000,
    );
    const from = /from (\d+):(\d\d)/.exec(String(back.body.content));
    assert.ok(from, String(back.body.content));
    const position = Number(from[1]) * 60 + Number(from[2]);
    assert.ok(position >= 3 && position < 20, `carried on from ${position} s`);
    await waitForTone(world.voice, restartedAt, 300, { candidatesHz: [300, 700], dir: world.dataDir });
  },
);

/** /play `url`, then the loudness of its first EXCERPT_SECONDS as received. */
async function heardExcerpt(world: TestWorld, url: string, label: string): Promise<number> {
  const from = world.voice.audioPackets().length;
  await answerText(world.play(url));
  const packets = await audioAfter(world.voice, from, packetsFor(EXCERPT_SECONDS), 120_000);
  return await loudnessOf(packets, world.dataDir, label);
}

async function skip(world: TestWorld): Promise<void> {
  const reply = await answerText(world.discord.sendCommand({ name: "skip", userId: world.alice }));
  assert.ok(/Skipped/.test(reply), reply);
}

/** Integrated loudness of the first `seconds` of a file. */
async function excerptLoudness(path: string, seconds: number): Promise<number> {
  const excerpt = `${path}-excerpt.wav`;
  await runFfmpeg(["-v", "error", "-y", "-i", path, "-t", String(seconds), excerpt]);
  return await integratedLoudness(excerpt);
}

/** Integrated loudness and true peak of a finished file. */
async function measuredFile(path: string): Promise<{ integrated: number; truePeak: number }> {
  const { stderr } = await runFfmpeg(["-nostats", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-"]);
  const integrated = Number(/I:\s+(-?[\d.]+) LUFS/.exec(stderr.split("Summary:").at(-1)!)?.[1]);
  const truePeak = Number(/Peak:\s+(-?[\d.]+) dBFS/.exec(stderr.split("Summary:").at(-1)!)?.[1]);
  return { integrated, truePeak };
}

function cacheDir(world: TestWorld): string {
  return join(world.dataDir, "cache");
}

function cachedFiles(world: TestWorld): string[] {
  return [...Deno.readDirSync(cacheDir(world))].filter((entry) => /^[0-9a-f]+\.ogg$/.test(entry.name))
    .map((entry) => join(cacheDir(world), entry.name));
}

function partialFiles(world: TestWorld): string[] {
  return [...Deno.readDirSync(cacheDir(world))].filter((entry) => entry.name.startsWith(".partial"))
    .map((entry) => entry.name);
}

worldTest(
  "two guilds asking for the same new song at once share one making, and both hear it",
  async (world) => {
    const url = await addToneSteps(world, "shared.mp3", [[500, 60]]);
    await world.startBot();
    const [first, second] = world.discord.guilds;
    const replies = await Promise.all([
      answerText(world.playIn(first.id, url)),
      answerText(world.playIn(second.id, url)),
    ]);
    console.log(replies.join("\n"));
    await world.voice.waitUntil(
      () => new Set(world.voice.audioPackets().map((packet) => packet.ssrc)).size === 2,
      60_000,
      "audio from both guilds' connections",
    );
    for (const ssrc of new Set(world.voice.audioPackets().map((packet) => packet.ssrc))) {
      const from = world.voice.audioPackets().filter((packet) => packet.ssrc === ssrc).length;
      await world.voice.waitUntil(
        () => world.voice.audioPackets().filter((packet) => packet.ssrc === ssrc).length >= from + 50,
        30_000,
        `a second of audio on connection ${ssrc}`,
      );
    }
    // The resolver looks at the link's first bytes (a ranged request); the transcoder fetches the whole file.
    console.log(`requests for the file: ${world.media.count("shared.mp3")}`);
    assert.equal(world.media.wholeFileRequests("shared.mp3", /^Deno\//), 1, "downloaded, and so made, once");
  },
  { daveProtocolVersion: 0, discord: { extraGuilds: 1 } },
);
