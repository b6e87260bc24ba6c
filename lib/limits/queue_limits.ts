/**
 * How many new tracks fit in a guild's queue: a cap for the whole guild (a saved queue must stay small
 * enough to store) and one per user (so one person cannot fill it for everyone). Pure: the engine asks
 * before it queues, and queues only what fits.
 */

/** The caps, from TRAZOM_QUEUE_LIMIT and TRAZOM_QUEUE_LIMIT_PER_USER. */
export interface QueueCaps {
  readonly perGuild: number;
  readonly perUser: number;
}

/** What is queued now, and how many tracks a request brings. */
export interface QueueCount {
  /** Tracks waiting in the guild's queue. */
  readonly guildQueued: number;
  /** Of those, the requester's. */
  readonly userQueued: number;
  readonly adding: number;
}

/** How many of `adding` fit; `message` explains, politely, when some or all did not. */
export interface QueueRoom {
  readonly fits: number;
  readonly message?: string;
}

/** The tracks that fit under both caps, with the reply when the request is cut short. */
export function queueRoom(count: QueueCount, caps: QueueCaps): QueueRoom {
  const guildRoom = Math.max(0, caps.perGuild - count.guildQueued);
  const userRoom = Math.max(0, caps.perUser - count.userQueued);
  const adding = Math.max(0, count.adding);
  const fits = Math.min(adding, guildRoom, userRoom);
  if (fits === adding) return { fits };
  // The tighter cap is the one to explain.
  const userBound = userRoom < guildRoom;
  const rule = userBound
    ? `one person may have at most ${caps.perUser} tracks waiting`
    : `the queue holds at most ${caps.perGuild} tracks`;
  if (fits > 0) return { fits, message: `Only ${fits} of the ${adding} tracks were added: ${rule}.` };
  const advice = userBound
    ? "Let some of yours play first, or make room with /remove."
    : "Let some play first, or ask a DJ to /clear.";
  return { fits, message: `Nothing was added: ${rule}. ${advice}` };
}
