/**
 * Reading Ogg pages out of a file by byte offset: one page's header or whole page, a scan of every page
 * header, the last granule position, and the raw bytes from an offset on.
 */
import {
  assertOggPageCrc,
  OGG_HEADER_BYTES,
  OGG_MAX_PAGE_BYTES,
  oggPageBytes,
  type OggPageHeader,
  parseOggPageHeader,
} from "./ogg_page.ts";

const CHUNK_BYTES = 64 * 1024;

/**
 * The headers of the whole pages from byte `from` to `size`; a first pass over headers alone reads a few
 * hundred bytes per page, whatever the file's size.
 */
export async function scanPageHeaders(
  file: Deno.FsFile,
  from: number,
  size: number,
): Promise<OggPageHeader[]> {
  const pages: OggPageHeader[] = [];
  for (let offset = from; offset < size;) {
    const header = await readPageHeader(file, offset);
    // A page cut short by an interrupted write is not played.
    if (!header || offset + oggPageBytes(header) > size) break;
    pages.push(header);
    offset += oggPageBytes(header);
  }
  return pages;
}

/** The highest granule position among the pages from byte `from` on; 0 if none has one. */
export async function lastGranule(file: Deno.FsFile, from: number, size: number): Promise<bigint> {
  return await lastGranuleInTail(file, size, from) ?? await lastGranuleByScan(file, from, size);
}

// The last page starts within the last maximum page length; look there before scanning everything.
async function lastGranuleInTail(file: Deno.FsFile, size: number, from: number): Promise<bigint | undefined> {
  const tailStart = Math.max(from, size - OGG_MAX_PAGE_BYTES);
  const tail = await readAt(file, tailStart, size - tailStart);
  for (let i = tail.length - OGG_HEADER_BYTES; i >= 0; i--) {
    if (tail[i] !== 0x4f || tail[i + 1] !== 0x67 || tail[i + 2] !== 0x67 || tail[i + 3] !== 0x53) continue;
    const granule = validGranuleAt(tail.subarray(i), tailStart + i);
    if (granule !== undefined && granule >= 0n) return granule;
  }
  return undefined;
}

// "OggS" can occur inside audio data, so only a whole page with a matching CRC counts.
function validGranuleAt(bytes: Uint8Array, offset: number): bigint | undefined {
  try {
    const header = parseOggPageHeader(bytes, offset);
    if (!header || oggPageBytes(header) > bytes.length) return undefined;
    assertOggPageCrc(bytes, header);
    return header.granule;
  } catch {
    return undefined;
  }
}

async function lastGranuleByScan(file: Deno.FsFile, from: number, size: number): Promise<bigint> {
  const pages = await scanPageHeaders(file, from, size);
  return pages.reduce((last, page) => (page.granule > last ? page.granule : last), 0n);
}

/** The header of the page at `offset`, or undefined if none starts there. */
export async function readPageHeader(file: Deno.FsFile, offset: number): Promise<OggPageHeader | undefined> {
  return parseOggPageHeader(await readAt(file, offset, OGG_HEADER_BYTES + 255), offset);
}

/** The whole page `header` describes; throws if it is cut short or its CRC does not match. */
export async function readPage(file: Deno.FsFile, header: OggPageHeader): Promise<Uint8Array> {
  const page = await readAt(file, header.offset, oggPageBytes(header));
  if (page.length < oggPageBytes(header)) throw new Error(`Truncated Ogg page at byte ${header.offset}`);
  assertOggPageCrc(page, header);
  return page;
}

/** Up to `length` bytes at `offset`; fewer only at the end of the file. */
async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const read = await file.read(buffer.subarray(filled));
    if (read === null) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}

/** The file's bytes from `offset` to its end, in chunks. */
export async function* copyFrom(file: Deno.FsFile, offset: number): AsyncGenerator<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  while (true) {
    const buffer = new Uint8Array(CHUNK_BYTES);
    const read = await file.read(buffer);
    if (read === null) return;
    yield buffer.subarray(0, read);
  }
}
