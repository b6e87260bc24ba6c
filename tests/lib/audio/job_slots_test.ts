import assert from "node:assert/strict";
import type { JobPriority } from "../../../lib/channels/transcoder_messages.ts";
import { JobSlots } from "../../../lib/audio/job_slots.ts";

/** Records the order in which acquisitions are granted. */
function recorder(slots: JobSlots) {
  const granted: string[] = [];
  const releases = new Map<string, () => void>();
  const ask = (name: string, priority: () => JobPriority, signal?: AbortSignal) =>
    slots.acquire(priority, signal).then((release) => {
      granted.push(name);
      releases.set(name, release);
    });
  return { granted, releases, ask };
}

Deno.test("waiting 'now' jobs go before 'later' ones, whatever the order they asked in", async () => {
  const slots = new JobSlots(1);
  const { granted, releases, ask } = recorder(slots);
  await ask("first", () => "now");
  const later = ask("later", () => "later");
  const now = ask("now", () => "now");
  releases.get("first")!();
  await now;
  assert.deepEqual(granted, ["first", "now"]);
  releases.get("now")!();
  await later;
  assert.deepEqual(granted, ["first", "now", "later"]);
});

Deno.test("a 'now' job starts at once even when prefetch holds every slot", async () => {
  const slots = new JobSlots(2);
  const { granted, ask } = recorder(slots);
  await ask("prefetch A", () => "later");
  await ask("prefetch B", () => "later");
  const third = ask("prefetch C", () => "later");
  await ask("next track", () => "now");
  assert.deepEqual(granted, ["prefetch A", "prefetch B", "next track"]);
  assert.deepEqual(slots.running, { now: 1, later: 2 });
  // The third prefetch still waits: slots are full.
  assert.equal(granted.includes("prefetch C"), false);
  void third;
});

Deno.test("'now' jobs beyond the slot count wait for each other", async () => {
  const slots = new JobSlots(1);
  const { granted, releases, ask } = recorder(slots);
  await ask("guild 1", () => "now");
  const second = ask("guild 2", () => "now");
  assert.deepEqual(slots.running, { now: 1, later: 0 });
  releases.get("guild 1")!();
  await second;
  assert.deepEqual(granted, ["guild 1", "guild 2"]);
});

Deno.test("a prefetched job moved to 'now' overtakes the other waiting prefetch", async () => {
  const slots = new JobSlots(1);
  const { granted, releases, ask } = recorder(slots);
  await ask("playing", () => "now");
  const a = ask("prefetch A", () => "later");
  let priorityB: JobPriority = "later";
  const b = ask("prefetch B", () => priorityB);
  priorityB = "now";
  slots.reconsider();
  releases.get("playing")!();
  await b;
  assert.deepEqual(granted, ["playing", "prefetch B"]);
  releases.get("prefetch B")!();
  await a;
});

Deno.test("an aborted wait leaves the queue and rejects with the reason", async () => {
  const slots = new JobSlots(1);
  const { granted, releases, ask } = recorder(slots);
  await ask("holder", () => "now");
  const controller = new AbortController();
  const gone = ask("gone", () => "now", controller.signal);
  const next = ask("next", () => "later");
  controller.abort(new Error("skipped"));
  await assert.rejects(gone, /skipped/);
  releases.get("holder")!();
  await next;
  assert.deepEqual(granted, ["holder", "next"]);
});

Deno.test("releasing twice frees one slot only", async () => {
  const slots = new JobSlots(1);
  const { releases, ask } = recorder(slots);
  await ask("a", () => "now");
  releases.get("a")!();
  releases.get("a")!();
  assert.deepEqual(slots.running, { now: 0, later: 0 });
});
