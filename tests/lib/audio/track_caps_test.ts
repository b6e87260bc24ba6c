/**
 * The operator's caps on one track: its length, its download (counted as it arrives, not only from the
 * announced size), and the disk's free-space floor; each refusal names the cap. Then the same caps through
 * the transcoder worker's handler, with real ffmpeg, against a local media server.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freeDiskBytes } from "../../../lib/audio/free_disk.ts";
import { loudnessTarget } from "../../../lib/audio/loudnorm.ts";
import {
  assertDiskRoom,
  assertLengthAllowed,
  DownloadMeter,
  type TrackCaps,
} from "../../../lib/audio/track_caps.ts";
import { createTranscoder } from "../../../lib/audio/transcoder.ts";
import type { TranscoderAnswer, TranscoderRequest } from "../../../lib/channels/transcoder_messages.ts";
import { withinLength } from "../../../lib/sources/query_resolver.ts";
import type { TrackInfo } from "../../../lib/track.ts";
import { UserError } from "../../../lib/user_error.ts";
import { runFfmpeg } from "../../fakes/audio_analysis.ts";
import { startMediaServer } from "../../fakes/media_server.ts";

const CAPS: TrackCaps = { maxTrackSeconds: 60, maxSourceBytes: 1e6, minFreeDiskBytes: 0 };

Deno.test("a track longer than the cap is refused with the cap named; an unknown length passes", () => {
  assertLengthAllowed(60, CAPS);
  assertLengthAllowed(undefined, CAPS);
  assert.throws(
    () => assertLengthAllowed(61, CAPS),
    /That track is 1 minute long; the longest I play is 1 minute\./,
  );
  assert.throws(
    () => assertLengthAllowed(5 * 3600, { ...CAPS, maxTrackSeconds: 180 * 60 }),
    (error: unknown) => error instanceof UserError && /5 hours long.*180 minutes/.test(error.message),
  );
});

Deno.test("the resolver refuses one track over the cap and leaves a playlist's out with a note", () => {
  const track = (id: string, durationSeconds?: number): TrackInfo => ({
    source: { kind: "youtube", videoId: id.padEnd(11, "x") },
    title: id,
    url: `https://www.youtube.com/watch?v=${id.padEnd(11, "x")}`,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
  });
  assert.throws(
    () => withinLength({ outcome: "tracks", tracks: [track("long", 3600)] }, CAPS),
    /longest I play is 1 minute/,
  );
  const answer = withinLength(
    { outcome: "tracks", tracks: [track("short", 30), track("long", 3600), track("unknown")] },
    CAPS,
  );
  assert.ok(answer.outcome === "tracks");
  assert.deepEqual(answer.tracks.map((kept) => kept.title), ["short", "unknown"]);
  assert.match(answer.note ?? "", /1 track is longer than 1 minute and was left out/);
  const none = withinLength({ outcome: "tracks", tracks: [track("a", 3600), track("b", 3600)] }, CAPS);
  assert.deepEqual(none, {
    outcome: "empty",
    message: "Every track there is longer than 1 minute, the longest I play.",
  });
});

Deno.test("a download is stopped once it passes the byte cap, announced or not", () => {
  const meter = new DownloadMeter(".", CAPS);
  meter.announced(1e6);
  assert.throws(() => meter.announced(1e6 + 1), /too large for me to play \(over 1 MB\)/);
  meter.add(600_000);
  meter.add(400_000);
  assert.throws(() => meter.add(1), /over 1 MB/);
});

Deno.test("downloads are refused below the free-disk floor, and free space is read from the disk", () => {
  const free = freeDiskBytes(".");
  assert.ok(free !== undefined && free > 0, `free space read: ${free}`);
  assertDiskRoom(".", { ...CAPS, minFreeDiskBytes: 0 });
  assertDiskRoom(".", { ...CAPS, minFreeDiskBytes: 1 });
  assert.throws(
    () => assertDiskRoom(".", { ...CAPS, minFreeDiskBytes: free * 2 }),
    /disk is almost full, so I can't download new tracks/,
  );
  const meter = new DownloadMeter(".", { ...CAPS, maxSourceBytes: 1e9, minFreeDiskBytes: free * 2 });
  assert.throws(() => meter.add(5 * 1024 * 1024), /disk is almost full/, "checked again while downloading");
});

type Handler = (request: TranscoderRequest, signal: AbortSignal) => Promise<TranscoderAnswer>;

/** The transcoder's handler with `caps`, and a media server, for one test. */
async function withCappedTranscoder(
  caps: TrackCaps,
  run: (handle: Handler, work: string, media: ReturnType<typeof startMediaServer>) => Promise<void>,
) {
  const work = await Deno.makeTempDir({ prefix: "trazom_caps_" });
  const media = startMediaServer();
  try {
    const handle = await createTranscoder({
      ytdlpPath: "yt-dlp",
      allowPrivateUrls: true,
      target: loudnessTarget(-16),
      workDir: work,
      caps,
    });
    await run(handle, work, media);
  } finally {
    await media.close();
    await Deno.remove(work, { recursive: true });
  }
}

