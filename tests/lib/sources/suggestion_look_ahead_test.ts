/** The top suggestion looked up ahead, on a manual clock: settling, cancelling, one per person, the limits. */
import assert from "node:assert/strict";
import { SuggestionLookAhead } from "../../../lib/sources/suggestion_look_ahead.ts";
import type { RateLimit } from "../../../lib/limits/rate_limiter.ts";
import { ManualClock, settle } from "../../fakes/manual_clock.ts";

interface Call {
  videoId: string;
  signal: AbortSignal;
  answer(found: boolean): void;
}

const QUIET_MS = 500;

/** A port whose look-ups wait until the test answers them, and a cache holding `cached`. */
function harness(
  options: { perUser?: RateLimit; overall?: RateLimit; maxRunning?: number; cached?: string[] } = {},
) {
  const clock = new ManualClock();
  const calls: Call[] = [];
  const lookAhead = new SuggestionLookAhead({
    clock,
    quietMs: QUIET_MS,
    ...options,
    port: {
      lookAhead: (videoId, signal) =>
        new Promise((resolve) => {
          // Like the worker: a cancelled look-up ends at once, finding nothing.
          signal.addEventListener("abort", () => resolve(false), { once: true });
          calls.push({ videoId, signal, answer: resolve });
        }),
      isCached: (videoId) => options.cached?.includes(videoId) ?? false,
    },
  });
  return { clock, calls, lookAhead };
}

Deno.test("words that settle start one look-up of their top suggestion, after the quiet time", async () => {
  const { clock, calls, lookAhead } = harness();
  lookAhead.typing("alice");
  lookAhead.suggested("alice", "videoAAAAAA");
  await clock.advance(QUIET_MS - 1);
  assert.equal(calls.length, 0, "nothing before the words have been quiet for the whole quiet time");
  await clock.advance(1);
  assert.deepEqual(calls.map((call) => call.videoId), ["videoAAAAAA"]);
  assert.equal(lookAhead.running, 1);
  await clock.advance(60_000);
  assert.equal(calls.length, 1, "started once");
  calls[0].answer(true);
  await settle();
  assert.equal(lookAhead.running, 0);
  assert.equal(calls[0].signal.aborted, false, "a look-up that ended is not reported as cancelled");
});

Deno.test("a keystroke during the quiet time starts the wait over; the words' own answer decides", async () => {
  const { clock, calls, lookAhead } = harness();
  lookAhead.suggested("alice", "videoAAAAAA");
  await clock.advance(QUIET_MS - 100);
  lookAhead.typing("alice");
  await clock.advance(QUIET_MS);
  assert.equal(calls.length, 0, "a keystroke in the quiet time means the words had not settled");
  lookAhead.suggested("alice", "videoBBBBBB");
  await clock.advance(QUIET_MS);
  assert.deepEqual(calls.map((call) => call.videoId), ["videoBBBBBB"]);
});

Deno.test("words that change to another top suggestion cancel the look-up and look up the new one", async () => {
  const { clock, calls, lookAhead } = harness();
  lookAhead.suggested("alice", "videoAAAAAA");
  await clock.advance(QUIET_MS);
  lookAhead.typing("alice");
  assert.equal(calls[0].signal.aborted, false, "still wanted until the new words' suggestions are known");
  lookAhead.suggested("alice", "videoBBBBBB");
  assert.equal(calls[0].signal.aborted, true, "the first look-up was cancelled");
  await clock.advance(QUIET_MS);
  assert.deepEqual(calls.map((call) => call.videoId), ["videoAAAAAA", "videoBBBBBB"]);
  assert.equal(lookAhead.running, 1, "one per person at a time");
});

Deno.test("words that change but keep the same top suggestion let its look-up run on", async () => {
  const { clock, calls, lookAhead } = harness();
  lookAhead.suggested("alice", "videoAAAAAA");
  await clock.advance(QUIET_MS);
  lookAhead.typing("alice");
  lookAhead.suggested("alice", "videoAAAAAA");
  await clock.advance(QUIET_MS * 4);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].signal.aborted, false);
});

