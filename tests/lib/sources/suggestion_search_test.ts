/** Suggestions while typing, on a manual clock: debounce, cancellation, one search per user, the cache. */
import assert from "node:assert/strict";
import { type Choice, SuggestionSearch } from "../../../lib/sources/suggestion_search.ts";
import { ManualClock, settle } from "../../fakes/manual_clock.ts";
import type { RateLimit } from "../../../lib/limits/rate_limiter.ts";

interface Call {
  text: string;
  signal: AbortSignal;
  answer(choices: Choice[] | undefined): void;
}

/** A search whose calls wait until the test answers them; it also notes the most ever running per user. */
function harness(options: { debounceMs?: number; timeoutMs?: number; perUser?: RateLimit } = {}) {
  const clock = new ManualClock();
  const calls: Call[] = [];
  let running = 0;
  let mostRunning = 0;
  const suggestions = new SuggestionSearch({
    clock,
    debounceMs: options.debounceMs ?? 250,
    timeoutMs: options.timeoutMs ?? 2_000,
    ...(options.perUser ? { perUser: options.perUser } : {}),
    search: (text, signal) => {
      running++;
      mostRunning = Math.max(mostRunning, running);
      return new Promise((resolve) => {
        const done = (choices: Choice[] | undefined) => {
          running--;
          resolve(choices);
        };
        // Like the worker: an aborted search ends at once.
        signal.addEventListener("abort", () => done(undefined), { once: true });
        calls.push({ text, signal, answer: done });
      });
    },
  });
  return { clock, calls, suggestions, mostRunning: () => mostRunning, running: () => running };
}

const song = (title: string): Choice => ({ name: title, value: `https://www.youtube.com/watch?v=${title}` });

Deno.test("a burst of keystrokes searches once, for the last text, after the pause", async () => {
  const { clock, calls, suggestions } = harness();
  const first = suggestions.suggest("alice", "nev");
  await clock.advance(100);
  const second = suggestions.suggest("alice", "never");
  await clock.advance(100);
  const third = suggestions.suggest("alice", "never gonna");
  assert.deepEqual(await first, { status: "superseded", choices: [{ name: "nev", value: "nev" }] });
  assert.deepEqual(await second, { status: "superseded", choices: [{ name: "never", value: "never" }] });
  await clock.advance(249);
  assert.equal(calls.length, 0, "no search before the keystrokes pause");
  await clock.advance(1);
  assert.deepEqual(calls.map((call) => call.text), ["never gonna"]);
  calls[0].answer([song("aaaaaaaaaa1"), song("aaaaaaaaaa2")]);
  assert.deepEqual(await third, { status: "found", choices: [song("aaaaaaaaaa1"), song("aaaaaaaaaa2")] });
});

Deno.test("a keystroke during a search cancels it: one search in flight per user", async () => {
  const { clock, calls, suggestions, mostRunning } = harness();
  const first = suggestions.suggest("alice", "morning");
  await clock.advance(250);
  assert.equal(calls.length, 1);
  const second = suggestions.suggest("alice", "morning hum");
  assert.ok(calls[0].signal.aborted, "the superseded search was cancelled");
  assert.equal((await first).status, "superseded");
  await clock.advance(250);
  assert.deepEqual(calls.map((call) => call.text), ["morning", "morning hum"]);
  calls[1].answer([song("bbbbbbbbbb1")]);
  assert.deepEqual((await second).choices, [song("bbbbbbbbbb1")]);
  assert.equal(mostRunning(), 1);
});

Deno.test("the same words again are answered from memory, whoever types them", async () => {
  const { clock, calls, suggestions } = harness();
  const asked = suggestions.suggest("alice", "Evening  Hum");
  await clock.advance(250);
  calls[0].answer([song("cccccccccc1")]);
  assert.equal((await asked).status, "found");
  assert.deepEqual(await suggestions.suggest("bob", "evening hum "), {
    status: "remembered",
    choices: [song("cccccccccc1")],
  });
  assert.equal(calls.length, 1);
  // Ten minutes later the memory is stale and a new search runs.
  await clock.advance(10 * 60_000);
  const later = suggestions.suggest("bob", "evening hum");
  await clock.advance(250);
  assert.equal(calls.length, 2);
  calls[1].answer([]);
  assert.deepEqual(await later, { status: "found", choices: [] });
});

Deno.test("a repeated keystroke with the same words shares the answer on its way", async () => {
  const { clock, calls, suggestions } = harness();
  const first = suggestions.suggest("alice", "lighthouse");
  await clock.advance(250);
  const again = suggestions.suggest("alice", "Lighthouse ");
  assert.ok(!calls[0].signal.aborted);
  calls[0].answer([song("dddddddddd1")]);
  assert.deepEqual(await again, await first);
});

