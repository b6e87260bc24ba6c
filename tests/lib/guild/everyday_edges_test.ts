/**
 * The engine at the edges of everyday use: a failed /play next to a good one, a join given up, a /play while
 * the connection recovers, settings chosen while the saved state is read, a resolver that restarted.
 */
import assert from "node:assert/strict";
import { UserError } from "../../../lib/user_error.ts";
import { ALICE, BOB, infoOf, LOUNGE, sessionWorld, STAGE, until } from "./session_world.ts";
import type { Resolution } from "../../../lib/guild/resolver_port.ts";

/** A resolver answer a test settles by hand. */
function heldAnswer() {
  let settle!: (answer: Resolution) => void;
  const answer = new Promise<Resolution>((resolve) => (settle = resolve));
  return { answer, settle };
}

Deno.test("a failing /play while the bot idles in its channel does not make it leave: the next /play is heard", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays");
    world.output.finish();
    await until(() => world.session.status === "idle", "the queue ran dry");
    const typo = heldAnswer();
    world.resolveWith = (query) =>
      query === "typo" ? typo.answer : Promise.resolve({ outcome: "tracks", tracks: [infoOf(query)] });
    const failing = world.play("typo", ALICE);
    const good = world.play("B", BOB);
    typo.settle({ outcome: "empty", message: "That link leads nowhere." });
    await assert.rejects(failing, /leads nowhere/);
    await good;
    assert.equal(world.output.channelId, LOUNGE, "still in the channel");
    assert.equal(world.output.disconnects, 0, "never left");
    assert.ok(!world.events.some((event) => event.kind === "left"), "no leave was announced");
    world.preparer.callFor("B").ready();
    await until(() => world.output.currentTrackId !== undefined, "B plays");
    assert.equal(world.session.current?.title, "B");
  } finally {
    world.close();
  }
});

Deno.test("a failing /play that called the bot in does not take it out while another /play is pending", async () => {
  const world = sessionWorld();
  try {
    const typo = heldAnswer();
    const good = heldAnswer();
    world.resolveWith = (query) => query === "typo" ? typo.answer : good.answer;
    const failing = world.play("typo", ALICE);
    const waiting = world.play("B", BOB);
    typo.settle({ outcome: "empty", message: "That link leads nowhere." });
    await assert.rejects(failing, /leads nowhere/);
    assert.equal(world.output.channelId, LOUNGE, "still there for the request behind it");
    good.settle({ outcome: "tracks", tracks: [infoOf("B")] });
    await waiting;
    world.preparer.callFor("B").ready();
    await until(() => world.output.currentTrackId !== undefined, "B plays");
    assert.equal(world.output.disconnects, 0);
  } finally {
    world.close();
  }
});

Deno.test("a failing /play that alone called the bot in takes it out again, quietly", async () => {
  const world = sessionWorld();
  try {
    world.resolveWith = () => Promise.resolve({ outcome: "empty", message: "That link leads nowhere." });
    await assert.rejects(world.play("typo"), /leads nowhere/);
    assert.equal(world.output.channelId, undefined);
    assert.equal(world.session.voiceStatus, "out");
    assert.deepEqual(world.events.findLast((event) => event.kind === "left"), {
      kind: "left",
      reason: "nothing-queued",
      channelId: LOUNGE,
    });
  } finally {
    world.close();
  }
});

Deno.test("/leave during a join gives the join up at once: another channel may call the bot right away", async () => {
  const world = sessionWorld();
  try {
    await world.obtain();
    world.output.holdJoins = true;
    const joining = world.play("A", ALICE, LOUNGE);
    await until(() => world.session.voiceStatus === "joining", "joining the lounge");
    world.session.leave();
    assert.equal(world.output.joinSignals.at(-1)?.aborted, true, "the join was given up");
    await assert.rejects(joining, /left that voice channel before I was in it/);
    assert.equal(world.session.voiceStatus, "out");
    const fromStage = world.play("B", BOB, STAGE);
    await until(
      () => world.output.waitingJoins === 1 && world.output.channelId === STAGE,
      "joining the stage",
    );
    world.output.completeJoin();
    await fromStage;
    assert.equal(world.session.channelId, STAGE);
  } finally {
    world.close();
  }
});

Deno.test("a /play while in the channel does not wait on the voice connection and never stops what plays", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays");
    // The connection is recovering: a new join would hang. A /play from the same channel needs none.
    world.output.holdJoins = true;
    await world.play("B");
    assert.equal(world.output.waitingJoins, 0, "no join was started");
    assert.equal(world.session.current?.title, "A", "A goes on");
    assert.equal(world.output.plays.length, 1);
  } finally {
    world.close();
  }
});

Deno.test("a join that fails keeps the interrupted track and says the bot is out", async () => {
  const world = sessionWorld();
  try {
    await world.play("A");
    world.preparer.callFor("A").ready();
    await until(() => world.output.current !== undefined, "A plays");
    world.output.elapsedSeconds = 42;
    world.output.listener.onLost("unreachable", LOUNGE);
    assert.deepEqual(world.events.findLast((event) => event.kind === "left"), {
      kind: "left",
      reason: "unreachable",
      channelId: LOUNGE,
    });
    world.output.holdJoins = true;
    const refused = world.play("B", BOB);
    await until(() => world.output.waitingJoins === 1, "joining again");
    world.output.completeJoin(new Error("voice refused"));
    await assert.rejects(refused, UserError);
    assert.equal(world.session.voiceStatus, "out");
    assert.equal(world.events.findLast((event) => event.kind === "left")?.kind, "left");
    const saved = world.session.savedPlayback();
    assert.equal(saved?.track.title, "A", "the interrupted track still waits");
    assert.equal(saved?.positionSeconds, 42, "where it was");
  } finally {
    world.close();
  }
});

Deno.test("a setting chosen while the saved state is still being read is not undone by it", async () => {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const world = sessionWorld({
    saved: {
      settings: { mode: "fair", loop: "off", autoplay: false, stay: false, volume: 100, filters: {} },
      recent: [],
    },
    gate,
  });
  try {
    // What /mode, /loop and /autoplay do: obtain the session, then change it.
    const chosen = world.obtain().then((session) => {
      session.setMode("fifo");
      session.setLoop("queue");
      session.setAutoplay(true);
    });
    open();
    await chosen;
    assert.equal(world.session.queue.mode, "fifo");
    assert.equal(world.session.loop, "queue");
    assert.equal(world.session.autoplay, true);
  } finally {
    world.close();
  }
});

Deno.test("a lookup cut short by a resolver restart asks the requester to try again", async () => {
  const world = sessionWorld();
  try {
    world.resolveWith = () =>
      Promise.resolve({
        outcome: "failed",
        temporary: true,
        userFacing: false,
        message: "The resolver restarted.",
      });
    await assert.rejects(world.play("A"), (error) => {
      assert.ok(error instanceof UserError, "a reply the requester reads, not 'Something went wrong'");
      assert.match(error.message, /try again/);
      return true;
    });
  } finally {
    world.close();
  }
});
