/** The engine on fakes: a preparer settled by hand, a fake output and a manual clock. */
import assert from "node:assert/strict";
import type { SavedMusic } from "../../../lib/guild/guild_session.ts";
import { TemporaryFailure } from "../../../lib/guild/preparation.ts";
import { UserError } from "../../../lib/user_error.ts";
import { ALICE, BOB, GUILD, infoOf, LOUNGE, sessionWorld, STAGE, until } from "./session_world.ts";

Deno.test("a skip during preparation cancels it, and the prefetched next track starts at once", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    await world.play("B");
    const a = world.preparer.callFor("A");
    const b = world.preparer.callFor("B");
    assert.equal(a.priority, "now");
    assert.equal(b.priority, "later", "the next track is prefetched");
    b.ready();
    assert.equal(world.session.skip(), true);
    assert.equal(a.signal.aborted, true, "the skipped track's preparation is cancelled");
    await until(() => world.output.currentTrackId !== undefined, "the next track plays");
    assert.equal(world.session.current?.title, "B");
    assert.deepEqual(world.preparer.prioritized, ["B"], "raised to the front once it was next");
    assert.equal(world.preparer.calls.filter((call) => call.track.title === "B").length, 1, "prepared once");
  } finally {
    world.close();
  }
});

Deno.test("two skips in a row during preparation land on the third track", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    await world.play("B");
    await world.play("C");
    world.session.skip();
    world.session.skip();
    assert.equal(world.session.current?.title, "C");
    assert.equal(world.preparer.callFor("A").signal.aborted, true);
    assert.equal(world.preparer.callFor("B").signal.aborted, true);
    world.preparer.callFor("C").ready();
    await until(() => world.output.current !== undefined, "C plays");
    assert.equal(world.session.current?.title, "C");
    assert.equal(world.output.plays.length, 1, "nothing else was played on the way");
  } finally {
    world.close();
  }
});

Deno.test("stop during preparation cancels it and clears the queue; nothing plays afterwards", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    await world.play("B");
    world.session.stop();
    assert.equal(world.preparer.callFor("A").signal.aborted, true);
    assert.equal(world.preparer.callFor("B").signal.aborted, true, "prefetch is cancelled too");
    world.preparer.callFor("A").ready();
    await world.clock.advance(0);
    assert.equal(world.output.plays.length, 0, "a preparation that ends after /stop plays nothing");
    assert.equal(world.session.status, "idle");
    assert.equal(world.session.queue.length, 0);
  } finally {
    world.close();
  }
});

Deno.test("leave during preparation cancels it and keeps the track for the next /play", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    await world.play("B");
    world.session.leave();
    assert.equal(world.preparer.callFor("A").signal.aborted, true);
    assert.equal(world.output.channelId, undefined);
    assert.deepEqual(world.events.findLast((event) => event.kind === "left"), {
      kind: "left",
      reason: "asked",
      channelId: LOUNGE,
    });
    await world.play("C");
    await until(() => world.session.status === "preparing", "preparing again");
    assert.equal(world.session.current?.title, "A", "the interrupted track comes first");
    assert.deepEqual(world.session.queue.list().map((track) => track.title), ["B", "C"]);
  } finally {
    world.close();
  }
});

Deno.test("a temporary failure (a worker restarting) is retried after a wait; the track then plays", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    world.preparer.callFor("A").fail(new TemporaryFailure("The transcoder stopped unexpectedly."));
    await until(() => world.clock.sleeping === 1, "waiting to try again");
    assert.equal(world.preparer.calls.length, 1, "no second try before the wait");
    await world.clock.advance(1_000);
    await until(() => world.preparer.calls.length === 2, "a second try");
    world.preparer.calls[1].ready();
    await until(() => world.output.current !== undefined, "A plays");
    assert.equal(world.events.filter((event) => event.kind === "track-failed").length, 0);
  } finally {
    world.close();
  }
});

Deno.test("a permanent failure is reported once and the queue moves on without retrying", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    await world.play("B");
    world.preparer.callFor("A").fail(new UserError("That link led to a page, not to audio."));
    await until(() => world.session.current?.title === "B", "B is next");
    const failures = world.events.filter((event) => event.kind === "track-failed");
    assert.equal(failures.length, 1);
    assert.equal(world.preparer.calls.filter((call) => call.track.title === "A").length, 1);
  } finally {
    world.close();
  }
});

