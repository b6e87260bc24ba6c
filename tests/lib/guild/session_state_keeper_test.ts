/** SessionStateKeeper between real sessions (on fakes) and a real GuildStateStore on an in-memory KV. */
import assert from "node:assert/strict";
import { POSITION_SAVE_INTERVAL_MS, SessionStateKeeper } from "../../../lib/guild/session_state_keeper.ts";
import { GuildStateStore } from "../../../lib/state/guild_state_store.ts";
import type { GuildSettings, GuildState, HistoryEntry, Playback } from "../../../lib/state/guild_state.ts";
import type { FairQueueSnapshot } from "../../../lib/queue/queue_snapshot.ts";
import { waitUntil } from "../../fakes/wait_until.ts";
import { ALICE, BOB, GUILD, LOUNGE, type SessionWorld, sessionWorld, until } from "./session_world.ts";
import { loggedErrors } from "../../fakes/logged_errors.ts";

/** The real store, with every write and read logged; writes wait for `gate` when it is set. */
class WatchedStore extends GuildStateStore {
  log: string[] = [];
  gate?: Promise<void>;
  /** The next write throws this instead of writing. */
  failNext?: Error;
  /** Writes under way at once, per guild, at most. */
  mostAtOnce = 0;
  #atOnce = new Map<string, number>();

  override saveQueue(guildId: string, snapshot: FairQueueSnapshot): Promise<void> {
    return this.#write("saveQueue", guildId, () => super.saveQueue(guildId, snapshot));
  }

  override saveSettings(guildId: string, settings: GuildSettings): Promise<void> {
    return this.#write("saveSettings", guildId, () => super.saveSettings(guildId, settings));
  }

  override savePlayback(guildId: string, playback: Playback | null): Promise<void> {
    return this.#write("savePlayback", guildId, () => super.savePlayback(guildId, playback));
  }

  override appendHistory(guildId: string, entry: HistoryEntry): Promise<void> {
    return this.#write("appendHistory", guildId, () => super.appendHistory(guildId, entry));
  }

  override load(guildId: string): Promise<GuildState> {
    this.log.push(`load ${guildId}`);
    return super.load(guildId);
  }

  /** The writes of `name` logged for `guildId`. */
  count(name: string, guildId = GUILD): number {
    return this.log.filter((line) => line === `${name} ${guildId}`).length;
  }

  async #write(name: string, guildId: string, write: () => Promise<void>): Promise<void> {
    this.log.push(`${name} ${guildId}`);
    const atOnce = (this.#atOnce.get(guildId) ?? 0) + 1;
    this.#atOnce.set(guildId, atOnce);
    this.mostAtOnce = Math.max(this.mostAtOnce, atOnce);
    try {
      await this.gate;
      const failure = this.failNext;
      this.failNext = undefined;
      if (failure) throw failure;
      await write();
    } finally {
      this.#atOnce.set(guildId, this.#atOnce.get(guildId)! - 1);
      this.log.push(`${name} ${guildId} done`);
    }
  }
}

/** A session world kept by a keeper over `store`, as main.ts wires them. */
interface KeptWorld {
  world: SessionWorld;
  keeper: SessionStateKeeper;
  /** Closes the sessions and waits for the writes still under way, so none outlives the store. */
  close(guildIds?: string[]): Promise<void>;
}

function keptWorld(store: GuildStateStore): KeptWorld {
  // The keeper needs the world's clock, and the world hands its events to the keeper.
  const wired: { keeper?: SessionStateKeeper } = {};
  const world = sessionWorld({
    onEvent: (session, event) => wired.keeper!.onEvent(session, event),
    load: (guildId) => wired.keeper!.load(guildId),
  });
  const keeper = wired.keeper = new SessionStateKeeper(store, world.clock);
  return {
    world,
    keeper,
    close: async (guildIds = [GUILD]) => {
      keeper.stopPositionTimer();
      world.close();
      await Promise.all(guildIds.map((guildId) => keeper.load(guildId)));
    },
  };
}

