/**
 * Brings a track's audio to a local file, with one extraction at most: a media URL the resolver already
 * found, or a direct media link, is fetched as it is (through the same egress proxy yt-dlp uses, so every
 * connection and redirect passes the address rule); anything else goes to yt-dlp.
 */
import type { KnownMedia, TranscoderSource } from "../channels/transcoder_messages.ts";
import { type AddressPolicy, assertFetchable } from "../sources/address_guard.ts";
import { refusalError, startEgressProxy } from "../sources/egress_proxy.ts";
import { guardedYtdlpJson, guardedYtdlpRun } from "../sources/guarded_ytdlp.ts";
import type { YtdlpHelper } from "../sources/ytdlp_helper.ts";
import { mediaOf } from "../sources/ytdlp_output.ts";
import { isMediaType } from "../sources/media_type.ts";
import { downloadArgs, metadataArgs } from "../sources/ytdlp_args.ts";
import type { YtdlpOperatorOptions } from "../sources/ytdlp_operator.ts";
import { UserError } from "../user_error.ts";

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
const EXTRACTION_TIMEOUT_MS = 45_000;
/** A response that sends nothing for this long is given up on. */
const STALL_TIMEOUT_MS = 20_000;
export const MAX_DOWNLOAD_BYTES = 300 * 1024 * 1024;
/** A resolver's media URL this close to its expiry is not tried. */
const EXPIRY_MARGIN_MS = 60_000;

/** How the transcoder reaches the network. */
export interface FetchSettings {
  ytdlpPath: string;
  ytdlpOperator?: YtdlpOperatorOptions;
  policy: AddressPolicy;
  /** Warm yt-dlp helpers: their extraction finds the media, fetched here, instead of a yt-dlp download run. */
  helper?: YtdlpHelper;
}

/** Writes the audio of `source` to `destination`; rejects with a UserError a person can read. */
export async function fetchSource(
  settings: FetchSettings,
  request: { source: TranscoderSource; media?: KnownMedia; destination: string },
  signal: AbortSignal,
): Promise<void> {
  const { source, media, destination } = request;
  if (media && (media.expiresAt ?? Infinity) > Date.now() + EXPIRY_MARGIN_MS) {
    // An expired or refused media URL is no reason to fail: yt-dlp looks the source up afresh.
    if (await fetchDirect(settings.policy, media, destination, signal).catch(() => signal.throwIfAborted())) {
      return;
    }
  }
  const url = source.kind === "youtube" ? `https://www.youtube.com/watch?v=${source.videoId}` : source.url;
  if (source.kind === "url") {
    // Other links were checked when queued, but may come back from saved state.
    await assertFetchable(new URL(url), settings.policy);
    if (await fetchDirect(settings.policy, { url }, destination, signal)) return;
  }
  if (settings.helper && await viaHelper(settings, url, destination, signal)) return;
  await guardedYtdlpRun((common) => downloadArgs(url, destination, common), {
    ytdlpPath: settings.ytdlpPath,
    operator: settings.ytdlpOperator,
    policy: settings.policy,
    timeoutMs: DOWNLOAD_TIMEOUT_MS,
    signal,
  });
  // yt-dlp exits 0 without writing anything when a file is over --max-filesize.
  await Deno.stat(destination).catch(() => {
    throw new UserError("That file is too large for me to play (over 300 MB).");
  });
}

/**
 * Finds the media with a warm helper's extraction and fetches it; false when the helper cannot serve (yt_dlp
 * not importable) or found a format of several parts, which only a yt-dlp download can join.
 */
async function viaHelper(
  settings: FetchSettings,
  url: string,
  destination: string,
  signal: AbortSignal,
): Promise<boolean> {
  const info = await guardedYtdlpJson((common) => metadataArgs(url, common), {
    ytdlpPath: settings.ytdlpPath,
    operator: settings.ytdlpOperator,
    policy: settings.policy,
    helper: settings.helper,
    timeoutMs: EXTRACTION_TIMEOUT_MS,
    signal,
  });
  const media = typeof info === "object" && info !== null
    ? mediaOf(info as Record<string, unknown>)
    : undefined;
  if (media === undefined) return false;
  return await fetchDirect(settings.policy, media, destination, signal);
}

/**
 * Downloads `media` if it answers with audio or video; false when it is a web page (or anything else
 * yt-dlp may know how to read), so the caller can hand the link to yt-dlp instead.
 */
async function fetchDirect(
  policy: AddressPolicy,
  media: KnownMedia,
  destination: string,
  signal: AbortSignal,
): Promise<boolean> {
  const proxy = startEgressProxy(policy);
  const client = Deno.createHttpClient({ proxy: { url: proxy.url } });
  const stalled = new AbortController();
  let stallTimer = setTimeout(() => stalled.abort(), STALL_TIMEOUT_MS);
  const stop = AbortSignal.any([signal, stalled.signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]);
  try {
    const response = await fetch(media.url, { client, headers: media.httpHeaders, signal: stop });
    if (!response.ok) {
      await response.body?.cancel();
      throw httpError(response.status, media.url);
    }
    if (!isMediaType(response.headers.get("content-type"), response.url)) {
      await response.body?.cancel();
      return false;
    }
    const announced = Number(response.headers.get("content-length") ?? 0);
    if (announced > MAX_DOWNLOAD_BYTES) {
      await response.body?.cancel();
      throw new UserError("That file is too large for me to play (over 300 MB).");
    }
    const file = await Deno.open(destination, { write: true, create: true, truncate: true });
    try {
      let written = 0;
      for await (const chunk of response.body ?? []) {
        clearTimeout(stallTimer);
        stallTimer = setTimeout(() => stalled.abort(), STALL_TIMEOUT_MS);
        written += chunk.length;
        if (written > MAX_DOWNLOAD_BYTES) {
          throw new UserError("That file is too large for me to play (over 300 MB).");
        }
        for (let offset = 0; offset < chunk.length;) offset += await file.write(chunk.subarray(offset));
      }
    } finally {
      file.close();
    }
    return true;
  } catch (error) {
    signal.throwIfAborted();
    if (error instanceof UserError) throw error;
    const refused = refusalError(proxy);
    if (refused) throw refused;
    if (stalled.signal.aborted || stop.aborted) {
      throw new UserError("The server took too long to answer.", { cause: error });
    }
    throw new UserError("I couldn't connect to that website.", { cause: error });
  } finally {
    clearTimeout(stallTimer);
    client.close();
    await proxy.close();
  }
}

function httpError(status: number, url: string): UserError {
  const host = URL.parse(url)?.host ?? url;
  if (status === 404 || status === 410) {
    return new UserError(`That link leads nowhere ("${host}" answered ${status}).`);
  }
  if (status === 429) return new UserError("I'm being rate-limited right now; please try again in a while.");
  if (status >= 500) return new UserError("The server is having trouble right now; please try again later.");
  return new UserError(`The server "${host}" refused to give me that (${status}).`);
}