async function startAnswer(
  handle: Handler,
  work: string,
  request: Partial<Extract<TranscoderRequest, { kind: "start" }>>,
) {
  return await handle({
    kind: "start",
    job: crypto.randomUUID(),
    source: { kind: "url", url: "http://127.0.0.1:9/none" },
    outputPath: join(work, ".partial-out.ogg"),
    priority: "now",
    ...request,
  }, new AbortController().signal);
}

async function mp3Of(seconds: number): Promise<Uint8Array> {
  const { stdout } = await runFfmpeg([
    ...["-v", "error", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`],
    ...["-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", "pipe:1"],
  ]);
  return stdout;
}

Deno.test("the transcoder refuses a file whose length, found once downloaded, is over the cap", async () => {
  await withCappedTranscoder(CAPS, async (handle, work, media) => {
    const url = media.add("long.mp3", await mp3Of(90));
    const answer = await startAnswer(handle, work, { source: { kind: "url", url } });
    assert.equal(answer.outcome, "failed", JSON.stringify(answer));
    assert.match(
      (answer as { message: string }).message,
      /That track is 2 minutes long; the longest I play is 1 minute/,
    );
    const left = await Array.fromAsync(Deno.readDir(work));
    assert.deepEqual(left.map((entry) => entry.name), [], "the download is removed");
  });
});

Deno.test("a source with a length that grows past the byte cap with no Content-Length is stopped while downloading", async () => {
  await withCappedTranscoder(CAPS, async (handle, work, media) => {
    // A media URL the resolver found for a 60 s track, whose server then sends without end.
    const url = media.addEndless("growing.mp3", await mp3Of(60), 2_000_000);
    const answer = await startAnswer(handle, work, {
      source: { kind: "url", url },
      media: { url },
      durationSeconds: 60,
    });
    assert.equal(answer.outcome, "failed", JSON.stringify(answer));
    assert.match((answer as { message: string }).message, /too large for me to play \(over 1 MB\)/);
    const sent = media.endlessBytesSent("growing.mp3");
    assert.ok(sent < 4e6, `the download stopped soon after the cap: ${sent} B sent`);
  });
});

Deno.test("a file with a Content-Length over the byte cap is refused", async () => {
  await withCappedTranscoder({ ...CAPS, maxSourceBytes: 100_000 }, async (handle, work, media) => {
    const url = media.add("big.mp3", await mp3Of(40));
    const answer = await startAnswer(handle, work, { source: { kind: "url", url } });
    assert.match((answer as { message: string }).message, /too large for me to play \(over 100 KB\)/);
  });
});

Deno.test("below the free-disk floor the transcoder starts no download", async () => {
  const free = freeDiskBytes(".")!;
  await withCappedTranscoder({ ...CAPS, minFreeDiskBytes: free * 2 }, async (handle, work, media) => {
    const url = media.add("song.mp3", await mp3Of(5));
    const answer = await startAnswer(handle, work, { source: { kind: "url", url } });
    assert.match((answer as { message: string }).message, /disk is almost full/);
    assert.equal(media.count("song.mp3"), 0, "nothing was requested");
  });
});

Deno.test("a length already known to be over the cap is refused before any download", async () => {
  await withCappedTranscoder(CAPS, async (handle, work, media) => {
    const url = media.add("known.mp3", await mp3Of(5));
    const answer = await startAnswer(handle, work, { source: { kind: "url", url }, durationSeconds: 3600 });
    assert.match((answer as { message: string }).message, /1 hour long; the longest I play is 1 minute/);
    assert.equal(media.count("known.mp3"), 0, "nothing was requested");
  });
});
