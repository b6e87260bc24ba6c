import assert from "node:assert/strict";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import type { Readable } from "node:stream";
import { gainEncodeArgs } from "../../../lib/audio/gain_encode.ts";
import { openGrowingOggOpus, waitForOggPages } from "../../../lib/audio/growing_ogg.ts";
import { loudnessTarget } from "../../../lib/audio/loudnorm.ts";
import { openOggOpusAt } from "../../../lib/audio/ogg_seek.ts";
import { oggPageBytes, parseOggPageHeader } from "../../../lib/audio/ogg_page.ts";
import { runFfmpeg, toneSegments } from "../../fakes/audio_analysis.ts";
import { settlesWithin } from "../../fakes/wait_until.ts";

// Second k of the file is a (300 + 100 k) Hz tone, so what plays first says where a stream starts.
const TONES = Array.from({ length: 8 }, (_, k) => 300 + 100 * k);

/** An 8 s Ogg Opus file written the way the transcoder writes (100 ms pages), and a folder to grow it in. */
async function withTones(run: (complete: Uint8Array, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trazom_growing_" });
  try {
    const wav = join(dir, "tones.wav");
    const wave = "0.3*sin(2*PI*(300+100*floor(t))*t)";
    await runFfmpeg(["-v", "error", "-f", "lavfi", "-i", `aevalsrc=${wave}|${wave}:s=48000:d=8`, wav]);
    const ogg = join(dir, "tones.ogg");
    await runFfmpeg(gainEncodeArgs(wav, ogg, 0, loudnessTarget(-16)).filter((arg) => arg !== "-hide_banner"));
    await run(await Deno.readFile(ogg), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Byte offsets of the page starts in `file`, and its end. */
function pageStarts(file: Uint8Array): number[] {
  const starts = [0];
  while (starts.at(-1)! < file.length) {
    starts.push(starts.at(-1)! + oggPageBytes(parseOggPageHeader(file.subarray(starts.at(-1)!))!));
  }
  return starts;
}

/** What a stream delivers, and its end or error, as they happen. */
function collect(stream: Readable) {
  const chunks: Uint8Array[] = [];
  const events: string[] = [];
  const waiters: (() => void)[] = [];
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  let received = 0;
  stream.on("data", (chunk: Uint8Array) => {
    chunks.push(chunk);
    received += chunk.length;
    notify();
  });
  const ended = new Promise<void>((resolve, reject) => {
    stream.on("end", () => (events.push("end"), resolve()));
    stream.on("error", (error) => (events.push("error"), reject(error)));
  });
  ended.catch(() => {});
  return {
    events,
    ended,
    get received() {
      return received;
    },
    bytes: () => concat(chunks),
    /** Resolves once `count` bytes have arrived. */
    async until(count: number) {
      while (received < count) await new Promise<void>((wake) => waiters.push(wake));
    },
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  chunks.reduce((offset, chunk) => (out.set(chunk, offset), offset + chunk.length), 0);
  return out;
}

function completion() {
  let settle!: (ok: boolean) => void;
  const promise = new Promise<boolean>((resolve) => (settle = resolve));
  return { promise, settle };
}

Deno.test("the reader follows a file as it grows, and ends only once it is complete", async () => {
  await withTones(async (complete, dir) => {
    const path = join(dir, "growing.ogg");
    const starts = pageStarts(complete);
    // Up to the middle of page 12: the reader must stop before the half-written page.
    const firstCut = starts[12] + 40;
    await Deno.writeFile(path, complete.subarray(0, firstCut));
    const done = completion();
    const stream = collect(openGrowingOggOpus(path, { startSeconds: 0, complete: done.promise }));
    await stream.until(starts[12]);
    assert.equal(stream.received, starts[12], "nothing of the half-written page");
    const file = await Deno.open(path, { append: true });
    await file.write(complete.subarray(firstCut, starts[30]));
    await stream.until(starts[30]);
    await file.write(complete.subarray(starts[30]));
    file.close();
    await stream.until(complete.length);
    assert.deepEqual(stream.events, [], "no end before the writer is done");
    done.settle(true);
    await stream.ended;
    assert.deepEqual(stream.bytes(), complete);
  });
});

Deno.test("a start past what is written waits for it, then plays from there", async () => {
  await withTones(async (complete, dir) => {
    const path = join(dir, "growing.ogg");
    const starts = pageStarts(complete);
    const headerBytes = starts[2];
    // About one second of audio is on disk; playing starts at 5.5 s.
    await Deno.writeFile(path, complete.subarray(0, starts[12]));
    const done = completion();
    const stream = collect(openGrowingOggOpus(path, { startSeconds: 5.5, complete: done.promise }));
    await stream.until(headerBytes);
    assert.equal(stream.received, headerBytes, "the header pages alone while 5.5 s is not written");
    await Deno.writeFile(path, complete);
    done.settle(true);
    await stream.ended;
    // The same bytes as seeking in the finished file, which plays the 800 Hz tone of second 5 first.
    const expected = new Uint8Array(await buffer(openOggOpusAt(await writeTemp(dir, complete), 5.5)));
    assert.deepEqual(stream.bytes(), expected);
    const out = join(dir, "from_5.5.ogg");
    await Deno.writeFile(out, stream.bytes());
    const segments = await toneSegments(out, { segmentSeconds: 0.1, candidatesHz: TONES });
    assert.equal(segments[0].frequencyHz, TONES[5]);
    assert.equal(segments[6].frequencyHz, TONES[6], "6.1 s into the track");
  });
});

Deno.test("the reader fails when the file will never be complete", async () => {
  await withTones(async (complete, dir) => {
    const path = join(dir, "growing.ogg");
    const starts = pageStarts(complete);
    await Deno.writeFile(path, complete.subarray(0, starts[8]));
    const done = completion();
    const stream = collect(openGrowingOggOpus(path, { startSeconds: 0, complete: done.promise }));
    await stream.until(starts[8]);
    done.settle(false);
    await assert.rejects(stream.ended, /could not be prepared/);
    assert.deepEqual(stream.events, ["error"]);
  });
});

Deno.test("a reader waiting for a file that is not there yet starts when it appears", async () => {
  await withTones(async (complete, dir) => {
    const path = join(dir, "later.ogg");
    const done = completion();
    const stream = collect(openGrowingOggOpus(path, { startSeconds: 0, complete: done.promise }));
    await Deno.writeFile(path, complete);
    await stream.until(complete.length);
    done.settle(true);
    await stream.ended;
    assert.deepEqual(stream.bytes(), complete);
  });
});

Deno.test("aborting a waiting reader ends its stream with the reason", async () => {
  await withTones(async (complete, dir) => {
    const path = join(dir, "growing.ogg");
    const starts = pageStarts(complete);
    await Deno.writeFile(path, complete.subarray(0, starts[4]));
    const controller = new AbortController();
    const readable = openGrowingOggOpus(path, {
      startSeconds: 0,
      complete: new Promise(() => {}),
      signal: controller.signal,
    });
    const stream = collect(readable);
    await stream.until(starts[4]);
    // "close" comes once the reader has let go of the file.
    const closed = new Promise((resolve) => readable.once("close", resolve));
    controller.abort(new Error("skipped"));
    await assert.rejects(stream.ended, /skipped/);
    await closed;
  });
});

Deno.test("waiting for the first pages ends early, with false, when the writer stops first", async () => {
  await withTones(async (complete, dir) => {
    const path = join(dir, "short.ogg");
    const starts = pageStarts(complete);
    await Deno.writeFile(path, complete.subarray(0, starts[2]));
    assert.equal(await waitForOggPages(path, 3, Promise.resolve()), false);
    await Deno.writeFile(path, complete.subarray(0, starts[3]));
    assert.equal(await waitForOggPages(path, 3, new Promise(() => {})), true);
  });
});

async function writeTemp(dir: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, "complete.ogg");
  await Deno.writeFile(path, bytes);
  return path;
}

/** Resolves once Deno.open has been called `count` more times: the reader looked for its file. */
function waitForFileLooks(count: number): Promise<void> {
  const realOpen = Deno.open;
  return new Promise((resolve) => {
    let seen = 0;
    Deno.open = ((...args: Parameters<typeof Deno.open>) => {
      if (++seen >= count) {
        Deno.open = realOpen;
        resolve();
      }
      return realOpen(...args);
    }) as typeof Deno.open;
  });
}

Deno.test("a reader closed while it waits for the writer closes at once and stops looking at the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trazom_growing_" });
  try {
    // Nothing written yet, and the writer never finishes: the reader can only wait.
    const stream = openGrowingOggOpus(join(dir, "never.ogg"), {
      startSeconds: 0,
      complete: new Promise(() => {}),
    });
    stream.on("error", () => {});
    stream.resume();
    const closed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
    // Destroyed only once it is inside its wait: the first look finds no file and sleeps to look again.
    await waitForFileLooks(2);
    stream.destroy();
    // Left waiting, the reader would look at the file every 10 ms for good and never report "close".
    await settlesWithin(closed, 2_000, "the reader closes once destroyed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
