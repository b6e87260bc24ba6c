/**
 * Seeking inside a cached Ogg Opus file without decoding: the header pages, then the file from the page that
 * holds the target time, that first page cut down to the packets at or after the target.
 *
 * Granule positions count 48 kHz samples including the OpusHead pre-skip (RFC 7845 §4). Pages after the cut
 * keep their sequence numbers, so the stream shows a gap after the headers, as a stream joined midway would;
 * the demuxers that read it (prism-media's, ffmpeg's) go by packets, not by sequence.
 */
import { Readable } from "node:stream";
import { copyFrom, lastGranule, readPage, readPageHeader, scanPageHeaders } from "./ogg_file.ts";
import {
  buildOggPage,
  concatBytes,
  OGG_CONTINUED,
  OGG_HEADER_BYTES,
  oggPacketSpans,
  oggPageBytes,
  type OggPageHeader,
  parseOggPageHeader,
} from "./ogg_page.ts";

/** Opus always counts time in 48 kHz samples, whatever the input rate was. */
export const OPUS_SAMPLE_RATE = 48_000;

const OPUS_HEAD = new TextEncoder().encode("OpusHead");

/**
 * A stream of the Ogg Opus file at `path` that starts playing `seconds` in, to within one 20 ms packet.
 * At 0 or less it is the whole file; at or past the end it is the header pages alone, so a player ends at
 * once. Errors (unreadable or malformed file) surface as the stream's "error" event.
 */
export function openOggOpusAt(path: string, seconds: number): Readable {
  return readableOf(oggOpusBytesAt(path, seconds));
}

/** Playing time of the Ogg Opus file at `path`: its last granule position less the pre-skip. */
export async function oggOpusDurationSeconds(path: string): Promise<number> {
  const file = await Deno.open(path);
  try {
    const { preSkip, audioStart } = await readOpusHeaders(file);
    const size = (await file.stat()).size;
    const last = await lastGranule(file, audioStart, size);
    return Math.max(0, Number(last - BigInt(preSkip))) / OPUS_SAMPLE_RATE;
  } finally {
    file.close();
  }
}

/** The first page whose last complete packet ends after `granule`: the page that holds that sample. */
export function findPageForGranule(
  pages: readonly OggPageHeader[],
  granule: bigint,
): OggPageHeader | undefined {
  // Pages that complete no packet carry -1, which is never past a target, so they are passed over.
  return pages.find((page) => page.granule > granule);
}

/** `page` without the packets that end at or before `granule` (nor a packet continued from earlier). */
export function trimOggOpusPage(page: Uint8Array, granule: bigint): Uint8Array {
  const header = parseOggPageHeader(page);
  if (!header) throw new Error("Truncated Ogg page");
  const spans = oggPacketSpans(header);
  const continued = (header.headerType & OGG_CONTINUED) !== 0;
  const first = continued ? 1 : 0;
  // Only packets that both start and end here have known durations; count back from the page's granule.
  let end = header.granule;
  let keep = spans.length - 1;
  for (let i = spans.length - 1; i >= first; i--) {
    if (!spans[i].complete) continue;
    if (end <= granule) break;
    keep = i;
    end -= BigInt(opusPacketSamples(page.subarray(header.headerBytes + spans[i].start)));
  }
  keep = Math.max(keep, first);
  if (keep === 0) return page.slice(0, oggPageBytes(header));
  // A page holding only the tail of an earlier packet has nothing playable on its own.
  if (keep >= spans.length) return new Uint8Array(0);
  const body = page.subarray(header.headerBytes, header.headerBytes + header.bodyBytes);
  return buildOggPage({
    ...header,
    headerType: header.headerType & ~OGG_CONTINUED,
    segmentTable: header.segmentTable.subarray(spans[keep].firstSegment),
    body: body.subarray(spans[keep].start),
  });
}

