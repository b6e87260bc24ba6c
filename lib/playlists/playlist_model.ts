/**
 * What a saved playlist is: whose it is (a person's, usable in every server, or a server's), its name, and
 * its tracks stored resolved (source, title, link, length) so that playing it needs no new search. Stored
 * values carry a schema version; reading checks every field, since a damaged or newer value must not
 * crash a command.
 */
import { parseSource } from "../state/guild_state.ts";
import type { TrackInfo } from "../track.ts";
import { UserError } from "../user_error.ts";

/** The version of every stored playlist value; a newer one is refused rather than misread. */
export const PLAYLIST_SCHEMA_VERSION = 1;

/** Whose playlists: one person's (theirs in every server) or one server's (DJs edit, everyone plays). */
export type PlaylistOwner = { kind: "user"; userId: string } | { kind: "guild"; guildId: string };

/** A stored track: what the resolver found, without the short-lived media address. */
export type PlaylistTrack = Omit<TrackInfo, "media">;

/** The name every person's liked songs are kept under. */
export const LIKED_KEY = "liked";
/** How "liked" is shown. */
export const LIKED_NAME = "Liked";

/** Names are short enough to fit a button's custom id, and free of the ":" those ids are split on. */
export const NAME_MAX = 32;

/** One playlist in an owner's index. */
export interface PlaylistSummary {
  /** The lookup key: the name in lower case. */
  key: string;
  /** The name as it was typed. */
  name: string;
  tracks: number;
  updatedAt: number;
}

/** A whole playlist. */
export interface Playlist extends PlaylistSummary {
  list: PlaylistTrack[];
}

/** The lookup key of a name; names differ only by case are the same playlist. */
export function playlistKey(name: string): string {
  return name.trim().toLowerCase();
}

/** A name as typed, checked: a UserError says what is wrong with it. */
export function checkName(typed: string, options: { allowLiked?: boolean } = {}): string {
  const name = typed.trim().replace(/\s+/g, " ");
  if (name === "") throw new UserError("Give the playlist a name.");
  if (name.length > NAME_MAX) {
    throw new UserError(
      `Playlist names are at most ${NAME_MAX} characters; "${name.slice(0, 40)}…" is longer.`,
    );
  }
  // deno-lint-ignore no-control-regex
  if (/[:\u0000-\u001f\u007f`*_~|<>@#\\]/.test(name)) {
    throw new UserError(
      `"${name}" has a character playlist names cannot use (one of : \` * _ ~ | < > @ # \\).`,
    );
  }
  if (!options.allowLiked && playlistKey(name) === LIKED_KEY) {
    throw new UserError(`"${LIKED_NAME}" is kept for the songs you ♥; pick another name.`);
  }
  return name;
}

// Stored fields are bounded so that a playlist at the track cap fits one Deno KV commit (800 KiB),
// gzipped; titles from outside are cut, not refused.
const TITLE_MAX = 100;
const URL_MAX = 400;
const ARTISTS_MAX = 3;
const ARTIST_MAX = 40;

/** The part of a track a playlist keeps, with outside text cut to its bounds. */
export function toPlaylistTrack(info: TrackInfo): PlaylistTrack {
  const source = info.source.kind === "spotify"
    ? {
      ...info.source,
      title: cut(info.source.title, TITLE_MAX),
      artists: info.source.artists.slice(0, ARTISTS_MAX).map((artist) => cut(artist, ARTIST_MAX)),
    }
    : info.source;
  const track: PlaylistTrack = { source, title: cut(info.title, TITLE_MAX), url: info.url };
  if (info.durationSeconds !== undefined) track.durationSeconds = info.durationSeconds;
  return track;
}

/** Whether a track can be stored: a link too long to keep would not play back. */
export function storable(info: TrackInfo): boolean {
  const sourceUrl = "url" in info.source ? info.source.url : "";
  return info.url.length <= URL_MAX && sourceUrl.length <= URL_MAX;
}

/** The stored value of one playlist. */
export function storedPlaylist(playlist: Playlist): Record<string, unknown> {
  return { version: PLAYLIST_SCHEMA_VERSION, ...playlist };
}

/** Checks a stored playlist; throws an Error naming the first bad field. */
export function parsePlaylist(value: unknown): Playlist {
  const stored = versioned(value, "playlist");
  const list = stored.list;
  if (!Array.isArray(list)) throw new Error("playlist.list must be an array");
  return {
    ...parseSummary(stored, "playlist"),
    list: list.map((track, i) => parseTrackInfo(track, `playlist.list[${i}]`)),
  };
}

/** The stored index of an owner's playlists. */
export function storedIndex(entries: readonly PlaylistSummary[]): Record<string, unknown> {
  return { version: PLAYLIST_SCHEMA_VERSION, entries };
}

/** Checks a stored index. */
export function parseIndex(value: unknown): PlaylistSummary[] {
  const stored = versioned(value, "playlist index");
  if (!Array.isArray(stored.entries)) throw new Error("playlist index.entries must be an array");
  return stored.entries.map((entry, i) => parseSummary(record(entry, `index[${i}]`), `index[${i}]`));
}

function parseSummary(stored: Record<string, unknown>, path: string): PlaylistSummary {
  const { key, name, tracks, updatedAt } = stored;
  if (typeof key !== "string" || typeof name !== "string") throw new Error(`${path} has no name`);
  if (!Number.isSafeInteger(tracks) || (tracks as number) < 0) throw new Error(`${path}.tracks is bad`);
  if (typeof updatedAt !== "number" || !Number.isFinite(updatedAt)) {
    throw new Error(`${path}.updatedAt is bad`);
  }
  return { key, name, tracks: tracks as number, updatedAt };
}

function parseTrackInfo(value: unknown, path: string): PlaylistTrack {
  const stored = record(value, path);
  if (typeof stored.title !== "string" || typeof stored.url !== "string") {
    throw new Error(`${path} needs a title and a url`);
  }
  const track: PlaylistTrack = {
    source: parseSource(stored.source, `${path}.source`),
    title: stored.title,
    url: stored.url,
  };
  const duration = stored.durationSeconds;
  if (typeof duration === "number" && Number.isFinite(duration) && duration >= 0) {
    track.durationSeconds = duration;
  }
  return track;
}

function versioned(value: unknown, path: string): Record<string, unknown> {
  const stored = record(value, path);
  if (typeof stored.version === "number" && stored.version > PLAYLIST_SCHEMA_VERSION) {
    throw new Error(`${path} is from a newer version of the bot (this one reads ${PLAYLIST_SCHEMA_VERSION})`);
  }
  if (stored.version !== PLAYLIST_SCHEMA_VERSION) throw new Error(`${path}.version must be 1`);
  return stored;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${path} must be an object`);
  }
  return value as Record<string, unknown>;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
