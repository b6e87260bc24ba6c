/** How the session answers each way a play can end: only a play heard to its end moves the queue on. */
import assert from "node:assert/strict";
import { MAX_RECOVERIES } from "../../../lib/guild/guild_session.ts";
import { sessionWorld, until } from "./session_world.ts";

/** A world where A plays and B waits behind it. */
async function aPlaysBWaits() {
  const world = sessionWorld();
  await world.play("A");
  await world.play("B");
  world.preparer.callFor("A").ready();
  await until(() => world.output.current !== undefined, "A plays");
  return world;
}

Deno.test("a starved play is reopened where it stalled; the queue does not move and loop-queue adds nothing", async () => {
  const world = await aPlaysBWaits();
  try {
    world.session.setLoop("queue");
    world.output.elapsedSeconds = 30;
    world.output.starve();
    assert.equal(world.session.current?.title, "A", "still A");
    assert.equal(world.output.plays.length, 2, "reopened");
    assert.equal(world.output.current?.startSeconds, 30, "from where it stalled");
    assert.deepEqual(world.session.queue.list().map((track) => track.title), ["B"], "nothing re-added");
    assert.ok(!world.events.some((event) => event.kind === "track-failed"), "nobody is told of one stall");
  } finally {
    world.close();
  }
});

Deno.test("a play that keeps starving is skipped with the reason after the last recovery", async () => {
  const world = await aPlaysBWaits();
  try {
    for (let stall = 0; stall <= MAX_RECOVERIES; stall++) world.output.starve();
    const failed = world.events.find((event) => event.kind === "track-failed");
    assert.equal(failed?.kind === "track-failed" && failed.track.title, "A");
    assert.match(failed?.kind === "track-failed" ? failed.reason : "", /stopped arriving/);
    assert.equal(world.session.current?.title, "B", "the next track follows");
  } finally {
    world.close();
  }
});

Deno.test("a broken stream has its track made again and played from where it broke, without a second start", async () => {
  const world = await aPlaysBWaits();
  try {
    const starts = () => world.events.filter((event) => event.kind === "track-started").length;
    assert.equal(starts(), 1);
    world.output.elapsedSeconds = 40;
    world.output.fail();
    assert.equal(world.session.status, "preparing");
    assert.equal(world.preparer.calls.filter((call) => call.track.title === "A").length, 2, "made again");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays again");
    assert.equal(world.output.current?.startSeconds, 40);
    assert.equal(world.session.current?.title, "A");
    assert.equal(starts(), 1, "announced and counted once");
    assert.deepEqual(world.preparer.released, ["A"], "the broken file was let go");
  } finally {
    world.close();
  }
});

Deno.test("stopped and replaced reports never move the queue on", async () => {
  const world = await aPlaysBWaits();
  try {
    const play = world.output.current!;
    world.output.listener.onEvent({ type: "stopped", trackId: play.trackId });
    world.output.listener.onEvent({ type: "replaced", trackId: play.trackId });
    assert.equal(world.session.current?.title, "A");
    assert.equal(world.session.queue.length, 1);
    world.output.finish();
    assert.equal(world.session.current?.title, "B", "an ended play does");
  } finally {
    world.close();
  }
});

Deno.test("an autoplay pick that cannot be made is not picked again, and a run of them rests autoplay", async () => {
  const world = sessionWorld();
  try {
    world.radio.push("Broken one", "Broken two", "Broken three", "Broken four");
    (await world.obtain()).setAutoplay(true);
    await world.play("A");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays");
    const picks = () =>
      world.preparer.calls.filter((call) => call.track.autoplay).map((call) => call.track.title);
    for (const title of ["Broken one", "Broken two", "Broken three"]) {
      await until(() => picks().includes(title), `${title} is picked`);
      world.preparer.callFor(title).fail(new Error("unplayable"));
      if (title === "Broken one") world.output.finish();
      await until(
        () => world.events.some((e) => e.kind === "track-failed" && e.track.title === title),
        "failed",
      );
    }
    // Resting: within the next 10 s (manual clock) of an idle session, nothing more is picked.
    for (let second = 0; second < 10; second++) await world.clock.advance(1_000);
    assert.deepEqual(picks(), ["Broken one", "Broken two", "Broken three"], "each tried once, then rest");
    assert.equal(world.session.status, "idle");
  } finally {
    world.close();
  }
});

Deno.test("/stop while an autoplay pick is still being looked up: the pick never lands", async () => {
  const world = sessionWorld();
  try {
    world.radio.push("Radio one");
    let answer!: () => void;
    world.radioGate.wait = new Promise((resolve) => (answer = resolve));
    (await world.obtain()).setAutoplay(true);
    await world.play("A");
    world.preparer.callFor("A").ready();
    await until(() => world.radioGate.asked === 1, "the radio is asked for a pick");
    world.session.stop();
    answer();
    // The pick's answer arrived; within the next 5 s (manual clock) it must not be queued or played.
    for (let second = 0; second < 5; second++) await world.clock.advance(1_000);
    assert.equal(world.session.queue.length, 0, "the pick was dropped");
    assert.ok(!world.preparer.calls.some((call) => call.track.title === "Radio one"), "never prepared");
  } finally {
    world.close();
  }
});

Deno.test("a preparation that completes after it was given up is released and never played", async () => {
  const world = sessionWorld();
  try {
    world.preparer.lateAfterAbort = true;
    await world.play("A");
    await world.play("B");
    world.session.skip();
    const a = world.preparer.callFor("A");
    assert.equal(a.signal.aborted, true);
    a.ready();
    await until(() => world.preparer.released.includes("A"), "A's late file is let go");
    assert.equal(world.session.current?.title, "B");
    assert.ok(!world.output.plays.some((play) => play.trackId.startsWith(a.track.id)), "A never played");
  } finally {
    world.close();
  }
});