/** Runs `test` on a kept world over a watched store, and closes it (waiting for the writes of `guildIds`). */
function withKept(
  test: (kept: KeptWorld, store: WatchedStore) => Promise<void>,
  guildIds?: string[],
): Promise<void> {
  return withStore(async (store) => {
    const kept = keptWorld(store);
    try {
      await test(kept, store);
    } finally {
      await kept.close(guildIds);
    }
  });
}

/** Runs `test` with a fresh in-memory KV and a watched store over it. */
async function withStore(test: (store: WatchedStore, kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await test(new WatchedStore(kv), kv);
  } finally {
    kv.close();
  }
}

/** `world` playing A (alice) with C (alice) and then B (bob) asked for: fair turns put B before C. */
async function playingA(world: SessionWorld): Promise<void> {
  await world.play("A", ALICE);
  await world.play("C", ALICE);
  await world.play("B", BOB);
  world.preparer.callFor("A").ready();
  await until(() => world.output.currentTrackId !== undefined, "A plays");
}

Deno.test("the queue with its turns, the settings and the playing position come back after a restart", () =>
  withStore(async (store, kv) => {
    const before = keptWorld(store);
    let snapshot: FairQueueSnapshot;
    try {
      await playingA(before.world);
      const session = before.world.session;
      session.setLoop("queue");
      before.world.output.elapsedSeconds = 42;
      assert.equal(session.pause(), true);
      snapshot = session.queue.snapshot();
      // Reading waits for every write under way: what a restart's first read sees.
      await before.keeper.load(GUILD);
    } finally {
      await before.close();
    }

    const after = keptWorld(new GuildStateStore(kv));
    try {
      const session = await after.world.obtain();
      assert.deepEqual(session.queue.snapshot(), snapshot, "the same tracks, turns and virtual clocks");
      assert.deepEqual(session.queue.list().map((track) => track.title), ["B", "C"], "bob's turn first");
      assert.equal(session.queue.mode, "fair");
      assert.equal(session.loop, "queue");
      assert.equal(session.autoplay, false);
      const playback = session.savedPlayback();
      assert.equal(playback?.track.title, "A");
      assert.equal(playback?.positionSeconds, 42);
      assert.equal(playback?.paused, true);
      assert.equal(playback?.voiceChannelId, LOUNGE);
    } finally {
      await after.close();
    }
  }));

Deno.test("a started track is added to the history, newest first", () =>
  withKept(async ({ world, keeper }, store) => {
    await playingA(world);
    const startedA = world.clock.now();
    await world.clock.advance(180_000);
    world.preparer.callFor("B").ready();
    world.output.finish();
    await until(
      () => world.session.current?.title === "B" && world.session.status === "playing",
      "B plays",
    );
    await keeper.load(GUILD);
    const history = await store.history(GUILD);
    assert.deepEqual(history.map((entry) => [entry.title, entry.requesterId, entry.playedAt]), [
      ["B", BOB, startedA + 180_000],
      ["A", ALICE, startedA],
    ]);
    assert.deepEqual((await keeper.load(GUILD))?.recent.map((entry) => entry.title), ["B", "A"]);
  }));

Deno.test("one guild's saves run one at a time, and a burst of changes makes one more save, not many", () =>
  withKept(async ({ world, keeper }, store) => {
    await world.play("A", ALICE);
    await keeper.load(GUILD);
    const held = Promise.withResolvers<void>();
    store.gate = held.promise;
    store.log = [];
    world.session.setLoop("track");
    await until(() => store.count("saveQueue") === 1, "a save begins and waits");
    for (const mode of ["queue", "off", "track", "queue", "off"] as const) world.session.setLoop(mode);
    await world.play("B", BOB);
    world.session.setLoop("queue");
    world.session.setMode("fifo");
    held.resolve();
    await keeper.load(GUILD);
    assert.equal(store.count("saveQueue"), 2, "the save under way, then one for everything after it");
    assert.equal(store.mostAtOnce, 1, "never two writes for a guild at once");
    const saved = await store.load(GUILD);
    assert.deepEqual(
      saved.settings,
      { mode: "fifo", loop: "queue", autoplay: false, stay: false, volume: 100, filters: {} },
      "the newest are kept",
    );
    assert.deepEqual(saved.queue?.entries.map((entry) => entry.track.title), ["B"]);
  }));

