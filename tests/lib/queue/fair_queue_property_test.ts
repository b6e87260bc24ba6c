import assert from "node:assert/strict";
import fc from "fast-check";
import { FairQueue } from "../../../lib/queue/fair_queue.ts";
import { airtimeSeconds } from "../../../lib/queue/queue_entry.ts";
import type { FairQueueSnapshot } from "../../../lib/queue/queue_snapshot.ts";
import type { Track } from "../../../lib/track.ts";

const USERS = ["ann", "bob", "cat", "dan"];
const RUNS = { numRuns: 150 };

type Command =
  | { kind: "enqueue"; user: number; durations: (number | null)[]; autoplay: boolean }
  | { kind: "take" }
  | { kind: "remove"; position: number }
  | { kind: "clear"; user: number | null };

const duration = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 600 }) }, {
  weight: 1,
  arbitrary: fc.constant(null),
});
const anyCommand: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("enqueue" as const),
      user: fc.nat(USERS.length - 1),
      durations: fc.array(duration, { minLength: 1, maxLength: 4 }),
      autoplay: fc.nat(4).map((n) => n === 0),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: "take" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("remove" as const), position: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("clear" as const), user: fc.option(fc.nat(3)) }) },
);

/** Applies commands to a queue, numbering tracks so per-person arrival order can be checked. */
class Driver {
  queue = new FairQueue();
  added = 0;
  gone = 0;
  clock = 0;

  run(command: Command): void {
    if (command.kind === "enqueue") this.enqueue(command);
    else if (command.kind === "take") this.gone += this.queue.takeNext() ? 1 : 0;
    else if (command.kind === "remove") {
      this.gone += this.queue.remove((command.position % Math.max(1, this.queue.length)) + 1) ? 1 : 0;
    } else this.gone += this.queue.clear(command.user === null ? undefined : USERS[command.user]).length;
  }

  enqueue(command: Extract<Command, { kind: "enqueue" }>): void {
    const requestedAt = ++this.clock; // a playlist shares one request time
    const tracks = command.durations.map((seconds): Track => ({
      id: `${++this.added}`,
      requesterId: USERS[command.user],
      requestedAt,
      title: `track ${this.added}`,
      url: `https://example.test/${this.added}`,
      source: { kind: "youtube", videoId: `v${this.added}` },
      ...(seconds === null ? {} : { durationSeconds: seconds }),
      ...(command.autoplay ? { autoplay: true } : {}),
    }));
    const now = this.queue.snapshot().now;
    this.queue.enqueueMany(tracks);
    const ids = new Set(tracks.map((track) => track.id));
    for (const entry of this.queue.snapshot().entries) {
      if (ids.has(entry.track.id)) assert.ok(entry.start >= now, "an idle person banks no credit");
    }
  }
}

function checkInvariants(driver: Driver): void {
  const snapshot = driver.queue.snapshot();
  const entries = snapshot.entries;
  assert.equal(driver.queue.length, driver.added - driver.gone, "every track is queued, played or removed");
  entries.forEach((entry, i) => {
    // Autoplay starts are nominal: they only keep their lane in order.
    if (!entry.track.autoplay) {
      assert.ok(entry.start >= snapshot.now, "nothing waits with a start before now");
    }
    const before = entries[i - 1];
    if (!before) return;
    assert.ok(
      !before.track.autoplay || entry.track.autoplay,
      "autoplay picks come after every person's request",
    );
    if (entry.track.autoplay) return; // autoplay picks keep their own arrival order
    const inOrder = before.start < entry.start ||
      (before.start === entry.start && before.track.requestedAt <= entry.track.requestedAt);
    assert.ok(inOrder, "sorted by start, then request time");
  });
  for (const user of USERS) checkOwnTrackLine(snapshot, user);
}

/** A person's tracks play in arrival order, end to end from max(now, what they already played). */
function checkOwnTrackLine(snapshot: FairQueueSnapshot, user: string): void {
  const own = snapshot.entries.filter((entry) => entry.track.requesterId === user && !entry.track.autoplay);
  let expected = Math.max(snapshot.now, snapshot.playedUntil[user] ?? -Infinity);
  let lastId = 0;
  for (const entry of own) {
    assert.ok(Number(entry.track.id) > lastId, `${user}'s tracks are first in, first out`);
    assert.equal(entry.start, expected, `${user}'s airtime is contiguous`);
    lastId = Number(entry.track.id);
    expected += airtimeSeconds(entry.track);
  }
}

Deno.test("property: any mix of requests, takes, removals and clears keeps the queue fair and whole", () => {
  fc.assert(
    fc.property(fc.array(anyCommand, { maxLength: 40 }), (commands) => {
      const driver = new Driver();
      for (const command of commands) {
        driver.run(command);
        checkInvariants(driver);
      }
    }),
    RUNS,
  );
});

