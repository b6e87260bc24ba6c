/**
 * Saved playlists in Deno KV. Per owner: `[playlist, kind, id, "index"]` lists the owner's playlists (name,
 * track count), and `[playlist, kind, id, "list", key]` holds one playlist as a chunked value (gzipped JSON
 * in slices, lib/state/chunked_value.ts), so a list of any length up to the cap stays within KV's 64 KiB
 * per value. Every change reads what it changes, then commits with versionstamp checks on the index and on
 * the playlist: a commit that lost a race to another edit is retried on the new value, so two edits at
 * once both land.
 */
import {
  deleteChunked,
  getChunked,
  MAX_CHUNKED_BYTES,
  packChunked,
  setChunked,
} from "../state/chunked_value.ts";
import { UserError } from "../user_error.ts";
import {
  LIKED_KEY,
  LIKED_NAME,
  parseIndex,
  parsePlaylist,
  type Playlist,
  playlistKey,
  type PlaylistOwner,
  type PlaylistSummary,
  type PlaylistTrack,
  storedIndex,
  storedPlaylist,
} from "./playlist_model.ts";

/** TRAZOM_PLAYLISTS_PER_USER and TRAZOM_PLAYLIST_TRACKS (a server's playlists count against the first too). */
export interface PlaylistCaps {
  readonly perUser: number;
  readonly tracks: number;
}

/** What an edit did to a playlist's tracks. */
export interface Appended {
  playlist: Playlist;
  added: number;
  /** Tracks that did not fit under the track cap (or were already there, for a like). */
  leftOut: number;
}

/** A change an edit wants: the playlist's new value (null: delete it), and what to return. */
interface Change<T> {
  write: Playlist | null;
  result: T;
}

/** How many times an edit that lost a race is tried again on the new value. */
const EDIT_ATTEMPTS = 25;

/** Reads and edits saved playlists. */
export class PlaylistStore {
  constructor(private readonly kv: Deno.Kv, private readonly caps: PlaylistCaps) {}

  /** The owner's playlists, in name order ("Liked" first when there is one). */
  async list(owner: PlaylistOwner): Promise<PlaylistSummary[]> {
    const index = await this.kv.get(indexKey(owner));
    return sorted(index.value === null ? [] : parseIndex(index.value));
  }

  /** One playlist, or undefined. */
  async get(owner: PlaylistOwner, name: string): Promise<Playlist | undefined> {
    const value = await getChunked(this.kv, listKey(owner, playlistKey(name)), "playlist");
    return value === undefined ? undefined : parsePlaylist(value);
  }

