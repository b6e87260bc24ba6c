/**
 * Brings a track's audio to a local file, with one extraction at most: a media URL the resolver already
 * found, or a direct media link, is fetched as it is (through the same egress proxy yt-dlp uses, so every
 * connection and redirect passes the address rule); anything else goes to yt-dlp. Every download is
 * counted while it arrives against the operator's byte cap and disk floor.
 *
 * A direct link that answers with no length (no Content-Length, and no duration known from the resolver),
 * or with Icecast/Shoutcast headers, is a live stream: it is not downloaded but handed back open, to be
 * played as it comes.
 */
import type { KnownMedia, TranscoderSource } from "../channels/transcoder_messages.ts";
import { type AddressPolicy, assertFetchable } from "../sources/address_guard.ts";
import { refusalError, startEgressProxy } from "../sources/egress_proxy.ts";
import { guardedYtdlpJson, guardedYtdlpRun, guardedYtdlpStream } from "../sources/guarded_ytdlp.ts";
import type { YtdlpHelper } from "../sources/ytdlp_helper.ts";
import { sourceKey } from "../track.ts";
import type { LookedAheadMedia } from "./looked_ahead_media.ts";
import { mediaOf } from "../sources/ytdlp_output.ts";
import { isMediaType } from "../sources/media_type.ts";
import { downloadArgs, liveStreamArgs, metadataArgs } from "../sources/ytdlp_args.ts";
import type { YtdlpOperatorOptions } from "../sources/ytdlp_operator.ts";
import { UserError } from "../user_error.ts";
import { DEFAULT_TRACK_CAPS, DownloadMeter, tooLargeError, type TrackCaps } from "./track_caps.ts";

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
const EXTRACTION_TIMEOUT_MS = 45_000;
/** A response that sends nothing for this long is given up on. */
const STALL_TIMEOUT_MS = 20_000;
/** How often a yt-dlp download's file is measured against the caps. */
const METER_POLL_MS = 250;
/** A resolver's media URL this close to its expiry is not tried. */
const EXPIRY_MARGIN_MS = 60_000;

/** How the transcoder reaches the network. */
export interface FetchSettings {
  ytdlpPath: string;
  ytdlpOperator?: YtdlpOperatorOptions;
  policy: AddressPolicy;
  /** The operator's caps on one download; no disk floor and 1024 MB when unset. */
  caps?: TrackCaps;
  /** The folder whose disk the floor is kept on (where downloads go). */
  workDir?: string;
  /** Warm yt-dlp helpers: their extraction finds the media, fetched here, instead of a yt-dlp download run. */
  helper?: YtdlpHelper;
  /** Media found ahead of a /play (a suggestion's), taken before extracting. */
  lookedAhead?: LookedAheadMedia;
}

/** A live stream, open: its bytes as they come, and what to close once they are no longer read. */
export interface LiveSource {
  kind: "live";
  body: ReadableStream<Uint8Array>;
  close(): Promise<void>;
}

/** What a fetch brought: the whole source at `destination`, or a live stream to play as it comes. */
export type FetchedSource = { kind: "file" } | LiveSource;

/** What to fetch; `durationSeconds` (the resolver's) marks a source as having a length. */
export interface FetchRequest {
  source: TranscoderSource;
  media?: KnownMedia;
  durationSeconds?: number;
  /** The resolver found it live (a live video): yt-dlp streams it, nothing is downloaded. */
  live?: boolean;
  destination: string;
}

