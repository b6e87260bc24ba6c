import assert from "node:assert/strict";
import { join } from "node:path";
import { FairQueue } from "../../../lib/queue/fair_queue.ts";
import {
  DEFAULT_SETTINGS,
  type GuildSettings,
  HISTORY_LIMIT,
  type HistoryEntry,
  historyEntryOf,
  type Playback,
} from "../../../lib/state/guild_state.ts";
import { GuildStateStore } from "../../../lib/state/guild_state_store.ts";
import type { Track } from "../../../lib/track.ts";

const GUILD = "100000000000000001";
const OTHER = "100000000000000002";

let clock = 0;

function track(title: string, requesterId = "u1", extra: Partial<Track> = {}): Track {
  clock += 1;
  return {
    id: `${title}#${clock}`,
    title,
    url: `https://www.youtube.com/watch?v=${title}`,
    source: { kind: "youtube", videoId: title },
    requesterId,
    requestedAt: 1_700_000_000_000 + clock,
    durationSeconds: 180,
    ...extra,
  };
}

const spotifyTrack = track("Song", "u2", {
  url: "https://open.spotify.com/track/abc",
  source: {
    kind: "spotify",
    trackId: "abc",
    title: "Song",
    artists: ["A", "B"],
    isrc: "X1",
    durationSeconds: 201,
  },
});

const playback: Playback = {
  track: spotifyTrack,
  positionSeconds: 42.5,
  paused: false,
  voiceChannelId: "200",
  textChannelId: "300",
  savedAt: 1_700_000_100_000,
};

const settings: GuildSettings = {
  mode: "fifo",
  loop: "queue",
  autoplay: true,
  stay: true,
  stayChannelId: "555",
  volume: 70,
  filters: { bassboost: "low", speed: 1.5 },
};

function queueOf(tracks: Track[]): FairQueue {
  const queue = new FairQueue();
  queue.enqueueMany(tracks);
  return queue;
}

/** 500 tracks with random titles, so compression cannot make the queue fit in one KV value. */
function bigQueueTracks(): Track[] {
  const noise = () => Array.from(crypto.getRandomValues(new Uint8Array(160)), (b) => b.toString(16)).join("");
  return Array.from({ length: 500 }, (_, i) => track(`t${i}-${noise()}`, `u${i % 7}`));
}

function play(n: number): HistoryEntry {
  return historyEntryOf(track(`play${n}`, `u${n % 3}`), 1_700_000_000_000 + n * 1000);
}

/** Runs `body` with a fresh in-memory store whose log lines are collected. */
async function withStore(body: (store: GuildStateStore, kv: Deno.Kv, logs: string[]) => Promise<void>) {
  const kv = await Deno.openKv(":memory:");
  const logs: string[] = [];
  try {
    await body(new GuildStateStore(kv, (line) => logs.push(line)), kv, logs);
  } finally {
    kv.close();
  }
}

/** Asserts exactly one log line, naming the guild and the key. */
function assertOneLog(logs: string[], key: Deno.KvKey): void {
  assert.equal(logs.length, 1, logs.join("\n"));
  assert.ok(logs[0].includes(`Guild ${GUILD}`), logs[0]);
  assert.ok(logs[0].includes(JSON.stringify(key)), logs[0]);
}

function gzipJson(value: unknown): Promise<Uint8Array> {
  return gzip(JSON.stringify(value));
}

async function gzip(text: string): Promise<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Writes queue bytes the way the store does, so only their content is wrong. */
async function writeRawQueue(kv: Deno.Kv, bytes: Uint8Array): Promise<void> {
  await kv.atomic()
    .set(["guild", GUILD, "queue"], { version: 1, chunks: 1, bytes: bytes.length })
    .set(["guild", GUILD, "queue", 0], bytes)
    .commit();
}

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let count = 0;
  for await (const _ of kv.list({ prefix })) count++;
  return count;
}

Deno.test("a guild with nothing saved loads default settings and nothing else", async () => {
  await withStore(async (store, _kv, logs) => {
    assert.deepEqual(await store.load(GUILD), { settings: DEFAULT_SETTINGS });
    assert.deepEqual(await store.history(GUILD), []);
    assert.deepEqual(await store.guildIds(), []);
    assert.deepEqual(logs, []);
  });
});

