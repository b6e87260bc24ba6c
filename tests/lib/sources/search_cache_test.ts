import assert from "node:assert/strict";
import { SearchCache, searchKey } from "../../../lib/sources/search_cache.ts";

function fakeClock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => now += ms };
}

Deno.test("a cached search is served without loading again until it expires", async () => {
  const clock = fakeClock();
  const cache = new SearchCache<string>({ maxEntries: 10, ttlMs: 60_000, now: clock.now });
  let loads = 0;
  const load = (key: string) => Promise.resolve(`${key}#${++loads}`);
  assert.equal(await cache.get("rick", load), "rick#1");
  clock.advance(59_999);
  assert.equal(await cache.get("rick", load), "rick#1");
  clock.advance(1);
  assert.equal(await cache.get("rick", load), "rick#2");
});

Deno.test("identical searches in flight share one load", async () => {
  const cache = new SearchCache<number>({ maxEntries: 10, ttlMs: 1000 });
  let loads = 0;
  let release!: (value: number) => void;
  const load = () => {
    loads++;
    return new Promise<number>((resolve) => release = resolve);
  };
  const first = cache.get("a", load);
  const second = cache.get("a", load);
  release(42);
  assert.deepEqual(await Promise.all([first, second]), [42, 42]);
  assert.equal(loads, 1);
});

Deno.test("failures are shared by waiting callers but not cached", async () => {
  const cache = new SearchCache<number>({ maxEntries: 10, ttlMs: 1000 });
  let loads = 0;
  const failing = () => {
    loads++;
    return Promise.reject(new Error("yt-dlp failed"));
  };
  await Promise.all([
    assert.rejects(cache.get("a", failing), /yt-dlp failed/),
    assert.rejects(cache.get("a", failing), /yt-dlp failed/),
  ]);
  assert.equal(loads, 1);
  assert.equal(await cache.get("a", () => Promise.resolve(7)), 7);
});

Deno.test("the least recently used entry is evicted first", async () => {
  const cache = new SearchCache<string>({ maxEntries: 2, ttlMs: 1000 });
  const load = (key: string) => Promise.resolve(key.toUpperCase());
  await cache.get("a", load);
  await cache.get("b", load);
  assert.equal(cache.peek("a"), "A"); // "a" is now more recent than "b"
  await cache.get("c", load);
  assert.equal(cache.size, 2);
  assert.equal(cache.peek("b"), undefined);
  assert.equal(cache.peek("a"), "A");
  assert.equal(cache.peek("c"), "C");
});

Deno.test("searchKey ignores case and spacing", () => {
  assert.equal(searchKey("  Never   Gonna\tGive "), "never gonna give");
});
