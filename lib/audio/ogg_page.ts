/**
 * Ogg pages (RFC 3533): reading a page header, checking a page's CRC, splitting it into packets and
 * building a page back, so a stream can be cut at a page or packet without touching the codec.
 */

/** The fixed part of a page header, before the segment table. */
export const OGG_HEADER_BYTES = 27;
/** The largest page possible: a full header, 255 lacing values of 255 bytes each. */
export const OGG_MAX_PAGE_BYTES = OGG_HEADER_BYTES + 255 + 255 * 255;

/** Header type flags. */
export const OGG_CONTINUED = 0x01;
export const OGG_BOS = 0x02;
export const OGG_EOS = 0x04;

/** A page's header fields and where it lies in its file. */
export interface OggPageHeader {
  /** Byte offset of the page in its file (0 when parsed from a lone buffer). */
  readonly offset: number;
  readonly headerType: number;
  /** Codec-defined position at the end of the last packet completed on the page; -1 when none is. */
  readonly granule: bigint;
  readonly serial: number;
  readonly sequence: number;
  readonly crc: number;
  readonly segmentTable: Uint8Array;
  /** Header plus segment table. */
  readonly headerBytes: number;
  readonly bodyBytes: number;
}

/** One packet's share of a page body. */
export interface OggPacketSpan {
  /** Index of its first lacing value in the segment table. */
  readonly firstSegment: number;
  readonly segmentCount: number;
  /** Byte range in the page body. */
  readonly start: number;
  readonly end: number;
  /** False when the packet continues on the next page. */
  readonly complete: boolean;
}

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"

/** The Ogg CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, no final xor. */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  return crc;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, i) => {
  let r = i << 24;
  for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

/** Reads the page header at the start of `bytes`; undefined if `bytes` ends before its segment table does. */
export function parseOggPageHeader(bytes: Uint8Array, offset = 0): OggPageHeader | undefined {
  if (bytes.length < OGG_HEADER_BYTES) return undefined;
  if (!CAPTURE.every((byte, i) => bytes[i] === byte)) throw new Error(`No Ogg page at byte ${offset}`);
  if (bytes[4] !== 0) throw new Error(`Unsupported Ogg version ${bytes[4]} at byte ${offset}`);
  const segmentCount = bytes[26];
  if (bytes.length < OGG_HEADER_BYTES + segmentCount) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const segmentTable = bytes.slice(OGG_HEADER_BYTES, OGG_HEADER_BYTES + segmentCount);
  return {
    offset,
    headerType: bytes[5],
    granule: view.getBigInt64(6, true),
    serial: view.getUint32(14, true),
    sequence: view.getUint32(18, true),
    crc: view.getUint32(22, true),
    segmentTable,
    headerBytes: OGG_HEADER_BYTES + segmentCount,
    bodyBytes: segmentTable.reduce((sum, lacing) => sum + lacing, 0),
  };
}

/** The page's total length in bytes. */
export function oggPageBytes(header: OggPageHeader): number {
  return header.headerBytes + header.bodyBytes;
}

/** Throws unless `page` (one whole page) carries the CRC of its own bytes. */
export function assertOggPageCrc(page: Uint8Array, header: OggPageHeader): void {
  const zeroed = page.slice(0, oggPageBytes(header));
  zeroed.fill(0, 22, 26);
  const actual = oggCrc32(zeroed);
  if (actual !== header.crc) {
    throw new Error(
      `Corrupt Ogg page at byte ${header.offset}: CRC ${hex(actual)}, expected ${hex(header.crc)}`,
    );
  }
}

/** Splits the segment table into packets; a leading continuation of the previous page's packet comes first. */
export function oggPacketSpans(header: OggPageHeader): OggPacketSpan[] {
  const spans: OggPacketSpan[] = [];
  let firstSegment = 0;
  let start = 0;
  let end = 0;
  header.segmentTable.forEach((lacing, i) => {
    end += lacing;
    if (lacing === 255 && i < header.segmentTable.length - 1) return;
    const complete = lacing < 255;
    spans.push({ firstSegment, segmentCount: i + 1 - firstSegment, start, end, complete });
    firstSegment = i + 1;
    start = end;
  });
  return spans;
}

/** Fields of a page to build; the CRC is computed. */
export interface OggPageFields {
  readonly headerType: number;
  readonly granule: bigint;
  readonly serial: number;
  readonly sequence: number;
  readonly segmentTable: Uint8Array;
  readonly body: Uint8Array;
}

/** Serializes a page, CRC included. */
export function buildOggPage(fields: OggPageFields): Uint8Array {
  const { segmentTable, body } = fields;
  const page = new Uint8Array(OGG_HEADER_BYTES + segmentTable.length + body.length);
  const view = new DataView(page.buffer);
  page.set(CAPTURE, 0);
  page[5] = fields.headerType;
  view.setBigInt64(6, fields.granule, true);
  view.setUint32(14, fields.serial, true);
  view.setUint32(18, fields.sequence, true);
  page[26] = segmentTable.length;
  page.set(segmentTable, OGG_HEADER_BYTES);
  page.set(body, OGG_HEADER_BYTES + segmentTable.length);
  // The checksum covers the page with its own field zeroed, as it still is here.
  view.setUint32(22, oggCrc32(page), true);
  return page;
}

function hex(value: number): string {
  return "0x" + value.toString(16).padStart(8, "0");
}

/** The parts, one after another, in one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
