/**
 * YouTube search inside the resolver worker, through YouTube's own web API (InnerTube) as youtubei.js speaks
 * and reads it. A yt-dlp search starts a Python process every time (0.5–2.8 s on a small box before YouTube
 * has said a word); this costs one HTTPS request, which is what lets suggestions keep up with typing and
 * a searched song start sooner.
 * yt-dlp stays the fallback (fallback_search.ts) for when YouTube changes something youtubei.js does not know.
 */
import { Innertube, Log, YTNodes } from "youtubei.js";
import { abortable } from "../abortable.ts";
import type { TrackInfo } from "../track.ts";
import { boundedTitle } from "./bounded_text.ts";

/** Where the web API lives, and how long one request may take. */
export interface YoutubeSearchOptions {
  /** `https://www.youtube.com`, or a stand-in's address (YOUTUBE_URL). */
  baseUrl: string;
  timeoutMs?: number;
}

/** Up to `count` playable videos for `text`, best first; rejects on any failure, never guesses. */
export type YoutubeSearcher = (text: string, count: number, signal: AbortSignal) => Promise<TrackInfo[]>;

/** The only origin youtubei.js may reach for a search; any other request is refused. */
const YOUTUBE_ORIGIN = "https://www.youtube.com";
const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;

// youtubei.js warns on the console about every page element it has no class for; those are not ours to fix,
// and a search it cannot read fails (and falls back) anyway.
Log.setLevel(Log.Level.ERROR);

/** A searcher whose session is made at once (locally: no request), so the first keystroke finds it warm. */
export function createYoutubeSearch(options: YoutubeSearchOptions): YoutubeSearcher {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const fetchYoutube = redirectedFetch(options.baseUrl, timeoutMs);
  let session: Promise<Innertube> | undefined;
  const open = () =>
    session ??= Innertube.create({
      fetch: fetchYoutube,
      // No visit to YouTube's home page, player script or config: a search needs none of them.
      generate_session_locally: true,
      retrieve_player: false,
      retrieve_innertube_config: false,
      enable_session_cache: false,
    }).catch((error) => {
      session = undefined;
      throw error;
    });
  open().catch(() => {});

  return async (text, count, signal) => {
    const innertube = await open();
    // youtubei.js takes no signal: a cancelled search is let go, and its one request ends on its time-out.
    const search = await abortable(innertube.search(text, { type: "video" }), signal);
    return search.videos.flatMap((node) => {
      const track = node.is(YTNodes.Video) ? trackFromVideo(node) : undefined;
      return track === undefined ? [] : [track];
    }).slice(0, count);
  };
}

/** A video result as a track; live streams and premieres are left out (they cannot be queued). */
function trackFromVideo(video: YTNodes.Video): TrackInfo | undefined {
  const id = video.video_id;
  const title = video.title.toString().trim();
  if (!VIDEO_ID.test(id) || title === "" || video.is_live || video.is_upcoming) return undefined;
  const seconds = video.duration.seconds;
  const track: TrackInfo = {
    source: { kind: "youtube", videoId: id },
    title: boundedTitle(title),
    url: `${YOUTUBE_ORIGIN}/watch?v=${id}`,
  };
  return seconds > 0 ? { ...track, durationSeconds: seconds } : track;
}

/**
 * Where a request youtubei.js makes for YouTube's origin goes: the same path and query on `base`. Throws
 * for any other origin, and for a path that would leave `base` (a `//host/x` path read as a URL of its own).
 */
export function searchTarget(requestUrl: string, base: URL): URL {
  const url = new URL(requestUrl);
  if (url.origin !== YOUTUBE_ORIGIN) {
    throw new Error(`youtubei.js asked for ${url.origin}, which search never needs`);
  }
  const target = new URL(base.origin);
  target.pathname = url.pathname;
  target.search = url.search;
  if (target.origin !== base.origin) {
    throw new Error(`youtubei.js asked for a path that leaves ${base.origin}`);
  }
  return target;
}

/**
 * The fetch youtubei.js uses: requests for YouTube's origin go to `baseUrl` (the same unless a stand-in is
 * set), each within `timeoutMs`; anything else is refused, so the client can fetch nothing but its search.
 */
function redirectedFetch(baseUrl: string, timeoutMs: number): typeof fetch {
  const base = new URL(baseUrl);
  return async (input, init) => {
    const request = new Request(input, init);
    return await fetch(searchTarget(request.url, base), {
      method: request.method,
      headers: request.headers,
      body: request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer(),
      redirect: "error",
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]),
    });
  };
}
