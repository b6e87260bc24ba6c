/**
 * What a guild's music state looks like when saved, and the checks that turn a stored value back into it.
 *
 * Stored records carry `version: 1` next to their fields, so a value written by a newer bot is told apart
 * from a damaged one. Parsers rebuild each record from the fields they know, so unknown extras are dropped.
 */
import type { FairQueueSnapshot } from "../queue/queue_snapshot.ts";
import type { QueueMode } from "../queue/queue_entry.ts";
import type { Track, TrackInfo, TrackSource } from "../track.ts";
import { type AudioFilters, parseFilters, parseVolume } from "../audio_effects.ts";

/** The version written into every stored record. */
export const STATE_VERSION = 1;

/** How many plays the history keeps. */
export const HISTORY_LIMIT = 200;

/** What repeats when a track ends. */
export type LoopMode = "off" | "track" | "queue";

/** A guild's choices that outlive the queue. */
export interface GuildSettings {
  mode: QueueMode;
  loop: LoopMode;
  autoplay: boolean;
  /** 24/7: stay in the voice channel when alone or idle, and rejoin it after a restart. */
  stay: boolean;
  /** With `stay` on: the voice channel the bot is in, to rejoin after a restart even with nothing playing. */
  stayChannelId?: string;
  /** Percent, 0–200; 100 plays the prepared file as it is. */
  volume: number;
  filters: AudioFilters;
}

/** The settings of a guild that never chose any. */
export const DEFAULT_SETTINGS: Readonly<GuildSettings> = Object.freeze({
  mode: "fair",
  loop: "off",
  autoplay: false,
  stay: false,
  volume: 100,
  filters: Object.freeze({}),
});

/** The track that was playing and where, so a restart can rejoin and seek back to it. */
export interface Playback {
  track: Track;
  positionSeconds: number;
  paused: boolean;
  voiceChannelId: string;
  textChannelId?: string;
  /** Milliseconds since the epoch. */
  savedAt: number;
}

/** One play, kept for /history and to seed autoplay. */
export interface HistoryEntry extends TrackInfo {
  requesterId: string;
  /** Milliseconds since the epoch. */
  playedAt: number;
  autoplay?: boolean;
}

/** Everything `load` gives back for a guild; a part that was never saved (or was unreadable) is absent. */
export interface GuildState {
  queue?: FairQueueSnapshot;
  playback?: Playback;
  settings: GuildSettings;
}

type Json = Record<string, unknown>;

const MODES: readonly string[] = ["fair", "fifo"];
const LOOPS: readonly string[] = ["off", "track", "queue"];

/** The history entry for a track that has just started playing. */
export function historyEntryOf(track: Track, playedAt: number): HistoryEntry {
  const { source, title, url, durationSeconds, requesterId, autoplay } = track;
  return withOptional({ source, title, url, requesterId, playedAt }, { durationSeconds, autoplay });
}

/** Checks a stored `{ version, ...Playback }`; throws an Error naming the first bad field. */
export function parsePlayback(value: unknown): Playback {
  const stored = versioned(value, "playback");
  const playback = {
    track: parseTrack(stored.track, "playback.track"),
    positionSeconds: nonNegative(stored.positionSeconds, "playback.positionSeconds"),
    paused: bool(stored.paused, "playback.paused"),
    voiceChannelId: text(stored.voiceChannelId, "playback.voiceChannelId"),
    savedAt: finite(stored.savedAt, "playback.savedAt"),
  };
  return withOptional(playback, {
    textChannelId: optional(stored.textChannelId, "playback.textChannelId", text),
  });
}

/** Checks stored `{ version, ...GuildSettings }`; a missing field (from an older bot) takes its default. */
export function parseSettings(value: unknown): GuildSettings {
  const stored = versioned(value, "settings");
  const field = <T>(key: keyof GuildSettings, check: (value: unknown, path: string) => T): T =>
    optional(stored[key], `settings.${key}`, check) ?? (DEFAULT_SETTINGS[key] as T);
  return withOptional({
    mode: field("mode", (v, path) => oneOf(v, MODES, path) as QueueMode),
    loop: field("loop", (v, path) => oneOf(v, LOOPS, path) as LoopMode),
    autoplay: field("autoplay", bool),
    stay: field("stay", bool),
    volume: field("volume", parseVolume),
    filters: field("filters", parseFilters),
  }, { stayChannelId: optional(stored.stayChannelId, "settings.stayChannelId", text) });
}

/** Checks a stored `{ version, seq, ...HistoryEntry }`; `seq` orders plays, newest highest. */
export function parseHistoryRecord(value: unknown): { seq: number; entry: HistoryEntry } {
  const stored = versioned(value, "history");
  const seq = count(stored.seq, "history.seq");
  const entry = withOptional({
    source: parseSource(stored.source, "history.source"),
    title: text(stored.title, "history.title"),
    url: text(stored.url, "history.url"),
    requesterId: text(stored.requesterId, "history.requesterId"),
    playedAt: finite(stored.playedAt, "history.playedAt"),
  }, {
    durationSeconds: optional(stored.durationSeconds, "history.durationSeconds", nonNegative),
    autoplay: optional(stored.autoplay, "history.autoplay", bool),
  });
  return { seq, entry };
}

