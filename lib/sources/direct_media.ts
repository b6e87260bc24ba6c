/**
 * A link to a media file needs no yt-dlp: one guarded request for its first bytes tells that it is audio or
 * video (its Content-Type) and, for MP3s with ID3 tags, its title. Its length is learned by the transcoder
 * while it streams. A web page (or anything else) is left to yt-dlp's generic extractor.
 */
import type { TrackInfo } from "../track.ts";
import type { AddressPolicy } from "./address_guard.ts";
import { refusalError, startEgressProxy } from "./egress_proxy.ts";
import { isMediaType } from "./media_type.ts";

/** Enough for the ID3 tags of a typical MP3 (cover art, when present, may push them past it). */
const HEAD_BYTES = 64 * 1024;
const PROBE_TIMEOUT_MS = 15_000;
/** A title longer than this is cut: it is shown in replies and the queue. */
export const MAX_TITLE_LENGTH = 200;

/** The track a direct media link is, or undefined when the link is not one (a page, an error). */
export async function probeDirectMedia(
  url: URL,
  policy: AddressPolicy,
  signal: AbortSignal,
): Promise<TrackInfo | undefined> {
  const proxy = startEgressProxy(policy);
  const client = Deno.createHttpClient({ proxy: { url: proxy.url } });
  try {
    const response = await fetch(url, {
      client,
      headers: { range: `bytes=0-${HEAD_BYTES - 1}` },
      signal: AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]),
    });
    if (!response.ok || !isMediaType(response.headers.get("content-type"), response.url)) {
      await response.body?.cancel();
      // The guard answers a refused address (a redirect to a private one, say) itself: that is the reply.
      const refused = refusalError(proxy);
      if (refused) throw refused;
      return undefined;
    }
    const live = isEndless(response);
    const head = await firstBytes(response.body, HEAD_BYTES);
    const title = bounded(id3Title(head) ?? nameOf(url));
    return { source: { kind: "url", url: url.href }, title, url: url.href, ...(live ? { live: true } : {}) };
  } catch (error) {
    signal.throwIfAborted();
    // A refusal (a redirect to a private address) is the user's answer; other trouble is yt-dlp's to explain.
    const refused = refusalError(proxy);
    if (refused) throw refused;
    if (error instanceof TypeError || error instanceof DOMException) return undefined;
    throw error;
  } finally {
    client.close();
    await proxy.close();
  }
}

/**
 * An internet radio's answer: its own `icy-*` headers, or a whole answer (the range ignored) with no length.
 * A file answers the range with 206, or states its length.
 */
function isEndless(response: Response): boolean {
  const headers = response.headers;
  if (headers.has("icy-metaint") || headers.has("icy-name") || headers.has("icy-br")) return true;
  return response.status === 200 && !headers.has("content-length");
}

async function firstBytes(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  try {
    while (length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(length, limit));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk.subarray(0, bytes.length - offset), offset);
    offset += Math.min(chunk.length, bytes.length - offset);
  }
  return bytes;
}

/** "Artist - Title" (or the title alone) from an ID3v2.3/2.4 tag at the start of an MP3. */
export function id3Title(bytes: Uint8Array): string | undefined {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return undefined;
  const version = bytes[3];
  if (version !== 3 && version !== 4) return undefined;
  const size = syncsafe(bytes, 6);
  const end = Math.min(bytes.length, 10 + size);
  const frames = new Map<string, string>();
  for (let at = 10; at + 10 <= end;) {
    const id = String.fromCharCode(...bytes.subarray(at, at + 4));
    if (!/^[A-Z0-9]{4}$/.test(id)) break;
    const length = version === 4
      ? syncsafe(bytes, at + 4)
      : new DataView(bytes.buffer, bytes.byteOffset).getUint32(at + 4);
    const body = bytes.subarray(at + 10, Math.min(end, at + 10 + length));
    if ((id === "TIT2" || id === "TPE1") && body.length > 1) frames.set(id, decodeText(body));
    at += 10 + length;
  }
  const title = frames.get("TIT2")?.trim();
  const artist = frames.get("TPE1")?.trim();
  if (!title) return undefined;
  return artist ? `${artist} - ${title}` : title;
}

function syncsafe(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 21) | (bytes[at + 1] << 14) | (bytes[at + 2] << 7) | bytes[at + 3];
}

function decodeText(body: Uint8Array): string {
  const text = body.subarray(1);
  const encoding = ["latin1", "utf-16", "utf-16be", "utf-8"][body[0]] ?? "latin1";
  return new TextDecoder(encoding).decode(text).replace(/\0.*$/s, "");
}

/** The file's name without its extension, as a title of last resort. */
function nameOf(url: URL): string {
  const last = url.pathname.split("/").filter((part) => part !== "").at(-1);
  if (last === undefined) return url.hostname;
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = last;
  }
  return name.replace(/\.[a-z0-9]{1,5}$/i, "").replace(/[_+]/g, " ").trim() || url.hostname;
}

function bounded(text: string): string {
  // Control characters and line breaks have no place in a one-line title.
  const clean = text.replace(/[\p{Cc}\p{Cf}]+/gu, " ").replace(/\s+/g, " ").trim();
  return [...clean].length > MAX_TITLE_LENGTH
    ? [...clean].slice(0, MAX_TITLE_LENGTH - 1).join("") + "…"
    : clean;
}