Deno.test("words with no video suggested (a link, a failed search) cancel the look-up", async () => {
  const { clock, calls, lookAhead } = harness();
  lookAhead.suggested("alice", "videoAAAAAA");
  await clock.advance(QUIET_MS);
  lookAhead.typing("alice");
  lookAhead.suggested("alice", undefined);
  assert.equal(calls[0].signal.aborted, true);
  await clock.advance(QUIET_MS * 4);
  assert.equal(calls.length, 1);
  assert.equal(lookAhead.running, 0);
});

Deno.test("each person has their own look-up; one person's words do not cancel another's", async () => {
  const { clock, calls, lookAhead } = harness();
  lookAhead.suggested("alice", "videoAAAAAA");
  lookAhead.suggested("bob", "videoBBBBBB");
  await clock.advance(QUIET_MS);
  lookAhead.typing("bob");
  lookAhead.suggested("bob", "videoCCCCCC");
  await clock.advance(QUIET_MS);
  assert.deepEqual(calls.map((call) => [call.videoId, call.signal.aborted]), [
    ["videoAAAAAA", false],
    ["videoBBBBBB", true],
    ["videoCCCCCC", false],
  ]);
});

Deno.test("a video already cached, or found ahead lately, is not looked up again", async () => {
  const { clock, calls, lookAhead } = harness({ cached: ["cachedVideo"] });
  lookAhead.suggested("alice", "cachedVideo");
  await clock.advance(QUIET_MS);
  assert.equal(calls.length, 0, "its audio is in the cache");
  lookAhead.suggested("alice", "videoAAAAAA");
  await clock.advance(QUIET_MS);
  calls[0].answer(true);
  await settle();
  lookAhead.suggested("bob", "videoAAAAAA");
  await clock.advance(QUIET_MS);
  assert.equal(calls.length, 1, "found a moment ago");
  await clock.advance(10 * 60_000);
  lookAhead.suggested("bob", "videoAAAAAA");
  await clock.advance(QUIET_MS);
  assert.equal(calls.length, 2, "after a while its address may have been used or expired: again");
});

Deno.test("look-ups are capped per person, overall, and in flight at once", async (t) => {
  await t.step("per person", async () => {
    const { clock, calls, lookAhead } = harness({ perUser: { limit: 2, windowMs: 60_000 } });
    for (const id of ["videoAAAAAA", "videoBBBBBB", "videoCCCCCC"]) {
      lookAhead.suggested("alice", id);
      await clock.advance(QUIET_MS);
    }
    assert.deepEqual(calls.map((call) => call.videoId), ["videoAAAAAA", "videoBBBBBB"]);
    lookAhead.suggested("bob", "videoDDDDDD");
    await clock.advance(QUIET_MS);
    assert.equal(calls.length, 3, "another person has their own allowance");
    await clock.advance(60_000);
    lookAhead.suggested("alice", "videoEEEEEE");
    await clock.advance(QUIET_MS);
    assert.equal(calls.at(-1)?.videoId, "videoEEEEEE", "a minute later, alice may again");
  });
  await t.step("overall", async () => {
    const { clock, calls, lookAhead } = harness({ overall: { limit: 2, windowMs: 60_000 } });
    for (const person of ["alice", "bob", "carol"]) {
      lookAhead.suggested(person, `video${person.padEnd(6, "x")}`);
      await clock.advance(QUIET_MS);
    }
    assert.equal(calls.length, 2);
  });
  await t.step("in flight at once", async () => {
    const { clock, calls, lookAhead } = harness({ maxRunning: 2 });
    for (const person of ["alice", "bob", "carol"]) {
      lookAhead.suggested(person, `video${person.padEnd(6, "x")}`);
      await clock.advance(QUIET_MS);
    }
    assert.equal(calls.length, 2, "the third is skipped while two are in flight");
    calls[0].answer(false);
    await settle();
    lookAhead.suggested("carol", "videoCCCCCC");
    await clock.advance(QUIET_MS);
    assert.equal(calls.length, 3, "room again once one ended");
  });
});