/** The record at a chunked value's own key: how many slices follow it and how many bytes they hold. */
export interface ChunkManifest {
  chunks: number;
  bytes: number;
}

/** Checks a stored `{ version, chunks, bytes }`. */
export function parseChunkManifest(value: unknown, path: string): ChunkManifest {
  const stored = versioned(value, path);
  return { chunks: count(stored.chunks, `${path}.chunks`), bytes: count(stored.bytes, `${path}.bytes`) };
}

/** Checks a stored history head `{ version, next }`; returns the sequence number of the next play. */
export function parseHistoryHead(value: unknown): number {
  return count(versioned(value, "history head").next, "history head.next");
}

/** Checks an untrusted Track; throws an Error naming the first bad field under `path`. */
export function parseTrack(value: unknown, path: string): Track {
  const track = record(value, path);
  const required = {
    id: text(track.id, `${path}.id`),
    title: text(track.title, `${path}.title`),
    url: text(track.url, `${path}.url`),
    requesterId: text(track.requesterId, `${path}.requesterId`),
    requestedAt: finite(track.requestedAt, `${path}.requestedAt`),
    source: parseSource(track.source, `${path}.source`),
  };
  return withOptional(required, {
    durationSeconds: optional(track.durationSeconds, `${path}.durationSeconds`, nonNegative),
    autoplay: optional(track.autoplay, `${path}.autoplay`, bool),
  });
}

/** Checks an untrusted TrackSource; throws an Error naming the first bad field under `path`. */
export function parseSource(value: unknown, path: string): TrackSource {
  const source = record(value, path);
  const kind = oneOf(source.kind, ["youtube", "site", "url", "spotify"], `${path}.kind`);
  if (kind === "youtube") return { kind: "youtube", videoId: text(source.videoId, `${path}.videoId`) };
  if (kind === "url") return { kind: "url", url: text(source.url, `${path}.url`) };
  if (kind === "site") {
    const site = oneOf(source.site, ["soundcloud", "bandcamp"], `${path}.site`) as "soundcloud" | "bandcamp";
    return { kind: "site", site, id: text(source.id, `${path}.id`), url: text(source.url, `${path}.url`) };
  }
  if (!Array.isArray(source.artists)) fail(`${path}.artists`, "must be an array", source.artists);
  const spotify = {
    kind: "spotify" as const,
    trackId: text(source.trackId, `${path}.trackId`),
    title: text(source.title, `${path}.title`),
    artists: (source.artists as unknown[]).map((artist, i) => text(artist, `${path}.artists[${i}]`)),
  };
  return withOptional(spotify, {
    isrc: optional(source.isrc, `${path}.isrc`, text),
    durationSeconds: optional(source.durationSeconds, `${path}.durationSeconds`, nonNegative),
  });
}

/** The record inside a stored value, refusing versions this bot does not know. */
function versioned(value: unknown, path: string): Json {
  const stored = record(value, path);
  const version = stored.version;
  if (typeof version === "number" && version > STATE_VERSION) {
    fail(`${path}.version`, `is from a newer version of the bot (this one reads ${STATE_VERSION})`, version);
  }
  if (version !== STATE_VERSION) fail(`${path}.version`, `must be ${STATE_VERSION}`, version);
  return stored;
}

/** `base` plus the optional fields that are set, so absent fields stay absent rather than `undefined`. */
function withOptional<T extends object, O extends object>(base: T, extras: O): T & Partial<O> {
  const result: Json = { ...base } as Json;
  for (const [key, value] of Object.entries(extras)) if (value !== undefined) result[key] = value;
  return result as T & Partial<O>;
}

function optional<T>(
  value: unknown,
  path: string,
  check: (value: unknown, path: string) => T,
): T | undefined {
  return value === undefined ? undefined : check(value, path);
}

function record(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(path, "must be an object", value);
  }
  return value as Json;
}

function text(value: unknown, path: string): string {
  if (typeof value !== "string") fail(path, "must be a string", value);
  return value as string;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") fail(path, "must be a boolean", value);
  return value as boolean;
}

function finite(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, "must be a finite number", value);
  return value as number;
}

function nonNegative(value: unknown, path: string): number {
  if (finite(value, path) < 0) fail(path, "must not be negative", value);
  return value as number;
}

function count(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(path, "must be a whole number", value);
  return value as number;
}

function oneOf(value: unknown, allowed: readonly string[], path: string): string {
  if (typeof value !== "string" || !allowed.includes(value)) {
    fail(path, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`, value);
  }
  return value as string;
}

function fail(path: string, rule: string, value: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  throw new Error(`${path} ${rule}, got ${shown.length > 80 ? shown.slice(0, 77) + "..." : shown}`);
}
