import { skippedBefore } from "../skip_segments.ts";
import type { Track } from "../track.ts";

/** Airtime charged for a track whose duration is unknown (live streams, some direct links). */
export const UNKNOWN_DURATION_SECONDS = 180;

/** How the queue orders people's requests: by shared airtime, or plainly by request time. */
export type QueueMode = "fair" | "fifo";

/** The block an entry sits in: "play next" requests, then everyone's requests, then autoplay picks. */
export type QueueLane = "next" | "main" | "autoplay";

/** One queued track and the virtual time, in seconds, at which fair scheduling starts it. */
export interface QueueEntry {
  readonly track: Track;
  readonly start: number;
  readonly lane: QueueLane;
}

const LANE_RANK: Record<QueueLane, number> = { next: 0, main: 1, autoplay: 2 };

/** The position of a lane in play order (smaller plays first). */
export function laneRank(lane: QueueLane): number {
  return LANE_RANK[lane];
}

/** The airtime a track is charged: what is heard of it (skipped parts left out) when known, else the default. */
export function airtimeSeconds(track: Track): number {
  const full = track.durationSeconds;
  const seconds = full === undefined ? undefined : full - skippedBefore(full, track.skipSegments ?? []);
  // A zero or missing duration would let someone queue endless "free" tracks.
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0
    ? seconds
    : UNKNOWN_DURATION_SECONDS;
}

/** Whether an entry's airtime counts against its requester (autoplay picks belong to nobody). */
export function isCharged(entry: QueueEntry): boolean {
  return entry.track.autoplay !== true;
}

/** Negative when `a` plays before `b` under `mode`; zero leaves them in their current order. */
export function compareEntries(a: QueueEntry, b: QueueEntry, mode: QueueMode): number {
  const byLane = laneRank(a.lane) - laneRank(b.lane);
  if (byLane !== 0 || a.lane !== "main") return byLane;
  if (mode === "fair" && a.start !== b.start) return a.start - b.start;
  return a.track.requestedAt - b.track.requestedAt;
}

/** Where a main-lane entry goes: before the first entry that plays after it, so ties keep arrival order. */
export function insertionIndex(entries: readonly QueueEntry[], entry: QueueEntry, mode: QueueMode): number {
  const index = entries.findIndex((other) => compareEntries(other, entry, mode) > 0);
  return index === -1 ? entries.length : index;
}

/** The entries in play order for `mode`; a stable sort, so equal keys keep their current order. */
export function sortForMode(entries: readonly QueueEntry[], mode: QueueMode): QueueEntry[] {
  return [...entries].sort((a, b) => compareEntries(a, b, mode));
}
