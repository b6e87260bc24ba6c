/**
 * The in-process YouTube search against the fake web API: what it asks, what it reads from a results page,
 * and how it fails.
 */
import assert from "node:assert/strict";
import { createYoutubeSearch, searchTarget } from "../../../lib/sources/youtube_search.ts";
import { startFakeInnertube } from "../../fakes/fake_innertube.ts";
import { EVENING_SEARCH } from "../../fakes/evening_search.ts";
import { waitUntil } from "../../fakes/wait_until.ts";

async function withFake(test: (fake: ReturnType<typeof startFakeInnertube>) => Promise<void>) {
  const fake = startFakeInnertube(EVENING_SEARCH);
  try {
    await test(fake);
  } finally {
    await fake.close();
  }
}

const watch = (id: string) => `https://www.youtube.com/watch?v=${id}`;

Deno.test("a search asks the web API for videos and reads titles, lengths and links, leaving out live streams", () =>
  withFake(async (fake) => {
    const search = createYoutubeSearch({ baseUrl: fake.url });
    const found = await search("Evening hum", 5, new AbortController().signal);
    assert.deepEqual(found, [
      {
        source: { kind: "youtube", videoId: "eveningHum1" },
        title: "Evening Hum",
        url: watch("eveningHum1"),
        durationSeconds: 65,
      },
      {
        source: { kind: "youtube", videoId: "eveningHum2" },
        title: "Evening Hum — an hour",
        url: watch("eveningHum2"),
        durationSeconds: 3725,
      },
      {
        source: { kind: "youtube", videoId: "eveningHum3" },
        title: "Evening Hum (Slow)",
        url: watch("eveningHum3"),
        durationSeconds: 2,
      },
    ]);
    assert.deepEqual(fake.searches, [{ query: "Evening hum", clientName: "WEB", params: "EgIQAQ%3D%3D" }]);

    const firstTwo = await search("evening hum", 2, new AbortController().signal);
    assert.deepEqual(firstTwo.map((track) => track.title), ["Evening Hum", "Evening Hum — an hour"]);
    assert.deepEqual(await search("nothing like it", 5, new AbortController().signal), []);
  }));

Deno.test("an error from YouTube fails the search; a page it cannot read finds nothing", () =>
  withFake(async (fake) => {
    const search = createYoutubeSearch({ baseUrl: fake.url });
    fake.behave({ answer: "status", status: 503 });
    await assert.rejects(search("evening hum", 5, new AbortController().signal));
    fake.behave({ answer: "unknown-shape" });
    assert.deepEqual(await search("evening hum", 5, new AbortController().signal), []);
    fake.behave({ answer: "results" });
    assert.equal((await search("evening hum", 5, new AbortController().signal)).length, 3);
  }));

Deno.test("a search ends at once when it is cancelled, and when YouTube takes longer than its time-out", () =>
  withFake(async (fake) => {
    fake.behave({ answer: "results", delayMs: 60_000 });
    const search = createYoutubeSearch({ baseUrl: fake.url, timeoutMs: 300 });
    const stop = new AbortController();
    const cancelled = search("evening hum", 5, stop.signal);
    await waitUntil(() => fake.searches.length === 1, "the search reached the web API");
    stop.abort(new Error("superseded"));
    await assert.rejects(cancelled, /superseded/);
    await assert.rejects(search("evening hum", 5, new AbortController().signal), /timed out|abort/i);
  }));

Deno.test("nothing answering at the address is a failure, not an empty result", async () => {
  const search = createYoutubeSearch({ baseUrl: "http://127.0.0.1:9" });
  await assert.rejects(search("evening hum", 5, new AbortController().signal));
});

const STAND_IN = new URL("http://127.0.0.1:8080");

Deno.test("search requests keep their path and query, on the configured address", () => {
  assert.equal(
    searchTarget("https://www.youtube.com/youtubei/v1/search?prettyPrint=false", STAND_IN).href,
    "http://127.0.0.1:8080/youtubei/v1/search?prettyPrint=false",
  );
});

Deno.test("a path that starts with two slashes stays on the configured address", () => {
  const target = searchTarget("https://www.youtube.com//evil.example/x?y=1", STAND_IN);
  assert.equal(target.origin, STAND_IN.origin);
  assert.equal(target.pathname, "//evil.example/x");
});

Deno.test("other origins are refused", () => {
  assert.throws(() => searchTarget("https://evil.example/youtubei/v1/search", STAND_IN), /evil\.example/);
  assert.throws(() => searchTarget("http://www.youtube.com/x", STAND_IN), /which search never needs/);
});
