/**
 * The fair, time-based track queue ("mom said it's my turn").
 *
 * Each requester has a virtual clock, in seconds of airtime. A new track starts at
 * max(requester's clock, virtual now) and moves the clock on by its duration; the queue plays by start,
 * then request time, then arrival. Virtual now is the start of the track taken last.
 *
 * Only what cannot be derived is stored: the entries with their starts, virtual now, and for each
 * requester the point their already-taken tracks reach (`playedUntil`). A requester's clock is
 * max(now, playedUntil) plus the airtime of their queued tracks, so:
 * - idling banks nothing: the clock never starts before now;
 * - removing a track gives back exactly its own airtime, never more; the requester's later tracks move
 *   up by that much (never before now), as if it had never been queued. Removing everything and
 *   queueing it again lands on the same starts with later request times, so no one jumps ahead;
 * - a taken track stays charged even when skipped: skipping your own song does not buy priority.
 *
 * Entries sit in three lanes, in this order: a DJ's "play next" requests (newest first), everyone's
 * requests (ordered as above), and autoplay picks, which are charged to no one and so always wait
 * behind every person. Switching mode re-sorts by the new mode's rule, so manual moves do not survive it.
 */
import type { Track } from "../track.ts";
import {
  airtimeSeconds,
  insertionIndex,
  isCharged,
  type QueueEntry,
  type QueueLane,
  type QueueMode,
  sortForMode,
} from "./queue_entry.ts";
import { type QueueSortKey, type RandomSource, rearranged, shuffled, sortedBy } from "./queue_ordering.ts";
import { withoutEntries } from "./queue_removal.ts";
import { type FairQueueSnapshot, parseQueueSnapshot } from "./queue_snapshot.ts";

/** How a track is added. */
export interface EnqueueOptions {
  /** A DJ's "play next": ahead of everything, newest first. Charged to the requester's later requests. */
  next?: boolean;
}

/** A queued track with the seconds until it plays, estimated from the durations ahead of it. */
export interface ScheduledTrack {
  /** 1-based, as shown to users. */
  position: number;
  track: Track;
  startsInSeconds: number;
}

/** The fair queue of one guild; pure state, no I/O. */
export class FairQueue {
  #entries: QueueEntry[] = [];
  #now = 0;
  #playedUntil = new Map<string, number>();
  #mode: QueueMode;

  /** An empty queue in `mode` (fair unless told otherwise). */
  constructor(mode: QueueMode = "fair") {
    this.#mode = mode;
  }

  /** Rebuilds a queue from `snapshot()` output; throws an Error naming the bad field if it is corrupt. */
  static fromSnapshot(value: unknown): FairQueue {
    const snapshot = parseQueueSnapshot(value);
    const queue = new FairQueue(snapshot.mode);
    queue.#now = snapshot.now;
    queue.#playedUntil = new Map(Object.entries(snapshot.playedUntil));
    queue.#entries = snapshot.entries;
    return queue;
  }

  /** How many tracks are waiting. */
  get length(): number {
    return this.#entries.length;
  }

  /** The current ordering mode. */
  get mode(): QueueMode {
    return this.#mode;
  }