  /** Makes a new playlist from `tracks` (cut at the track cap); a UserError if the name is taken. */
  async create(owner: PlaylistOwner, name: string, tracks: readonly PlaylistTrack[]): Promise<Appended> {
    return await this.#edit(owner, playlistKey(name), (existing, index) => {
      if (existing) throw new UserError(`You already have a playlist named "${existing.name}".`);
      this.#checkRoom(owner, index);
      const list = tracks.slice(0, this.caps.tracks);
      const playlist = { ...summary(name, list.length), list };
      return {
        write: playlist,
        result: { playlist, added: list.length, leftOut: tracks.length - list.length },
      };
    });
  }

  /** Adds tracks at the end, making the playlist if `create` and it does not exist; cut at the track cap. */
  async append(
    owner: PlaylistOwner,
    name: string,
    tracks: readonly PlaylistTrack[],
    options: { create: boolean; skipKnown?: boolean },
  ): Promise<Appended> {
    return await this.#edit(owner, playlistKey(name), (existing, index) => {
      if (!existing && !options.create) throw missing(name);
      if (!existing && playlistKey(name) !== LIKED_KEY) this.#checkRoom(owner, index);
      const before = existing?.list ?? [];
      const known = new Set(options.skipKnown ? before.map((track) => track.url) : []);
      const fresh = tracks.filter((track) => !known.has(track.url));
      if (fresh.length === 0 && tracks.length > 0) {
        throw new UserError(`That is already in "${shownName(existing ?? summary(name, 0))}".`);
      }
      const room = Math.max(0, this.caps.tracks - before.length);
      const added = fresh.slice(0, room);
      if (added.length === 0 && fresh.length > 0) {
        throw new UserError(
          `"${existing?.name ?? name}" already holds ${before.length} tracks, the most a playlist may hold.`,
        );
      }
      const list = [...before, ...added];
      const playlist = { ...summary(existing?.name ?? name, list.length), list };
      return {
        write: playlist,
        result: { playlist, added: added.length, leftOut: tracks.length - added.length },
      };
    });
  }

  /** Takes out the track at 1-based `position`; returns it. */
  async removeAt(owner: PlaylistOwner, name: string, position: number): Promise<PlaylistTrack> {
    return await this.#edit(owner, playlistKey(name), (existing) => {
      if (!existing) throw missing(name);
      if (!Number.isSafeInteger(position) || position < 1 || position > existing.list.length) {
        throw new UserError(
          `"${existing.name}" has ${existing.list.length} tracks; there is no position ${position}.`,
        );
      }
      const list = existing.list.filter((_, i) => i !== position - 1);
      return { write: { ...summary(existing.name, list.length), list }, result: existing.list[position - 1] };
    });
  }

  /** Deletes a playlist; returns what it was. */
  async delete(owner: PlaylistOwner, name: string): Promise<PlaylistSummary> {
    return await this.#edit(owner, playlistKey(name), (existing) => {
      if (!existing) throw missing(name);
      return { write: null, result: withoutList(existing) };
    });
  }

  /** Renames a playlist; the new name must be free (a change of case only is allowed). */
  async rename(owner: PlaylistOwner, from: string, to: string): Promise<void> {
    const fromKey = playlistKey(from);
    const toKey = playlistKey(to);
    for (let attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
      const [index, source, target] = await Promise.all([
        this.kv.get(indexKey(owner)),
        this.kv.get(listKey(owner, fromKey)),
        this.kv.get(listKey(owner, toKey)),
      ]);
      const existing = await this.get(owner, from);
      if (!existing) throw missing(from);
      if (toKey !== fromKey && target.value !== null) {
        throw new UserError(`There is already a playlist named "${to}".`);
      }
      const renamed = { ...existing, ...summary(to, existing.list.length) };
      const packed = await packOrRefuse(renamed);
      const entries = (index.value === null ? [] : parseIndex(index.value))
        .filter((entry) => entry.key !== fromKey && entry.key !== toKey);
      const op = this.kv.atomic().check(index, source, target);
      if (toKey !== fromKey) deleteChunked(op, listKey(owner, fromKey));
      setChunked(op, listKey(owner, toKey), packed);
      op.set(indexKey(owner), storedIndex([...entries, withoutList(renamed)]));
      if ((await op.commit()).ok) return;
      await backOff(attempt);
    }
    throw busy();
  }

  /** Reads the index and the playlist, applies `change`, and commits only if neither changed meanwhile. */
  async #edit<T>(
    owner: PlaylistOwner,
    key: string,
    change: (existing: Playlist | undefined, index: PlaylistSummary[]) => Change<T>,
  ): Promise<T> {
    for (let attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
      const [index, manifest] = await Promise.all([
        this.kv.get(indexKey(owner)),
        this.kv.get(listKey(owner, key)),
      ]);
      const existing = manifest.value === null ? undefined : await this.get(owner, key);
      const entries = index.value === null ? [] : parseIndex(index.value);
      const { write, result } = change(existing, entries);
      // The checks are what make a lost race visible: the commit fails and the edit runs again.
      const op = this.kv.atomic().check(index, manifest);
      const others = entries.filter((entry) => entry.key !== key);
      if (write === null) {
        deleteChunked(op, listKey(owner, key));
        op.set(indexKey(owner), storedIndex(others));
      } else {
        setChunked(op, listKey(owner, key), await packOrRefuse(write));
        op.set(indexKey(owner), storedIndex([...others, withoutList(write)]));
      }
      if ((await op.commit()).ok) return result;
      await backOff(attempt);
    }
    throw busy();
  }

  #checkRoom(owner: PlaylistOwner, index: PlaylistSummary[]): void {
    const counted = index.filter((entry) => entry.key !== LIKED_KEY).length;
    if (counted < this.caps.perUser) return;
    const whose = owner.kind === "user" ? "You have" : "This server has";
    throw new UserError(
      `${whose} ${counted} playlists, the most allowed. Delete one with /playlist delete first.`,
    );
  }
}

/** The display name of a summary's playlist, for replies. */
export function shownName(entry: Pick<PlaylistSummary, "key" | "name">): string {
  return entry.key === LIKED_KEY ? LIKED_NAME : entry.name;
}

function indexKey(owner: PlaylistOwner): Deno.KvKey {
  return [...ownerPrefix(owner), "index"];
}

function listKey(owner: PlaylistOwner, key: string): Deno.KvKey {
  return [...ownerPrefix(owner), "list", key];
}

function ownerPrefix(owner: PlaylistOwner): Deno.KvKey {
  return owner.kind === "user" ? ["playlist", "user", owner.userId] : ["playlist", "guild", owner.guildId];
}

function summary(name: string, tracks: number): PlaylistSummary {
  return { key: playlistKey(name), name: name.trim(), tracks, updatedAt: Date.now() };
}

function withoutList(playlist: Playlist): PlaylistSummary {
  const { key, name, tracks, updatedAt } = playlist;
  return { key, name, tracks, updatedAt };
}

function sorted(entries: PlaylistSummary[]): PlaylistSummary[] {
  return entries.toSorted((a, b) =>
    a.key === LIKED_KEY ? -1 : b.key === LIKED_KEY ? 1 : a.key.localeCompare(b.key)
  );
}

async function packOrRefuse(playlist: Playlist): Promise<Uint8Array> {
  const packed = await packChunked(storedPlaylist(playlist));
  if (packed.length > MAX_CHUNKED_BYTES) {
    throw new UserError(`"${playlist.name}" would be too large to store; remove some tracks first.`);
  }
  return packed;
}

function missing(name: string): UserError {
  return new UserError(`There is no playlist named "${name}". /playlist list shows the ones there are.`);
}

function busy(): UserError {
  return new UserError("That playlist is being changed by many people at once; please try again.");
}

async function backOff(attempt: number): Promise<void> {
  // A little randomness keeps two losers of the same race from colliding again.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
}
