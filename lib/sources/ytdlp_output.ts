/**
 * Reads yt-dlp's `-J` JSON into TrackInfo. The JSON is checked field by field: an unexpected shape (a new
 * yt-dlp, a strange extractor) must fail loudly here, not as `undefined` in a queue three steps later.
 */
import type { MediaLocation, MusicSite, TrackInfo } from "../track.ts";
import { UserError } from "../user_error.ts";
import { boundedTitle } from "./bounded_text.ts";
import { ownValue } from "../own_value.ts";

/** Discord's limit on an autocomplete choice's name (and value). */
export const MAX_CHOICE_NAME = 100;

type Json = Record<string, unknown>;

// What YouTube puts in a playlist in place of videos nobody may watch any more.
const UNAVAILABLE_TITLES = new Set(["[Private video]", "[Deleted video]", "[Unavailable video]"]);
const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
/** yt-dlp's extractor keys of the sites whose tracks are kept by the site's own id. */
const SITE_EXTRACTORS: Record<string, MusicSite> = { Soundcloud: "soundcloud", Bandcamp: "bandcamp" };

/** One video or direct link from `-J --no-playlist`; `link` is what the user asked for. */
export function trackFromVideoJson(json: unknown, link: string): TrackInfo {
  const info = asObject(json, "yt-dlp output");
  if (info._type === "playlist") {
    throw new UserError(`That link is a page with several videos, not one: "${link}".`);
  }
  rejectNotPlaying(info);
  // A live video plays as it comes: it has no length, and its HLS manifest is for yt-dlp to follow.
  if (isLive(info)) return { ...trackFromInfo(info, link), live: true };
  return trackFromInfo(info, link);
}

function trackFromInfo(info: Json, link: string): TrackInfo {
  const live = isLive(info);
  const id = requireString(info, "id");
  const title = boundedTitle(optionalString(info, "title") ?? id);
  const durationSeconds = live ? undefined : optionalNumber(info, "duration");
  const media = live ? undefined : mediaOf(info);
  if (info.extractor_key === "Youtube") {
    if (!VIDEO_ID.test(id)) {
      throw new Error(`yt-dlp gave a YouTube id that is not one: ${JSON.stringify(id)}`);
    }
    const url = `https://www.youtube.com/watch?v=${id}`;
    return withMedia(
      withDuration({ source: { kind: "youtube", videoId: id }, title, url }, durationSeconds),
      media,
    );
  }
  const site = ownValue(SITE_EXTRACTORS, String(info.extractor_key));
  if (site !== undefined) {
    const canonical = optionalString(info, "webpage_url");
    const page = canonical !== undefined && /^https?:\/\//.test(canonical) ? canonical : link;
    return withMedia(
      withDuration({ source: { kind: "site", site, id, url: page }, title, url: page }, durationSeconds),
      media,
    );
  }
  // The page stays the source (a media URL may expire); the media found on it spares the download a lookup.
  return withMedia(
    withDuration({ source: { kind: "url", url: link }, title, url: link }, durationSeconds),
    mediaOf(info),
  );
}

/** Format URLs this close to expiring are not worth handing on. */
const MEDIA_MARGIN_MS = 5 * 60_000;
/** How long a format URL that names no expiry is trusted. */
const MEDIA_DEFAULT_LIFE_MS = 30 * 60_000;

/**
 * Where the chosen audio format is (its URL, headers, and when the URL expires: YouTube's carry an
 * `expire` parameter), or undefined when yt-dlp picked a format made of several parts.
 */
export function mediaOf(info: Json, now = Date.now()): MediaLocation | undefined {
  const url = optionalString(info, "url");
  if (url === undefined || !/^https?:\/\//.test(url)) return undefined;
  const expire = Number(new URL(url).searchParams.get("expire"));
  const expiresAt = Number.isFinite(expire) && expire > 0
    ? expire * 1000 - MEDIA_MARGIN_MS
    : now + MEDIA_DEFAULT_LIFE_MS;
  const headers = info.http_headers;
  const httpHeaders = typeof headers === "object" && headers !== null && !Array.isArray(headers)
    ? Object.fromEntries(Object.entries(headers).filter(([, value]) => typeof value === "string"))
    : undefined;
  return httpHeaders ? { url, httpHeaders, expiresAt } : { url, expiresAt };
}

function withMedia(track: TrackInfo, media: MediaLocation | undefined): TrackInfo {
  return media ? { ...track, media } : track;
}

/** The playable entries of a flat search, playlist or mix (`--flat-playlist -J`), in order. */
export function tracksFromPlaylistJson(json: unknown): TrackInfo[] {
  const info = asObject(json, "yt-dlp output");
  if (info._type !== "playlist" || !Array.isArray(info.entries)) {
    throw new Error(`Expected a yt-dlp playlist, got _type ${JSON.stringify(info._type)}`);
  }
  return info.entries.flatMap((entry, index) => {
    const track = trackFromFlatEntry(asObject(entry, `playlist entry ${index}`));
    return track === undefined ? [] : [track];
  });
}

/** "Title (3:32)", cut with an ellipsis so the whole fits Discord's 100-character limit. */
export function choiceName(track: TrackInfo): string {
  const suffix = track.durationSeconds === undefined ? "" : ` (${formatDuration(track.durationSeconds)})`;
  const room = MAX_CHOICE_NAME - suffix.length;
  const title = [...track.title].length > room
    ? [...track.title].slice(0, room - 1).join("") + "…"
    : track.title;
  return title + suffix;
}

/** Seconds as "m:ss" or "h:mm:ss". */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** A flat entry, or undefined for entries nobody can play (private, deleted, live, not a video). */
function trackFromFlatEntry(entry: Json): TrackInfo | undefined {
  const id = optionalString(entry, "id");
  const title = optionalString(entry, "title");
  if (id === undefined || title === undefined || UNAVAILABLE_TITLES.has(title)) return undefined;
  // Searches, playlists and mixes leave live streams out: a listener asks for one by its link.
  if (isLive(entry) || entry.live_status === "is_upcoming") return undefined;
  if (entry.ie_key !== "Youtube" || !VIDEO_ID.test(id)) return undefined;
  const url = `https://www.youtube.com/watch?v=${id}`;
  return withDuration(
    { source: { kind: "youtube", videoId: id }, title: boundedTitle(title), url },
    optionalNumber(entry, "duration"),
  );
}

function isLive(info: Json): boolean {
  return info.is_live === true || info.live_status === "is_live";
}

/** Refuses what cannot play now: a premiere not started, a stream just ended and still being processed. */
function rejectNotPlaying(info: Json): void {
  if (info.live_status === "is_upcoming") throw new UserError("That premiere or stream has not started yet.");
  if (info.live_status === "post_live") {
    throw new UserError("That stream has just ended and YouTube is still processing it; try again later.");
  }
}

function withDuration(track: TrackInfo, durationSeconds: number | undefined): TrackInfo {
  return durationSeconds === undefined ? track : { ...track, durationSeconds };
}

function asObject(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`Unexpected yt-dlp JSON: ${what} is not an object`);
  }
  return value as Json;
}

function requireString(info: Json, key: string): string {
  const value = optionalString(info, key);
  if (value === undefined) throw new Error(`Unexpected yt-dlp JSON: "${key}" is missing or not text`);
  return value;
}

function optionalString(info: Json, key: string): string | undefined {
  const value = info[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function optionalNumber(info: Json, key: string): number | undefined {
  const value = info[key];
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}