Deno.test("queue, playback and settings round-trip, each under its own key", async () => {
  await withStore(async (store, kv, logs) => {
    const queue = queueOf([
      track("a", "u1"),
      track("b", "u1"),
      track("c", "u2"),
      track("d", "u3", { autoplay: true }),
    ]);
    queue.takeNext();
    await store.saveQueue(GUILD, queue.snapshot());
    await store.savePlayback(GUILD, playback);
    await store.saveSettings(GUILD, settings);
    const state = await store.load(GUILD);
    assert.deepEqual(state, { queue: queue.snapshot(), playback, settings });
    assert.deepEqual(FairQueue.fromSnapshot(state.queue).list(), queue.list());
    assert.ok((await kv.get(["guild", GUILD, "playback"])).value);
    assert.ok((await kv.get(["guild", GUILD, "settings"])).value);
    assert.deepEqual(logs, []);
  });
});

Deno.test("saving the position does not touch the saved queue", async () => {
  await withStore(async (store, kv) => {
    await store.saveQueue(GUILD, queueOf([track("a")]).snapshot());
    const before = await kv.get(["guild", GUILD, "queue", 0]);
    await store.savePlayback(GUILD, { ...playback, positionSeconds: 50 });
    await store.savePlayback(GUILD, { ...playback, positionSeconds: 55 });
    assert.equal((await kv.get(["guild", GUILD, "queue", 0])).versionstamp, before.versionstamp);
    assert.equal((await store.load(GUILD)).playback?.positionSeconds, 55);
  });
});

Deno.test("playback without a text channel round-trips, and null clears it", async () => {
  await withStore(async (store) => {
    const { textChannelId: _, ...bare } = { ...playback, track: track("x"), paused: true };
    await store.savePlayback(GUILD, bare);
    assert.deepEqual((await store.load(GUILD)).playback, bare);
    await store.savePlayback(GUILD, null);
    assert.equal("playback" in await store.load(GUILD), false);
  });
});

Deno.test("settings saved by an older version take defaults for the fields they lack", async () => {
  await withStore(async (store, kv, logs) => {
    await kv.set(["guild", GUILD, "settings"], { version: 1, loop: "track" });
    assert.deepEqual((await store.load(GUILD)).settings, { ...DEFAULT_SETTINGS, loop: "track" });
    assert.deepEqual(logs, []);
  });
});

Deno.test("settings saved before 24/7 existed load with 24/7 off and no channel to rejoin", async () => {
  await withStore(async (store, kv, logs) => {
    await kv.set(["guild", GUILD, "settings"], { version: 1, mode: "fifo", loop: "off", autoplay: true });
    assert.deepEqual((await store.load(GUILD)).settings, {
      mode: "fifo",
      loop: "off",
      autoplay: true,
      stay: false,
      volume: 100,
      filters: {},
    });
    assert.deepEqual(logs, []);
  });
});

Deno.test("invalid values are refused when saved, not discovered at the next restart", async () => {
  await withStore(async (store) => {
    await assert.rejects(store.savePlayback(GUILD, { ...playback, positionSeconds: NaN }), /positionSeconds/);
    await assert.rejects(
      store.saveSettings(GUILD, { ...settings, loop: "forever" as "off" }),
      /settings\.loop/,
    );
    await assert.rejects(store.appendHistory(GUILD, { ...play(1), playedAt: Infinity }), /playedAt/);
  });
});

Deno.test("history is newest first and honours the limit", async () => {
  await withStore(async (store) => {
    for (let n = 0; n < 5; n++) await store.appendHistory(GUILD, play(n));
    const titles = (await store.history(GUILD)).map((entry) => entry.title);
    assert.deepEqual(titles, ["play4", "play3", "play2", "play1", "play0"]);
    assert.deepEqual((await store.history(GUILD, 2)).map((entry) => entry.title), ["play4", "play3"]);
    assert.deepEqual((await store.history(GUILD, 1))[0], play(4));
  });
});

Deno.test("history keeps the last 200 plays after 250 appends, in 200 keys", async () => {
  await withStore(async (store, kv) => {
    for (let n = 0; n < 250; n++) await store.appendHistory(GUILD, play(n));
    const entries = await store.history(GUILD);
    assert.equal(entries.length, HISTORY_LIMIT);
    assert.equal(entries[0].title, "play249");
    assert.equal(entries.at(-1)?.title, "play50");
    assert.equal(await countKeys(kv, ["guild", GUILD, "history"]), HISTORY_LIMIT);
  });
});

Deno.test("a 500-track queue is split over several keys and comes back whole", async () => {
  await withStore(async (store, kv, logs) => {
    const tracks = bigQueueTracks();
    const queue = queueOf(tracks);
    await store.saveQueue(GUILD, queue.snapshot());
    const manifest = (await kv.get<{ chunks: number }>(["guild", GUILD, "queue"])).value;
    assert.ok(manifest && manifest.chunks > 1, JSON.stringify(manifest));
    const loaded = (await store.load(GUILD)).queue;
    assert.deepEqual(loaded, queue.snapshot());
    assert.equal(FairQueue.fromSnapshot(loaded).length, 500);

    // A shorter save removes the slices the longer one needed.
    await store.saveQueue(GUILD, queueOf(tracks.slice(0, 3)).snapshot());
    assert.equal(await countKeys(kv, ["guild", GUILD, "queue"]), 1);
    assert.equal((await store.load(GUILD)).queue?.entries.length, 3);
    assert.deepEqual(logs, []);
  });
});

