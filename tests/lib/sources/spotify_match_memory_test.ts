import assert from "node:assert/strict";
import { join } from "node:path";
import { createSpotifyMatchMemory } from "../../../lib/sources/spotify_match_memory.ts";

Deno.test("remembers, overwrites and forgets matches", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const memory = createSpotifyMatchMemory(kv);
    assert.equal(await memory.get("0000000000000000track1"), undefined);
    await memory.set("0000000000000000track1", "dQw4w9WgXcQ");
    assert.equal(await memory.get("0000000000000000track1"), "dQw4w9WgXcQ");
    await memory.set("0000000000000000track1", "abcdefghijk");
    assert.equal(await memory.get("0000000000000000track1"), "abcdefghijk");
    assert.equal(await memory.get("0000000000000000track2"), undefined);
    await memory.delete("0000000000000000track1");
    assert.equal(await memory.get("0000000000000000track1"), undefined);
  } finally {
    kv.close();
  }
});

Deno.test("matches survive reopening the store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "matches.sqlite");
    const first = await Deno.openKv(path);
    await createSpotifyMatchMemory(first).set("0000000000000000track1", "dQw4w9WgXcQ");
    first.close();
    const second = await Deno.openKv(path);
    try {
      assert.equal(await createSpotifyMatchMemory(second).get("0000000000000000track1"), "dQw4w9WgXcQ");
    } finally {
      second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