Deno.test("a prefetched track that cannot be made is reported as it fails and leaves the queue", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    await world.play("B");
    await world.play("C");
    world.preparer.callFor("B").fail(new UserError("That video is unavailable."));
    await until(() => world.session.queue.length === 1, "B leaves the queue");
    assert.deepEqual(world.session.queue.list().map((track) => track.title), ["C"]);
    assert.equal(world.preparer.callFor("C").priority, "later", "the window moves on to C");
  } finally {
    world.close();
  }
});

Deno.test("seek while paused stays paused, and resume plays from the new position", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays");
    assert.equal(world.session.pause(), true);
    assert.equal(world.session.seek(42), true);
    assert.equal(world.output.current, undefined, "nothing is loaded while paused");
    assert.equal(world.session.nowPlaying()?.paused, true);
    assert.equal(world.session.nowPlaying()?.positionSeconds, 42);
    assert.equal(world.session.savedPlayback()?.paused, true, "saved as paused");
    assert.equal(world.session.resume(), true);
    assert.equal(world.output.plays.at(-1)?.startSeconds, 42);
    assert.ok(world.output.currentTrackId, "loaded again");
    assert.equal(world.output.paused, false);
  } finally {
    world.close();
  }
});

Deno.test("a live track cannot be sought, shows as live, and loop queue does not queue it again", async () => {
  const world = sessionWorld();
  try {
    (await world.obtain()).setLoop("queue");
    await world.play("Radio");
    world.preparer.callFor("Radio").ready({ live: true });
    await until(() => world.output.current !== undefined, "the radio plays");
    assert.equal(world.session.nowPlaying()?.live, true);
    assert.equal(world.session.seek(42), false, "no seeking in a live stream");
    assert.equal(world.output.plays.length, 1, "the play was not restarted");
    world.output.finish();
    await until(() => world.session.status === "idle", "the stream ended and nothing follows");
    assert.equal(world.session.queue.length, 0, "the live track was not queued again");
  } finally {
    world.close();
  }
});

Deno.test("a restart during preparation continues that track from its saved position", async () => {
  const before = sessionWorld();
  await before.play("A");
  await before.play("B");
  before.session.seek(30);
  const playback = before.session.savedPlayback();
  const queue = before.session.queue.snapshot();
  before.close();
  assert.equal(playback?.track.title, "A", "the track being prepared is saved");
  assert.equal(playback?.positionSeconds, 30);

  const after = sessionWorld({
    saved: {
      queue,
      playback: { ...playback!, savedAt: 0 },
      settings: {
        mode: "fair",
        loop: "off",
        autoplay: false,
        stay: false,
        volume: 40,
        filters: { vaporwave: true },
      },
      recent: [],
    },
  });
  try {
    await after.sessions.rejoin(GUILD);
    assert.equal(after.output.channelId, LOUNGE, "rejoined the saved channel");
    after.preparer.callFor("A").ready();
    await until(() => after.output.current !== undefined, "A plays");
    assert.equal(after.output.current?.startSeconds, 30);
    after.output.current?.open();
    assert.deepEqual(
      after.preparer.opened.at(-1)?.effects,
      { volume: 40, filters: { vaporwave: true } },
      "the saved volume and filters are heard again",
    );
    assert.equal(after.output.current?.tempo, 0.8);
    assert.ok(after.events.some((event) => event.kind === "resumed"));
    assert.deepEqual(after.session.queue.list().map((track) => track.title), ["B"]);
  } finally {
    after.close();
  }
});

Deno.test("a paused track brought back after a restart stays paused", async () => {
  const world = sessionWorld({ saved: savedWhilePlaying("A", { positionSeconds: 12, paused: true }) });
  try {
    await world.sessions.rejoin(GUILD);
    world.preparer.callFor("A").ready();
    await until(() => world.session.status === "playing", "A is back");
    assert.equal(world.output.current, undefined, "nothing is heard");
    assert.equal(world.session.nowPlaying()?.paused, true);
    world.session.resume();
    assert.equal(world.output.plays.at(-1)?.startSeconds, 12);
    assert.ok(world.output.currentTrackId, "loaded again");
  } finally {
    world.close();
  }
});

