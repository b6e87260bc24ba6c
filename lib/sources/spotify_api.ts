import SpotifyWebApi from "spotify-web-api-node";
import { UserError } from "../user_error.ts";
import { parseOrigin, withTargets } from "./spotify_redirect.ts";
import { createTokenKeeper } from "./spotify_token.ts";

/** A track as the Web API describes it; album listings carry no ISRC. */
export interface SpotifyApiTrack {
  id: string;
  name: string;
  artists: string[];
  durationMs: number;
  isrc?: string;
}

/** An album with as many of its tracks as were asked for. */
export interface SpotifyApiAlbum {
  id: string;
  name: string;
  totalTracks: number;
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
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
}

/** The few Web API calls a client-credentials app may still make in 2026. */
export interface SpotifyApi {
  getTrack(id: string): Promise<SpotifyApiTrack>;
  getAlbum(id: string, limit: number): Promise<SpotifyApiAlbum>;
  searchTracks(query: string, limit?: number): Promise<SpotifyApiTrack[]>;
}

const ALBUM_PAGE_SIZE = 50;
/** Search pages hold at most 10 items since 2026. */
const SEARCH_PAGE_SIZE = 10;
const MAX_RATE_LIMIT_WAITS = 2;
const DEFAULT_RETRY_AFTER_SECONDS = 5;

// --- The library's shapes --------------------------------------------------------------------------------

interface LibraryResponse {
  body: unknown;
}
interface LibraryClient {
  clientCredentialsGrant(): Promise<LibraryResponse>;
  getTrack(id: string): Promise<LibraryResponse>;
  getAlbum(id: string): Promise<LibraryResponse>;
  getAlbumTracks(id: string, options: { limit: number; offset: number }): Promise<LibraryResponse>;
  searchTracks(query: string, options: { limit: number }): Promise<LibraryResponse>;
}
const Library = SpotifyWebApi as new (credentials: Record<string, string>) => LibraryClient;

/** Status and headers of a library error; its message and request are never passed on (they can hold a token). */
function failureOf(error: unknown): { status?: number; retryAfter?: string } {
  const { statusCode, headers } = (error ?? {}) as {
    statusCode?: unknown;
    headers?: Record<string, unknown>;
  };
  const retryAfter = headers?.["retry-after"];
  return {
    status: typeof statusCode === "number" ? statusCode : undefined,
    retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
  };
}

/** A failed request, described without anything the library attached to it. */
class RequestFailure extends Error {
  override name = "RequestFailure";
  constructor(what: string, readonly status: number | undefined, error: unknown) {
    const detail = status !== undefined
      ? `HTTP ${status}`
      : error instanceof Error
      ? error.name
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

// --- The client ------------------------------------------------------------------------------------------

/** Creates a Web API client that fetches, reuses and refreshes its own client-credentials token. */
export function createSpotifyApi(config: SpotifyApiConfig): SpotifyApi {
  const targets = {
    api: parseOrigin(config.apiUrl, "SPOTIFY_API_URL"),
    accounts: parseOrigin(config.accountsUrl, "SPOTIFY_ACCOUNTS_URL"),
  };
  const now = config.now ?? Date.now;
  const sleep = config.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const log = config.log ?? console.warn;
  const maxWait = config.maxRetryWaitSeconds ?? 5;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const tokenClient = new Library({ clientId: config.clientId, clientSecret: config.clientSecret });

  const attempt = async (what: string, call: () => Promise<LibraryResponse>) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DOMException(`No answer to ${what}`, "TimeoutError")), timeoutMs);
    });
    try {
      return (await Promise.race([withTargets(targets, call), timeout])).body;
    } finally {
      clearTimeout(timer);
    }
  };

  /** Runs one call, waiting out short rate limits; `onUnauthorized` says whether to try once more after a 401. */
  const send = async (
    what: string,
    call: () => Promise<LibraryResponse>,
    onUnauthorized?: () => Promise<void>,
  ) => {
    for (let waits = 0, reauthorized = false;;) {
      try {
        return await attempt(what, call);
      } catch (error) {
        const { status, retryAfter } = failureOf(error);
        if (status === 401 && onUnauthorized && !reauthorized) {
          reauthorized = true;
          await onUnauthorized();
          continue;
        }
        if (status !== 429) throw new RequestFailure(what, status, error);
        const seconds = Math.max(1, Math.ceil(Number(retryAfter) || DEFAULT_RETRY_AFTER_SECONDS));
        if (seconds > maxWait || waits >= MAX_RATE_LIMIT_WAITS) {
          throw new UserError(`Spotify is rate-limiting us, try again in ${seconds} s`);
        }
        waits++;
        await sleep(seconds * 1000);
      }
    }
  };

  const tokens = createTokenKeeper(async () => {
    try {
      return await send("POST /api/token", () => tokenClient.clientCredentialsGrant());
    } catch (error) {
      throw userErrorOf(
        error,
        log,
        "Spotify refused the bot's credentials; ask the bot's owner to check them",
      );
    }
  }, now);

  /** A Web API call with a fresh token; a 401 drops the token and retries once with a new one. */
  const get = async (
    what: string,
    call: (client: LibraryClient) => Promise<LibraryResponse>,
    kind?: string,
  ) => {
    let token = await tokens.get();
    try {
      return await send(what, () => call(new Library({ accessToken: token })), async () => {
        tokens.invalidate(token);
        token = await tokens.get();
      });
    } catch (error) {
      const missing = error instanceof RequestFailure && (error.status === 404 || error.status === 400);
      if (kind && missing) throw new UserError(`That Spotify ${kind} doesn't exist or isn't public`);
      throw userErrorOf(error, log);
    }
  };

  return {
    async getTrack(id) {
      return toTrack(await get(`GET /v1/tracks/${id}`, (client) => client.getTrack(id), "track"));
    },
    async getAlbum(id, limit) {
      const body = await get(`GET /v1/albums/${id}`, (client) => client.getAlbum(id), "album") as AlbumBody;
      const tracks = pageItems(body?.tracks).map(toTrack).slice(0, limit);
      const total = Number(body?.total_tracks ?? body?.tracks?.total ?? tracks.length);
      while (tracks.length < Math.min(limit, total)) {
        const options = { limit: Math.min(ALBUM_PAGE_SIZE, limit - tracks.length), offset: tracks.length };
        const page = await get(
          `GET /v1/albums/${id}/tracks?offset=${options.offset}`,
          (client) => client.getAlbumTracks(id, options),
          "album",
        );
        const items = pageItems(page as Page);
        if (items.length === 0) break;
        tracks.push(...items.map(toTrack).slice(0, limit - tracks.length));
      }
      return { id, name: stringOr(body?.name, "Unknown album"), totalTracks: total, tracks };
    },
    async searchTracks(query, limit = SEARCH_PAGE_SIZE) {
      const options = { limit: Math.max(1, Math.min(SEARCH_PAGE_SIZE, limit)) };
      const body = await get("GET /v1/search", (client) => client.searchTracks(query, options)) as {
        tracks?: Page;
      };
      return pageItems(body?.tracks).map(toTrack);
    },
  };
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
  const isrc = track.external_ids?.isrc;
  return {
    id: track.id,
    name: track.name,
    artists,
    durationMs: track.duration_ms,
    ...(typeof isrc === "string" && isrc !== "" ? { isrc: isrc.toUpperCase() } : {}),
  };
}
