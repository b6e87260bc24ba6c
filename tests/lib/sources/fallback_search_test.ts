/** The fast source first, the sure one when it fails, and a rest for the fast one after a failure. */
import assert from "node:assert/strict";
import { FallbackSearch, type Searcher } from "../../../lib/sources/fallback_search.ts";
import type { TrackInfo } from "../../../lib/track.ts";
import { ManualClock } from "../../fakes/manual_clock.ts";

const track = (id: string): TrackInfo => ({
  source: { kind: "youtube", videoId: id },
  title: id,
  url: `https://www.youtube.com/watch?v=${id}`,
});

/** A source that answers what the test says next, and counts its calls. */
function source(name: string) {
  let next: () => Promise<TrackInfo[]> = () => Promise.resolve([track(`${name}Video01`)]);
  const calls: string[] = [];
  const searcher: Searcher = (text) => {
    calls.push(text);
    return next();
  };
  return {
    searcher,
    calls,
    answer: (how: () => Promise<TrackInfo[]>) => void (next = how),
  };
}

function harness() {
  const clock = new ManualClock();
  const fast = source("fast");
  const sure = source("sure");
  const log: string[] = [];
  const search = new FallbackSearch({
    fast: fast.searcher,
    sure: sure.searcher,
    clock,
    restMs: 10 * 60_000,
    log: (line) => log.push(line),
  });
  const ask = (text: string) => search.search(text, 5, new AbortController().signal);
  return { clock, fast, sure, log, search, ask };
}

Deno.test("the fast source answers alone while it works", async () => {
  const { fast, sure, ask } = harness();
  assert.deepEqual((await ask("one")).map((t) => t.title), ["fastVideo01"]);
  assert.deepEqual((await ask("two")).map((t) => t.title), ["fastVideo01"]);
  assert.deepEqual(fast.calls, ["one", "two"]);
  assert.deepEqual(sure.calls, []);
});

Deno.test("a failure is answered by the sure source, logged once, and rests the fast one for a while", async () => {
  const { clock, fast, sure, log, search, ask } = harness();
  fast.answer(() => Promise.reject(new Error("HTTP 503\n from YouTube")));
  assert.deepEqual((await ask("one")).map((t) => t.title), ["sureVideo01"]);
  assert.deepEqual(log, [
    "In-process YouTube search failed (HTTP 503 from YouTube); yt-dlp searches instead for 10 min.",
  ]);
  assert.equal(search.trustsFastSource, false);

  await clock.advance(9 * 60_000);
  assert.deepEqual((await ask("two")).map((t) => t.title), ["sureVideo01"]);
  assert.deepEqual(fast.calls, ["one"], "resting: not asked");

  await clock.advance(60_000);
  assert.equal(search.trustsFastSource, true);
  fast.answer(() => Promise.resolve([track("fastVideo02")]));
  assert.deepEqual((await ask("three")).map((t) => t.title), ["fastVideo02"]);
  assert.deepEqual(sure.calls, ["one", "two"]);
  assert.equal(log.length, 1);
});

Deno.test("a failure after the rest starts a new rest, logged again", async () => {
  const { clock, fast, log, ask } = harness();
  fast.answer(() => Promise.reject(new Error("first")));
  await ask("one");
  await clock.advance(10 * 60_000);
  fast.answer(() => Promise.reject(new Error("second")));
  await ask("two");
  assert.equal(log.length, 2);
  assert.match(log[1], /\(second\)/);
});

Deno.test("two searches failing together log one rest", async () => {
  const { fast, log, ask } = harness();
  fast.answer(() => Promise.reject(new Error("down")));
  await Promise.all([ask("one"), ask("two")]);
  assert.equal(log.length, 1);
});

Deno.test("nothing found by the fast source is checked with the sure one, without a rest", async () => {
  const { fast, sure, log, search, ask } = harness();
  fast.answer(() => Promise.resolve([]));
  assert.deepEqual((await ask("rare words")).map((t) => t.title), ["sureVideo01"]);
  assert.deepEqual(sure.calls, ["rare words"]);
  assert.equal(search.trustsFastSource, true);
  assert.deepEqual(log, []);
});

Deno.test("for suggestions, nothing found by a working fast source is the answer: no yt-dlp run", async () => {
  const { fast, sure, search } = harness();
  fast.answer(() => Promise.resolve([]));
  assert.deepEqual(
    await search.search("rare words", 5, new AbortController().signal, { sureOnEmpty: false }),
    [],
  );
  assert.deepEqual(sure.calls, []);
});

Deno.test("a cancelled search ends there: no fallback, no rest", async () => {
  const { fast, sure, log, search } = harness();
  const stop = new AbortController();
  fast.answer(() => {
    stop.abort(new Error("superseded"));
    return Promise.reject(stop.signal.reason);
  });
  await assert.rejects(search.search("one", 5, stop.signal), /superseded/);
  assert.deepEqual(sure.calls, []);
  assert.equal(search.trustsFastSource, true);
  assert.deepEqual(log, []);
});
