/**
 * Reading an Ogg Opus file while the transcoder is still writing it: the player starts on the first pages
 * and follows the file as it grows, page by page, never reading a page before all of it is on disk.
 *
 * Growth is noticed by polling the file's size every few milliseconds, and only while the reader has caught
 * up with the writer (the writer is far faster than real time, so that is rare once a track has started).
 * Completion comes from the transcoder's answer, not from the file: a pause in writing is not an end.
 */
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { readPage, readPageHeader, scanPageHeaders } from "./ogg_file.ts";
import { oggPageBytes, type OggPageHeader } from "./ogg_page.ts";
import { OPUS_SAMPLE_RATE, readableOf, readOpusHeaderPages, trimOggOpusPage } from "./ogg_seek.ts";

/** How often a reader that has caught up looks for more: well under one 20 ms packet. */
const POLL_MS = 10;

/** How to follow a growing file. */
export interface GrowingOggOptions {
  /** Where to start playing; the reader waits while that part is not yet written. */
  startSeconds: number;
  /** Resolves true once the file is complete, false if it never will be (the stream then errors). */
  complete: Promise<boolean>;
  /** Aborting ends the stream with the signal's reason and closes the file. */
  signal?: AbortSignal;
  /**
   * Where the file is moved once complete (into the cache). A reader that first opens the file after the
   * move finds it there instead: the move is a rename, so the file is always at one of the two paths.
   */
  movedTo?: string;
}

/**
 * A stream of the Ogg Opus file at `path` as it is being written, from the page that holds `startSeconds`
 * (cut to start within one 20 ms packet of it), ending once `complete` is true and every page was read.
 */
export function openGrowingOggOpus(path: string, options: GrowingOggOptions): Readable {
  // Closing the stream also stops a reader that is waiting for the writer.
  const closed = new AbortController();
  const { signal } = options;
  const stop = signal ? AbortSignal.any([signal, closed.signal]) : closed.signal;
  const stream = readableOf(growingBytes(path, { ...options, signal: stop }), closed);
  const abort = () => stream.destroy(signal?.reason);
  if (signal?.aborted) abort();
  else signal?.addEventListener("abort", abort, { once: true });
  stream.once("close", () => {
    signal?.removeEventListener("abort", abort);
    closed.abort();
  });
  return stream;
}

/**
 * Waits until the file at `path` holds `pages` whole Ogg pages; false if `stopped` settles first (the
 * writer exited, so the caller should look at why).
 */
export async function waitForOggPages(
  path: string,
  pages: number,
  stopped: Promise<unknown>,
  signal?: AbortSignal,
): Promise<boolean> {
  let done = false;
  const settled = stopped.then(() => (done = true), () => (done = true));
  while (true) {
    signal?.throwIfAborted();
    const finished = done;
    if (await countPages(path, pages) >= pages) return true;
    if (finished) return false;
    await Promise.race([sleep(POLL_MS, undefined, { signal }), settled]);
  }
}

async function countPages(path: string, atLeast: number): Promise<number> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  try {
    const size = (await file.stat()).size;
    let count = 0;
    for (let offset = 0; count < atLeast;) {
      const header = await readPageHeader(file, offset).catch(() => undefined);
      if (!header || offset + oggPageBytes(header) > size) break;
      count++;
      offset += oggPageBytes(header);
    }
    return count;
  } finally {
    file.close();
  }
}

async function* growingBytes(path: string, options: GrowingOggOptions): AsyncGenerator<Uint8Array> {
  const growing = new GrowingFile(path, options.complete, options.signal, options.movedTo);
  try {
    const headers = await readOpusHeaderPages(async (offset) => {
      const header = await growing.wholePageAt(offset);
      return header && await readPage(await growing.file(), header);
    });
    yield headers.bytes;
    let offset = headers.audioStart;
    if (options.startSeconds > 0) {
      const target = BigInt(headers.preSkip) +
        BigInt(Math.round(Math.min(options.startSeconds, 1e9) * OPUS_SAMPLE_RATE));
      // Pages that end before the target are passed over by their headers alone.
      while (true) {
        const header = await growing.wholePageAt(offset);
        if (!header) return;
        offset += oggPageBytes(header);
        if (header.granule <= target) continue;
        const first = trimOggOpusPage(await readPage(await growing.file(), header), target);
        // An empty chunk would stall the Readable rather than be skipped.
        if (first.length > 0) yield first;
        break;
      }
    }
    while (true) {
      const header = await growing.wholePageAt(offset);
      if (!header) return;
      // Everything already whole on disk goes out in one chunk.
      const pages = [header, ...await growing.wholePagesAfter(header)];
      const end = pages.at(-1)!;
      const bytes = await growing.read(offset, end.offset + oggPageBytes(end) - offset);
      yield bytes;
      offset += bytes.length;
    }
  } finally {
    growing.close();
  }
}

/** The file being written, its size as last seen, and whether the writer is done with it. */
class GrowingFile {
  #file?: Deno.FsFile;
  #size = 0;
  #state: { status: "growing" } | { status: "complete" } | { status: "failed" } = { status: "growing" };
  #settled: Promise<void>;

  constructor(
    private readonly path: string,
    complete: Promise<boolean>,
    private readonly signal?: AbortSignal,
    private readonly movedTo?: string,
  ) {
    this.#settled = complete.then(
      (ok) => void (this.#state = { status: ok ? "complete" : "failed" }),
      () => void (this.#state = { status: "failed" }),
    );
  }

  async file(): Promise<Deno.FsFile> {
    this.#file ??= await Deno.open(this.path).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound) || !this.movedTo) throw error;
      return Deno.open(this.movedTo);
    });
    return this.#file;
  }

  /** The header of the whole page at `offset`, waiting for it; undefined at the end of a complete file. */
  async wholePageAt(offset: number): Promise<OggPageHeader | undefined> {
    while (true) {
      this.signal?.throwIfAborted();
      // Read before looking: a page written just before completion must still be found.
      const state = this.#state.status;
      const header = await this.#headerIfWhole(offset);
      if (header) return header;
      if (state === "complete") return undefined;
      if (state === "failed") throw new Error("The track could not be prepared, so its file ends early");
      await Promise.race([sleep(POLL_MS, undefined, { signal: this.signal }), this.#settled]);
    }
  }

  /** The whole pages that follow `previous` in what is on disk now, up to about 64 KiB. */
  async wholePagesAfter(previous: OggPageHeader): Promise<OggPageHeader[]> {
    const pages: OggPageHeader[] = [];
    let offset = previous.offset + oggPageBytes(previous);
    const limit = offset + 64 * 1024;
    for (const header of await scanPageHeaders(await this.file(), offset, Math.min(this.#size, limit))) {
      pages.push(header);
      offset += oggPageBytes(header);
    }
    return pages;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const file = await this.file();
    await file.seek(offset, Deno.SeekMode.Start);
    const buffer = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const read = await file.read(buffer.subarray(filled));
      if (read === null) throw new Error(`The file "${this.path}" shrank while it was read`);
      filled += read;
    }
    return buffer;
  }

  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  async #headerIfWhole(offset: number): Promise<OggPageHeader | undefined> {
    let file: Deno.FsFile;
    try {
      file = await this.file();
    } catch (error) {
      // Not created yet: the writer has not started.
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    this.#size = (await file.stat()).size;
    const header = await readPageHeader(file, offset);
    return header && offset + oggPageBytes(header) <= this.#size ? header : undefined;
  }
}