Deno.test("corrupt playback is skipped with one log line while the queue and settings load", async () => {
  const cases: Record<string, unknown> = {
    "wrong shape": "playing",
    "track without a requester": {
      ...playback,
      version: 1,
      track: { ...spotifyTrack, requesterId: undefined },
    },
    "unknown source kind": { ...playback, version: 1, track: { ...spotifyTrack, source: { kind: "ftp" } } },
    "spotify artists not a list": {
      ...playback,
      version: 1,
      track: { ...spotifyTrack, source: { kind: "spotify", trackId: "a", title: "b", artists: "c" } },
    },
    "negative position": { ...playback, version: 1, positionSeconds: -1 },
    "written by a newer version": { ...playback, version: 2 },
  };
  for (const [name, value] of Object.entries(cases)) {
    await withStore(async (store, kv, logs) => {
      const queue = queueOf([track("a")]).snapshot();
      await store.saveQueue(GUILD, queue);
      await store.saveSettings(GUILD, settings);
      await kv.set(["guild", GUILD, "playback"], value);
      assert.deepEqual(await store.load(GUILD), { queue, settings }, name);
      assertOneLog(logs, ["guild", GUILD, "playback"]);
    });
  }
});

Deno.test("corrupt settings fall back to defaults with one log line", async () => {
  const cases: unknown[] = [
    { version: 1, mode: "fair", loop: "forever", autoplay: false },
    { version: 1, autoplay: "yes" },
    { version: 3, mode: "fair", loop: "off", autoplay: false },
    [1, 2, 3],
  ];
  for (const value of cases) {
    await withStore(async (store, kv, logs) => {
      await store.savePlayback(GUILD, playback);
      await kv.set(["guild", GUILD, "settings"], value);
      assert.deepEqual(await store.load(GUILD), { playback, settings: DEFAULT_SETTINGS });
      assertOneLog(logs, ["guild", GUILD, "settings"]);
    });
  }
});

Deno.test("a newer version's settings are named as such in the log", async () => {
  await withStore(async (store, kv, logs) => {
    await kv.set(["guild", GUILD, "settings"], { version: 2 });
    await store.load(GUILD);
    assert.ok(/newer version/.test(logs[0]), logs[0]);
  });
});

Deno.test("a corrupt queue is skipped with one log line while playback and settings load", async () => {
  const big = queueOf(bigQueueTracks());
  const small = queueOf([track("a", "u1"), track("b", "u2")]);
  const cases: Record<string, (kv: Deno.Kv) => Promise<unknown>> = {
    "manifest of the wrong shape": (kv) => kv.set(["guild", GUILD, "queue"], { version: 1, chunks: "many" }),
    "manifest from a newer version": (kv) =>
      kv.set(["guild", GUILD, "queue"], { version: 9, format: "cbor" }),
    "a missing slice": (kv) => kv.delete(["guild", GUILD, "queue", 1]),
    "a slice written on its own": async (kv) => {
      const { value } = await kv.get(["guild", GUILD, "queue", 0]);
      await kv.set(["guild", GUILD, "queue", 0], value);
    },
    "a truncated slice": async (kv) => {
      const { value } = await kv.get<Uint8Array>(["guild", GUILD, "queue", 1]);
      const manifest = await kv.get(["guild", GUILD, "queue"]);
      await kv.atomic().set(["guild", GUILD, "queue", 1], value!.slice(0, 100)).set(
        manifest.key,
        manifest.value,
      )
        .set(["guild", GUILD, "queue", 0], (await kv.get(["guild", GUILD, "queue", 0])).value).commit();
    },
    "a slice that is not bytes": (kv) => kv.set(["guild", GUILD, "queue", 0], "oops"),
    "bytes that are not gzip": (kv) => writeRawQueue(kv, new TextEncoder().encode("{}")),
    "truncated gzip": async (kv) => writeRawQueue(kv, (await gzipJson(small.snapshot())).slice(0, 40)),
    "gzip of something that is not JSON": async (kv) => writeRawQueue(kv, await gzip("{not json")),
    "a snapshot FairQueue rejects": async (kv) => {
      const snapshot = small.snapshot();
      await writeRawQueue(
        kv,
        await gzipJson({ ...snapshot, entries: [...snapshot.entries, snapshot.entries[0]] }),
      );
    },
    "a snapshot from a newer version": async (kv) => {
      await writeRawQueue(kv, await gzipJson({ ...small.snapshot(), version: 2 }));
    },
  };
  for (const [name, corrupt] of Object.entries(cases)) {
    await withStore(async (store, kv, logs) => {
      await store.saveQueue(GUILD, big.snapshot());
      await store.savePlayback(GUILD, playback);
      await store.saveSettings(GUILD, settings);
      await corrupt(kv);
      assert.deepEqual(await store.load(GUILD), { playback, settings }, name);
      assertOneLog(logs, ["guild", GUILD, "queue"]);
    });
  }
});

