/**
 * A loopback stand-in for Spotify: the accounts service (client-credentials tokens), the parts of the Web API a
 * development-mode app may still use in 2026, and the public embed pages. It records every request. As for
 * such apps since March 2026: full tracks carry `external_ids` (ISRC) again, playlist entries only through `/playlists/{id}/items`
 * and only for playlists the app's owner owns (403 for the rest), and `/playlists/{id}/tracks` always 403.
 */

/** A seeded track. */
export interface FakeSpotifyTrack {
  id: string;
  name: string;
  artists: string[];
  durationMs: number;
  /** Sent in `external_ids` on full tracks, as Spotify does. */
  isrc?: string;
}

/** A seeded album or playlist; entries that are not tracks stand for podcast episodes. */
export interface FakeSpotifyList {
  id: string;
  name: string;
  entries: (string | { episode: string; title: string })[];
  /** Owned by the app's owner: its items are readable through the Web API. */
  ownedByApp?: boolean;
}

/** One request as the fake saw it. */
export interface FakeSpotifyRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

/** Knobs for a fake; the defaults suit most tests. */
export interface FakeSpotifyOptions {
  clientId?: string;
  clientSecret?: string;
  /** Token lifetime announced and enforced. */
  expiresInSeconds?: number;
  /**
   * Holds the first `together` embed page requests until all of them have arrived, then answers them at
   * once: for lookups that must finish at the same moment.
   */
  holdEmbeds?: { together: number };
}

/** How the embed pages can be broken, to test a page Spotify has changed. */
export type EmbedBreakage = "no_next_data" | "changed_shape" | "not_json";

/** A running fake and its switches. */
export interface FakeSpotify {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: FakeSpotifyRequest[];
  readonly tokensIssued: number;
  /** The next `times` Web API requests answer 429 with this Retry-After. */
  rateLimitNext(retryAfterSeconds: number, times?: number): void;
  /** Every token issued so far now answers 401. */
  expireTokens(): void;
  breakEmbedPages(how: EmbedBreakage | undefined): void;
  close(): Promise<void>;
}

/** A 22-character base62 id that reads as what it is. */
export function fakeSpotifyId(kind: string, n: number): string {
  return `${kind}${n}`.padStart(22, "0");
}

const artistTracks = (albumNo: number, count: number): FakeSpotifyTrack[] =>
  Array.from({ length: count }, (_, i) => ({
    id: fakeSpotifyId(`a${albumNo}track`, i + 1),
    name: `Song ${i + 1}`,
    artists: ["The Long Players"],
    durationMs: 180_000 + i * 1000,
  }));

const TRACKS: FakeSpotifyTrack[] = [
  {
    id: fakeSpotifyId("track", 1),
    name: "Lighthouse Keeper",
    artists: ["Marlowe Finch"],
    durationMs: 214_000,
    isrc: "QZHN22600001",
  },
  {
    id: fakeSpotifyId("track", 2),
    name: "Paper Boats (feat. Ines Row)",
    artists: ["Marlowe Finch", "Ines Row"],
    durationMs: 187_500,
  },
  { id: fakeSpotifyId("track", 3), name: "Static Bloom", artists: ["The Quiet Hours"], durationMs: 241_000 },
  ...artistTracks(2, 60),
  ...artistTracks(3, 150),
];

