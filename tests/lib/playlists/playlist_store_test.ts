import assert from "node:assert/strict";
import { join } from "node:path";
import { PlaylistStore } from "../../../lib/playlists/playlist_store.ts";
import {
  type PlaylistOwner,
  type PlaylistTrack,
  toPlaylistTrack,
} from "../../../lib/playlists/playlist_model.ts";
import { UserError } from "../../../lib/user_error.ts";

const ALICE: PlaylistOwner = { kind: "user", userId: "111" };
const SERVER: PlaylistOwner = { kind: "guild", guildId: "999" };
const CAPS = { perUser: 3, tracks: 1000 };

function track(i: number, title = `Song ${i}`): PlaylistTrack {
  const url = `https://media.example/${i}.mp3`;
  return { source: { kind: "url", url }, title, url, durationSeconds: 60 + i };
}

async function withStore(body: (store: PlaylistStore, kv: Deno.Kv, path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "trazom_playlists_" });
  const path = join(dir, "kv");
  const kv = await Deno.openKv(path);
  try {
    await body(new PlaylistStore(kv, CAPS), kv, path);
  } finally {
    try {
      kv.close();
    } catch {
      // The test closed it already, to open the file again.
    }
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a saved playlist reads back the same, in order, after the store is opened again", async () => {
  await withStore(async (store, kv, path) => {
    await store.create(ALICE, "Friday Night", [track(1), track(2), track(3)]);
    kv.close();
    const reopened = await Deno.openKv(path);
    try {
      const again = new PlaylistStore(reopened, CAPS);
      const playlist = await again.get(ALICE, "friday night");
      assert.deepEqual(playlist?.list, [track(1), track(2), track(3)]);
      assert.equal(playlist?.name, "Friday Night");
      assert.deepEqual((await again.list(ALICE)).map((entry) => [entry.name, entry.tracks]), [[
        "Friday Night",
        3,
      ]]);
      assert.deepEqual(await again.list(SERVER), [], "a server's playlists are apart from a person's");
    } finally {
      reopened.close();
    }
  });
});

Deno.test("ten appends to one playlist at the same moment all land", async () => {
  await withStore(async (store) => {
    await store.create(ALICE, "mix", []);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.append(ALICE, "mix", [track(i)], { create: false })),
    );
    const playlist = await store.get(ALICE, "mix");
    assert.deepEqual(
      playlist?.list.map((entry) => entry.title).sort(),
      Array.from({ length: 10 }, (_, i) => `Song ${i}`).sort(),
    );
    assert.equal((await store.list(ALICE))[0].tracks, 10, "the index counts all of them");
  });
});

Deno.test("two people creating playlists at once both keep theirs, and the cap counts both", async () => {
  await withStore(async (store) => {
    await Promise.all(["a", "b", "c"].map((name) => store.create(SERVER, name, [track(1)])));
    assert.deepEqual((await store.list(SERVER)).map((entry) => entry.name), ["a", "b", "c"]);
    await assert.rejects(store.create(SERVER, "d", []), (error: Error) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /This server has 3 playlists, the most allowed/);
      return true;
    });
  });
});

Deno.test("Liked does not count against the playlist cap and skips songs already liked", async () => {
  await withStore(async (store) => {
    for (const name of ["a", "b", "c"]) await store.create(ALICE, name, []);
    const first = await store.append(ALICE, "liked", [track(1)], { create: true, skipKnown: true });
    assert.equal(first.added, 1);
    await assert.rejects(
      store.append(ALICE, "liked", [track(1)], { create: true, skipKnown: true }),
      UserError,
    );
    assert.deepEqual((await store.list(ALICE)).map((entry) => entry.key), ["liked", "a", "b", "c"]);
  });
});

