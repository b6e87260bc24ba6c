import assert from "node:assert/strict";
import { DEFAULT_INTERVAL_MS, LinkWatch } from "../../../lib/discord/link_watch.ts";

const INTERVAL = 1000;

/** A watch on a link that got Hello at t=0 with its first beat due at t=100. */
function helloAtZero(): LinkWatch {
  const watch = new LinkWatch();
  watch.connecting(0);
  watch.hello(0, INTERVAL, 100);
  return watch;
}

Deno.test("an idle watch sees nothing wrong and sends nothing", () => {
  const watch = new LinkWatch();
  assert.equal(watch.verdict(1e9), "alive");
  assert.equal(watch.beatDue(1e9), false);
});

Deno.test("heartbeats are due after the first delay, then every interval", () => {
  const watch = helloAtZero();
  assert.equal(watch.beatDue(99), false);
  assert.equal(watch.beatDue(100), true);
  watch.beatSent(100);
  watch.acked(110);
  assert.equal(watch.beatDue(1099), false);
  assert.equal(watch.beatDue(1100), true);
});

Deno.test("a heartbeat left unacknowledged for a whole interval means the link is half-open", () => {
  const watch = helloAtZero();
  watch.beatSent(100);
  // Dispatches keep coming, but no ACK: still a zombie.
  watch.traffic(900);
  assert.equal(watch.verdict(1099), "alive");
  assert.equal(watch.verdict(1100), "missed_ack");
});

Deno.test("an acknowledged link stays alive through many beats", () => {
  const watch = helloAtZero();
  for (let at = 100; at < 10_000; at += INTERVAL) {
    assert.equal(watch.beatDue(at), true);
    watch.beatSent(at);
    watch.acked(at + 20);
    assert.equal(watch.verdict(at + INTERVAL - 1), "alive");
  }
});

Deno.test("the oldest unacknowledged beat counts, not the latest", () => {
  const watch = helloAtZero();
  watch.beatSent(100);
  watch.beatSent(600);
  assert.equal(watch.verdict(1100), "missed_ack");
});

Deno.test("no traffic at all for 1.5 intervals means the link is dead, even before any heartbeat", () => {
  const watch = helloAtZero();
  assert.equal(watch.verdict(1499), "alive");
  assert.equal(watch.verdict(1500), "silent");
  watch.traffic(1400);
  assert.equal(watch.verdict(1500), "alive");
});

Deno.test("a socket that never gets Hello is judged by the default interval", () => {
  const watch = new LinkWatch();
  watch.connecting(0);
  assert.equal(watch.beatDue(1e6), false);
  assert.equal(watch.verdict(1.5 * DEFAULT_INTERVAL_MS - 1), "alive");
  assert.equal(watch.verdict(1.5 * DEFAULT_INTERVAL_MS), "silent");
});

Deno.test("going idle forgets the link; connecting again starts a fresh count", () => {
  const watch = helloAtZero();
  watch.beatSent(100);
  watch.idle();
  assert.equal(watch.verdict(5000), "alive");
  watch.connecting(5000);
  assert.equal(watch.beatDue(9000), false);
  // The interval from the last Hello is remembered.
  assert.equal(watch.verdict(6499), "alive");
  assert.equal(watch.verdict(6500), "silent");
});
