import type { TrackInfo } from "../track.ts";
import { UserError } from "../user_error.ts";
import { createSpotifyApi, type SpotifyApi } from "./spotify_api.ts";
import { createSpotifyEmbed, EMBED_ENTRY_LIMIT, type EmbedCollection } from "./spotify_embed.ts";

/** A classified Spotify link. */
export interface SpotifyLink {
  type: "track" | "album" | "playlist";
  id: string;
}

/** The tracks a link stands for, and a sentence for the user when a limit cut the list short. */
export interface SpotifyResolution {
  tracks: TrackInfo[];
  note?: string;
}

/** Credentials are optional: without them everything comes from the public embed pages. */
export interface SpotifyResolverConfig {
  clientId?: string;
  clientSecret?: string;
  apiUrl?: string;
  accountsUrl?: string;
  embedUrl?: string;
  /** Used for embed pages; the Web API goes through spotify-web-api-node. */
  fetch?: typeof fetch;
  log?: (message: string) => void;
}

/** Turns Spotify links into tracks. */
export interface SpotifyResolver {
  resolve(link: SpotifyLink, limit: number): Promise<SpotifyResolution>;
}

const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;

/** Creates a resolver: the Web API for tracks and albums when credentials are given, embed pages otherwise. */
export function createSpotifyResolver(config: SpotifyResolverConfig): SpotifyResolver {
  const api = config.clientId && config.clientSecret
    ? createSpotifyApi({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      apiUrl: config.apiUrl,
      accountsUrl: config.accountsUrl,
      log: config.log,
    })
    : undefined;
  const embed = createSpotifyEmbed({ embedUrl: config.embedUrl, fetch: config.fetch, log: config.log });

  return {
    async resolve(link, limit) {
      if (!SPOTIFY_ID.test(link.id)) throw new UserError(`"${link.id}" is not a Spotify ${link.type} id`);
      const max = Math.max(1, Math.floor(limit));
      if (link.type === "track") {
        return { tracks: [toTrackInfo(api ? await apiTrack(api, link.id) : await embed.getTrack(link.id))] };
      }
      // Playlist contents left the Web API for apps like this one in 2026; the embed page still lists them.
      if (link.type === "album" && api) return await apiAlbum(api, link.id, max);
      return fromCollection(await embed.getCollection(link.type, link.id), link.type, max);
    },
  };
}

/** What either source tells about one track. */
export interface SpotifyTrackFacts {
  trackId: string;
  title: string;
  artists: string[];
  durationMs?: number;
  isrc?: string;
}

async function apiTrack(api: SpotifyApi, id: string): Promise<SpotifyTrackFacts> {
  const track = await api.getTrack(id);
  return {
    trackId: track.id,
    title: track.name,
    artists: track.artists,
    durationMs: track.durationMs,
    isrc: track.isrc,
  };
}

async function apiAlbum(api: SpotifyApi, id: string, limit: number): Promise<SpotifyResolution> {
  const album = await api.getAlbum(id, limit);
  const tracks = album.tracks.map((track) =>
    toTrackInfo({
      trackId: track.id,
      title: track.name,
      artists: track.artists,
      durationMs: track.durationMs,
    })
  );
  const note = album.totalTracks > tracks.length
    ? `Queued the first ${tracks.length} of the album's ${album.totalTracks} tracks.`
    : undefined;
  return note ? { tracks, note } : { tracks };
}

function fromCollection(
  collection: EmbedCollection,
  type: "album" | "playlist",
  limit: number,
): SpotifyResolution {
  const tracks = collection.tracks.slice(0, limit).map(toTrackInfo);
  if (tracks.length < collection.tracks.length) {
    return { tracks, note: `Queued the first ${tracks.length} tracks of the ${type}.` };
  }
  if (collection.capped) {
    const note = `Spotify only shows the first ${EMBED_ENTRY_LIMIT} tracks of ${
      type === "album" ? "an album" : "a playlist"
    } to apps like this one; queued ${tracks.length}.`;
    return { tracks, note };
  }
  return { tracks };
}

/** Spotify facts → a queueable track; matching to YouTube waits until it is about to play. */
export function toTrackInfo(facts: SpotifyTrackFacts): TrackInfo {
  const durationSeconds = facts.durationMs ? Math.round(facts.durationMs / 1000) : undefined;
  const seconds = durationSeconds ? { durationSeconds } : {};
  return {
    source: {
      kind: "spotify",
      trackId: facts.trackId,
      title: facts.title,
      artists: facts.artists,
      ...(facts.isrc ? { isrc: facts.isrc } : {}),
      ...seconds,
    },
    title: facts.artists.length > 0 ? `${facts.artists.join(", ")} - ${facts.title}` : facts.title,
    url: `https://open.spotify.com/track/${facts.trackId}`,
    ...seconds,
  };
}