Deno.test("a playlist is cut at the track cap, saying how many were left out", async () => {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(join(dir, "kv"));
  try {
    const store = new PlaylistStore(kv, { perUser: 5, tracks: 4 });
    const created = await store.create(ALICE, "x", [track(1), track(2), track(3)]);
    assert.deepEqual([created.added, created.leftOut], [3, 0]);
    const appended = await store.append(ALICE, "x", [track(4), track(5), track(6)], { create: false });
    assert.deepEqual([appended.added, appended.leftOut], [1, 2]);
    await assert.rejects(store.append(ALICE, "x", [track(7)], { create: false }), /already holds 4 tracks/);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("1000 tracks, far over one KV value, are stored in slices and read back whole", async () => {
  await withStore(async (store, kv) => {
    // Long, varied titles: the packed value is well over KV's 64 KiB per value.
    const tracks = Array.from(
      { length: 1000 },
      (_, i) => track(i, `Song ${i} ${crypto.randomUUID()} ${crypto.randomUUID()} ${crypto.randomUUID()}`),
    );
    await store.create(ALICE, "big", tracks);
    const slices = await Array.fromAsync(
      kv.list({ prefix: ["playlist", "user", ALICE.userId, "list", "big"] }),
    );
    assert.ok(slices.length >= 2, `stored in ${slices.length} slices`);
    for (const slice of slices) {
      const size = slice.value instanceof Uint8Array
        ? slice.value.length
        : JSON.stringify(slice.value).length;
      assert.ok(size <= 64 * 1024, `a slice of ${size} bytes`);
    }
    assert.deepEqual((await store.get(ALICE, "big"))?.list, tracks);
    assert.equal((await store.delete(ALICE, "big")).tracks, 1000);
    assert.deepEqual(
      await Array.fromAsync(kv.list({ prefix: ["playlist", "user", ALICE.userId, "list"] })),
      [],
      "no slice left behind",
    );
  });
});

/** `length` characters no compressor can shrink much, as a hostile title or link could be. */
function noise(length: number, alphabet: string): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => alphabet[b % alphabet.length])
    .join("");
}

const URL_SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
const WIDE = Array.from({ length: 256 }, (_, i) => String.fromCodePoint(0x1f300 + i)).join("");

Deno.test("1000 tracks at the longest title and link a playlist keeps still fit one commit", async () => {
  await withStore(async (store) => {
    const tracks = Array.from({ length: 1000 }, () => {
      const url = `https://media.example/${noise(370, URL_SAFE)}`;
      return toPlaylistTrack({ source: { kind: "url", url }, title: noise(500, [...WIDE].join("")), url });
    });
    assert.ok(tracks.every((entry) => entry.url.length <= 400));
    await store.create(ALICE, "hostile", tracks);
    assert.equal((await store.get(ALICE, "hostile"))?.list.length, 1000);
  });
});

Deno.test("a playlist too large for one commit is refused politely and nothing changes", async () => {
  await withStore(async (store) => {
    // Past the bounds toPlaylistTrack keeps: 1000 links of 1000 random characters are ~750 KB packed, plus titles.
    const tracks = Array.from({ length: 1000 }, () => {
      const url = `https://media.example/${noise(1000, URL_SAFE)}`;
      return { source: { kind: "url" as const, url }, title: noise(100, URL_SAFE), url };
    });
    await assert.rejects(store.create(ALICE, "huge", tracks), /too large to store/);
    assert.deepEqual(await store.list(ALICE), []);
  });
});

Deno.test("remove, rename and delete change what is stored and refuse what does not exist", async () => {
  await withStore(async (store) => {
    await store.create(ALICE, "one", [track(1), track(2), track(3)]);
    assert.equal((await store.removeAt(ALICE, "one", 2)).title, "Song 2");
    await assert.rejects(store.removeAt(ALICE, "one", 5), /has 2 tracks; there is no position 5/);
    await store.create(ALICE, "two", []);
    await assert.rejects(store.rename(ALICE, "one", "TWO"), /already a playlist named "TWO"/);
    await store.rename(ALICE, "one", "Three");
    assert.equal(await store.get(ALICE, "one"), undefined);
    assert.deepEqual((await store.get(ALICE, "three"))?.list.map((t) => t.title), ["Song 1", "Song 3"]);
    assert.deepEqual((await store.list(ALICE)).map((entry) => entry.name), ["Three", "two"]);
    assert.deepEqual(
      [(await store.delete(ALICE, "three")).name, (await store.list(ALICE)).map((entry) => entry.name)],
      ["Three", ["two"]],
    );
    await assert.rejects(store.delete(ALICE, "three"), /no playlist named "three"/);
  });
});

Deno.test("a value written by a newer version of the bot is refused, not misread", async () => {
  await withStore(async (store, kv) => {
    await kv.set(["playlist", "user", ALICE.userId, "index"], { version: 2, entries: [] });
    await assert.rejects(store.list(ALICE), /newer version of the bot/);
  });
});
