/**
 * Live sources through the transcoder worker's handler, with real ffmpeg, against a local media server that
 * streams MP3 without end and without a length: they are played as they come (never written to disk), at
 * the target loudness after the first seconds and again a few seconds after the level changes, and
 * stopping them kills their ffmpeg.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loudnessTarget } from "../../../lib/audio/loudnorm.ts";
import { oggPageBytes, parseOggPageHeader } from "../../../lib/audio/ogg_page.ts";
import { createTranscoder } from "../../../lib/audio/transcoder.ts";
import type { TranscoderAnswer, TranscoderRequest } from "../../../lib/channels/transcoder_messages.ts";
import { integratedLoudness, runFfmpeg } from "../../fakes/audio_analysis.ts";
import { startMediaServer } from "../../fakes/media_server.ts";
import { writeMusicLike } from "../../fakes/music_like.ts";
import { waitUntil } from "../../fakes/wait_until.ts";
import { liveEncoders } from "../process/proc_table.ts";
import type { AudioEffects } from "../../../lib/audio_effects.ts";
import { liveFilter } from "../../../lib/audio/live_encode.ts";

const TARGET = loudnessTarget(-16);
const never = () => new AbortController().signal;

type Handler = (request: TranscoderRequest, signal: AbortSignal) => Promise<TranscoderAnswer>;

/** Total bytes of the files in `dir`. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) total += (await Deno.stat(join(dir, entry.name))).size;
  }
  return total;
}

/** Pink noise as MP3: `steps` of [seconds, amplitude] in turn. */
async function noiseMp3(path: string, steps: [number, number][]): Promise<Uint8Array> {
  const inputs = steps.flatMap(([seconds, amplitude]) => [
    ...["-f", "lavfi", "-i", `anoisesrc=color=pink:amplitude=${amplitude}:duration=${seconds}`],
  ]);
  const concat = `${steps.map((_, i) => `[${i}:a]`).join("")}concat=n=${steps.length}:v=0:a=1`;
  await runFfmpeg([
    ...["-v", "error", "-y", ...inputs, "-filter_complex", concat],
    ...["-ac", "2", "-c:a", "libmp3lame", "-b:a", "160k", path],
  ]);
  return await Deno.readFile(path);
}

/** Integrated loudness of `seconds` of `path` from `start`, measured by ffmpeg's ebur128. */
async function loudnessBetween(path: string, start: number, seconds: number): Promise<number> {
  const cut = `${path}-${start}.wav`;
  await runFfmpeg(["-v", "error", "-y", "-ss", String(start), "-t", String(seconds), "-i", path, cut]);
  return await integratedLoudness(cut);
}

/**
 * Plays `mp3` as an endless stream through the transcoder and keeps `seconds` of what it sends, pulled as
 * the player would; then checks that nothing was written and that cancelling kills the live ffmpeg.
 */
async function hearLive(
  mp3: Uint8Array,
  seconds: number,
  dir: string,
  effects?: AudioEffects,
): Promise<string> {
  const work = await Deno.makeTempDir({ dir, prefix: "work_" });
  const media = startMediaServer();
  try {
    // Four times real time at 160 kb/s: faster than it plays, as a radio's first burst is.
    const url = media.addEndless("radio", mp3, 80_000);
    const handle: Handler = await createTranscoder({
      ytdlpPath: "yt-dlp",
      allowPrivateUrls: true,
      target: TARGET,
      workDir: work,
    });
    const outputPath = join(work, ".partial-out.ogg");
    const started = await handle(
      { kind: "start", job: "radio", source: { kind: "url", url }, effects, outputPath, priority: "now" },
      never(),
    );
    assert.deepEqual(started, { outcome: "streaming", gainDb: 0, live: true });
    const heard = join(dir, "heard.ogg");
    const pages = new OggProgress();
    while (pages.seconds < seconds) {
      const answer = await handle({ kind: "read", job: "radio" }, never());
      assert.equal(answer.outcome, "audio", JSON.stringify(answer));
      if (answer.outcome !== "audio") break;
      assert.equal(answer.end, false, "an endless stream does not end");
      await Deno.writeFile(heard, answer.bytes, { append: true });
      pages.add(answer.bytes);
    }
    assert.ok(liveEncoders().length >= 1, "ffmpeg encodes the stream");
    assert.equal(await folderBytes(work), 0, "nothing of the stream is written to the work folder");
    assert.deepEqual(await handle({ kind: "cancel", job: "radio" }, never()), { outcome: "noted" });
    await waitUntil(
      () => liveEncoders().length === 0,
      "the live ffmpeg to be killed after the cancel",
      10_000,
    );
    return heard;
  } finally {
    await media.close();
  }
}

