import type { Track, TrackSource } from "../track.ts";
import { laneRank, type QueueEntry, type QueueLane, type QueueMode } from "./queue_entry.ts";

/** A fair queue as plain JSON, enough to resume it exactly after a restart. */
export interface FairQueueSnapshot {
  version: 1;
  mode: QueueMode;
  /** The virtual time of what is playing now, in seconds. */
  now: number;
  /** The part of each requester's clock that comes from tracks already taken; the rest is their queue. */
  playedUntil: Record<string, number>;
  /** In play order. */
  entries: { track: Track; start: number; lane: QueueLane }[];
}

type Json = Record<string, unknown>;

const MODES: readonly string[] = ["fair", "fifo"];
const LANES: readonly string[] = ["next", "main", "autoplay"];

/** Checks an untrusted value is a well-formed snapshot; throws an Error naming the first bad field. */
export function parseQueueSnapshot(value: unknown): FairQueueSnapshot {
  const root = record(value, "snapshot");
  if (root.version !== 1) fail("snapshot.version", "must be 1", root.version);
  const mode = oneOf(root.mode, MODES, "snapshot.mode") as QueueMode;
  const now = finite(root.now, "snapshot.now");
  const played = record(root.playedUntil, "snapshot.playedUntil");
  const playedUntil: Record<string, number> = {};
  for (const [id, at] of Object.entries(played)) {
    playedUntil[id] = finite(at, `snapshot.playedUntil["${id}"]`);
  }
  if (!Array.isArray(root.entries)) fail("snapshot.entries", "must be an array", root.entries);
  const entries = (root.entries as unknown[]).map((entry, i) => parseEntry(entry, `snapshot.entries[${i}]`));
  checkOrder(entries, mode);
  return { version: 1, mode, now, playedUntil, entries };
}

function parseEntry(value: unknown, path: string): QueueEntry & FairQueueSnapshot["entries"][number] {
  const entry = record(value, path);
  return {
    track: parseTrack(entry.track, `${path}.track`),
    start: finite(entry.start, `${path}.start`),
    lane: oneOf(entry.lane, LANES, `${path}.lane`) as QueueLane,
  };
}

function parseTrack(value: unknown, path: string): Track {
  const track = record(value, path);
  for (const key of ["id", "requesterId", "title", "url"]) text(track[key], `${path}.${key}`);
  finite(track.requestedAt, `${path}.requestedAt`);
  if (track.durationSeconds !== undefined) finite(track.durationSeconds, `${path}.durationSeconds`);
  if (track.autoplay !== undefined && typeof track.autoplay !== "boolean") {
    fail(`${path}.autoplay`, "must be a boolean", track.autoplay);
  }
  parseSource(track.source, `${path}.source`);
  return structuredClone(track) as unknown as Track;
}

function parseSource(value: unknown, path: string): TrackSource {
  const source = record(value, path);
  const fields: Record<string, string[]> = {
    youtube: ["videoId"],
    url: ["url"],
    site: ["site", "id", "url"],
    spotify: ["trackId", "title"],
  };
  const required = fields[oneOf(source.kind, Object.keys(fields), `${path}.kind`)];
  for (const key of required) text(source[key], `${path}.${key}`);
  return source as unknown as TrackSource;
}

/** Entries must be in lane order, unique, and (in fair mode) in start order within the main lane. */
function checkOrder(entries: QueueEntry[], mode: QueueMode): void {
  const ids = new Set<string>();
  entries.forEach((entry, i) => {
    if (ids.has(entry.track.id)) fail(`snapshot.entries[${i}].track.id`, "must be unique", entry.track.id);
    ids.add(entry.track.id);
    const before = entries[i - 1];
    if (!before) return;
    if (laneRank(before.lane) > laneRank(entry.lane)) {
      fail(`snapshot.entries[${i}].lane`, `cannot follow "${before.lane}"`, entry.lane);
    }
    if (mode === "fair" && entry.lane === "main" && before.lane === "main" && before.start > entry.start) {
      fail(
        `snapshot.entries[${i}].start`,
        `cannot be before the previous start ${before.start}`,
        entry.start,
      );
    }
  });
}

function record(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(path, "must be an object", value);
  }
  return value as Json;
}

function finite(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, "must be a finite number", value);
  return value as number;
}

function text(value: unknown, path: string): string {
  if (typeof value !== "string") fail(path, "must be a string", value);
  return value as string;
}

function oneOf(value: unknown, allowed: readonly string[], path: string): string {
  if (typeof value !== "string" || !allowed.includes(value)) {
    fail(path, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`, value);
  }
  return value as string;
}

function fail(path: string, rule: string, value: unknown): never {
  throw new Error(`Invalid queue snapshot: ${path} ${rule}, got ${JSON.stringify(value) ?? String(value)}`);
}