/** What the fake knows; tests refer to these ids. */
export const FAKE_SPOTIFY_SEED = {
  tracks: TRACKS,
  track: TRACKS[0],
  duet: TRACKS[1],
  quietTrack: TRACKS[2],
  album: {
    id: fakeSpotifyId("album", 1),
    name: "Harbour Lights",
    entries: [TRACKS[0].id, TRACKS[1].id, TRACKS[2].id],
  } as FakeSpotifyList,
  /** 60 tracks: more than one Web API page. */
  bigAlbum: {
    id: fakeSpotifyId("album", 2),
    name: "The Long Album",
    entries: TRACKS.filter((t) => t.id.includes("a2track")).map((t) => t.id),
  } as FakeSpotifyList,
  playlist: {
    id: fakeSpotifyId("playlist", 1),
    name: "Road Trip",
    entries: [TRACKS[2].id, { episode: fakeSpotifyId("episode", 1), title: "A Podcast" }, TRACKS[0].id],
  } as FakeSpotifyList,
  /** 150 entries: more than the embed page shows. */
  bigPlaylist: {
    id: fakeSpotifyId("playlist", 2),
    name: "Everything",
    entries: TRACKS.filter((t) => t.id.includes("a3track")).map((t) => t.id),
  } as FakeSpotifyList,
  /** The app owner's own playlist: 120 tracks and an episode, readable through /items. */
  ownPlaylist: {
    id: fakeSpotifyId("playlist", 3),
    name: "Mine",
    entries: [
      TRACKS[1].id,
      { episode: fakeSpotifyId("episode", 2), title: "Another Podcast" },
      ...TRACKS.filter((t) => t.id.includes("a3track")).slice(0, 120).map((t) => t.id),
    ],
    ownedByApp: true,
  } as FakeSpotifyList,
  missingId: fakeSpotifyId("missing", 1),
};

const EMBED_LIMIT = 100;
const ALBUM_PAGE_LIMIT = 50;
const SEARCH_PAGE_LIMIT = 10;
const PLAYLIST_PAGE_LIMIT = 50;

/** Starts a fake on 127.0.0.1 with an ephemeral port. */
export function startFakeSpotify(options: FakeSpotifyOptions = {}): FakeSpotify {
  const clientId = options.clientId ?? "fake-client-id";
  const clientSecret = options.clientSecret ?? "fake-client-secret";
  const expiresIn = options.expiresInSeconds ?? 3600;
  const tokens = new Map<string, number>();
  const requests: FakeSpotifyRequest[] = [];
  let rateLimit = { times: 0, retryAfter: 0 };
  let breakage: EmbedBreakage | undefined;
  let tokensIssued = 0;
  let held = 0;
  const allHeld = Promise.withResolvers<void>();

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const authorization = request.headers.get("authorization") ?? undefined;
    requests.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization,
    });
    if (url.pathname === "/api/token" && request.method === "POST") {
      const body = new URLSearchParams(await request.text());
      if (authorization !== `Basic ${btoa(`${clientId}:${clientSecret}`)}`) {
        return Response.json({ error: "invalid_client", error_description: "Invalid client" }, {
          status: 400,
        });
      }
      if (body.get("grant_type") !== "client_credentials") {
        return Response.json({ error: "unsupported_grant_type" }, { status: 400 });
      }
      const token = `fake-token-${++tokensIssued}-${crypto.randomUUID()}`;
      tokens.set(token, Date.now() + expiresIn * 1000);
      return Response.json({ access_token: token, token_type: "Bearer", expires_in: expiresIn });
    }
    if (url.pathname.startsWith("/v1/")) {
      const token = authorization?.replace(/^Bearer /, "") ?? "";
      if ((tokens.get(token) ?? 0) <= Date.now()) return apiError(401, "The access token expired");
      if (rateLimit.times > 0) {
        rateLimit.times--;
        return Response.json({ error: { status: 429, message: "API rate limit exceeded" } }, {
          status: 429,
          headers: { "retry-after": String(rateLimit.retryAfter) },
        });
      }
      return webApi(url);
    }
    const embed = /^\/embed\/(track|album|playlist)\/([^/]+)$/.exec(url.pathname);
    if (embed && request.method === "GET") {
      if (options.holdEmbeds && held < options.holdEmbeds.together) {
        if (++held === options.holdEmbeds.together) allHeld.resolve();
        await allHeld.promise;
      }
      return embedPage(embed[1], embed[2], breakage);
    }
    return new Response("Not found", { status: 404 });
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    clientId,
    clientSecret,
    requests,
    get tokensIssued() {
      return tokensIssued;
    },
    rateLimitNext(retryAfterSeconds, times = 1) {
      rateLimit = { times, retryAfter: retryAfterSeconds };
    },
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    breakEmbedPages(how) {
      breakage = how;
    },
    close: () => server.shutdown(),
  };
}

// --- Web API ---------------------------------------------------------------------------------------------

