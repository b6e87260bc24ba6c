import assert from "node:assert/strict";
import { bestOf, createLrclib, recordLyrics } from "../../../lib/lyrics/lrclib.ts";
import { MAX_PLAIN_CHARS } from "../../../lib/lyrics/lyrics.ts";
import { UserError } from "../../../lib/user_error.ts";
import { startFakeLrclib } from "../../fakes/fake_lrclib.ts";

const record = (overrides: Record<string, unknown>) => ({
  trackName: "Song",
  artistName: "Band",
  albumName: "Album",
  duration: 200,
  instrumental: false,
  plainLyrics: null,
  syncedLyrics: null,
  ...overrides,
});

Deno.test("a record gives synced lyrics before plain, instrumental when it says so, else nothing", () => {
  assert.deepEqual(recordLyrics(record({ syncedLyrics: "[00:01.00] Hi", plainLyrics: "Hi" })), {
    kind: "synced",
    lines: [{ atSeconds: 1, text: "Hi" }],
  });
  assert.deepEqual(recordLyrics(record({ plainLyrics: "Hello\r\nthere" })), {
    kind: "plain",
    text: "Hello\nthere",
  });
  assert.deepEqual(recordLyrics(record({ instrumental: true })), { kind: "instrumental" });
  assert.deepEqual(recordLyrics(record({ plainLyrics: "   " })), { kind: "not-found" });
  assert.equal(recordLyrics("nonsense"), undefined);
  const long = recordLyrics(record({ plainLyrics: "la ".repeat(50_000) }));
  assert.ok(long?.kind === "plain" && long.text.length <= MAX_PLAIN_CHARS);
});

Deno.test("search results of another length are passed over, and synced ones preferred", () => {
  const results = [
    record({ duration: 300, syncedLyrics: "[00:01.00] Wrong length" }),
    record({ duration: 201, plainLyrics: "Plain right length" }),
    record({ duration: 199, syncedLyrics: "[00:01.00] Synced right length" }),
  ];
  assert.deepEqual(bestOf(results, 200), {
    kind: "synced",
    lines: [{ atSeconds: 1, text: "Synced right length" }],
  });
  assert.deepEqual(bestOf(results.slice(0, 2), 200), { kind: "plain", text: "Plain right length" });
  assert.deepEqual(bestOf([], 200), { kind: "not-found" });
});

Deno.test("the exact match is asked first, then the search; a miss on both is 'not found'", async () => {
  const fake = startFakeLrclib([
    { ...record({ plainLyrics: "Exact" }), searchOnly: false },
    { ...record({ trackName: "Other", plainLyrics: "Found by search" }), searchOnly: true },
  ]);
  try {
    const lrclib = createLrclib({ baseUrl: fake.url });
    assert.deepEqual(await lrclib({ title: "Song", artist: "Band", durationSeconds: 201 }), {
      kind: "plain",
      text: "Exact",
    });
    assert.match(fake.requests[0], /^\/api\/get\?track_name=Song&artist_name=Band&duration=201$/);
    assert.deepEqual(await lrclib({ title: "Other", artist: "Band" }), {
      kind: "plain",
      text: "Found by search",
    });
    assert.match(fake.requests.at(-1)!, /^\/api\/search\?q=Band\+Other$/);
    const before = fake.requests.length;
    assert.deepEqual(await lrclib({ title: "Nothing Like It" }), { kind: "not-found" });
    assert.deepEqual(
      fake.requests.slice(before).map((r) => r.split("?")[0]),
      ["/api/search"],
      "no artist: search only",
    );
  } finally {
    await fake.close();
  }
});

Deno.test("LRCLIB down, slow or unreachable is a polite UserError", async () => {
  const fake = startFakeLrclib([]);
  try {
    for (const mode of ["down", "slow"] as const) {
      fake.mode = mode;
      const lrclib = createLrclib({ baseUrl: fake.url, timeoutMs: 300 });
      await assert.rejects(lrclib({ title: "Song", artist: "Band" }), (error) => {
        assert.ok(error instanceof UserError);
        assert.match(error.message, /isn't answering right now/);
        return true;
      });
    }
  } finally {
    await fake.close();
  }
  await assert.rejects(createLrclib({ baseUrl: "http://127.0.0.1:9" })({ title: "x" }), UserError);
  const huge = createLrclib({
    baseUrl: "http://x",
    fetch: () => Promise.resolve(new Response("[" + '"x",'.repeat(400_000) + '"x"]')),
  });
  await assert.rejects(huge({ title: "x" }), UserError, "an answer over the size bound is refused");
});