/** The number of 48 kHz samples an Opus packet decodes to, read from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length === 0) return 0;
  const config = packet[0] >> 3;
  const frameSamples = config < 12
    ? [480, 960, 1920, 2880][config % 4]
    : config < 16
    ? [480, 960][config % 2]
    : [120, 240, 480, 960][config % 4];
  const code = packet[0] & 0x03;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return frameSamples * frames;
}

async function* oggOpusBytesAt(path: string, seconds: number): AsyncGenerator<Uint8Array> {
  const file = await Deno.open(path);
  try {
    if (!(seconds > 0)) return yield* copyFrom(file, 0);
    const { bytes, preSkip, audioStart } = await readOpusHeaders(file);
    yield bytes;
    const size = (await file.stat()).size;
    const samples = Number.isFinite(seconds)
      ? Math.round(seconds * OPUS_SAMPLE_RATE)
      : Number.MAX_SAFE_INTEGER;
    const target = BigInt(preSkip) + BigInt(samples);
    const page = findPageForGranule(await scanPageHeaders(file, audioStart, size), target);
    if (!page) return;
    const first = trimOggOpusPage(await readPage(file, page), target);
    // An empty chunk would stall the Readable rather than be skipped.
    if (first.length > 0) yield first;
    yield* copyFrom(file, page.offset + oggPageBytes(page));
  } finally {
    file.close();
  }
}

/** The header pages of an Ogg Opus stream and what the audio after them needs. */
export interface OpusHeaders {
  /** The OpusHead and OpusTags pages, as they are in the file. */
  bytes: Uint8Array;
  preSkip: number;
  audioStart: number;
}

/** The whole page at a byte offset, or undefined where none is. */
export type PageAt = (offset: number) => Promise<Uint8Array | undefined>;

function readOpusHeaders(file: Deno.FsFile): Promise<OpusHeaders> {
  return readOpusHeaderPages(async (offset) => {
    const header = await readPageHeader(file, offset);
    return header && await readPage(file, header);
  });
}

/** Reads the OpusHead and OpusTags pages from the start of a stream, page by page through `pageAt`. */
// OpusTags may span pages (cover art), but audio always starts on a fresh page after it (RFC 7845 §3).
export async function readOpusHeaderPages(pageAt: PageAt): Promise<OpusHeaders> {
  const pages: Uint8Array[] = [];
  let offset = 0;
  let packets = 0;
  while (packets < 2) {
    const page = await pageAt(offset);
    if (!page) throw new Error("Not an Ogg Opus file: it ends inside its header pages");
    const header = parseOggPageHeader(page, offset);
    if (!header) throw new Error(`Truncated Ogg page at byte ${offset}`);
    if (offset === 0 && !startsWith(page.subarray(header.headerBytes), OPUS_HEAD)) {
      throw new Error("Not an Ogg Opus file: its first packet is not OpusHead");
    }
    pages.push(page);
    packets += oggPacketSpans(header).filter((span) => span.complete).length;
    offset += page.length;
  }
  const head = pages[0].subarray(pages[0][26] + OGG_HEADER_BYTES);
  const preSkip = new DataView(head.buffer, head.byteOffset).getUint16(10, true);
  return { bytes: concatBytes(pages), preSkip, audioStart: offset };
}

/** A Readable of the chunks; destroying it ends the generator (closing what it opened). */
// Readable.from would do, but the Node typings this project resolves predate it.
export function readableOf(chunks: AsyncGenerator<Uint8Array>, stop?: AbortController): Readable {
  return new Readable({
    read() {
      chunks.next().then(
        ({ done, value }) => this.push(done ? null : value),
        (error) => this.destroy(error),
      );
    },
    // Closes the file when the player stops early. A generator waiting inside (for a writer, say) finishes
    // that wait before it can return, so `stop` is aborted first to cut the wait short.
    destroy(error, callback) {
      stop?.abort();
      chunks.return(undefined).then(() => callback(error), callback);
    },
  });
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