function webApi(url: URL): Response {
  const path = url.pathname.replace(/\/$/, "");
  const query = url.searchParams;
  let match: RegExpExecArray | null;
  if ((match = /^\/v1\/tracks\/([^/]+)$/.exec(path))) {
    const track = findTrack(match[1]);
    return track ? Response.json(fullTrack(track)) : notFound(match[1]);
  }
  if ((match = /^\/v1\/albums\/([^/]+)$/.exec(path))) {
    const album = findAlbum(match[1]);
    if (!album) return notFound(match[1]);
    return Response.json({
      id: album.id,
      type: "album",
      name: album.name,
      total_tracks: album.entries.length,
      tracks: albumPage(url, album, 0, ALBUM_PAGE_LIMIT),
    });
  }
  if ((match = /^\/v1\/albums\/([^/]+)\/tracks$/.exec(path))) {
    const album = findAlbum(match[1]);
    if (!album) return notFound(match[1]);
    const limit = Number(query.get("limit") ?? 20);
    if (!(limit >= 1 && limit <= ALBUM_PAGE_LIMIT)) return apiError(400, "Invalid limit");
    return Response.json(albumPage(url, album, Number(query.get("offset") ?? 0), limit));
  }
  if ((match = /^\/v1\/playlists\/([^/]+)\/items$/.exec(path))) {
    const playlist = findPlaylist(match[1]);
    if (!playlist) return notFound(match[1]);
    if (!playlist.ownedByApp) return apiError(403, "Forbidden");
    const limit = Number(query.get("limit") ?? 20);
    if (!(limit >= 1 && limit <= PLAYLIST_PAGE_LIMIT)) return apiError(400, "Invalid limit");
    return Response.json(playlistPage(url, playlist, Number(query.get("offset") ?? 0), limit));
  }
  if (path === "/v1/search") return search(query);
  // Playlist contents, batch lookups and recommendations are closed to apps like this one.
  return apiError(403, "Forbidden");
}

