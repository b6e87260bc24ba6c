/** Media found ahead: a look-up shared with a fetch that joins it, expiry, and failures that leave nothing. */
import assert from "node:assert/strict";
import { LookedAheadMedia, type MediaFinder } from "../../../lib/audio/looked_ahead_media.ts";
import type { KnownMedia } from "../../../lib/channels/transcoder_messages.ts";

/** A finder whose look-ups wait until the test answers them; each notes its signal. */
function finder() {
  const calls: { signal: AbortSignal; answer(media: KnownMedia | undefined): void; fail(): void }[] = [];
  const find: MediaFinder = (signal) =>
    new Promise((resolve, reject) => {
      // Like a helper process that is killed: a cancelled extraction rejects at once.
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      calls.push({ signal, answer: resolve, fail: () => reject(new Error("Video unavailable")) });
    });
  return { calls, find };
}

const NOW = 1_000_000;
const media = (expiresAt = NOW + 3_600_000): KnownMedia => ({ url: "http://127.0.0.1/a.webm", expiresAt });
const KEY = "youtube:videoAAAAAA";
const never = () => new AbortController().signal;

Deno.test("a look-up's media is handed to the fetch of its source once, then forgotten", async () => {
  const store = new LookedAheadMedia({ now: () => NOW });
  const { calls, find } = finder();
  const looking = store.lookAhead(KEY, find, never());
  calls[0].answer(media());
  assert.equal(await looking, true);
  assert.deepEqual(await store.take("youtube:otherVideo1", never()), undefined);
  assert.deepEqual(await store.take(KEY, never()), media());
  assert.equal(await store.take(KEY, never()), undefined, "taken once");
  assert.equal(store.size, 0);
});

Deno.test("a fetch during the look-up waits for it instead of extracting again", async () => {
  const store = new LookedAheadMedia({ now: () => NOW });
  const { calls, find } = finder();
  const looking = store.lookAhead(KEY, find, never());
  const taking = store.take(KEY, never());
  const again = store.lookAhead(KEY, find, never());
  assert.equal(calls.length, 1, "one extraction for all three");
  calls[0].answer(media());
  assert.deepEqual(await taking, media());
  assert.equal(await looking, true);
  assert.equal(await again, true);
  assert.equal(store.size, 0, "the fetch has it now");
});

Deno.test("cancelling the look-up stops its extraction, unless a fetch is waiting for it", async (t) => {
  await t.step("nobody else wants it: the extraction is stopped and nothing is left", async () => {
    const store = new LookedAheadMedia({ now: () => NOW });
    const { calls, find } = finder();
    const stop = new AbortController();
    const looking = store.lookAhead(KEY, find, stop.signal);
    stop.abort(new Error("The words changed."));
    await assert.rejects(looking, /words changed/);
    assert.equal(calls[0].signal.aborted, true, "the extraction was cancelled");
    assert.equal(store.size, 0);
    assert.equal(await store.take(KEY, never()), undefined);
  });
  await t.step("a fetch joined it: the extraction runs on for the fetch", async () => {
    const store = new LookedAheadMedia({ now: () => NOW });
    const { calls, find } = finder();
    const stop = new AbortController();
    const looking = store.lookAhead(KEY, find, stop.signal);
    const taking = store.take(KEY, never());
    stop.abort(new Error("The words changed."));
    await assert.rejects(looking);
    assert.equal(calls[0].signal.aborted, false);
    calls[0].answer(media());
    assert.deepEqual(await taking, media());
  });
  await t.step("the fetch is cancelled too: the extraction stops", async () => {
    const store = new LookedAheadMedia({ now: () => NOW });
    const { calls, find } = finder();
    const stop = new AbortController();
    const fetching = new AbortController();
    const looking = store.lookAhead(KEY, find, stop.signal);
    const taking = store.take(KEY, fetching.signal);
    stop.abort(new Error("The words changed."));
    fetching.abort(new Error("Skipped."));
    await assert.rejects(looking);
    await assert.rejects(taking, /Skipped/);
    assert.equal(calls[0].signal.aborted, true);
    assert.equal(store.size, 0);
  });
});

Deno.test("a failed look-up, or one that found no single media URL, leaves nothing behind", async () => {
  const store = new LookedAheadMedia({ now: () => NOW });
  const { calls, find } = finder();
  const failing = store.lookAhead(KEY, find, never());
  const taking = store.take(KEY, never());
  calls[0].fail();
  assert.equal(await failing, false);
  assert.equal(await taking, undefined, "the fetch extracts it itself");
  const empty = store.lookAhead(KEY, find, never());
  calls[1].answer(undefined);
  assert.equal(await empty, false);
  assert.equal(store.size, 0);
});

Deno.test("an address close to its expiry is neither kept nor handed out", async () => {
  let now = NOW;
  const store = new LookedAheadMedia({ now: () => now, marginMs: 60_000 });
  const { calls, find } = finder();
  const nearlyExpired = store.lookAhead(KEY, find, never());
  calls[0].answer(media(NOW + 30_000));
  assert.equal(await nearlyExpired, false);
  assert.equal(store.size, 0);

  const fresh = store.lookAhead(KEY, find, never());
  calls[1].answer(media(NOW + 120_000));
  assert.equal(await fresh, true);
  now += 61_000;
  assert.equal(await store.take(KEY, never()), undefined, "expired while kept");
  assert.equal(store.size, 0);
});

Deno.test("the store is bounded: the oldest address makes room, look-ups in flight are never dropped", async () => {
  const store = new LookedAheadMedia({ now: () => NOW, maxEntries: 2 });
  const { calls, find } = finder();
  const first = store.lookAhead("youtube:first000001", find, never());
  calls[0].answer(media());
  await first;
  store.lookAhead("youtube:second00002", find, never());
  store.lookAhead("youtube:third000003", find, never());
  assert.equal(calls.length, 3);
  assert.equal(await store.take("youtube:first000001", never()), undefined, "the oldest found one made room");
  assert.equal(await store.lookAhead("youtube:fourth00004", find, never()), false, "two in flight: no room");
  assert.equal(calls.length, 3);
});
