/**
 * An endless link (an internet radio: MP3 without end and without a length), end to end: it plays live
 * within seconds at the target loudness, shows as LIVE, refuses /seek, keeps the data folder small while it
 * plays, and /skip stops it and its ffmpeg.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { answerText, firstResponse, privateAnswer } from "./bot_answers.ts";
import { audioAfter, audioBetween, loudnessOf, packetsFor } from "./received_audio.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";
import { runFfmpeg } from "../fakes/audio_analysis.ts";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import { waitUntil } from "../fakes/wait_until.ts";
import { liveEncoders, processesWhoseCommand } from "../lib/process/proc_table.ts";

/** How long the stream plays before the folder is measured: well past any download's first minute of data. */
const WINDOW_SECONDS = 20;
/** The source's rate: 160 kb/s, sent at up to twice that, as a radio's first burst comes. */
const SOURCE_BYTES_PER_SECOND = 20_000;

function command(
  world: TestWorld,
  name: string,
  options: { name: string; type: number; value: string | number }[] = [],
) {
  return world.discord.sendCommand({ name, userId: world.alice, options });
}

/** An endless MP3 at /radio: steady pink noise near -40 LUFS, so the bot has 24 dB to make up. */
async function addRadio(world: TestWorld): Promise<string> {
  const sources = await Deno.makeTempDir({ prefix: "trazom_radio_" });
  world.closeWith(() => Deno.remove(sources, { recursive: true }));
  const mp3 = join(sources, "radio.mp3");
  await runFfmpeg([
    ...["-v", "error", "-y", "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.02:duration=30"],
    ...["-ac", "2", "-c:a", "libmp3lame", "-b:a", "160k", mp3],
  ]);
  return world.media.addEndless("radio", await Deno.readFile(mp3), 2 * SOURCE_BYTES_PER_SECOND);
}

/** Every byte under `dir`, in all its folders. */
async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) total += await treeBytes(path);
    else if (entry.isFile) total += (await Deno.stat(path)).size;
  }
  return total;
}

worldTest(
  "an endless MP3 link plays live, shows LIVE, keeps the disk small, and /skip kills its ffmpeg",
  async (world) => {
    const url = await addRadio(world);
    await world.startBot();

    const asked = Date.now();
    const reply = await answerText(world.play(url));
    const repliedMs = Date.now() - asked;
    assert.ok(/radio/i.test(reply), reply);
    assert.ok(reply.includes("LIVE"), `the reply already says it is live: ${reply}`);
    const [first] = await audioAfter(world.voice, 0, 1, 30_000);
    const firstAudioMs = first.receivedAt - asked;
    console.log(`reply ${repliedMs} ms, first live audio ${firstAudioMs} ms after /play`);
    // A hang bound, not a speed test: the link's lookup alone took 1-6 s on a busy machine. A bot that
    // downloads the stream first never plays it at all.
    assert.ok(firstAudioMs < 20_000, `audio within 20 s of /play, not ${firstAudioMs} ms`);

    const card = await firstResponse(command(world, "nowplaying"));
    const description = (card.data as { embeds?: { description?: string }[] }).embeds?.[0]?.description ?? "";
    assert.ok(description.includes("LIVE"), description);
    const queue = await firstResponse(command(world, "queue"));
    const fields = (queue.data as { embeds?: { fields?: { value: string }[] }[] }).embeds?.[0]?.fields ?? [];
    assert.ok(fields.some((field) => field.value.includes("LIVE")), JSON.stringify(fields));
    const seek = await privateAnswer(command(world, "seek", [{ name: "time", type: 3, value: "1:00" }]));
    assert.ok(/live stream/i.test(seek), seek);

    // The folder is measured once the stream has played for the window (waiting for packets, not a clock).
    const heard = await audioAfter(world.voice, 0, packetsFor(WINDOW_SECONDS), (WINDOW_SECONDS + 30) * 1000);
    const dataBytes = await treeBytes(world.dataDir);
    const cacheBytes = await treeBytes(join(world.dataDir, "cache"));
    const sent = world.media.endlessBytesSent("radio");
    console.log(
      `after ${WINDOW_SECONDS} s live: data folder ${dataBytes} B, cache ${cacheBytes} B, source sent ${sent} B`,
    );
    assert.ok(sent >= WINDOW_SECONDS * SOURCE_BYTES_PER_SECOND * 0.8, `the source sent ${sent} B`);
    assert.ok(dataBytes < 3e6, `the data folder holds ${dataBytes} B after ${WINDOW_SECONDS} s of live play`);
    assert.ok(cacheBytes < 64 * 1024, `the cache folder holds ${cacheBytes} B: no audio of the stream`);

    // The running estimate settles within its 3 s look-ahead; from 5 s on it must hold the target.
    const loudness = await loudnessOf(heard.slice(packetsFor(5)), world.dataDir, "live");
    console.log(`live loudness as received: ${loudness} LUFS`);
    assert.ok(Math.abs(loudness - -16) <= 1.5, `${loudness} LUFS`);

    assert.ok(liveEncoders().length >= 1, "an ffmpeg encodes the stream");
    const skipped = await answerText(command(world, "skip"));
    assert.ok(/skip/i.test(skipped), skipped);
    await waitUntil(() => liveEncoders().length === 0, "the live ffmpeg to be killed after /skip", 10_000);
  },
);

