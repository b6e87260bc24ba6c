import { UserError } from "../user_error.ts";
import { boundedArtists, boundedTitle } from "./bounded_text.ts";

/** A track as the public embed page shows it: no ISRC there. */
export interface EmbedTrack {
  trackId: string;
  title: string;
  artists: string[];
  durationMs?: number;
}

/** An album or playlist as the embed page shows it: at most its first {@link EMBED_ENTRY_LIMIT} entries. */
export interface EmbedCollection {
  name: string;
  tracks: EmbedTrack[];
  /** The page listed as many entries as it ever does, so there may be more. */
  capped: boolean;
}

/** Where embed pages come from; `fetch` and `log` are there for tests. */
export interface SpotifyEmbedConfig {
  /** Defaults to `https://open.spotify.com`. */
  embedUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  log?: (message: string) => void;
}

/** Reads tracks, albums and playlists from Spotify's public embed pages, no credentials needed. */
export interface SpotifyEmbed {
  getTrack(id: string): Promise<EmbedTrack>;
  getCollection(type: "album" | "playlist", id: string): Promise<EmbedCollection>;
}

/** The embed page never lists more entries than this. */
export const EMBED_ENTRY_LIMIT = 100;

const PAGE_CHANGED = "Spotify's page changed; can't read it";
const NEXT_DATA = /<script\b[^>]*\bid=["']__NEXT_DATA__["'][^>]*>([\s\S]*?)<\/script>/;
// The page only renders its data for browsers it recognizes.
const BROWSER_HEADERS = {
  "User-Agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36",
  "Accept-Language": "en",
};

/** The page no longer has the shape this parser knows; the reason is for logs, never for users. */
export class EmbedPageChangedError extends Error {
  override name = "EmbedPageChangedError";
}

/** Creates a reader of embed pages under `embedUrl`. */
export function createSpotifyEmbed(config: SpotifyEmbedConfig = {}): SpotifyEmbed {
  const base = (config.embedUrl ?? "https://open.spotify.com").replace(/\/+$/, "");
  const fetchPage = config.fetch ?? fetch;
  const log = config.log ?? console.warn;
  const timeoutMs = config.timeoutMs ?? 10_000;

  const load = async <T>(type: string, id: string, parse: (html: string) => T | undefined): Promise<T> => {
    const path = `/embed/${type}/${encodeURIComponent(id)}`;
    const html = await download(path);
    try {
      const parsed = html === undefined ? undefined : parse(html);
      if (parsed === undefined) throw new UserError(`That Spotify ${type} doesn't exist or isn't public`);
      return parsed;
    } catch (error) {
      if (!(error instanceof EmbedPageChangedError)) throw error;
      // Only the reason is logged: the real page carries an anonymous access token.
      log(`Spotify embed page ${path} not understood: ${error.message}`);
      throw new UserError(PAGE_CHANGED, { cause: error });
    }
  };

  /** The page's HTML, or undefined when Spotify says there is no such page. */
  const download = async (path: string): Promise<string | undefined> => {
    let response: Response;
    try {
      response = await fetchPage(base + path, {
        headers: BROWSER_HEADERS,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      log(`Spotify embed page ${path} failed: ${error instanceof Error ? error.name : "no answer"}`);
      throw new UserError("Spotify isn't answering right now; try again later", { cause: error });
    }
    if (response.ok) return await response.text();
    await response.body?.cancel();
    if (response.status === 404) return undefined;
    if (response.status === 429) {
      const seconds = Math.max(1, Math.ceil(Number(response.headers.get("retry-after")) || 5));
      throw new UserError(`Spotify is rate-limiting us, try again in ${seconds} s`);
    }
    log(`Spotify embed page ${path} answered HTTP ${response.status}`);
    throw new UserError("Spotify isn't answering properly right now; try again later");
  };

  return {
    getTrack: (id) => load("track", id, (html) => parseEmbedTrack(html, id)),
    getCollection: (type, id) => load(type, id, (html) => parseEmbedCollection(html, type)),
  };
}

/** Reads a track page; undefined when the page says the track does not exist. */
export function parseEmbedTrack(html: string, id: string): EmbedTrack | undefined {
  const entity = entityOf(html, "track");
  if (entity === undefined) return undefined;
  const title = firstString(entity.name, entity.title);
  const artists = Array.isArray(entity.artists)
    ? entity.artists.map((artist) => cleanText((artist as Record<string, unknown>)?.name)).filter(Boolean)
    : [];
  if (!title || artists.length === 0) throw new EmbedPageChangedError("track entity without name or artists");
  return {
    trackId: trackIdOf(entity.uri) ?? id,
    title: boundedTitle(title),
    artists: boundedArtists(artists),
    ...durationOf(entity.duration),
  };
}

/** Reads an album or playlist page; undefined when the page says it does not exist. */
export function parseEmbedCollection(html: string, type: "album" | "playlist"): EmbedCollection | undefined {
  const entity = entityOf(html, type);
  if (entity === undefined) return undefined;
  if (!Array.isArray(entity.trackList)) throw new EmbedPageChangedError(`${type} entity without trackList`);
  const entries = entity.trackList.slice(0, EMBED_ENTRY_LIMIT);
  // Podcast episodes and local files have no track id; they are skipped rather than failing the whole list.
  const tracks = entries.map(toEmbedTrack).filter((track) => track !== undefined);
  if (entries.length > 0 && entries.every((entry) => typeof field(entry, "uri") !== "string")) {
    throw new EmbedPageChangedError(`${type} entries without uri`);
  }
  return {
    name: boundedTitle(firstString(entity.name, entity.title) ?? `Spotify ${type}`),
    tracks,
    capped: entity.trackList.length >= EMBED_ENTRY_LIMIT,
  };
}

type Entity = Record<string, unknown>;

/** The page's entity; undefined for Spotify's "not found" page, which is answered with HTTP 200. */
function entityOf(html: string, type: string): Entity | undefined {
  const script = NEXT_DATA.exec(html)?.[1];
  if (script === undefined) throw new EmbedPageChangedError("no __NEXT_DATA__ script");
  let data: unknown;
  try {
    data = JSON.parse(script);
  } catch {
    throw new EmbedPageChangedError("__NEXT_DATA__ is not JSON");
  }
  const pageProps = field(field(data, "props"), "pageProps");
  if (pageProps === undefined) throw new EmbedPageChangedError("no props.pageProps");
  const state = field(pageProps, "state");
  // A missing or undecodable id gives a page with a `status` (404 or 500) and no `state`.
  if (state === undefined && typeof field(pageProps, "status") === "number") return undefined;
  const entity = field(field(state, "data"), "entity");
  if (entity === undefined) throw new EmbedPageChangedError("no props.pageProps.state.data.entity");
  const entityType = field(entity, "type");
  if (entityType !== undefined && entityType !== type) {
    throw new EmbedPageChangedError(`entity type "${String(entityType)}", expected "${type}"`);
  }
  return entity as Entity;
}

function toEmbedTrack(entry: unknown): EmbedTrack | undefined {
  const trackId = trackIdOf(field(entry, "uri"));
  const title = cleanText(field(entry, "title"));
  // `subtitle` is the artists already joined by Spotify; splitting it on commas would break names like
  // "Tyler, The Creator", so it stays one entry.
  const artists = cleanText(field(entry, "subtitle"));
  if (!trackId || !title) return undefined;
  return {
    trackId,
    title: boundedTitle(title),
    artists: boundedArtists(artists ? [artists] : []),
    ...durationOf(field(entry, "duration")),
  };
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function trackIdOf(uri: unknown): string | undefined {
  return typeof uri === "string" ? /^spotify:track:([0-9A-Za-z]{22})$/.exec(uri)?.[1] : undefined;
}

function durationOf(ms: unknown): { durationMs?: number } {
  return typeof ms === "number" && Number.isFinite(ms) && ms > 0 ? { durationMs: ms } : {};
}

/** Spotify joins artists with non-breaking spaces. */
function cleanText(value: unknown): string {
  return typeof value === "string" ? value.replace(/\s+/g, " ").trim() : "";
}

function firstString(...values: unknown[]): string | undefined {
  return values.map(cleanText).find(Boolean);
}
