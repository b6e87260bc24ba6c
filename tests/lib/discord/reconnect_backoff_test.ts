import assert from "node:assert/strict";
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  ONLINE_BACKOFF,
  ReconnectBackoff,
} from "../../../lib/discord/reconnect_backoff.ts";

const middle = { ...DEFAULT_BACKOFF, random: () => 0.5 };

Deno.test("without jitter the delays double from 1 s and stop at 30 s", () => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelay(attempt, middle));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});

Deno.test("jitter moves each delay by at most 20 %, never past the cap", () => {
  const low = { ...DEFAULT_BACKOFF, random: () => 0 };
  const high = { ...DEFAULT_BACKOFF, random: () => 0.999999 };
  assert.equal(backoffDelay(1, low), 800);
  assert.equal(backoffDelay(1, high), 1200);
  assert.equal(backoffDelay(3, low), 3200);
  assert.equal(backoffDelay(3, high), 4800);
  assert.equal(backoffDelay(10, low), 24_000);
  assert.equal(backoffDelay(10, high), 30_000);
});

Deno.test("a huge attempt number still gives the cap", () => {
  assert.equal(backoffDelay(5000, middle), 30_000);
});

Deno.test("the schedule counts attempts and starts over after a reset", () => {
  const backoff = new ReconnectBackoff(middle);
  assert.deepEqual(backoff.next(), { attempt: 1, delayMs: 1000 });
  assert.deepEqual(backoff.next(), { attempt: 2, delayMs: 2000 });
  assert.equal(backoff.attempts, 2);
  backoff.reset();
  assert.equal(backoff.attempts, 0);
  assert.deepEqual(backoff.next(), { attempt: 1, delayMs: 1000 });
});

Deno.test("coming online waits up to a minute between tries, jitter included", () => {
  const middle = { ...ONLINE_BACKOFF, random: () => 0.5 };
  const high = { ...ONLINE_BACKOFF, random: () => 0.999999 };
  assert.deepEqual([1, 6, 7, 20].map((attempt) => backoffDelay(attempt, middle)), [
    1000,
    32_000,
    60_000,
    60_000,
  ]);
  assert.equal(backoffDelay(6, high), 38_400);
  assert.equal(backoffDelay(7, high), 60_000);
});
