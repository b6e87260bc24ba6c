/**
 * A small client for the parts of Spotify's Web API that a client-credentials app may still use in 2026:
 * one track, one album with its track pages, a playlist's items (only where the token is allowed to read
 * them), and search. Plain `fetch`: no library to patch, and nothing that reads the whole environment.
 */
import { UserError } from "../user_error.ts";
import { createTokenKeeper } from "./spotify_token.ts";
import { boundedArtists, boundedTitle } from "./bounded_text.ts";

/** A track as the Web API describes it. */
export interface SpotifyApiTrack {
  id: string;
  name: string;
  artists: string[];
  durationMs: number;
  /** From `external_ids` on full tracks (not on an album's simplified ones); matched by first. */
  isrc?: string;
}

/** An album or playlist with as many of its tracks as were asked for. */
export interface SpotifyApiList {
  id: string;
  name: string;
  /** Entries on Spotify's side, including those not kept (podcast episodes, local files). */
  total: number;
  tracks: SpotifyApiTrack[];
}

/** What the Web API client needs; the hooks after `accountsUrl` exist for tests. */
export interface SpotifyApiConfig {
  clientId: string;
  clientSecret: string;
  /** An origin such as `http://127.0.0.1:8080`; defaults to Spotify's. */
  apiUrl?: string;
  accountsUrl?: string;
  /** The longest Retry-After worth waiting for inside one request. */
  maxRetryWaitSeconds?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
}

/** The few Web API calls a client-credentials app may still make in 2026. */
export interface SpotifyApi {
  getTrack(id: string): Promise<SpotifyApiTrack>;
  getAlbum(id: string, limit: number): Promise<SpotifyApiList>;
  /** The playlist's first `limit` tracks, or undefined when this token may not read its items. */
  getPlaylistItems(id: string, limit: number): Promise<SpotifyApiList | undefined>;
  searchTracks(query: string, limit?: number): Promise<SpotifyApiTrack[]>;
}

const PAGE_SIZE = 50;
/** Search pages hold at most 10 items since 2026. */
const SEARCH_PAGE_SIZE = 10;
const MAX_RATE_LIMIT_WAITS = 2;
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** A failed request, described by route and status only: never its headers, which hold a token. */
class RequestFailure extends Error {
  override name = "RequestFailure";
  constructor(what: string, readonly status: number | undefined, cause?: unknown) {
    const detail = status !== undefined
      ? `HTTP ${status}`
      : cause instanceof Error
      ? cause.name
      : "no answer";
    super(`${what}: ${detail}`);
  }
}

/** Turns a failure into the words a user reads, logging what an owner needs; UserErrors pass through. */
function userErrorOf(error: unknown, log: (message: string) => void, refusedMessage?: string): unknown {
  if (!(error instanceof RequestFailure)) return error;
  log(`Spotify request failed: ${error.message}`);
  const refused = refusedMessage && error.status !== undefined && error.status >= 400 && error.status < 500;
  const message = refused ? refusedMessage : "Spotify isn't answering properly right now; try again later";
  return new UserError(message, { cause: error });
}