/** Writes the audio of `source` to `destination`, or opens it live; rejects with a UserError a person can read. */
export async function fetchSource(
  settings: FetchSettings,
  request: FetchRequest,
  signal: AbortSignal,
): Promise<FetchedSource> {
  const { source, media, destination } = request;
  const meter = () => new DownloadMeter(settings.workDir ?? ".", settings.caps ?? DEFAULT_TRACK_CAPS);
  // Each try counts its own bytes: a download abandoned half-way does not count against the next.
  const downloadTo = (): DownloadTo => ({
    destination,
    lengthKnown: request.durationSeconds !== undefined,
    meter: meter(),
  });
  // A media URL found earlier that has expired or is refused is no reason to fail: the source is looked up
  // afresh below; a cap is.
  const tryFound = (found: KnownMedia) =>
    fetchDirect(settings.policy, found, downloadTo(), signal)
      .catch((error) => {
        signal.throwIfAborted();
        if (error instanceof CapReached) throw error.userError;
        return undefined;
      });
  if (media && (media.expiresAt ?? Infinity) > Date.now() + EXPIRY_MARGIN_MS) {
    const fetched = await tryFound(media);
    if (fetched) return fetched;
  }
  const url = source.kind === "youtube" ? `https://www.youtube.com/watch?v=${source.videoId}` : source.url;
  // A live video streams through yt-dlp; a radio's own link is fetched below, and found live as it answers.
  if (request.live && source.kind !== "url") return await ytdlpLive(settings, url, signal);
  if (source.kind === "url") {
    // Other links were checked when queued, but may come back from saved state.
    await assertFetchable(new URL(url), settings.policy);
    const fetched = await fetchDirect(
      settings.policy,
      { url },
      downloadTo(),
      signal,
    )
      .catch((error) => {
        throw error instanceof CapReached ? error.userError : error;
      });
    if (fetched) return fetched;
  }
  // Found moments ago for this very source (a suggestion looked up ahead).
  const ahead = await settings.lookedAhead?.take(sourceKey(source), signal);
  if (ahead) {
    const fetched = await tryFound(ahead);
    if (fetched) return fetched;
  }
  if (settings.helper) {
    const found = await viaHelper(settings, url, downloadTo(), signal);
    if (found) return found;
  }
  await ytdlpDownload(settings, url, destination, meter(), signal);
  return { kind: "file" };
}

/** Which yt-dlp runs, with the operator's options, behind the address rule: the same for every run here. */
function ytdlpOf(settings: FetchSettings) {
  return { ytdlpPath: settings.ytdlpPath, operator: settings.ytdlpOperator, policy: settings.policy };
}

/** A live item yt-dlp streams to its stdout (HLS as MPEG-TS), through its own egress proxy. */
async function ytdlpLive(settings: FetchSettings, url: string, signal: AbortSignal): Promise<LiveSource> {
  const stream = await guardedYtdlpStream((common) => liveStreamArgs(url, common), {
    ...ytdlpOf(settings),
    signal,
  });
  return { kind: "live", body: stream.stdout, close: stream.close };
}

/** A yt-dlp download, its file measured as it grows: `--max-filesize` alone trusts the announced size. */
async function ytdlpDownload(
  settings: FetchSettings,
  url: string,
  destination: string,
  meter: DownloadMeter,
  signal: AbortSignal,
): Promise<void> {
  const capped = new AbortController();
  let reached: UserError | undefined;
  const poll = setInterval(async () => {
    const size = await Deno.stat(destination).then((info) => info.size, () => 0);
    try {
      meter.total(size);
    } catch (error) {
      reached ??= error as UserError;
      capped.abort(reached);
    }
  }, METER_POLL_MS);
  const maxBytes = settings.caps?.maxSourceBytes ?? DEFAULT_TRACK_CAPS.maxSourceBytes;
  try {
    await guardedYtdlpRun(
      (common) => downloadArgs(url, destination, { ...common, maxFilesizeBytes: maxBytes }),
      {
        ...ytdlpOf(settings),
        timeoutMs: DOWNLOAD_TIMEOUT_MS,
        signal: AbortSignal.any([signal, capped.signal]),
      },
    );
  } catch (error) {
    signal.throwIfAborted();
    throw reached ?? error;
  } finally {
    clearInterval(poll);
  }
  if (reached) throw reached;
  // yt-dlp exits 0 without writing anything when a file is over --max-filesize.
  const size = await Deno.stat(destination).then((info) => info.size, () => undefined);
  if (size === undefined) throw tooLargeError(settings.caps ?? DEFAULT_TRACK_CAPS);
  meter.total(size);
}

/** Where a download goes, whether its length is known already, and what counts its bytes against the caps. */
interface DownloadTo {
  destination: string;
  lengthKnown: boolean;
  meter: DownloadMeter;
}

/** A cap stopped a download: this is what the user is told, whichever way the source was being fetched. */
class CapReached extends Error {
  constructor(readonly userError: UserError) {
    super(userError.message);
  }
}

/**
 * Finds the media with a warm helper's extraction and fetches it; undefined when the helper cannot serve
 * (yt_dlp not importable) or found a format of several parts, which only a yt-dlp download can join.
 */
