/**
 * The transcoder worker's handler end to end, with real ffmpeg, against a local media server: the first play
 * is at the target loudness from its first page, the finished file is exact, and jobs can be cancelled.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { openGrowingOggOpus } from "../../../lib/audio/growing_ogg.ts";
import { windowStarts } from "../../../lib/audio/loudness_estimate.ts";
import { loudnessTarget } from "../../../lib/audio/loudnorm.ts";
import { createTranscoder } from "../../../lib/audio/transcoder.ts";
import type { TranscoderAnswer, TranscoderRequest } from "../../../lib/channels/transcoder_messages.ts";
import { decodedDurationSeconds, integratedLoudness, runFfmpeg } from "../../fakes/audio_analysis.ts";
import { askUntil } from "../../fakes/wait_until.ts";
import { rendersAheadIn } from "../../fakes/prepared_file.ts";
import { startMediaServer } from "../../fakes/media_server.ts";
import { writeMusicLike } from "../../fakes/music_like.ts";

const TARGET = loudnessTarget(-16);

/** Generated sources, made once per run: the 600 s one takes a while. */
const dir = Deno.makeTempDirSync({ prefix: "trazom_transcoder_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const made = new Map<string, Promise<Uint8Array>>();
function source(seconds: number, level: number): Promise<Uint8Array> {
  const name = `music-${seconds}-${level}.mp3`;
  if (!made.has(name)) {
    const path = join(dir, name);
    made.set(name, writeMusicLike(path, seconds, { level }).then(() => Deno.readFile(path)));
  }
  return made.get(name)!;
}

type Handler = (request: TranscoderRequest, signal: AbortSignal) => Promise<TranscoderAnswer>;

async function withTranscoder(
  run: (handle: Handler, work: string, serve: (bytes: Uint8Array) => string) => Promise<void>,
) {
  const work = await Deno.makeTempDir({ dir, prefix: "work_" });
  const media = startMediaServer();
  let served = 0;
  try {
    const handle = await createTranscoder({
      ytdlpPath: "yt-dlp",
      allowPrivateUrls: true,
      target: TARGET,
      workDir: work,
    });
    await run(handle, work, (bytes) => media.add(`track-${served++}.mp3`, bytes));
  } finally {
    await media.close();
  }
}

function never(): AbortSignal {
  return new AbortController().signal;
}

/** True peak in dBTP, measured independently of the code under test. */
async function truePeak(path: string): Promise<number> {
  const { stderr } = await runFfmpeg(["-nostats", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-"]);
  const peak = /True peak:\s*\n\s*Peak:\s+(-?[\d.]+)/.exec(stderr.slice(stderr.lastIndexOf("Summary:")));
  assert.ok(peak, "ffmpeg printed a true peak");
  return Number(peak[1]);
}

/** Plays a new track as the player would: follows the file from `start` while the job finishes it. */
async function firstPlay(seconds: number, level: number) {
  const bytes = await source(seconds, level);
  let result: { heard: number; cached: number; peak: number; ready: TranscoderAnswer } | undefined;
  await withTranscoder(async (handle, work, serve) => {
    const outputPath = join(work, ".partial-out");
    const url = serve(bytes);
    const started = await handle(
      { kind: "start", job: "a", source: { kind: "url", url }, outputPath, priority: "now" },
      never(),
    );
    assert.equal(started.outcome, "streaming", JSON.stringify(started));
    const finish = handle({ kind: "finish", job: "a" }, never());
    const complete = finish.then((answer) => answer.outcome === "ready");
    const heard = new Uint8Array(await buffer(openGrowingOggOpus(outputPath, { startSeconds: 0, complete })));
    const ready = await finish;
    assert.equal(ready.outcome, "ready", JSON.stringify(ready));
    const heardPath = join(work, "heard.ogg");
    await Deno.writeFile(heardPath, heard);
    result = {
      heard: await integratedLoudness(heardPath),
      cached: await integratedLoudness(outputPath),
      peak: await truePeak(outputPath),
      ready,
    };
  });
  return result!;
}

for (const [seconds, level] of [[30, 0.3], [180, 1], [600, 2]]) {
  Deno.test(`a new ${seconds} s track is heard within 1 LU of the target and cached within 0.5 LU`, async () => {
    const { heard, cached, peak, ready } = await firstPlay(seconds, level);
    const message = JSON.stringify({ heard, cached, peak, ready });
    assert.ok(Math.abs(heard - TARGET.integrated) <= 1, `first play: ${message}`);
    assert.ok(Math.abs(cached - TARGET.integrated) <= 0.5, `cached: ${message}`);
    assert.ok(peak <= -1, `true peak: ${message}`);
    assert.ok(ready.outcome === "ready" && Math.abs(ready.durationSeconds! - seconds) < 0.1, message);
  });
}

/** Pids of running processes whose command line mentions `text`. */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    if (cmdline.includes(text)) pids.push(Number(entry.name));
  }
  return pids;
}

Deno.test("aborting the finish request kills the job's ffmpeg", async () => {
  const bytes = await source(600, 2);
  await withTranscoder(async (handle, work, serve) => {
    const outputPath = join(work, ".partial-cancelled");
    const url = serve(bytes);
    const started = await handle(
      { kind: "start", job: "c", source: { kind: "url", url }, outputPath, priority: "now" },
      never(),
    );
    assert.equal(started.outcome, "streaming");
    const running = await processesMentioning(outputPath);
    assert.ok(running.length > 0, "the encoder is still writing 600 s of audio");
    const controller = new AbortController();
    const finish = handle({ kind: "finish", job: "c" }, controller.signal);
    controller.abort(new Error("skipped"));
    const answer = await finish;
    assert.equal(answer.outcome, "failed");
    assert.deepEqual(await processesMentioning(outputPath), []);
    // The job is gone: finishing it again is an error, not a wait.
    const again = await handle({ kind: "finish", job: "c" }, never());
    assert.equal(again.outcome, "failed");
  });
});

Deno.test("aborting the start request stops the job before it streams", async () => {
  const bytes = await source(180, 1);
  await withTranscoder(async (handle, work, serve) => {
    const outputPath = join(work, ".partial-early");
    const controller = new AbortController();
    const start = handle(
      { kind: "start", job: "e", source: { kind: "url", url: serve(bytes) }, outputPath, priority: "later" },
      controller.signal,
    );
    controller.abort(new Error("stopped"));
    assert.equal((await start).outcome, "failed");
    assert.deepEqual(await processesMentioning(work), []);
    assert.deepEqual(
      [...Deno.readDirSync(work)].map((entry) => entry.name).filter((name) =>
        name.startsWith(".partial-download")
      ),
      [],
      "the download is removed",
    );
  });
});

Deno.test("a link that leads nowhere fails for good; a server that is down fails for now", async () => {
  await withTranscoder(async (handle, work, serve) => {
    const missing = serve(new Uint8Array()).replace(/track-\d+\.mp3$/, "missing.mp3");
    const gone = await handle(
      {
        kind: "start",
        job: "m",
        source: { kind: "url", url: missing },
        outputPath: join(work, "m"),
        priority: "now",
      },
      never(),
    );
    assert.equal(gone.outcome, "failed");
    assert.match(gone.outcome === "failed" ? gone.message : "", /404/);
    assert.deepEqual([
      gone.outcome === "failed" && gone.userFacing,
      (gone as { temporary?: boolean }).temporary,
    ], [
      true,
      false,
    ]);
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closedPort = listener.addr.port;
    listener.close();
    const down = await handle(
      {
        kind: "start",
        job: "d",
        source: { kind: "url", url: `http://127.0.0.1:${closedPort}/song.mp3` },
        outputPath: join(work, "d"),
        priority: "now",
      },
      never(),
    );
    assert.ok(down.outcome === "failed");
    assert.equal(down.temporary, true, JSON.stringify(down));
  });
});

Deno.test("a file that is not audio fails for good with a reason", async () => {
  await withTranscoder(async (handle, work, serve) => {
    const url = serve(new TextEncoder().encode("this is not an mp3 at all ".repeat(100)));
    const answer = await handle(
      { kind: "start", job: "n", source: { kind: "url", url }, outputPath: join(work, "n"), priority: "now" },
      never(),
    );
    assert.ok(answer.outcome === "failed");
    assert.match(answer.message, /couldn't read that as audio/);
    assert.equal(answer.temporary, false);
  });
});

Deno.test("a media URL the resolver found is fetched as it is, with no yt-dlp run", async () => {
  const bytes = await source(30, 0.3);
  await withTranscoder(async (handle, work, serve) => {
    const url = serve(bytes);
    const youtube = { kind: "youtube" as const, videoId: "dQw4w9WgXcQ" };
    const start = (job: string, expiresAt: number) =>
      handle({
        kind: "start",
        job,
        source: youtube,
        media: { url, httpHeaders: { "user-agent": "test" }, expiresAt },
        outputPath: join(work, `.partial-${job}`),
        priority: "now",
      }, never());
    // yt-dlp is "yt-dlp" on PATH, which would need the internet for YouTube: success means it was not run.
    const fresh = await start("fresh", Date.now() + 3_600_000);
    assert.equal(fresh.outcome, "streaming", JSON.stringify(fresh));
    assert.equal((await handle({ kind: "finish", job: "fresh" }, never())).outcome, "ready");
  });
});

Deno.test("a track that fools the quick estimate is measured and encoded again before it is cached", async () => {
  const seconds = 300;
  // Quiet exactly where the estimate listens, 20 dB louder everywhere else.
  const inside = windowStarts(seconds).map((start) => `between(t,${start},${start + 3})`).join("+");
  const level = `if(${inside},0.03,0.3)`;
  const path = join(dir, "fooling.mp3");
  await runFfmpeg([
    ...[
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      `anoisesrc=color=pink:duration=${seconds}:sample_rate=48000`,
    ],
    ...["-af", `volume='${level}':eval=frame,aformat=channel_layouts=stereo`, "-c:a", "libmp3lame", path],
  ]);
  const bytes = await Deno.readFile(path);
  await withTranscoder(async (handle, work, serve) => {
    const outputPath = join(work, ".partial-fooled");
    const started = await handle({
      kind: "start",
      job: "f",
      source: { kind: "url", url: serve(bytes) },
      durationSeconds: seconds,
      outputPath,
      priority: "now",
    }, never());
    assert.ok(started.outcome === "streaming", JSON.stringify(started));
    const finish = handle({ kind: "finish", job: "f" }, never());
    const complete = finish.then((answer) => answer.outcome === "ready");
    const heardPath = join(work, "heard.ogg");
    await Deno.writeFile(
      heardPath,
      new Uint8Array(await buffer(openGrowingOggOpus(outputPath, { startSeconds: 0, complete }))),
    );
    const ready = await finish;
    assert.ok(ready.outcome === "ready", JSON.stringify(ready));
    const heard = await integratedLoudness(heardPath);
    const cached = await integratedLoudness(outputPath);
    const message = JSON.stringify({ started, heard, cached, ready });
    assert.ok(Math.abs(heard - TARGET.integrated) > 1, `the first encoding was off: ${message}`);
    assert.ok(Math.abs(cached - TARGET.integrated) <= 0.5, `the cached file is right: ${message}`);
    assert.ok(await truePeak(outputPath) <= -1, message);
  });
});

Deno.test("under filters, a finished track is rendered ahead, and its render at the hand-over is the one made ahead", async () => {
  await withTranscoder(async (handle, work, serve) => {
    const bytes = await source(20, 1);
    const nightcore = { volume: 100, filters: { nightcore: true as const } };
    const prepare = async (job: string) => {
      const outputPath = join(work, `.partial-${job}.ogg`);
      const cachePath = join(work, `${job}.ogg`);
      const url = serve(bytes);
      const started = await handle(
        { kind: "start", job, source: { kind: "url", url }, outputPath, cachePath, priority: "now" },
        never(),
      );
      assert.equal(started.outcome, "streaming");
      assert.equal((await handle({ kind: "finish", job }, never())).outcome, "ready");
      await Deno.rename(outputPath, cachePath);
      return cachePath;
    };
    // The guild plays A with nightcore: from then on, finished files are rendered ahead with it.
    const playing = await prepare("a");
    const heardA = join(work, "render-a.ogg");
    const rendering = await handle(
      {
        kind: "render",
        job: "ra",
        inputPath: playing,
        startSeconds: 5,
        effects: nightcore,
        outputPath: heardA,
      },
      never(),
    );
    assert.equal(rendering.outcome, "rendering");

    const next = await prepare("b");
    const [ahead] = await askUntil(async () => {
      const names = await rendersAheadIn(work);
      return names.length > 0 ? names : undefined;
    }, "B's render ahead to begin writing");
    const heardB = join(work, "render-b.ogg");
    const handedOver = await handle(
      { kind: "render", job: "rb", inputPath: next, startSeconds: 0, effects: nightcore, outputPath: heardB },
      never(),
    );
    assert.equal(handedOver.outcome, "rendering");
    assert.equal(
      Deno.statSync(heardB).ino,
      Deno.statSync(join(work, ahead)).ino,
      "the render asked for is the one made ahead",
    );
    assert.equal((await handle({ kind: "finish", job: "rb" }, never())).outcome, "rendered");
    const seconds = await decodedDurationSeconds(heardB);
    assert.ok(Math.abs(seconds - 20 / 1.25) < 0.5, `all of B at 1.25×: ${seconds} s`);
  });
});