function search(query: URLSearchParams): Response {
  const limit = Number(query.get("limit") ?? SEARCH_PAGE_LIMIT);
  if (!(limit >= 1 && limit <= SEARCH_PAGE_LIMIT)) return apiError(400, "Invalid limit");
  if (query.get("type") !== "track") return apiError(400, "Unsupported type");
  const words = (query.get("q") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const hits = TRACKS.filter((track) => {
    const text = `${track.name} ${track.artists.join(" ")}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
  const offset = Number(query.get("offset") ?? 0);
  return Response.json({
    tracks: { items: hits.slice(offset, offset + limit).map(fullTrack), total: hits.length, limit, offset },
  });
}

function albumPage(url: URL, album: FakeSpotifyList, offset: number, limit: number) {
  const ids = album.entries.filter((entry) => typeof entry === "string");
  const items = ids.slice(offset, offset + limit).map((id) => simplifiedTrack(findTrack(id)!));
  const nextOffset = offset + limit;
  const next = nextOffset < ids.length
    ? `${url.origin}/v1/albums/${album.id}/tracks?offset=${nextOffset}&limit=${limit}`
    : null;
  return { items, total: ids.length, limit, offset, next };
}

/** A page of /items: each entry wraps its track or episode in `item` (and, deprecated, the same in `track`). */
function playlistPage(url: URL, playlist: FakeSpotifyList, offset: number, limit: number) {
  const items = playlist.entries.slice(offset, offset + limit).map((entry) => {
    const item = typeof entry === "string"
      ? fullTrack(findTrack(entry)!)
      : { type: "episode", id: entry.episode, name: entry.title, duration_ms: 1_800_000 };
    return { added_at: "2026-04-01T12:00:00Z", is_local: false, item, track: item };
  });
  const nextOffset = offset + limit;
  const next = nextOffset < playlist.entries.length
    ? `${url.origin}/v1/playlists/${playlist.id}/items?offset=${nextOffset}&limit=${limit}`
    : null;
  return { items, total: playlist.entries.length, limit, offset, next };
}

function simplifiedTrack(track: FakeSpotifyTrack) {
  return {
    id: track.id,
    type: "track",
    uri: `spotify:track:${track.id}`,
    name: track.name,
    duration_ms: track.durationMs,
    artists: track.artists.map((name) => ({ name, type: "artist" })),
  };
}

/** A full track has `external_ids` (an empty object when Spotify knows no ISRC); a simplified one has none. */
function fullTrack(track: FakeSpotifyTrack) {
  return { ...simplifiedTrack(track), popularity: 0, external_ids: track.isrc ? { isrc: track.isrc } : {} };
}

function apiError(status: number, message: string): Response {
  return Response.json({ error: { status, message } }, { status });
}

function notFound(id: string): Response {
  return /^[0-9A-Za-z]{22}$/.test(id)
    ? apiError(404, "Resource not found")
    : apiError(400, "Invalid base62 id");
}

// --- Embed pages -----------------------------------------------------------------------------------------

function embedPage(type: string, id: string, breakage: EmbedBreakage | undefined): Response {
  const entity = type === "track" ? trackEntity(id) : listEntity(type, id);
  // Spotify answers a missing id with HTTP 200 and a page that has a status and no state.
  const data = breakage === "changed_shape" ? { entityV2: entity } : { entity };
  const pageProps = entity
    ? { state: { data, settings: { session: { accessToken: "fake-anonymous-embed-token" } } } }
    : { status: 404, title: "Page not found" };
  const json = JSON.stringify({ props: { pageProps }, page: `/embed/${type}/[id]` }).replaceAll(
    "<",
    "\\u003c",
  );
  const script = breakage === "no_next_data"
    ? ""
    : `<script id="__NEXT_DATA__" type="application/json">${
      breakage === "not_json" ? "{oops" : json
    }</script>`;
  const html =
    `<!DOCTYPE html><html><head><title>Spotify Embed</title></head><body><div id="__next"></div>${script}` +
    `<script src="/_next/static/chunks/main.js" async></script></body></html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

function trackEntity(id: string) {
  const track = findTrack(id);
  if (!track) return undefined;
  return {
    type: "track",
    id: track.id,
    uri: `spotify:track:${track.id}`,
    name: track.name,
    title: track.name,
    artists: track.artists.map((name) => ({ name, uri: `spotify:artist:${fakeSpotifyId("artist", 1)}` })),
    duration: track.durationMs,
    isPlayable: true,
    audioPreview: { url: "https://p.scdn.co/mp3-preview/fake" },
  };
}

function listEntity(type: string, id: string) {
  const list = type === "album" ? findAlbum(id) : findPlaylist(id);
  if (!list) return undefined;
  return {
    type,
    id: list.id,
    uri: `spotify:${type}:${list.id}`,
    name: list.name,
    title: list.name,
    trackList: list.entries.slice(0, EMBED_LIMIT).map(listEntry),
  };
}

function listEntry(entry: FakeSpotifyList["entries"][number]) {
  if (typeof entry !== "string") {
    const uri = `spotify:episode:${entry.episode}`;
    return {
      uri,
      uid: entry.episode,
      title: entry.title,
      subtitle: "A Show",
      duration: 1_800_000,
      entityType: "episode",
    };
  }
  const track = findTrack(entry)!;
  return {
    uri: `spotify:track:${track.id}`,
    uid: track.id.slice(0, 16),
    title: track.name,
    // Spotify joins artists with a comma and a non-breaking space.
    subtitle: track.artists.join(",\u00a0"),
    duration: track.durationMs,
    isExplicit: false,
    isPlayable: true,
    entityType: "track",
  };
}

function findTrack(id: string): FakeSpotifyTrack | undefined {
  return TRACKS.find((track) => track.id === id);
}

function findAlbum(id: string): FakeSpotifyList | undefined {
  return [FAKE_SPOTIFY_SEED.album, FAKE_SPOTIFY_SEED.bigAlbum].find((album) => album.id === id);
}

function findPlaylist(id: string): FakeSpotifyList | undefined {
  const { playlist, bigPlaylist, ownPlaylist } = FAKE_SPOTIFY_SEED;
  return [playlist, bigPlaylist, ownPlaylist].find((list) => list.id === id);
}