Deno.test("property: snapshot and restore is identity, and the restored queue behaves the same", () => {
  fc.assert(
    fc.property(
      fc.array(anyCommand, { maxLength: 30 }),
      fc.array(anyCommand, { maxLength: 15 }),
      (before, after) => {
        const driver = new Driver();
        before.forEach((command) => driver.run(command));
        const snapshot = JSON.parse(JSON.stringify(driver.queue.snapshot()));
        const twin = new Driver();
        Object.assign(twin, { ...driver, queue: FairQueue.fromSnapshot(snapshot) });
        assert.deepEqual(twin.queue.snapshot(), snapshot);
        // Same request times on both sides, so the twins can be compared step by step.
        for (const command of after) {
          driver.run(command);
          twin.run(command);
          assert.deepEqual(
            twin.queue.list().map((track) => track.id),
            driver.queue.list().map((track) => track.id),
          );
        }
      },
    ),
    RUNS,
  );
});

/** Two to four people, each with a list of track lengths. */
const durationLists = fc.array(fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 8 }), {
  minLength: 2,
  maxLength: 4,
});

Deno.test("property: from a common start, two busy people's airtime never differs by more than one track", () => {
  fc.assert(
    fc.property(durationLists, fc.infiniteStream(fc.nat(3)), (lists, picks) => {
      const driver = new Driver();
      // Everyone's requests arrive interleaved at random, all before the first track starts.
      const pending = lists.map((list) => [...list]);
      for (let left = lists.flat().length; left > 0; left--) {
        const users = pending.flatMap((list, user) => list.length > 0 ? [user] : []);
        const user = users[picks.next().value % users.length];
        driver.enqueue({ kind: "enqueue", user, durations: [pending[user].shift()!], autoplay: false });
      }
      const longest = Math.max(...lists.flat());
      const airtime = new Map<string, number>();
      while (driver.queue.length > 0) {
        const track = driver.queue.takeNext()!;
        airtime.set(track.requesterId, (airtime.get(track.requesterId) ?? 0) + airtimeSeconds(track));
        const waiting = new Set(driver.queue.list().map((queued) => queued.requesterId));
        const busy = USERS.slice(0, lists.length).filter((user) => waiting.has(user));
        if (busy.length < lists.length) break;
        const shares = busy.map((user) => airtime.get(user) ?? 0);
        assert.ok(Math.max(...shares) - Math.min(...shares) <= longest, `airtime ${shares} vs ${longest}`);
      }
    }),
    RUNS,
  );
});

// Over a stretch that does not begin at a common start, one person may be mid-track at each end, so the
// tight bound is the sum of the two longest tracks (as in start-time fair queuing), not one track.
Deno.test("property: over any stretch where two people stay busy, airtime differs by at most two tracks", () => {
  const steps = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.record({ user: fc.nat(2), seconds: fc.integer({ min: 1, max: 600 }) }) },
      { weight: 2, arbitrary: fc.constant(null) },
    ),
    { maxLength: 60 },
  );
  fc.assert(
    fc.property(steps, (script) => {
      const driver = new Driver();
      // One row per take: who played how long, and who had tracks waiting just before and just after.
      const takes: { user: string; seconds: number; busyBefore: Set<string>; busyAfter: Set<string> }[] = [];
      const waiting = () => new Set(driver.queue.list().map((track) => track.requesterId));
      for (const step of script) {
        if (step) {
          driver.enqueue({ kind: "enqueue", user: step.user, durations: [step.seconds], autoplay: false });
        } else if (driver.queue.length > 0) {
          const busyBefore = waiting();
          const track = driver.queue.takeNext()!;
          takes.push({
            user: track.requesterId,
            seconds: airtimeSeconds(track),
            busyBefore,
            busyAfter: waiting(),
          });
        }
      }
      const longest = Math.max(0, ...script.map((step) => step?.seconds ?? 0));
      for (let i = 0; i < takes.length; i++) {
        const busy = new Set(takes[i].busyBefore);
        const played = new Map<string, number>();
        for (let j = i; j < takes.length; j++) {
          for (const user of busy) if (!takes[j].busyAfter.has(user)) busy.delete(user);
          played.set(takes[j].user, (played.get(takes[j].user) ?? 0) + takes[j].seconds);
          const shares = [...busy].map((user) => played.get(user) ?? 0);
          if (shares.length < 2) break;
          assert.ok(Math.max(...shares) - Math.min(...shares) <= 2 * longest, `window ${i}..${j}: ${shares}`);
        }
      }
    }),
    RUNS,
  );
});

Deno.test("property: leaving and coming back with the same tracks never plays them earlier", () => {
  fc.assert(
    fc.property(fc.array(anyCommand, { maxLength: 30 }), fc.nat(3), (commands, who) => {
      const driver = new Driver();
      commands.forEach((command) => driver.run(command));
      const user = USERS[who];
      const before = driver.queue.snapshot().entries;
      const mine = driver.queue.clear(user).filter((track) => !track.autoplay);
      driver.queue.enqueueMany(mine.map((track) => ({ ...track, requestedAt: Number.MAX_SAFE_INTEGER })));
      const after = driver.queue.snapshot().entries;
      for (const track of mine) {
        const was = before.findIndex((entry) => entry.track.id === track.id);
        const is = after.findIndex((entry) => entry.track.id === track.id);
        assert.ok(after[is].start >= before[was].start, "no earlier start");
        assert.ok(is >= was, "no earlier place");
      }
    }),
    RUNS,
  );
});