async function viaHelper(
  settings: FetchSettings,
  url: string,
  options: DownloadTo,
  signal: AbortSignal,
): Promise<FetchedSource | undefined> {
  const media = await findMedia(settings, url, { signal });
  if (media === undefined) return undefined;
  return await fetchDirect(settings.policy, media, options, signal).catch((error) => {
    throw error instanceof CapReached ? error.userError : error;
  });
}

/**
 * Where the audio of `url` is, from one extraction (a warm helper's when there is one) that downloads
 * nothing; undefined when yt-dlp picked a format of several parts. `later` work waits behind work someone is
 * waiting for, and its `owner` never holds every yt-dlp slot.
 */
export async function findMedia(
  settings: FetchSettings,
  url: string,
  options: { signal: AbortSignal; later?: { owner: string } },
): Promise<KnownMedia | undefined> {
  const info = await guardedYtdlpJson((common) => metadataArgs(url, common), {
    ...ytdlpOf(settings),
    helper: settings.helper,
    timeoutMs: EXTRACTION_TIMEOUT_MS,
    signal: options.signal,
    ...(options.later ? { priority: "later", owner: options.later.owner } : {}),
  });
  return typeof info === "object" && info !== null ? mediaOf(info as Record<string, unknown>) : undefined;
}

/**
 * Downloads `media` if it answers with audio or video, or opens it live if it answers with no length;
 * undefined when it is a web page (or anything else yt-dlp may know how to read), so the caller can hand
 * the link to yt-dlp instead.
 */
async function fetchDirect(
  policy: AddressPolicy,
  media: KnownMedia,
  options: DownloadTo,
  signal: AbortSignal,
): Promise<FetchedSource | undefined> {
  const proxy = startEgressProxy(policy);
  const client = Deno.createHttpClient({ proxy: { url: proxy.url } });
  const close = async () => {
    client.close();
    await proxy.close();
  };
  // Aborted by a silence or the overall deadline, both cleared once a live stream is handed over.
  const deadline = new AbortController();
  let stallTimer = setTimeout(() => deadline.abort(), STALL_TIMEOUT_MS);
  const overallTimer = setTimeout(() => deadline.abort(), DOWNLOAD_TIMEOUT_MS);
  const stop = AbortSignal.any([signal, deadline.signal]);
  let live = false;
  try {
    const response = await fetch(media.url, { client, headers: media.httpHeaders, signal: stop });
    if (!response.ok) {
      await response.body?.cancel();
      // The guard's own refusal comes back as the proxy's error status: say what it refused, not the status.
      throw refusalError(proxy) ?? httpError(response.status, media.url);
    }
    if (!isMediaType(response.headers.get("content-type"), response.url)) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.body && isLive(response.headers, options.lengthKnown)) {
      // A live stream outlives the download deadline: only the caller's signal ends it.
      clearTimeout(stallTimer);
      clearTimeout(overallTimer);
      live = true;
      return { kind: "live", body: response.body, close };
    }
    try {
      options.meter.announced(Number(response.headers.get("content-length") ?? 0));
    } catch (error) {
      await response.body?.cancel();
      throw new CapReached(error as UserError);
    }
    const file = await Deno.open(options.destination, { write: true, create: true, truncate: true });
    try {
      for await (const chunk of response.body ?? []) {
        clearTimeout(stallTimer);
        stallTimer = setTimeout(() => deadline.abort(), STALL_TIMEOUT_MS);
        try {
          options.meter.add(chunk.length);
        } catch (error) {
          throw new CapReached(error as UserError);
        }
        for (let offset = 0; offset < chunk.length;) offset += await file.write(chunk.subarray(offset));
      }
    } finally {
      file.close();
    }
    return { kind: "file" };
  } catch (error) {
    signal.throwIfAborted();
    if (error instanceof UserError || error instanceof CapReached) throw error;
    const refused = refusalError(proxy);
    if (refused) throw refused;
    if (deadline.signal.aborted) {
      throw new UserError("The server took too long to answer.", { cause: error });
    }
    throw new UserError("I couldn't connect to that website.", { cause: error });
  } finally {
    clearTimeout(stallTimer);
    clearTimeout(overallTimer);
    if (!live) await close();
  }
}

/** No length and none known from the resolver, or a radio server's own headers: it will not end. */
function isLive(headers: Headers, lengthKnown: boolean): boolean {
  if (headers.has("icy-metaint") || headers.has("icy-name") || headers.has("icy-br")) return true;
  return !lengthKnown && !headers.has("content-length");
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
