import assert from "node:assert/strict";
import { AutoLeave, type LeaveReason } from "../../../lib/guild/auto_leave.ts";
import { fakeTimers } from "../../fakes/fake_timers.ts";

function setup() {
  const { timers, advance } = fakeTimers();
  const left: LeaveReason[] = [];
  const autoLeave = new AutoLeave({ alone: 120_000, idle: 60_000 }, (reason) => left.push(reason), timers);
  return { autoLeave, advance, left };
}

Deno.test("the bot leaves after being alone for the whole grace period", () => {
  const { autoLeave, advance, left } = setup();
  autoLeave.listenersChanged(0);
  advance(119_000);
  assert.deepEqual(left, []);
  advance(1_000);
  assert.deepEqual(left, ["alone"]);
});

Deno.test("someone coming back in time keeps the bot", () => {
  const { autoLeave, advance, left } = setup();
  autoLeave.listenersChanged(0);
  advance(100_000);
  autoLeave.listenersChanged(1);
  advance(500_000);
  assert.deepEqual(left, []);
});

Deno.test("repeated reports of an empty channel do not restart the countdown", () => {
  const { autoLeave, advance, left } = setup();
  autoLeave.listenersChanged(0);
  advance(100_000);
  autoLeave.listenersChanged(0);
  advance(20_000);
  assert.deepEqual(left, ["alone"]);
});

Deno.test("an empty queue makes the bot leave unless something starts playing", () => {
  const { autoLeave, advance, left } = setup();
  autoLeave.becameIdle();
  advance(30_000);
  autoLeave.becameActive();
  advance(120_000);
  assert.deepEqual(left, []);
  autoLeave.becameIdle();
  advance(60_000);
  assert.deepEqual(left, ["idle"]);
});

Deno.test("leaving once cancels the other countdown", () => {
  const { autoLeave, advance, left } = setup();
  autoLeave.becameIdle();
  autoLeave.listenersChanged(0);
  advance(600_000);
  assert.deepEqual(left, ["idle"]);
});

Deno.test("with 24/7 on, neither being alone nor idle makes the bot leave", () => {
  const { autoLeave, advance, left } = setup();
  autoLeave.listenersChanged(0);
  autoLeave.becameIdle();
  advance(30_000);
  autoLeave.stay = true;
  advance(600_000);
  autoLeave.listenersChanged(0);
  autoLeave.becameIdle();
  advance(600_000);
  assert.deepEqual(left, []);
});

Deno.test("after 24/7 is turned off, the countdowns start again from the full grace period", () => {
  const { autoLeave, advance, left } = setup();
  autoLeave.stay = true;
  autoLeave.listenersChanged(0);
  autoLeave.stay = false;
  autoLeave.listenersChanged(0);
  advance(119_000);
  assert.deepEqual(left, []);
  advance(1_000);
  assert.deepEqual(left, ["alone"]);
});