/** Creates a Web API client that fetches, reuses and refreshes its own client-credentials token. */
export function createSpotifyApi(config: SpotifyApiConfig): SpotifyApi {
  const api = parseOrigin(config.apiUrl ?? "https://api.spotify.com", "SPOTIFY_API_URL");
  const accounts = parseOrigin(config.accountsUrl ?? "https://accounts.spotify.com", "SPOTIFY_ACCOUNTS_URL");
  const fetchFn = config.fetch ?? fetch;
  const now = config.now ?? Date.now;
  const sleep = config.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const log = config.log ?? console.warn;
  const maxWait = config.maxRetryWaitSeconds ?? 5;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const basic = `Basic ${btoa(`${config.clientId}:${config.clientSecret}`)}`;

  /** One request, its JSON answer; waits out short rate limits, and retries once after a 401 if told how. */
  const send = async (
    what: string,
    request: () => Request,
    onUnauthorized?: () => Promise<void>,
  ): Promise<unknown> => {
    for (let waits = 0, reauthorized = false;;) {
      let response: Response;
      try {
        response = await fetchFn(request(), { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new RequestFailure(what, undefined, error);
      }
      if (response.ok) {
        try {
          return await response.json();
        } catch (error) {
          throw new RequestFailure(what, undefined, error);
        }
      }
      await response.body?.cancel();
      if (response.status === 401 && onUnauthorized && !reauthorized) {
        reauthorized = true;
        await onUnauthorized();
        continue;
      }
      if (response.status !== 429) throw new RequestFailure(what, response.status);
      const retryAfter = Number(response.headers.get("retry-after"));
      const seconds = Math.max(1, Math.ceil(retryAfter || DEFAULT_RETRY_AFTER_SECONDS));
      if (seconds > maxWait || waits >= MAX_RATE_LIMIT_WAITS) {
        throw new UserError(`Spotify is rate-limiting us, try again in ${seconds} s`);
      }
      waits++;
      await sleep(seconds * 1000);
    }
  };

  const tokens = createTokenKeeper(async () => {
    const request = () =>
      new Request(`${accounts}/api/token`, {
        method: "POST",
        headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
      });
    try {
      return await send("POST /api/token", request);
    } catch (error) {
      throw userErrorOf(
        error,
        log,
        "Spotify refused the bot's credentials; ask the bot's owner to check them",
      );
    }
  }, now);

  /** GET `path` with a fresh token; a 401 drops the token and retries once with a new one. */
  const get = async (path: string, query: Record<string, string | number> = {}): Promise<unknown> => {
    const url = new URL(`${api}/v1${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
    let token = await tokens.get();
    const request = () => new Request(url, { headers: { authorization: `Bearer ${token}` } });
    return await send(`GET /v1${path}`, request, async () => {
      tokens.invalidate(token);
      token = await tokens.get();
    });
  };

  /** A lookup of one thing by id: a missing id is the user's business, anything else the owner's. */
  const lookUp = async (kind: string, path: string, query?: Record<string, string | number>) => {
    try {
      return await get(path, query);
    } catch (error) {
      const missing = error instanceof RequestFailure && (error.status === 404 || error.status === 400);
      if (missing) throw new UserError(`That Spotify ${kind} doesn't exist or isn't public`);
      throw userErrorOf(error, log);
    }
  };

  /** Reads pages of `path` after the first until `limit` tracks or the end. */
  const morePages = async (
    kind: string,
    path: string,
    list: SpotifyApiList,
    limit: number,
    read: (page: Page) => SpotifyApiTrack[],
    seen: number,
  ) => {
    let offset = seen;
    while (list.tracks.length < limit && offset < list.total) {
      const page = await lookUp(kind, path, {
        offset,
        limit: Math.min(PAGE_SIZE, limit - list.tracks.length),
      }) as Page;
      const items = pageItems(page);
      if (items.length === 0) break;
      offset += items.length;
      list.tracks.push(...read(page).slice(0, limit - list.tracks.length));
    }
    return list;
  };

  return {
    async getTrack(id) {
      return toTrack(await lookUp("track", `/tracks/${encodeURIComponent(id)}`));
    },
    async getAlbum(id, limit) {
      const path = `/albums/${encodeURIComponent(id)}`;
      const body = await lookUp("album", path) as AlbumBody;
      const first = pageItems(body?.tracks);
      const list: SpotifyApiList = {
        id,
        name: boundedTitle(stringOr(body?.name, "Unknown album")),
        total: Number(body?.total_tracks ?? body?.tracks?.total ?? first.length),
        tracks: first.map(toTrack).slice(0, limit),
      };
      return await morePages(
        "album",
        `${path}/tracks`,
        list,
        limit,
        (page) => pageItems(page).map(toTrack),
        first.length,
      );
    },
    async getPlaylistItems(id, limit) {
      const path = `/playlists/${encodeURIComponent(id)}/items`;
      const query = { limit: Math.min(PAGE_SIZE, limit), offset: 0 };
      let page: Page;
      try {
        page = await get(path, query) as Page;
      } catch (error) {
        // Since 2026 only the owner's token may read a playlist's items; the embed page still lists them.
        if (error instanceof RequestFailure && error.status === 403) return undefined;
        const missing = error instanceof RequestFailure && (error.status === 404 || error.status === 400);
        if (missing) throw new UserError("That Spotify playlist doesn't exist or isn't public");
        throw userErrorOf(error, log);
      }
      const first = pageItems(page);
      const list: SpotifyApiList = {
        id,
        name: "",
        total: Number(page?.total ?? first.length),
        tracks: playlistTracks(page).slice(0, limit),
      };
      return await morePages("playlist", path, list, limit, playlistTracks, first.length);
    },
    async searchTracks(text, limit = SEARCH_PAGE_SIZE) {
      const query = { q: text, type: "track", limit: Math.max(1, Math.min(SEARCH_PAGE_SIZE, limit)) };
      let body: { tracks?: Page };
      try {
        body = await get("/search", query) as { tracks?: Page };
      } catch (error) {
        throw userErrorOf(error, log);
      }
      return pageItems(body?.tracks).map(toTrack);
    },
  };
}

/** The origin a setting names; throws, naming the setting, for anything but a bare http(s) origin. */
function parseOrigin(url: string, name: string): string {
  const parsed = URL.parse(url);
  const ok = parsed && /^https?:$/.test(parsed.protocol) && parsed.pathname === "/" && !parsed.search &&
    !parsed.username;
  if (!ok) throw new Error(`${name} must be an http(s) origin like "http://127.0.0.1:8080", got "${url}"`);
  return parsed.origin;
}

// --- Answer shapes ---------------------------------------------------------------------------------------

interface Page {
  items?: unknown;
  total?: number;
}
interface AlbumBody {
  name?: unknown;
  total_tracks?: number;
  tracks?: Page;
}

function pageItems(page: Page | undefined): unknown[] {
  return Array.isArray(page?.items) ? page.items : [];
}

/** Playlist entries wrap their track in `item` since 2026 (`track` before); episodes and local files are skipped. */
function playlistTracks(page: Page): SpotifyApiTrack[] {
  return pageItems(page).flatMap((entry) => {
    const wrapped = entry as { item?: unknown; track?: unknown } | null;
    const item = (wrapped?.item ?? wrapped?.track) as
      | { type?: unknown; is_local?: unknown; id?: unknown }
      | null;
    if (item?.type !== "track" || item.is_local === true || typeof item.id !== "string") return [];
    return [toTrack(item)];
  });
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function toTrack(value: unknown): SpotifyApiTrack {
  const track = value as {
    id?: unknown;
    name?: unknown;
    artists?: { name?: unknown }[];
    duration_ms?: unknown;
    external_ids?: { isrc?: unknown };
  };
  if (
    typeof track?.id !== "string" || typeof track.name !== "string" || typeof track.duration_ms !== "number"
  ) {
    throw new Error("Spotify's Web API answered a track without id, name or duration_ms");
  }
  const artists = (Array.isArray(track.artists) ? track.artists : [])
    .map((artist) => artist?.name)
    .filter((name): name is string => typeof name === "string");
  const isrc = isrcOf(track.external_ids?.isrc);
  return {
    id: track.id,
    name: boundedTitle(track.name),
    artists: boundedArtists(artists),
    durationMs: track.duration_ms,
    ...(isrc ? { isrc } : {}),
  };
}

/** An ISRC (country, registrant, year, designation: 12 characters), upper-cased; anything else is dropped. */
export function isrcOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const isrc = value.replace(/-/g, "").trim().toUpperCase();
  return /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/.test(isrc) ? isrc : undefined;
}
