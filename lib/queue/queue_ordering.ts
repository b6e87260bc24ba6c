import type { Track } from "../track.ts";
import { airtimeSeconds, type QueueEntry, type QueueMode, sortForMode } from "./queue_entry.ts";

/** What `/sort` can order by. */
export type QueueSortKey = "title" | "duration" | "requested";

/** A source of numbers in [0, 1), injectable so tests can fix the shuffle. */
export type RandomSource = () => number;

/** A new array with the tracks in random order (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: RandomSource = Math.random): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** A new array of the tracks sorted by `key`; unknown durations go last, ties keep their order. */
export function sortedBy(tracks: readonly Track[], key: QueueSortKey): Track[] {
  const compare: Record<QueueSortKey, (a: Track, b: Track) => number> = {
    title: (a, b) => collator.compare(a.title, b.title),
    duration: (a, b) => (a.durationSeconds ?? Infinity) - (b.durationSeconds ?? Infinity) || 0,
    requested: (a, b) => a.requestedAt - b.requestedAt,
  };
  return [...tracks].sort(compare[key]);
}

/**
 * Applies `arrange` to the queue: to each requester's own tracks in fair mode, to the whole queue in
 * fifo mode. "Play next" entries stay where a DJ put them; autoplay picks are arranged among themselves.
 */
export function rearranged(
  entries: readonly QueueEntry[],
  mode: QueueMode,
  arrange: (tracks: Track[]) => Track[],
): QueueEntry[] {
  const next = entries.filter((entry) => entry.lane === "next");
  const main = entries.filter((entry) => entry.lane === "main");
  const autoplay = entries.filter((entry) => entry.lane === "autoplay");
  const newMain = mode === "fair" ? arrangedPerRequester(main, arrange) : carriedInNewOrder(main, arrange);
  return [...next, ...newMain, ...intoSameSlots(autoplay, arrange)];
}

/** In fifo mode each track keeps its own start: its requester's airtime accounting does not change. */
function carriedInNewOrder(entries: QueueEntry[], arrange: (tracks: Track[]) => Track[]): QueueEntry[] {
  const byTrack = new Map(entries.map((entry) => [entry.track, entry]));
  return arrange(entries.map((entry) => entry.track)).map((track) => byTrack.get(track)!);
}

/** Autoplay starts are nominal: the arranged tracks take the existing (sorted) starts in turn. */
function intoSameSlots(entries: QueueEntry[], arrange: (tracks: Track[]) => Track[]): QueueEntry[] {
  const tracks = arrange(entries.map((entry) => entry.track));
  return tracks.map((track, i) => ({ ...entries[i], track }));
}

/**
 * Each requester's tracks are laid end to end again, in the new order, from where that requester's
 * first track started: their airtime stays contiguous, so their share against everyone else is unchanged.
 */
function arrangedPerRequester(entries: QueueEntry[], arrange: (tracks: Track[]) => Track[]): QueueEntry[] {
  const groups = new Map<string, QueueEntry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.track.requesterId) ?? [];
    group.push(entry);
    groups.set(entry.track.requesterId, group);
  }
  const relaid: QueueEntry[] = [];
  for (const group of groups.values()) {
    let start = Math.min(...group.map((entry) => entry.start));
    for (const track of arrange(group.map((entry) => entry.track))) {
      relaid.push({ track, start, lane: "main" });
      start += airtimeSeconds(track);
    }
  }
  return sortForMode(relaid, "fair");
}