/** How far an Ogg Opus stream has got, from the granule positions of its pages as they arrive. */
class OggProgress {
  #pending = new Uint8Array();
  #granule = 0n;

  get seconds(): number {
    return Number(this.#granule) / 48_000;
  }

  add(bytes: Uint8Array): void {
    const all = new Uint8Array(this.#pending.length + bytes.length);
    all.set(this.#pending);
    all.set(bytes, this.#pending.length);
    let offset = 0;
    while (true) {
      // The offset only labels errors: the header is read from the start of what is passed.
      const header = parseOggPageHeader(all.subarray(offset), offset);
      if (!header || offset + oggPageBytes(header) > all.length) break;
      if (header.granule > 0n) this.#granule = header.granule;
      offset += oggPageBytes(header);
    }
    this.#pending = all.slice(offset);
  }
}

Deno.test("an endless MP3 plays live at the target loudness, writes nothing, and stops with its ffmpeg", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trazom_live_" });
  try {
    // Steady pink noise near -40 LUFS, as a station between programmes: 24 dB to make up.
    const heard = await hearLive(await noiseMp3(join(dir, "steady.mp3"), [[30, 0.02]]), 25, dir);
    const loudness = await loudnessBetween(heard, 5, 20);
    console.log(`live loudness from 5 s to 25 s: ${loudness} LUFS (target ${TARGET.integrated})`);
    assert.ok(Math.abs(loudness - TARGET.integrated) <= 1.5, `${loudness} LUFS`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a live stream whose level jumps by 20 dB is back at the target within five seconds", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trazom_live_" });
  try {
    // A quiet programme for 15 s, then one 20 dB louder: a constant gain would stay 20 dB off.
    const heard = await hearLive(await noiseMp3(join(dir, "step.mp3"), [[15, 0.02], [15, 0.2]]), 30, dir);
    const before = await loudnessBetween(heard, 5, 10);
    const after = await loudnessBetween(heard, 20, 10);
    console.log(`live loudness before the jump ${before} LUFS, from 5 s after it ${after} LUFS`);
    assert.ok(Math.abs(before - TARGET.integrated) <= 1.5, `before: ${before} LUFS`);
    assert.ok(Math.abs(after - TARGET.integrated) <= 1.5, `after: ${after} LUFS`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("music with quiet verses and loud choruses is within 1.5 LU of the target once a whole verse and chorus were heard", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trazom_live_" });
  try {
    // About -38 LUFS with a 16 LU range: 12 s verses a third of the choruses' level, and a slow swell. A
    // running estimate cannot know the first chorus is coming: the first 30 s read about 2 LU loud.
    const path = join(dir, "music.mp3");
    await writeMusicLike(path, 80, { level: 0.3 });
    const heard = await hearLive(await Deno.readFile(path), 80, dir);
    const loudness = await loudnessBetween(heard, 40, 40);
    console.log(`live loudness of music from 40 s to 80 s: ${loudness} LUFS`);
    assert.ok(Math.abs(loudness - TARGET.integrated) <= 1.5, `${loudness} LUFS`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a live stream plays with the guild's volume and filters: half volume 6 dB under the target, a bass boost at it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trazom_live_" });
  try {
    const mp3 = await noiseMp3(join(dir, "steady.mp3"), [[20, 0.02]]);
    const half = await hearLive(mp3, 15, dir, { volume: 50, filters: {} });
    const halfLoudness = await loudnessBetween(half, 5, 10);
    await Deno.remove(half);
    const boosted = await hearLive(mp3, 15, dir, { volume: 100, filters: { bassboost: "high" } });
    const boostedLoudness = await loudnessBetween(boosted, 5, 10);
    console.log(`live at 50 %: ${halfLoudness} LUFS; bass boost (high): ${boostedLoudness} LUFS`);
    assert.ok(Math.abs(halfLoudness - (TARGET.integrated - 6)) <= 1.5, `50 %: ${halfLoudness} LUFS`);
    assert.ok(Math.abs(boostedLoudness - TARGET.integrated) <= 1.5, `bass boost: ${boostedLoudness} LUFS`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("on a live stream, nightcore and speed change no speed (it comes as fast as it is sent): only the pitch", () => {
  const chain = liveFilter(TARGET, { volume: 100, filters: { nightcore: true, speed: 1.5 } });
  // Raised 1.25 in pitch and stretched back by the same factor: real time in, real time out.
  assert.match(chain, /asetrate=60000,aresample=48000,atempo=0\.800000,/);
  assert.equal(liveFilter(TARGET, { volume: 100, filters: { speed: 2 } }).includes("atempo"), false);
  assert.equal(liveFilter(TARGET), liveFilter(TARGET, { volume: 100, filters: {} }), "no effects: as before");
});