worldTest(
  "a YouTube live video plays live through yt-dlp, and /leave ends yt-dlp and ffmpeg",
  async (world) => {
    const video = {
      id: "liveRadio01",
      title: "Harbour Radio Live",
      frequencyHz: 440,
      seconds: 2,
      live: true as const,
    };
    const youtube = await FakeYoutube.create(world, { version: "2026.08.19", videos: [video] });
    const sources = await Deno.makeTempDir({ prefix: "trazom_radio_" });
    world.closeWith(() => Deno.remove(sources, { recursive: true }));
    const mp3 = join(sources, "live.mp3");
    await runFfmpeg([
      ...["-v", "error", "-y", "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.05:duration=20"],
      ...["-ac", "2", "-c:a", "libmp3lame", "-b:a", "160k", mp3],
    ]);
    // The live video's stream: without end, as yt-dlp would follow its HLS playlist.
    world.media.addEndless(`youtube-${video.id}.mp3`, await Deno.readFile(mp3), 2 * SOURCE_BYTES_PER_SECOND);
    await world.startBot(youtube.env);

    const reply = await answerText(world.play(`https://www.youtube.com/watch?v=${video.id}`));
    assert.ok(reply.includes(video.title), reply);
    await audioAfter(world.voice, 0, packetsFor(3), 60_000);
    const card = await firstResponse(command(world, "nowplaying"));
    const description = (card.data as { embeds?: { description?: string }[] }).embeds?.[0]?.description ?? "";
    assert.ok(description.includes("LIVE"), description);
    const streamers = () =>
      processesWhoseCommand((line) => line.includes("--hls-use-mpegts") && line.includes(video.id));
    assert.ok(streamers().length >= 1, "yt-dlp streams the live video");
    assert.ok(liveEncoders().length >= 1, "an ffmpeg encodes it");

    // Stopping is the other way out: alone with the bot, the listener makes it leave.
    const left = await answerText(command(world, "leave"));
    assert.ok(/left|leav|bye/i.test(left), left);
    await waitUntil(
      () => streamers().length === 0 && liveEncoders().length === 0,
      "yt-dlp and ffmpeg to be killed after /leave",
      10_000,
    );
  },
);

worldTest("/volume on a radio is heard: the stream plays on, 6 dB quieter", async (world) => {
  const url = await addRadio(world);
  await world.startBot();
  await answerText(world.play(url));
  const [first] = await audioAfter(world.voice, 0, 1, 30_000);
  // The running estimate settles over its first seconds: the level before is taken from 4 s to 8 s.
  const before = await audioAfter(world.voice, 0, packetsFor(8), 30_000);
  const plain = await loudnessOf(
    before.filter((packet) => packet.receivedAt >= first.receivedAt + 4_000),
    world.dataDir,
    "radio-100",
  );

  const connections = world.media.count("radio");
  const reply = await answerText(command(world, "volume", [{ name: "percent", type: 4, value: 50 }]));
  assert.match(reply, /50 %/);
  // The stream is opened again with the volume in its encoder; the old one plays until the new one has audio.
  await waitUntil(() => world.media.count("radio") > connections, "the stream to be opened again", 20_000);
  const reopenedAt = Date.now();
  await world.voice.waitUntil(
    () => (world.voice.audioPackets().at(-1)?.receivedAt ?? 0) >= reopenedAt + 10_000,
    30_000,
    "10 s of audio after the stream was opened again",
  );
  const quieter = await loudnessOf(
    audioBetween(world.voice, reopenedAt + 6_000, reopenedAt + 10_000),
    world.dataDir,
    "radio-50",
  );
  console.log(`radio at 100 %: ${plain.toFixed(2)} LUFS; at 50 %: ${quieter.toFixed(2)} LUFS`);
  assert.ok(Math.abs(quieter - (plain - 6)) <= 1.5, `50 % is ${(plain - quieter).toFixed(2)} dB quieter`);

  const nightcore = await answerText(
    world.discord.sendCommand({
      name: "filter",
      userId: world.alice,
      options: [{ name: "add", type: 1, options: [{ name: "preset", type: 3, value: "nightcore" }] }],
    }),
  );
  assert.match(nightcore, /live stream: it plays as fast as it comes, so only the pitch changes/);
});
