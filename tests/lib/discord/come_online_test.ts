/** Coming online while Discord is out of reach: paced attempts, one line each, no retry of a refusal. */
import assert from "node:assert/strict";
import { comeOnline } from "../../../lib/discord/come_online.ts";
import { ManualClock, settle } from "../../fakes/manual_clock.ts";

const EVEN = { baseMs: 1000, maxMs: 60_000, jitter: 0, random: () => 0.5 };
const refused = () =>
  new TypeError("error sending request: tcp connect error: Connection refused (os error 111)");

/** An attempt that fails `failures` times with `error()`, then answers "online". */
function flaky(failures: number, error: () => unknown = refused) {
  let calls = 0;
  const attempt = () => {
    calls++;
    return calls <= failures ? Promise.reject(error()) : Promise.resolve("online");
  };
  return { attempt, calls: () => calls };
}

Deno.test("each failed attempt is one line, the waits double, and it comes online at the next attempt", async () => {
  const clock = new ManualClock();
  const lines: string[] = [];
  const { attempt, calls } = flaky(4);
  const online = comeOnline(attempt, { clock, backoff: EVEN, log: (line) => lines.push(line) });
  const waits: number[] = [];
  while (calls() < 5) {
    await settle();
    const before = clock.now();
    const attempts = calls();
    // Move time one second at a time until the next attempt runs: that measures the wait.
    while (calls() === attempts) await clock.advance(1000);
    waits.push(clock.now() - before);
  }
  assert.equal(await online, "online");
  assert.deepEqual(waits, [1000, 2000, 4000, 8000]);
  assert.deepEqual(lines, [
    "Could not reach Discord (connection refused) on attempt 1; trying again in 1.0 s.",
    "Could not reach Discord (connection refused) on attempt 2; trying again in 2.0 s.",
    "Could not reach Discord (connection refused) on attempt 3; trying again in 4.0 s.",
    "Could not reach Discord (connection refused) on attempt 4; trying again in 8.0 s.",
    "Reached Discord on attempt 5.",
  ]);
});

Deno.test("the wait stops growing at a minute", async () => {
  const clock = new ManualClock();
  const lines: string[] = [];
  const { attempt } = flaky(9);
  const online = comeOnline(attempt, { clock, backoff: EVEN, log: (line) => lines.push(line) });
  while (lines.length < 10) await clock.advance(10_000);
  await online;
  assert.match(lines[6], /attempt 7; trying again in 60\.0 s/);
  assert.match(lines[8], /attempt 9; trying again in 60\.0 s/);
});

Deno.test("a first attempt that works says nothing", async () => {
  const lines: string[] = [];
  assert.equal(await comeOnline(() => Promise.resolve(7), { log: (line) => lines.push(line) }), 7);
  assert.deepEqual(lines, []);
});

Deno.test("a refused token is thrown at once, not retried", async () => {
  const clock = new ManualClock();
  const error = new Error("Failed to send request to discord.", { cause: { status: 401 } });
  const { attempt, calls } = flaky(1, () => error);
  await assert.rejects(
    comeOnline(attempt, { clock, backoff: EVEN, log: () => {} }),
    (thrown) => thrown === error,
  );
  assert.equal(calls(), 1);
});

Deno.test("a 5xx is waited out like a refused connection", async () => {
  const clock = new ManualClock();
  const lines: string[] = [];
  const { attempt } = flaky(1, () => new Error("x", { cause: { status: 502 } }));
  const online = comeOnline(attempt, { clock, backoff: EVEN, log: (line) => lines.push(line) });
  await settle();
  await clock.advance(1000);
  assert.equal(await online, "online");
  assert.match(lines[0], /\(HTTP 502\)/);
});

Deno.test("aborting (a shutdown) ends the wait", async () => {
  const clock = new ManualClock();
  const stop = new AbortController();
  const { attempt, calls } = flaky(100);
  const online = comeOnline(attempt, { clock, backoff: EVEN, log: () => {}, signal: stop.signal });
  await settle();
  assert.equal(clock.sleeping, 1);
  stop.abort(new Error("shutting down"));
  await assert.rejects(online, /shutting down/);
  assert.equal(calls(), 1);
});
