import assert from "node:assert/strict";
import { ToolSlots } from "../../../lib/process/tool_slots.ts";

/** Takes a slot and notes, in `order`, when it was given. */
function take(
  slots: ToolSlots,
  name: string,
  priority: "now" | "later",
  order: string[],
  signal?: AbortSignal,
) {
  return slots.acquire(priority, signal).then((release) => (order.push(name), release));
}

Deno.test("no more than the cap hold a slot; the next one goes in when a slot is given back", async () => {
  const slots = new ToolSlots(2);
  const order: string[] = [];
  const a = await take(slots, "a", "now", order);
  await take(slots, "b", "now", order);
  const c = take(slots, "c", "now", order);
  assert.deepEqual(slots.usage, { held: 2, waiting: 1 });
  a();
  a(); // giving back twice frees one slot only
  await c;
  assert.deepEqual(order, ["a", "b", "c"]);
  assert.deepEqual(slots.usage, { held: 2, waiting: 0 });
});

Deno.test("waiters of priority now go before those of priority later, each kind in order", async () => {
  const slots = new ToolSlots(1);
  const order: string[] = [];
  const first = await take(slots, "first", "later", order);
  // Each waiter gives its slot back as soon as it gets it, so the line drains in the order it is served.
  const served = (["later 1", "now 1", "later 2", "now 2"] as const).map((name) =>
    take(slots, name, name.startsWith("now") ? "now" : "later", order).then((release) => release())
  );
  first();
  await Promise.all(served);
  assert.deepEqual(order, ["first", "now 1", "now 2", "later 1", "later 2"]);
});

Deno.test("a waiter whose signal aborts leaves the line and the others move up", async () => {
  const slots = new ToolSlots(1);
  const order: string[] = [];
  const held = await take(slots, "held", "now", order);
  const controller = new AbortController();
  const quitter = take(slots, "quitter", "now", order, controller.signal);
  const patient = take(slots, "patient", "now", order);
  controller.abort(new Error("skipped"));
  await assert.rejects(quitter, /skipped/);
  assert.deepEqual(slots.usage, { held: 1, waiting: 1 });
  held();
  (await patient)();
  assert.deepEqual(order, ["held", "patient"]);
});

Deno.test("growing the cap lets waiters in at once; bad sizes are refused", async () => {
  const slots = new ToolSlots(1);
  const order: string[] = [];
  await take(slots, "a", "now", order);
  const b = take(slots, "b", "later", order);
  slots.resize(2);
  await b;
  assert.deepEqual(order, ["a", "b"]);
  assert.throws(() => slots.resize(0), RangeError);
  assert.throws(() => new ToolSlots(1.5), RangeError);
});

Deno.test("run holds a slot for the work and gives it back even when the work fails", async () => {
  const slots = new ToolSlots(1);
  await assert.rejects(slots.run("now", () => Promise.reject(new Error("tool failed"))), /tool failed/);
  assert.deepEqual(slots.usage, { held: 0, waiting: 0 });
  assert.equal(await slots.run("now", () => Promise.resolve(42)), 42);
});

Deno.test("one owner never holds every slot: the last free one waits for someone else", async () => {
  const slots = new ToolSlots(3);
  assert.equal(slots.perOwner, 2);
  const order: string[] = [];
  const first = await slots.acquire("now", undefined, "guild A").then((
    release,
  ) => (order.push("A1"), release));
  await slots.acquire("now", undefined, "guild A").then((release) => (order.push("A2"), release));
  const third = slots.acquire("now", undefined, "guild A").then((release) => (order.push("A3"), release));
  assert.deepEqual(slots.usage, { held: 2, waiting: 1 }, "A's third run waits though a slot is free");
  await slots.acquire("later", undefined, "guild B").then(() => order.push("B1"));
  assert.deepEqual(order, ["A1", "A2", "B1"], "another guild gets the free slot, even at a lower priority");
  first();
  await third;
  assert.deepEqual(order, ["A1", "A2", "B1", "A3"]);
});

Deno.test("with a single slot, an owner may still hold it", async () => {
  const slots = new ToolSlots(1);
  assert.equal(slots.perOwner, 1);
  const release = await slots.acquire("now", undefined, "guild A");
  release();
  assert.deepEqual(slots.usage, { held: 0, waiting: 0 });
});
