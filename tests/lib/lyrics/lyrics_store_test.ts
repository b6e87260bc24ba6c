import assert from "node:assert/strict";
import { LyricsStore } from "../../../lib/lyrics/lyrics_store.ts";
import { LyricsBook } from "../../../lib/lyrics/lyrics_book.ts";
import type { Lyrics } from "../../../lib/lyrics/lyrics.ts";

async function withKv(body: (kv: Deno.Kv) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  try {
    await body(kv);
  } finally {
    kv.close();
  }
}

const track = {
  id: "t1",
  title: "Band - Song",
  url: "https://www.youtube.com/watch?v=abcdefghijk",
  requesterId: "1",
  requestedAt: 0,
  source: { kind: "youtube" as const, videoId: "abcdefghijk" },
  durationSeconds: 200,
};

Deno.test("every kind of lyrics round-trips through the store", async () => {
  await withKv(async (kv) => {
    const store = new LyricsStore(kv);
    const kinds: Lyrics[] = [
      { kind: "synced", lines: [{ atSeconds: 1, text: "a" }] },
      { kind: "plain", text: "words" },
      { kind: "instrumental" },
      { kind: "not-found" },
    ];
    for (const [i, lyrics] of kinds.entries()) {
      await store.set(`song${i}`, lyrics);
      assert.deepEqual(await store.get(`song${i}`), lyrics);
    }
    assert.equal(await store.get("never"), undefined);
  });
});

Deno.test("damaged or foreign records read as nothing kept; oversized lyrics are not kept", async () => {
  await withKv(async (kv) => {
    const store = new LyricsStore(kv);
    await kv.set(["lyrics", "a"], { version: 2, kind: "plain", text: "x" });
    await kv.set(["lyrics", "b"], { version: 1, kind: "synced", lines: "nope" });
    await kv.set(["lyrics", "c"], "junk");
    for (const key of ["a", "b", "c"]) assert.equal(await store.get(key), undefined, key);
    const wide = "字".repeat(150);
    const lines = Array.from({ length: 400 }, (_, i) => ({ atSeconds: i, text: wide }));
    await store.set("big", { kind: "synced", lines });
    assert.equal(await store.get("big"), undefined, "over one KV value: not kept");
  });
});

Deno.test("the book asks LRCLIB once per song and then answers from the store", async () => {
  await withKv(async (kv) => {
    const asked: unknown[] = [];
    const book = new LyricsBook(new LyricsStore(kv), (query) => {
      asked.push(query);
      return Promise.resolve({ kind: "plain", text: "words" });
    });
    const [a, b] = await Promise.all([book.lyricsOf(track), book.lyricsOf({ ...track, id: "t2" })]);
    assert.deepEqual(a, { kind: "plain", text: "words" });
    assert.deepEqual(b, a);
    assert.deepEqual(await book.lyricsOf(track), a);
    assert.deepEqual(asked, [{ artist: "Band", title: "Song", durationSeconds: 200 }]);
  });
});
