import type { Track } from "../track.ts";
import { airtimeSeconds, insertionIndex, isCharged, type QueueEntry, type QueueMode } from "./queue_entry.ts";

/** The queue after a removal, and the tracks taken out (in their former order). */
export interface Removal {
  entries: QueueEntry[];
  removed: Track[];
}

/**
 * Removes entries and gives each requester back exactly the airtime removed: their later main-lane
 * tracks move up by the removed duration (never before `now`), as if it had never been queued.
 * "Play next" and autoplay entries never pushed anyone's line back, so removing them refunds nothing.
 */
export function withoutEntries(
  entries: readonly QueueEntry[],
  shouldRemove: (entry: QueueEntry, index: number) => boolean,
  now: number,
  mode: QueueMode,
): Removal {
  const removed: Track[] = [];
  const kept: QueueEntry[] = [];
  const movedUp: QueueEntry[] = [];
  const refunds = new Map<string, number>();
  entries.forEach((entry, index) => {
    const requester = entry.track.requesterId;
    const inLine = entry.lane === "main" && isCharged(entry);
    const refund = inLine ? refunds.get(requester) ?? 0 : 0;
    if (shouldRemove(entry, index)) {
      removed.push(entry.track);
      if (inLine) refunds.set(requester, refund + airtimeSeconds(entry.track));
    } else if (refund > 0) {
      const earlier = { ...entry, start: Math.max(now, entry.start - refund) };
      // In fifo mode the order does not depend on starts: keep the place, fix the accounting.
      (mode === "fifo" ? kept : movedUp).push(earlier);
    } else {
      kept.push(entry);
    }
  });
  for (const entry of movedUp) kept.splice(insertionIndex(kept, entry, mode), 0, entry);
  return { entries: kept, removed };
}