  /** Switches mode; the queue is re-sorted by the new mode's rule (earlier moves are undone), nothing is lost. */
  setMode(mode: QueueMode): void {
    if (mode === this.#mode) return;
    this.#mode = mode;
    this.#entries = sortForMode(this.#entries, mode);
  }

  /** Adds one track; returns its 1-based position. */
  enqueue(track: Track, options: EnqueueOptions = {}): number {
    return this.enqueueMany([track], options)[0];
  }

  /** Adds several tracks (a playlist) in order; returns their 1-based positions once all are in. */
  enqueueMany(tracks: readonly Track[], options: EnqueueOptions = {}): number[] {
    tracks.forEach((track, i) => {
      const lane: QueueLane = options.next ? "next" : track.autoplay ? "autoplay" : "main";
      // A batch of "play next" tracks keeps its own order at the front.
      const index = lane === "next" ? i : lane === "autoplay" ? this.#entries.length : undefined;
      const entry = { track, start: this.#startFor(track, lane), lane };
      this.#entries.splice(index ?? insertionIndex(this.#entries, entry, this.#mode), 0, entry);
    });
    return tracks.map((track) => this.#entries.findIndex((entry) => entry.track === track) + 1);
  }

  /** Removes and returns the track to play now, and moves virtual now to its start. */
  takeNext(): Track | undefined {
    const entry = this.#entries.shift();
    if (!entry) return undefined;
    this.#now = Math.max(this.#now, entry.start);
    const requester = entry.track.requesterId;
    if (isCharged(entry)) {
      const from = Math.max(this.#now, this.#playedUntil.get(requester) ?? -Infinity);
      this.#playedUntil.set(requester, from + airtimeSeconds(entry.track));
    }
    // Anything at or before now adds nothing to a clock, which never starts before now.
    for (const [id, until] of this.#playedUntil) if (until <= this.#now) this.#playedUntil.delete(id);
    return entry.track;
  }

  /** The next `count` tracks, without removing them (for prefetching). */
  peek(count: number): Track[] {
    return this.#entries.slice(0, Math.max(0, count)).map((entry) => entry.track);
  }

  /** Every waiting track in play order; index 0 is position 1. */
  list(): Track[] {
    return this.#entries.map((entry) => entry.track);
  }

  /** Removes the track at a 1-based position; undefined when there is none. */
  remove(position: number): Track | undefined {
    if (!this.#isPosition(position)) return undefined;
    return this.#removeWhere((_, index) => index === position - 1)[0];
  }

  /** Removes every track matching `predicate`; returns them in their former order. */
  removeWhere(predicate: (track: Track) => boolean): Track[] {
    return this.#removeWhere((entry) => predicate(entry.track));
  }

  /** Removes one requester's tracks, or everything; returns what was removed. */
  clear(requesterId?: string): Track[] {
    return this.removeWhere((track) => requesterId === undefined || track.requesterId === requesterId);
  }

  /**
   * Moves a track between 1-based positions; returns it, or undefined for a position out of range.
   *
   * The moved track takes the lane and (in fair mode) the start of its new neighbour: the one before it,
   * or after it at the front. So the list shows exactly the moved order and stays in start order. Nobody's clock changes:
   * the airtime is the same whenever it plays, so later requests are placed as fairly as before.
   */
  move(from: number, to: number): Track | undefined {
    if (!this.#isPosition(from) || !this.#isPosition(to)) return undefined;
    const [entry] = this.#entries.splice(from - 1, 1);
    const neighbour = this.#entries[to - 2] ?? this.#entries[to - 1];
    // In fifo mode starts do not order anything, so the moved track keeps its own accounting.
    const start = neighbour && this.#mode === "fair" ? neighbour.start : entry.start;
    const moved = neighbour ? { ...entry, lane: neighbour.lane, start } : entry;
    this.#entries.splice(to - 1, 0, moved);
    return entry.track;
  }

  /** Shuffles each requester's own tracks (fair mode) or the whole queue (fifo mode). */
  shuffle(random: RandomSource = Math.random): void {
    this.#entries = rearranged(this.#entries, this.#mode, (tracks) => shuffled(tracks, random));
  }

  /** Sorts each requester's own tracks (fair mode) or the whole queue (fifo mode) by `key`. */
  sort(key: QueueSortKey): void {
    this.#entries = rearranged(this.#entries, this.#mode, (tracks) => sortedBy(tracks, key));
  }

  /** Each waiting track with the seconds until it plays, after `remainingOfCurrentSeconds` of the current one. */
  schedule(remainingOfCurrentSeconds = 0): ScheduledTrack[] {
    let startsInSeconds = Math.max(0, remainingOfCurrentSeconds);
    return this.#entries.map((entry, index) => {
      const scheduled = { position: index + 1, track: entry.track, startsInSeconds };
      startsInSeconds += airtimeSeconds(entry.track);
      return scheduled;
    });
  }

  /** Seconds until the track at a 1-based position plays; undefined when there is none. */
  expectedStartSeconds(position: number, remainingOfCurrentSeconds = 0): number | undefined {
    if (!this.#isPosition(position)) return undefined;
    return this.schedule(remainingOfCurrentSeconds)[position - 1].startsInSeconds;
  }

  /** The whole state as plain JSON, for `FairQueue.fromSnapshot`. */
  snapshot(): FairQueueSnapshot {
    return structuredClone({
      version: 1,
      mode: this.#mode,
      now: this.#now,
      playedUntil: Object.fromEntries(this.#playedUntil),
      entries: this.#entries,
    });
  }

  /** max(now, playedUntil) plus the airtime the requester already has waiting. */
  #clockOf(requesterId: string): number {
    const queued = this.#entries
      .filter((entry) => isCharged(entry) && entry.track.requesterId === requesterId)
      .reduce((sum, entry) => sum + airtimeSeconds(entry.track), 0);
    return Math.max(this.#now, this.#playedUntil.get(requesterId) ?? -Infinity) + queued;
  }

  #startFor(track: Track, lane: QueueLane): number {
    if (lane === "next") return this.#now;
    if (lane === "main") return this.#clockOf(track.requesterId);
    // Autoplay picks are charged to no one; their start only keeps their lane in order.
    const last = this.#entries.at(-1);
    return last?.lane === "autoplay" ? Math.max(this.#now, last.start) : this.#now;
  }

  #isPosition(position: number): boolean {
    return Number.isInteger(position) && position >= 1 && position <= this.#entries.length;
  }

  #removeWhere(shouldRemove: (entry: QueueEntry, index: number) => boolean): Track[] {
    const { entries, removed } = withoutEntries(this.#entries, shouldRemove, this.#now, this.#mode);
    this.#entries = entries;
    return removed;
  }
}
