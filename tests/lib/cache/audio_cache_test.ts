import assert from "node:assert/strict";
import { join } from "node:path";
import { loudnessTarget } from "../../../lib/audio/loudnorm.ts";
import { AudioCache } from "../../../lib/cache/audio_cache.ts";
import { type CacheFiles, denoCacheFiles } from "../../../lib/cache/cache_files.ts";
import { cacheKeyFor } from "../../../lib/cache/cache_key.ts";

/** A cache folder and a KV file that outlive one `AudioCache`, so a test can restart it. */
interface World {
  readonly dir: string;
  readonly cacheDir: string;
  /** A clock the test moves by hand. */
  time: number;
  readonly logged: string[];
  open(limitBytes: number, files?: CacheFiles): Promise<AudioCache>;
  restart(limitBytes: number): Promise<AudioCache>;
  kv(): Deno.Kv;
}

async function withWorld(run: (world: World) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trazom_cache_" });
  const kvPath = join(dir, "index.kv");
  let kv = await Deno.openKv(kvPath);
  const world: World = {
    dir,
    cacheDir: join(dir, "cache"),
    time: 1_000,
    logged: [],
    open: (limitBytes, files) =>
      AudioCache.open({
        dir: world.cacheDir,
        kv,
        limitBytes,
        files,
        now: () => world.time,
        log: (line) => world.logged.push(line),
      }),
    restart: async (limitBytes) => {
      kv.close();
      kv = await Deno.openKv(kvPath);
      return await world.open(limitBytes);
    },
    kv: () => kv,
  };
  try {
    await run(world);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Writes `sizeBytes` to a fresh temporary file and commits it at the world's current time; the pin the
 * commit gives is released unless `held`.
 */
async function store(world: World, cache: AudioCache, key: string, sizeBytes: number, held = false) {
  const temporary = cache.temporaryPathFor(key);
  await Deno.writeFile(temporary, new Uint8Array(sizeBytes).fill(key.charCodeAt(0)));
  const entry = await cache.commit(key, temporary, { durationSeconds: 60, inputLoudness: -20 });
  if (!held) await cache.release(key);
  world.time += 10;
  return entry;
}

/** Looks `key` up and lets go of it at once: a hit that leaves no pin. */
async function touch(cache: AudioCache, key: string) {
  const entry = await cache.acquire(key);
  if (entry) await cache.release(key);
  return entry;
}

/** File operations on one path that wait until the test opens the gate; `reached` resolves when one waits. */
function gatedFiles(operation: "sizeOf" | "remove") {
  let gatedPath = "";
  const reached = Promise.withResolvers<void>();
  const gate = Promise.withResolvers<void>();
  const files: CacheFiles = {
    ...denoCacheFiles,
    [operation]: async (path: string) => {
      if (path === gatedPath) {
        reached.resolve();
        await gate.promise;
      }
      return await (denoCacheFiles[operation] as (path: string) => Promise<unknown>)(path);
    },
  };
  return {
    files,
    gate: (path: string) => void (gatedPath = path),
    reached: reached.promise,
    open: gate.resolve,
  };
}

async function exists(path: string): Promise<boolean> {
  return (await denoCacheFiles.sizeOf(path)) !== undefined;
}

async function namesIn(dir: string): Promise<string[]> {
  return (await denoCacheFiles.list(dir)).sort();
}

Deno.test("lookups count misses and hits, and a hit marks the entry used and pins it", async () => {
  await withWorld(async (world) => {
    const cache = await world.open(10_000);
    assert.equal(await cache.acquire("song"), undefined);
    assert.equal(cache.pinCount("song"), 0, "a miss pins nothing");
    await store(world, cache, "song", 100);
    assert.equal(cache.pinCount("song"), 0);
    world.time = 5_000;
    const hit = await cache.acquire("song");
    assert.equal(hit?.lastUsedAt, 5_000);
    assert.equal(cache.pinCount("song"), 1);
    assert.equal((await world.kv().get<{ lastUsedAt: number }>(["cache", "song"])).value?.lastUsedAt, 5_000);
    await cache.acquire("song");
    assert.equal(cache.pinCount("song"), 2, "pins are counted: two guilds may hold one file");
    await cache.release("song");
    await cache.release("song");
    assert.equal(cache.pinCount("song"), 0);
    await cache.acquire("other");
    const { hits, misses } = cache.stats();
    assert.deepEqual({ hits, misses, hitRate: hits / (hits + misses) }, { hits: 2, misses: 2, hitRate: 0.5 });
  });
});

Deno.test("has says whether a key is indexed without using, pinning or counting it", async () => {
  await withWorld(async (world) => {
    const cache = await world.open(10_000);
    assert.equal(cache.has("song"), false);
    await store(world, cache, "song", 100);
    world.time = 5_000;
    assert.equal(cache.has("song"), true);
    assert.equal(cache.pinCount("song"), 0);
    assert.notEqual(
      (await world.kv().get<{ lastUsedAt: number }>(["cache", "song"])).value?.lastUsedAt,
      5_000,
    );
    assert.deepEqual([cache.stats().hits, cache.stats().misses], [0, 0]);
  });
});

Deno.test("an indexed entry whose file vanished is a miss and leaves the index", async () => {
  await withWorld(async (world) => {
    const cache = await world.open(10_000);
    await store(world, cache, "gone", 100);
    await Deno.remove(cache.pathOf("gone"));
    assert.equal(await cache.acquire("gone"), undefined);
    assert.equal(cache.pinCount("gone"), 0);
    assert.equal(cache.stats().files, 0);
    assert.equal((await world.kv().get(["cache", "gone"])).value, null);
  });
});

Deno.test("commit moves the temporary file into place and indexes it, pinned for the caller", async () => {
  await withWorld(async (world) => {
    const cache = await world.open(10_000);
    const temporary = cache.temporaryPathFor("song");
    assert.ok(/\/\.partial-song-[0-9a-f-]+\.ogg$/.test(temporary), temporary);
    await Deno.writeFile(temporary, new Uint8Array(123));
    const entry = await cache.commit("song", temporary, { durationSeconds: 61.5, inputLoudness: -9.5 });
    assert.equal(cache.pinCount("song"), 1);
    assert.deepEqual(entry, {
      key: "song",
      sizeBytes: 123,
      lastUsedAt: 1_000,
      durationSeconds: 61.5,
      inputLoudness: -9.5,
    });
    assert.equal(await exists(temporary), false);
    assert.deepEqual(await namesIn(world.cacheDir), ["song.ogg"]);
    assert.deepEqual((await world.kv().get(["cache", "song"])).value, entry);
    assert.deepEqual(cache.stats(), { files: 1, sizeBytes: 123, limitBytes: 10_000, hits: 0, misses: 0 });
  });
});

Deno.test("over the limit, the least recently used files go first", async () => {
  await withWorld(async (world) => {
    const cache = await world.open(250);
    await store(world, cache, "a", 100);
    await store(world, cache, "b", 100);
    await touch(cache, "a"); // now b is the oldest
    world.time += 10;
    await store(world, cache, "c", 100);
    assert.deepEqual(await namesIn(world.cacheDir), ["a.ogg", "c.ogg"]);
    await store(world, cache, "d", 100);
    assert.deepEqual(await namesIn(world.cacheDir), ["c.ogg", "d.ogg"]);
    assert.equal(cache.stats().sizeBytes, 200);
  });
});

Deno.test("eviction returns what it removed, oldest first, and stops once under the limit", async () => {
  await withWorld(async (world) => {
    let cache = await world.open(10_000);
    for (const key of ["e", "d", "c", "b", "a"]) await store(world, cache, key, 100);
    cache = await world.restart(250);
    assert.deepEqual(await cache.evict(), ["e", "d", "c"]);
    assert.deepEqual(await namesIn(world.cacheDir), ["a.ogg", "b.ogg"]);
  });
});

Deno.test("files still being written count against the limit: room is made for a download in progress", async () => {
  await withWorld(async (world) => {
    const cache = await world.open(250);
    await store(world, cache, "a", 100);
    await store(world, cache, "b", 100);
    assert.deepEqual(await cache.evict(), [], "200 of 250 bytes: nothing to evict");
    // A download and an encoding under way, 120 bytes so far: 320 in all.
    await Deno.writeFile(join(world.cacheDir, ".partial-download-x"), new Uint8Array(70));
    await Deno.writeFile(cache.temporaryPathFor("c"), new Uint8Array(50));
    assert.deepEqual(await cache.evict(), ["a"]);
    const finished = (await namesIn(world.cacheDir)).filter((name) => !name.startsWith(".partial-"));
    assert.deepEqual(finished, ["b.ogg"]);
  });
});

Deno.test("pinned files are never evicted, so pins alone may keep the cache over its soft limit", async () => {
  await withWorld(async (world) => {
    const cache = await world.open(150);
    await store(world, cache, "playing", 100, true);
    await store(world, cache, "next", 100, true);
    assert.deepEqual(await namesIn(world.cacheDir), ["next.ogg", "playing.ogg"]);
    assert.equal(cache.stats().sizeBytes, 200);
    assert.deepEqual(await cache.evict(), []);
    assert.ok(await cache.acquire("playing"), "a second guild holds the playing file too");
    assert.deepEqual(await cache.release("playing"), [], "still held by the other guild");
    assert.deepEqual(await cache.release("playing"), ["playing"], "the last release lets eviction catch up");
    assert.deepEqual(await namesIn(world.cacheDir), ["next.ogg"]);
    assert.deepEqual(await cache.release("playing"), [], "a release too many changes nothing");
    assert.equal(world.logged.length, 1, world.logged.join("\n"));
  });
});

Deno.test("a hit is pinned by the lookup itself: another guild's commit cannot evict it meanwhile", async () => {
  await withWorld(async (world) => {
    const gated = gatedFiles("sizeOf");
    const cache = await world.open(150, gated.files);
    await store(world, cache, "hit", 100);
    gated.gate(cache.pathOf("hit"));
    const lookingUp = cache.acquire("hit");
    await gated.reached; // the lookup is between finding the entry and checking its file
    await store(world, cache, "new", 100, true); // over the limit: "hit" is the oldest file
    gated.open();
    const hit = await lookingUp;
    assert.equal(hit?.key, "hit", "the lookup is a hit");
    assert.ok(await exists(cache.pathOf("hit")), "and its file is still there");
    assert.deepEqual(await namesIn(world.cacheDir), ["hit.ogg", "new.ogg"]);
    assert.deepEqual(await cache.release("new"), ["new"], "the older holder's file goes once released");
  });
});

Deno.test("a lookup during an eviction of its file misses instead of pinning a file being removed", async () => {
  await withWorld(async (world) => {
    const gated = gatedFiles("remove");
    const cache = await world.open(150, gated.files);
    await store(world, cache, "old", 100);
    gated.gate(cache.pathOf("old"));
    const committing = store(world, cache, "new", 100, true);
    await gated.reached; // the eviction of "old" is under way
    assert.equal(await cache.acquire("old"), undefined);
    assert.equal(cache.pinCount("old"), 0);
    gated.open();
    await committing;
    assert.deepEqual(await namesIn(world.cacheDir), ["new.ogg"]);
    assert.equal((await world.kv().get(["cache", "old"])).value, null);
  });
});

Deno.test("a restart sweeps temporary files, drops entries without a file and adopts unindexed ones of its own", async () => {
  await withWorld(async (world) => {
    const cache = await world.open(10_000);
    await store(world, cache, "kept", 100);
    await store(world, cache, "lost", 100);
    await Deno.writeFile(cache.temporaryPathFor("interrupted"), new Uint8Array(50));
    await Deno.writeFile(join(world.cacheDir, ".partial-download-1234"), new Uint8Array(50));
    await Deno.remove(cache.pathOf("lost"));
    // A file the cache made whose index entry was lost, and an operator's own files.
    const orphan = cacheKeyFor("youtube:orphan", loudnessTarget(-16));
    await Deno.writeFile(cache.pathOf(orphan), new Uint8Array(42));
    await Deno.writeFile(join(world.cacheDir, "stray.ogg"), new Uint8Array(4_000));
    await Deno.writeFile(join(world.cacheDir, "notes.txt"), new Uint8Array(7));

    const restarted = await world.restart(10_000);
    assert.deepEqual(
      await namesIn(world.cacheDir),
      [`${orphan}.ogg`, "kept.ogg", "notes.txt", "stray.ogg"].sort(),
    );
    assert.equal((await world.kv().get(["cache", "lost"])).value, null);
    assert.deepEqual(restarted.stats(), { files: 2, sizeBytes: 142, limitBytes: 10_000, hits: 0, misses: 0 });
    assert.equal((await touch(restarted, "kept"))?.durationSeconds, 60);
    // Adopted files are treated as least recent, so they are the first to go.
    assert.deepEqual((await world.kv().get(["cache", orphan])).value, {
      key: orphan,
      sizeBytes: 42,
      lastUsedAt: 0,
    });
    assert.equal((await world.kv().get(["cache", "stray"])).value, null, "an operator's file is not adopted");
    assert.equal(await touch(restarted, "lost"), undefined);
    assert.deepEqual(world.logged, []);
  });
});

Deno.test("an operator's *.ogg in the cache folder is never evicted, however full the cache is", async () => {
  await withWorld(async (world) => {
    await Deno.mkdir(world.cacheDir, { recursive: true });
    const stray = join(world.cacheDir, "my-recording.ogg");
    await Deno.writeFile(stray, new Uint8Array(500));
    const cache = await world.open(300);
    await store(world, cache, "a", 200);
    await store(world, cache, "b", 200);
    assert.equal((await Deno.stat(stray)).size, 500, "the operator's file is still there");
    assert.deepEqual(await namesIn(world.cacheDir), ["b.ogg", "my-recording.ogg"]);
  });
});

Deno.test("a corrupt index entry is skipped with one log line naming its key", async () => {
  await withWorld(async (world) => {
    const first = await world.open(10_000);
    await store(world, first, "good", 100);
    const half = cacheKeyFor("youtube:half", loudnessTarget(-16));
    await Deno.writeFile(first.pathOf(half), new Uint8Array(64));
    await world.kv().set(["cache", "garbage"], "not an entry");
    await world.kv().set(["cache", half], { key: half, sizeBytes: "64" });

    const cache = await world.open(10_000);
    assert.equal(world.logged.length, 2, world.logged.join("\n"));
    assert.ok(world.logged.some((line) => line.includes('"garbage"')), world.logged.join("\n"));
    assert.ok(world.logged.some((line) => line.includes(`"${half}"`)), world.logged.join("\n"));
    assert.equal((await world.kv().get(["cache", "garbage"])).value, null);
    assert.equal((await touch(cache, half))?.sizeBytes, 64, "the file is adopted afresh");
    assert.equal((await touch(cache, "good"))?.sizeBytes, 100);
  });
});

Deno.test("a full disk makes commit fail with advice, and cached files stay usable", async () => {
  await withWorld(async (world) => {
    let full = false;
    const files: CacheFiles = {
      ...denoCacheFiles,
      rename: (from, to) =>
        full
          ? Promise.reject(
            Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" }),
          )
          : denoCacheFiles.rename(from, to),
    };
    const cache = await world.open(10_000, files);
    await store(world, cache, "old", 100);
    full = true;
    const temporary = cache.temporaryPathFor("new");
    await Deno.writeFile(temporary, new Uint8Array(100));
    await assert.rejects(cache.commit("new", temporary, {}), (error: Error) => {
      assert.ok(
        /^The cache folder ".+cache" is full or not writable: free space or set TRAZOM_CACHE_DIR\/TRAZOM_CACHE_LIMIT/
          .test(error.message),
        error.message,
      );
      assert.ok(error.message.includes("No space left on device"), error.message);
      assert.equal((error.cause as { code?: string }).code, "ENOSPC");
      return true;
    });
    assert.equal(await exists(temporary), false, "the temporary file is removed to give the space back");
    assert.equal(cache.pinCount("new"), 0, "a failed commit pins nothing");
    assert.equal(await touch(cache, "new"), undefined);
    assert.equal((await touch(cache, "old"))?.sizeBytes, 100);
    assert.equal((await Deno.readFile(cache.pathOf("old"))).length, 100);
    assert.equal(cache.stats().files, 1);
  });
});

Deno.test("the cache key changes with the loudness target and is stable otherwise", () => {
  const source = "youtube:dQw4w9WgXcQ";
  const key = cacheKeyFor(source, loudnessTarget(-16));
  assert.ok(/^[0-9a-f]{32}$/.test(key), key);
  assert.equal(cacheKeyFor(source, { integrated: -16, range: 11, truePeak: -2 }), key);
  assert.notEqual(cacheKeyFor(source, loudnessTarget(-14)), key);
  assert.notEqual(cacheKeyFor(source, { ...loudnessTarget(-16), truePeak: -1 }), key);
  assert.notEqual(cacheKeyFor(source, { ...loudnessTarget(-16), range: 7 }), key);
  assert.notEqual(cacheKeyFor("youtube:other", loudnessTarget(-16)), key);
});
