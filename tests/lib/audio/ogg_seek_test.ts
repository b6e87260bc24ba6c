import assert from "node:assert/strict";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import {
  assertOggPageCrc,
  buildOggPage,
  OGG_BOS,
  OGG_CONTINUED,
  oggCrc32,
  oggPacketSpans,
  oggPageBytes,
  type OggPageHeader,
  parseOggPageHeader,
} from "../../../lib/audio/ogg_page.ts";
import {
  findPageForGranule,
  oggOpusDurationSeconds,
  openOggOpusAt,
  opusPacketSamples,
  trimOggOpusPage,
} from "../../../lib/audio/ogg_seek.ts";
import { decodePcm, runFfmpeg, toneSegments } from "../../fakes/audio_analysis.ts";

// An OpusHead page as ffmpeg 5.1 wrote it: the CRC at bytes 22..25 is ffmpeg's, not ours.
const FFMPEG_HEAD_PAGE = Uint8Array.from(
  ("4f6767530002000000000000000061ef7e390000000093658e7c01134f70" +
    "7573486561640102380180bb0000000000").match(/../g)!.map((byte) => parseInt(byte, 16)),
);

Deno.test("the Ogg CRC matches the CRC-32/POSIX check value without its final xor", () => {
  assert.equal(oggCrc32(new TextEncoder().encode("123456789")), (0x765e7680 ^ 0xffffffff) >>> 0);
});

Deno.test("a page written by ffmpeg is parsed field by field and its CRC verified", () => {
  const header = parseOggPageHeader(FFMPEG_HEAD_PAGE)!;
  assert.equal(header.headerType, OGG_BOS);
  assert.equal(header.granule, 0n);
  assert.equal(header.serial, 0x397eef61);
  assert.equal(header.sequence, 0);
  assert.equal(header.crc, 0x7c8e6593);
  assert.deepEqual([...header.segmentTable], [19]);
  assert.equal(oggPageBytes(header), FFMPEG_HEAD_PAGE.length);
  assertOggPageCrc(FFMPEG_HEAD_PAGE, header);
  const body = FFMPEG_HEAD_PAGE.subarray(header.headerBytes);
  assert.deepEqual(buildOggPage({ ...header, body }), FFMPEG_HEAD_PAGE);
});

Deno.test("a damaged page fails its CRC and a misplaced read has no capture pattern", () => {
  const damaged = FFMPEG_HEAD_PAGE.slice();
  damaged[40] ^= 0x01;
  assert.throws(
    () => assertOggPageCrc(damaged, parseOggPageHeader(damaged, 4096)!),
    /Corrupt Ogg page at byte 4096/,
  );
  assert.throws(() => parseOggPageHeader(FFMPEG_HEAD_PAGE.subarray(1), 1), /No Ogg page at byte 1/);
  assert.equal(parseOggPageHeader(FFMPEG_HEAD_PAGE.subarray(0, 20)), undefined);
});

Deno.test("lacing values split a page into packets, continued and unfinished ones marked", () => {
  const page = buildOggPage({
    headerType: OGG_CONTINUED,
    granule: 960n,
    serial: 1,
    sequence: 5,
    segmentTable: Uint8Array.of(100, 255, 45, 255, 255),
    body: new Uint8Array(100 + 300 + 510),
  });
  assert.deepEqual(oggPacketSpans(parseOggPageHeader(page)!), [
    { firstSegment: 0, segmentCount: 1, start: 0, end: 100, complete: true },
    { firstSegment: 1, segmentCount: 2, start: 100, end: 400, complete: true },
    { firstSegment: 3, segmentCount: 2, start: 400, end: 910, complete: false },
  ]);
});

Deno.test("the seek page is the first whose granule passes the target; pages without one are passed over", () => {
  const pages = [48_312n, -1n, 96_312n, 100_000n].map((granule, i) => pageHeader(i * 1000, granule));
  assert.equal(findPageForGranule(pages, 0n)?.offset, 0);
  assert.equal(findPageForGranule(pages, 48_312n)?.offset, 2000);
  assert.equal(findPageForGranule(pages, 99_999n)?.offset, 3000);
  assert.equal(findPageForGranule(pages, 100_000n), undefined);
});

Deno.test("trimming a page keeps the packet holding the target and those after, granule unchanged", () => {
  // Five 20 ms CELT packets (TOC 0xf8) after a 312-sample pre-skip: they end at 1272, 2232, ... 5112.
  const packets = [0, 1, 2, 3, 4].map((i) => Uint8Array.of(0xf8, i, i, i));
  const page = buildOggPage({
    headerType: 0,
    granule: 5112n,
    serial: 7,
    sequence: 2,
    segmentTable: Uint8Array.of(4, 4, 4, 4, 4),
    body: Uint8Array.from(packets.flatMap((packet) => [...packet])),
  });
  const trimmed = trimOggOpusPage(page, 312n + 2000n);
  const header = parseOggPageHeader(trimmed)!;
  assertOggPageCrc(trimmed, header);
  assert.equal(header.granule, 5112n);
  assert.equal(header.sequence, 2);
  assert.deepEqual([...trimmed.subarray(header.headerBytes)], [2, 3, 4].flatMap((i) => [...packets[i]]));
  assert.deepEqual(trimOggOpusPage(page, 312n), page);
});

