import type { TrackInfo } from "../track.ts";
import { UserError } from "../user_error.ts";
import { createSpotifyApi, type SpotifyApi, type SpotifyApiList } from "./spotify_api.ts";
import { createSpotifyEmbed, EMBED_ENTRY_LIMIT, type EmbedCollection } from "./spotify_embed.ts";
import { boundedTitle } from "./bounded_text.ts";

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
  /** Used for the Web API and the embed pages. */
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
      fetch: config.fetch,
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
      if (link.type === "album" && api) return fromApiList(await api.getAlbum(link.id, max), "album", max);
      // Since 2026 a token may read only its own user's playlists' items; the embed page lists the rest.
      const items = link.type === "playlist" && api ? await api.getPlaylistItems(link.id, max) : undefined;
      if (items) return fromApiList(items, "playlist", max);
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

function fromApiList(list: SpotifyApiList, type: "album" | "playlist", limit: number): SpotifyResolution {
  const tracks = list.tracks.map((track) =>
    toTrackInfo({
      trackId: track.id,
      title: track.name,
      artists: track.artists,
      durationMs: track.durationMs,
      isrc: track.isrc,
    })
  );
  // Episodes and local files count in the total but are never queued: only the limit makes a note.
  const note = tracks.length >= limit && list.total > tracks.length
    ? `Queued the first ${tracks.length} of the ${type}'s ${list.total} tracks.`
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
    title: boundedTitle(
      facts.artists.length > 0 ? `${facts.artists.join(", ")} - ${facts.title}` : facts.title,
    ),
    url: `https://open.spotify.com/track/${facts.trackId}`,
    ...seconds,
  };
}
