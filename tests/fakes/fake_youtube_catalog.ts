/**
 * What the fake YouTube knows: the catalog file a test writes and the fake yt-dlp reads, and the lookups
 * both sides share (which video a link names, which videos a search finds).
 */

/** The environment variable naming the catalog file; the bot passes its environment on to yt-dlp. */
export const CATALOG_ENV = "FAKE_YOUTUBE_CATALOG";

/** One fake video. */
export interface CatalogVideo {
  /** 11 characters, like a real video id. */
  id: string;
  title: string;
  durationSeconds: number;
  /** Where its audio really is: a file on the test's media server. */
  mediaUrl: string;
  /** For a SoundCloud or Bandcamp track: its page, which links must name exactly. YouTube otherwise. */
  site?: { name: "soundcloud" | "bandcamp"; pageUrl: string };
  /** A live stream: searches list it, nobody can queue it. */
  live?: true;
}

/** One fake playlist. */
export interface CatalogPlaylist {
  id: string;
  title: string;
  videoIds: string[];
}

/** Everything the fake yt-dlp answers from. */
export interface Catalog {
  videos: CatalogVideo[];
  playlists: CatalogPlaylist[];
  /** Seed video id → the mix YouTube would play after it (the seed itself comes first, as on YouTube). */
  radios: Record<string, string[]>;
  /** Lowercased search words (or "*" for any other search) → the videos found, best first. */
  searches: Record<string, string[]>;
  /** Each run appends its arguments here as one JSON line. */
  logPath: string;
  /** The real yt-dlp, for everything that is not YouTube. */
  realYtdlp: string;
  /** What `--version` answers; unset asks the real yt-dlp. Versions before 2025.11.12 refuse `--js-runtimes`. */
  version?: string;
  /** How long each search takes before it answers; none by default. */
  searchDelayMs?: number;
  /** How long each video's extraction takes before it answers (a real YouTube's own time); none by default. */
  videoDelayMs?: number;
}

/** The first yt-dlp release that knows `--js-runtimes`. */
export const FIRST_JS_RUNTIMES_VERSION = "2025.11.12";

/** What a YouTube URL points at, as far as the fake cares. */
export type YoutubeTarget =
  | { kind: "video"; videoId: string; listId?: string }
  | { kind: "playlist"; listId: string };

const YOUTUBE_HOSTS = new Set(["youtube.com", "youtu.be", "youtube-nocookie.com"]);

/** True for links yt-dlp's YouTube extractors would take. */
export function isYoutubeUrl(text: string): boolean {
  const url = URL.parse(text);
  if (url === null) return false;
  return YOUTUBE_HOSTS.has(url.hostname.toLowerCase().replace(/^(?:www|m|music)\./, ""));
}

/** The video and/or list a YouTube URL names; undefined for pages the fake does not serve. */
export function youtubeTarget(text: string): YoutubeTarget | undefined {
  const url = URL.parse(text);
  if (url === null || !isYoutubeUrl(text)) return undefined;
  const [first = "", second = ""] = url.pathname.split("/").filter((part) => part !== "");
  const listId = url.searchParams.get("list") ?? undefined;
  if (url.hostname.endsWith("youtu.be")) return { kind: "video", videoId: first, listId };
  if (first === "watch") {
    const videoId = url.searchParams.get("v");
    if (videoId !== null) return { kind: "video", videoId, listId };
    return listId === undefined ? undefined : { kind: "playlist", listId };
  }
  if (first === "playlist" && listId !== undefined) return { kind: "playlist", listId };
  if (["shorts", "embed", "live", "v"].includes(first)) return { kind: "video", videoId: second, listId };
  return undefined;
}

/** The videos a search finds: an exact match of the lowercased words, else the "*" entry, else none. */
export function searchMatches(catalog: Catalog, text: string): CatalogVideo[] {
  const words = text.trim().replace(/\s+/g, " ").toLowerCase();
  const ids = catalog.searches[words] ?? catalog.searches["*"] ?? [];
  return videosOf(catalog, ids);
}

/** The radio mix of a known video: the seed, then its listed videos. */
export function radioOf(catalog: Catalog, seed: CatalogVideo): CatalogVideo[] {
  const rest = (catalog.radios[seed.id] ?? []).filter((id) => id !== seed.id);
  return [seed, ...videosOf(catalog, rest)];
}

/** True for links the fake serves as SoundCloud or Bandcamp tracks. */
export function isSiteUrl(text: string): boolean {
  const host = URL.parse(text)?.hostname.toLowerCase() ?? "";
  return host === "soundcloud.com" || host === "on.soundcloud.com" || host.endsWith(".bandcamp.com");
}

/** The SoundCloud or Bandcamp track whose page is `url`, if the catalog has it. */
export function siteVideoByUrl(catalog: Catalog, url: string): CatalogVideo | undefined {
  return catalog.videos.find((video) => video.site?.pageUrl === url);
}

/** A video by id, if the catalog has it. */
export function videoById(catalog: Catalog, id: string): CatalogVideo | undefined {
  return catalog.videos.find((video) => video.id === id);
}

/** The catalog's videos for `ids`, in that order; an unknown id is a mistake in the test. */
export function videosOf(catalog: Catalog, ids: readonly string[]): CatalogVideo[] {
  return ids.map((id) => {
    const video = videoById(catalog, id);
    if (video === undefined) throw new Error(`The fake YouTube catalog has no video "${id}"`);
    return video;
  });
}

/** A length as YouTube writes it: "m:ss", or "h:mm:ss" from an hour on. */
export function youtubeLength(seconds: number): string {
  const total = Math.round(seconds);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** The watch URL of a video id. */
export function watchUrl(videoId: string): string {
  return `https://www.youtube.com/watch?v=${videoId}`;
}