Deno.test("trimming drops the tail of a packet begun on an earlier page, which cannot play alone", () => {
  const page = buildOggPage({
    headerType: OGG_CONTINUED,
    granule: 10_000n,
    serial: 7,
    sequence: 9,
    segmentTable: Uint8Array.of(10, 4, 4),
    body: Uint8Array.from([...new Uint8Array(10).fill(9), 0xf8, 1, 1, 1, 0xf8, 2, 2, 2]),
  });
  const trimmed = trimOggOpusPage(page, 0n);
  const header = parseOggPageHeader(trimmed)!;
  assert.equal(header.headerType & OGG_CONTINUED, 0);
  assert.deepEqual([...header.segmentTable], [4, 4]);
  assert.deepEqual([...trimmed.subarray(header.headerBytes)], [0xf8, 1, 1, 1, 0xf8, 2, 2, 2]);
  assertOggPageCrc(trimmed, header);
});

// Second k of the file is a (300 + 100 k) Hz tone, so what plays first says where a stream starts.
const TONES = Array.from({ length: 10 }, (_, k) => 300 + 100 * k);

async function withTenTones(run: (path: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trazom_ogg_seek_" });
  try {
    const path = join(dir, "tones.ogg");
    const wave = "0.3*sin(2*PI*(300+100*floor(t))*t)";
    const source = `aevalsrc=${wave}|${wave}:s=48000:d=10`;
    const encode = ["-ar", "48000", "-ac", "2", "-c:a", "libopus", "-b:a", "128k", "-vbr", "on"];
    await runFfmpeg([
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      source,
      ...encode,
      "-frame_duration",
      "20",
      "-f",
      "ogg",
      path,
    ]);
    await run(path, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function seekToFile(path: string, seconds: number, out: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await buffer(openOggOpusAt(path, seconds)));
  await Deno.writeFile(out, bytes);
  return bytes;
}

Deno.test("seeking inside a cached file starts at the right tone, to within a packet", async () => {
  await withTenTones(async (path, dir) => {
    for (const seconds of [3.5, 9.9]) {
      const out = join(dir, `from_${seconds}.ogg`);
      await seekToFile(path, seconds, out);
      const { samples, sampleRate } = await decodePcm(out);
      const decoded = samples.length / sampleRate;
      assert.ok(Math.abs(decoded - (10 - seconds)) <= 0.03, `from ${seconds} s: ${decoded} s decoded`);
      const segments = await toneSegments(out, { segmentSeconds: 0.1, candidatesHz: TONES });
      assert.equal(segments[0].frequencyHz, TONES[Math.floor(seconds)], `from ${seconds} s`);
    }
    const segments = await toneSegments(join(dir, "from_3.5.ogg"), {
      segmentSeconds: 0.1,
      candidatesHz: TONES,
    });
    assert.equal(segments[4].frequencyHz, 600, "3.9 s into the file");
    assert.equal(segments[6].frequencyHz, 700, "4.1 s into the file");
  });
});

Deno.test("seeking to 0 or before gives the file unchanged", async () => {
  await withTenTones(async (path, dir) => {
    const original = await Deno.readFile(path);
    assert.deepEqual(await seekToFile(path, 0, join(dir, "zero.ogg")), original);
    assert.deepEqual(await seekToFile(path, -3, join(dir, "negative.ogg")), original);
  });
});

Deno.test("seeking past the end gives the header pages alone", async () => {
  await withTenTones(async (path, dir) => {
    const original = await Deno.readFile(path);
    const head = parseOggPageHeader(original)!;
    const tags = parseOggPageHeader(original.subarray(oggPageBytes(head)))!;
    const headers = original.subarray(0, oggPageBytes(head) + oggPageBytes(tags));
    assert.deepEqual(await seekToFile(path, 20, join(dir, "past.ogg")), headers);
    assert.deepEqual(await seekToFile(path, Infinity, join(dir, "infinite.ogg")), headers);
  });
});

Deno.test("the duration is the last granule less the pre-skip", async () => {
  await withTenTones(async (path) => {
    assert.ok(Math.abs(await oggOpusDurationSeconds(path) - 10) < 0.001);
  });
});

Deno.test("a stream dropped early closes its file", async () => {
  await withTenTones(async (path) => {
    const stream = openOggOpusAt(path, 2);
    await new Promise((resolve) => stream.once("readable", resolve));
    stream.destroy();
    await new Promise((resolve) => stream.once("close", resolve));
  });
});

Deno.test("a file that is not Ogg Opus makes the stream fail, not hang", async () => {
  await withTenTones(async (_path, dir) => {
    const other = join(dir, "other.ogg");
    await Deno.writeFile(
      other,
      buildOggPage({ ...pageHeader(0, 0n), body: new TextEncoder().encode("Vorbis") }),
    );
    await assert.rejects(buffer(openOggOpusAt(other, 1)), /not OpusHead/);
  });
});

function pageHeader(offset: number, granule: bigint): OggPageHeader & { segmentTable: Uint8Array } {
  return {
    offset,
    headerType: 0,
    granule,
    serial: 1,
    sequence: 0,
    crc: 0,
    segmentTable: Uint8Array.of(6),
    headerBytes: 28,
    bodyBytes: 6,
  };
}

Deno.test("opusPacketSamples reads frame size and count from the TOC byte", () => {
  assert.equal(opusPacketSamples(new Uint8Array([0xf8, 0xff, 0xfe])), 960);
  assert.equal(opusPacketSamples(new Uint8Array([0xfc])), 960);
  assert.equal(opusPacketSamples(new Uint8Array([0x79])), 1920);
  assert.equal(opusPacketSamples(new Uint8Array([0x1b, 0x03])), 3 * 2880);
});