Deno.test("reading a guild's music waits for its write under way", () =>
  withKept(async ({ world, keeper }, store) => {
    await world.obtain();
    await keeper.load(GUILD);
    const held = Promise.withResolvers<void>();
    store.gate = held.promise;
    store.log = [];
    world.session.setLoop("queue");
    await until(() => store.count("saveQueue") === 1, "a save begins and waits");
    const loading = keeper.load(GUILD);
    held.resolve();
    const loaded = await loading;
    assert.equal(loaded?.settings.loop, "queue", "the read sees the write it waited for");
    assert.ok(
      store.log.indexOf(`load ${GUILD}`) > store.log.indexOf(`savePlayback ${GUILD} done`),
      store.log.join(", "),
    );
  }));

Deno.test("a write that fails is logged and the next change is saved all the same", () =>
  withKept(async ({ world, keeper }, store) => {
    await world.obtain();
    await keeper.load(GUILD);
    await loggedErrors(async (logged) => {
      store.failNext = new Error("the disk is full");
      world.session.setLoop("queue");
      await keeper.load(GUILD);
      assert.ok(
        logged.some((line) => line.includes(`Saving guild ${GUILD}`) && line.includes("the disk is full")),
        logged.join("\n"),
      );
    });
    world.session.setLoop("track");
    assert.equal((await keeper.load(GUILD))?.settings.loop, "track");
  }));

const OTHER = "guild-2";

Deno.test("every few seconds the position of playing sessions is saved, and nothing of the others", () =>
  withKept(async ({ world, keeper }, store) => {
    // Obtained first, so the world's output is the first guild's.
    const other = await world.sessions.obtain(OTHER);
    await other.play({ query: "X", requesterId: BOB, next: false }, { voiceChannelId: LOUNGE });
    await until(() => other.status === "preparing", "X is being prepared in the other guild");
    await playingA(world);
    await Promise.all([keeper.load(GUILD), keeper.load(OTHER)]);
    store.log = [];
    world.output.elapsedSeconds = 30;
    keeper.startPositionTimer(() => world.sessions.all());
    await waitUntil(
      () => store.count("savePlayback") > 0,
      `the position is saved within ${POSITION_SAVE_INTERVAL_MS} ms`,
    );
    await Promise.all([keeper.load(GUILD), keeper.load(OTHER)]);
    keeper.stopPositionTimer();
    assert.equal((await store.load(GUILD)).playback?.positionSeconds, 30);
    assert.equal(store.count("saveQueue") + store.count("saveSettings"), 0, "the position alone");
    assert.equal(store.count("savePlayback", OTHER), 0, "a guild still preparing has no position to save");
  }, [GUILD, OTHER]));

/** A real store whose queue cannot be saved, as when it is too large for one commit. */
class QueueRefusingStore extends GuildStateStore {
  override saveQueue(_guildId: string, _snapshot: FairQueueSnapshot): Promise<void> {
    return Promise.reject(new Error("the queue is too large to save"));
  }
}

Deno.test("a queue that cannot be saved does not keep the playback and settings from being saved", async () => {
  const world = sessionWorld();
  const kv = await Deno.openKv(":memory:");
  try {
    await loggedErrors(async (errors) => {
      await world.play("A");
      await world.play("B");
      (await world.obtain()).setLoop("queue");
      const keeper = new SessionStateKeeper(new QueueRefusingStore(kv, () => {}), world.clock);
      await keeper.save(world.session);
      const saved = await new GuildStateStore(kv).load(GUILD);
      assert.equal(saved.queue, undefined, "the queue was refused");
      assert.equal(saved.playback?.track.title, "A", "what was playing is saved all the same");
      assert.equal(saved.settings.loop, "queue", "so are the settings");
      assert.equal(errors.length, 1, "the refusal is logged once");
    });
  } finally {
    world.close();
    kv.close();
  }
});