Deno.test("users do not cancel each other", async () => {
  const { clock, calls, suggestions } = harness();
  const alice = suggestions.suggest("alice", "paper boats");
  const bob = suggestions.suggest("bob", "static bloom");
  await clock.advance(250);
  assert.equal(calls.length, 2);
  assert.ok(calls.every((call) => !call.signal.aborted));
  calls[1].answer([song("eeeeeeeeee1")]);
  calls[0].answer([song("ffffffffff1")]);
  assert.deepEqual((await alice).choices, [song("ffffffffff1")]);
  assert.deepEqual((await bob).choices, [song("eeeeeeeeee1")]);
  assert.equal(suggestions.busyUsers, 0);
});

Deno.test("a search that takes too long is answered with the text; it goes on and is remembered", async () => {
  const { clock, calls, suggestions } = harness({ timeoutMs: 2_000 });
  const slow = suggestions.suggest("alice", "slow search");
  await clock.advance(250);
  await clock.advance(2_000);
  assert.deepEqual(await slow, {
    status: "failed",
    choices: [{ name: "slow search", value: "slow search" }],
  });
  assert.ok(!calls[0].signal.aborted, "the search goes on in the background");
  calls[0].answer([{ name: "Slow Search", value: "https://www.youtube.com/watch?v=slowsearch1" }]);
  await clock.advance(0);
  // The next keystroke with the same words gets the late answer at once, without a second search.
  const again = await suggestions.suggest("alice", "slow search");
  assert.equal(again.status, "remembered");
  assert.equal(calls.length, 1);
});

Deno.test("a search that fails is not remembered: the next try searches again", async () => {
  const { clock, calls, suggestions } = harness({ timeoutMs: 2_000 });
  const first = suggestions.suggest("alice", "broken search");
  await clock.advance(250);
  calls[0].answer(undefined);
  assert.equal((await first).status, "failed");
  const retry = suggestions.suggest("alice", "broken search");
  await clock.advance(250);
  assert.equal(calls.length, 2);
  calls[1].answer(undefined);
  assert.equal((await retry).status, "failed");
});

Deno.test("short text, links and invisible characters are offered back without a search", async () => {
  const { clock, calls, suggestions } = harness();
  assert.deepEqual(await suggestions.suggest("alice", "ab"), {
    status: "typed",
    choices: [{ name: "ab", value: "ab" }],
  });
  assert.deepEqual(await suggestions.suggest("alice", "\u0000\u0001"), { status: "typed", choices: [] });
  const link = "https://youtu.be/dQw4w9WgXcQ";
  assert.deepEqual((await suggestions.suggest("alice", link)).choices, [{ name: link, value: link }]);
  assert.equal((await suggestions.suggest("alice", "soundcloud.com/a/b")).status, "typed");
  // A link typed while a search waits cancels the wait.
  const words = suggestions.suggest("bob", "line\u0000one");
  const linkNow = suggestions.suggest("bob", link);
  assert.equal((await words).status, "superseded");
  assert.equal((await linkNow).status, "typed");
  await clock.advance(1_000);
  await settle();
  assert.equal(calls.length, 0);
  const cleaned = suggestions.suggest("carol", "line\u0000one");
  await clock.advance(250);
  assert.deepEqual(calls.map((call) => call.text), ["line one"]);
  calls[0].answer([]);
  await cleaned;
});

Deno.test("one user searching too often gets the typed text without a search; others still search", async () => {
  const { clock, calls, suggestions } = harness({ perUser: { limit: 2, windowMs: 10_000 } });
  for (const words of ["first words", "second words"]) {
    const outcome = suggestions.suggest("alice", words);
    await clock.advance(250);
    calls.at(-1)!.answer([song("aaaaaaaaaa1")]);
    assert.equal((await outcome).status, "found");
  }
  const third = suggestions.suggest("alice", "third words");
  await clock.advance(250);
  assert.deepEqual(await third, {
    status: "limited",
    choices: [{ name: "third words", value: "third words" }],
  });
  assert.equal(calls.length, 2, "no third search for alice");
  const bobs = suggestions.suggest("bob", "third words");
  await clock.advance(250);
  assert.equal(calls.length, 3, "bob is not limited by alice");
  calls[2].answer([song("bbbbbbbbbb1")]);
  assert.equal((await bobs).status, "found");
  await clock.advance(10_000);
  const later = suggestions.suggest("alice", "fourth words");
  await clock.advance(250);
  assert.equal(calls.length, 4, "alice searches again once the window has passed");
  calls[3].answer([]);
  await later;
});