Deno.test("a /play during a restore is queued after the restored queue, not overwritten by it", async () => {
  let openGate = () => {};
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const earlier = sessionWorld();
  await earlier.play("Saved one");
  await earlier.play("Saved two");
  await earlier.play("Saved three");
  const queue = earlier.session.queue.snapshot();
  earlier.close();

  const world = sessionWorld({
    gate,
    saved: {
      queue,
      settings: { mode: "fifo", loop: "off", autoplay: false, stay: false, volume: 100, filters: {} },
      recent: [],
    },
  });
  try {
    const playing = world.play("New", BOB);
    await world.clock.advance(0);
    openGate();
    const result = await playing;
    assert.equal(result.tracks[0].title, "New");
    await until(() => world.session.current !== undefined, "something plays");
    const titles = [world.session.current!.title, ...world.session.queue.list().map((track) => track.title)];
    assert.deepEqual(titles, ["Saved two", "Saved three", "New"], "the /play lands after the saved queue");
    assert.equal(world.session.queue.mode, "fifo", "settings restored");
  } finally {
    world.close();
  }
});

Deno.test("two /play from two channels while idle: the second is refused, the first keeps its queue", async () => {
  const world = sessionWorld();
  try {
    await world.obtain();
    world.output.holdJoins = true;
    const first = world.play("A", ALICE, LOUNGE);
    await until(() => world.output.channelId === LOUNGE, "joining the lounge");
    await assert.rejects(world.play("B", BOB, STAGE), (error) => {
      assert.ok(error instanceof UserError);
      assert.ok(/already playing in <#channel-lounge>/.test(error.message), error.message);
      return true;
    });
    world.output.completeJoin();
    await first;
    assert.equal(world.output.channelId, LOUNGE);
    assert.equal(world.output.disconnects, 0, "the first join was never torn down");
    assert.equal(world.session.current?.title, "A");
  } finally {
    world.close();
  }
});

Deno.test("a join that fails refuses that /play only: what others queued stays", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    world.session.leave();
    world.output.holdJoins = true;
    const refused = world.play("B", BOB);
    await until(() => world.output.channelId === LOUNGE, "joining");
    world.output.completeJoin(new Error("voice refused"));
    await assert.rejects(refused, UserError);
    assert.equal(world.session.status, "idle");
    const saved = world.session.savedPlayback();
    assert.equal(saved?.track.title, "A", "the interrupted track still waits");
    assert.deepEqual(world.session.queue.list().map((track) => track.title), [], "B was taken back out");
  } finally {
    world.close();
  }
});

Deno.test("a vote that passes skips; votes are forgotten with the track", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    await world.play("B");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays");
    const listeners = [ALICE, BOB, "carol"];
    assert.equal(world.session.voteSkip(BOB, listeners)?.passed, false);
    assert.equal(world.session.voteSkip("carol", listeners)?.passed, true);
    assert.equal(world.session.current?.title, "B");
    assert.equal(world.session.voteSkip(BOB, listeners)?.votes, 1, "a new track starts a new tally");
  } finally {
    world.close();
  }
});

Deno.test("every prepared file is released once it is no longer played", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    await world.play("B");
    world.preparer.callFor("A").ready();
    world.preparer.callFor("B").ready();
    await until(() => world.output.current !== undefined, "A plays");
    world.output.finish();
    await until(() => world.session.current?.title === "B" && world.output.current !== undefined, "B plays");
    assert.deepEqual(world.preparer.released, ["A"]);
    world.session.stop();
    assert.deepEqual(world.preparer.released, ["A", "B"]);
  } finally {
    world.close();
  }
});

Deno.test("a guild's session is forgotten once the bot left and nothing happened for a while", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays");
    world.session.leave();
    assert.equal(world.sessions.size, 1);
    assert.ok(world.forgetTimers.length > 0, "a countdown started when the bot left");
    world.forgetTimers.at(-1)!();
    assert.equal(world.sessions.size, 0, "forgotten");
    assert.equal(world.sessions.get(GUILD), undefined);
  } finally {
    world.close();
  }
});

Deno.test("after a restart, a guild where nobody listens any more is not rejoined", async () => {
  const world = sessionWorld({ saved: savedWhilePlaying("A", { positionSeconds: 12, paused: false }) });
  try {
    world.listeners.set(LOUNGE, 0);
    await world.sessions.rejoin(GUILD);
    assert.equal(world.sessions.size, 0, "no session is made for it");
    await world.play("B");
    await until(() => world.session.current !== undefined, "music on the next /play");
    assert.equal(world.session.current?.title, "A", "the saved track still comes first");
  } finally {
    world.close();
  }
});