Deno.test("a corrupt history entry is skipped with one log line and the rest are listed", async () => {
  await withStore(async (store, kv, logs) => {
    for (let n = 0; n < 4; n++) await store.appendHistory(GUILD, play(n));
    await kv.set(["guild", GUILD, "history", 2], { version: 1, seq: 2, title: "no source" });
    const titles = (await store.history(GUILD)).map((entry) => entry.title);
    assert.deepEqual(titles, ["play3", "play1", "play0"]);
    assertOneLog(logs, ["guild", GUILD, "history", 2]);
  });
});

Deno.test("a damaged history head is rebuilt from the plays, keeping the order", async () => {
  await withStore(async (store, kv, logs) => {
    for (let n = 0; n < 3; n++) await store.appendHistory(GUILD, play(n));
    await kv.set(["guild", GUILD, "history"], { version: 1, next: -4 });
    await store.appendHistory(GUILD, play(3));
    await store.appendHistory(GUILD, play(4));
    const titles = (await store.history(GUILD)).map((entry) => entry.title);
    assert.deepEqual(titles, ["play4", "play3", "play2", "play1", "play0"]);
    assertOneLog(logs, ["guild", GUILD, "history"]);
  });
});

Deno.test("guildIds lists the guilds with saved state, and clear forgets one", async () => {
  await withStore(async (store, kv) => {
    await store.saveSettings(GUILD, settings);
    await store.appendHistory(OTHER, play(1));
    await store.saveQueue(OTHER, queueOf([track("a")]).snapshot());
    assert.deepEqual((await store.guildIds()).sort(), [GUILD, OTHER]);
    await store.clear(OTHER);
    assert.deepEqual(await store.guildIds(), [GUILD]);
    assert.equal(await countKeys(kv, ["guild", OTHER]), 0);
    assert.deepEqual(await store.load(OTHER), { settings: DEFAULT_SETTINGS });
    assert.deepEqual(await store.load(GUILD), { settings });
  });
});

Deno.test("a restart reopening the KV file sees the same state", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "state.sqlite");
    const queue = queueOf(bigQueueTracks());
    const first = await Deno.openKv(path);
    const before = new GuildStateStore(first);
    await before.saveQueue(GUILD, queue.snapshot());
    await before.savePlayback(GUILD, playback);
    await before.saveSettings(GUILD, settings);
    for (let n = 0; n < 3; n++) await before.appendHistory(GUILD, play(n));
    const expected = await before.load(GUILD);
    first.close();

    const second = await Deno.openKv(path);
    try {
      const logs: string[] = [];
      const after = new GuildStateStore(second, (line) => logs.push(line));
      assert.deepEqual(await after.guildIds(), [GUILD]);
      assert.deepEqual(await after.load(GUILD), expected);
      assert.deepEqual(expected, { queue: queue.snapshot(), playback, settings });
      assert.deepEqual((await after.history(GUILD)).map((entry) => entry.title), ["play2", "play1", "play0"]);
      await after.appendHistory(GUILD, play(3));
      assert.equal((await after.history(GUILD, 1))[0].title, "play3");
      assert.deepEqual(logs, []);
    } finally {
      second.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a playback or play too large for one KV value is refused with a sentence; what was saved stays", async () => {
  await withStore(async (store) => {
    await store.savePlayback(GUILD, playback);
    const huge = { ...playback, track: { ...playback.track, title: "x".repeat(70_000) } };
    await assert.rejects(
      () => store.savePlayback(GUILD, huge),
      /too large to save \(\d+ bytes; at most 60000\)/,
    );
    await assert.rejects(
      () => store.appendHistory(GUILD, historyEntryOf(huge.track, 1_700_000_000_000)),
      /history entry is too large to save/,
    );
    assert.deepEqual((await store.load(GUILD)).playback, playback);
    assert.deepEqual(await store.history(GUILD), []);
  });
});