Deno.test("the per-person queue cap refuses politely and changes nothing", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    for (const title of ["B", "C", "D"]) await world.play(title);
    await assert.rejects(world.play("E"), (error) => {
      assert.ok(error instanceof UserError);
      assert.ok(/at most 3 tracks waiting/.test(error.message), error.message);
      return true;
    });
    assert.deepEqual(world.session.queue.list().map((track) => track.title), ["B", "C", "D"]);
    const bobs = await world.play("F", BOB);
    assert.equal(bobs.tracks.length, 1, "someone else still gets a turn");
  } finally {
    world.close();
  }
});

/** What a bot saved while `title` played in the lounge, with nothing queued after it. */
function savedWhilePlaying(title: string, at: { positionSeconds: number; paused: boolean }): SavedMusic {
  return {
    playback: {
      track: { ...infoOf(title), id: `saved-${title}`, requesterId: ALICE, requestedAt: 1 },
      ...at,
      voiceChannelId: LOUNGE,
      savedAt: 0,
    },
    settings: { mode: "fair", loop: "off", autoplay: false, stay: false, volume: 100, filters: {} },
    recent: [],
  };
}

Deno.test("already-resolved tracks are queued as the requester's own, under the per-person cap, unsearched", async () => {
  const world = sessionWorld();
  try {
    await world.play("B1", BOB);
    const resolved = ["P1", "P2", "P3", "P4", "P5"].map((title) => ({ ...infoOf(title), title }));
    const result = await world.session.play(
      { query: "saved playlist", requesterId: ALICE, next: false, resolved },
      { voiceChannelId: LOUNGE },
    );
    // Alice may have 3 waiting (the world's per-person cap), while B1 plays.
    assert.deepEqual(result.tracks.map((track) => track.title), ["P1", "P2", "P3"]);
    assert.match(result.note ?? "", /Only 3 of the 5 tracks were added/);
    assert.ok(result.tracks.every((track) => track.requesterId === ALICE));
    await world.play("B2", BOB);
    await world.play("B3", BOB);
    assert.deepEqual(
      world.session.queue.list().map((track) => track.title),
      ["P1", "P2", "B2", "P3", "B3"],
      "Bob's turns come between Alice's playlist tracks (B1 already had his first turn), not after all of it",
    );
    assert.equal(world.preparer.calls.some((call) => call.track.title === "saved playlist"), false);
  } finally {
    world.close();
  }
});

Deno.test("a filter change plays the same track on from where it is, rendered, at the filter's speed", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays");
    world.output.elapsedSeconds = 30;
    world.session.setFilters({ nightcore: true });
    const play = world.output.plays.at(-1)!;
    assert.equal(world.output.plays.length, 2, "a new play of the same track");
    assert.equal(play.startSeconds, 30, "from where it was");
    assert.equal(play.follows, true, "carrying on the same audio");
    assert.equal(play.tempo, 1.25, "nightcore runs the song 1.25 times as fast");
    play.open();
    assert.deepEqual(world.preparer.opened.at(-1), {
      title: "A",
      startSeconds: 30,
      effects: { volume: 100, filters: { nightcore: true } },
    });
    assert.equal(world.session.current?.title, "A", "still the same track");
    world.session.setFilters({});
    world.output.plays.at(-1)!.open();
    assert.equal(world.preparer.opened.at(-1)?.effects, undefined, "no filters: the prepared file as it is");
    assert.equal(world.preparer.released.length, 0, "the prepared file is kept, not made again");
    assert.equal(world.preparer.calls.length, 1, "no second preparation (no second download)");
  } finally {
    world.close();
  }
});

Deno.test("a volume change while paused stays paused and is heard from the same place on resume", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays");
    world.output.elapsedSeconds = 12;
    assert.equal(world.session.pause(), true);
    world.session.setVolume(50);
    assert.equal(world.output.current, undefined, "nothing is loaded while paused");
    assert.equal(world.session.nowPlaying()?.positionSeconds, 12);
    assert.equal(world.session.resume(), true);
    const play = world.output.plays.at(-1)!;
    assert.equal(play.startSeconds, 12);
    play.open();
    assert.deepEqual(world.preparer.opened.at(-1)?.effects, { volume: 50, filters: {} });
    assert.equal(world.session.effects.volume, 50);
  } finally {
    world.close();
  }
});
