/**
 * The commands that change how the music goes on, end to end, as the room hears them: /loop track plays the
 * same track again, /loop queue plays the queue again, /mode fifo and fair change the order heard (a DJ's
 * call: others are refused), and /cache shows a DJ what the cache holds and saves.
 *
 * Every track is a short tone at its own frequency (the looped one steps from one tone to another, so each
 * new round is heard as such), and orders are read back from the audio the voice server received.
 */
import assert from "node:assert/strict";
import { answerText, privateAnswer } from "./bot_answers.ts";
import { addTone, addToneSteps } from "./media_library.ts";
import { command, nothingPlaying, queuedTitles, queueListing, threeListeners } from "./member_commands.ts";
import { toneOrder, waitForTone } from "./received_audio.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";

const LONG_HZ = 300;
// Long enough to outlast a step's requests and rearrangements on a busy machine: it is skipped, not waited for.
const LONG_SECONDS = 180;
const [LOOP_FIRST_HZ, LOOP_SECOND_HZ] = [400, 500];
const [AFTER_HZ, Q1_HZ, Q2_HZ] = [600, 700, 800];
const [A1_HZ, A2_HZ, B1_HZ] = [900, 1000, 1100];
const CANDIDATES = [LONG_HZ, LOOP_FIRST_HZ, LOOP_SECOND_HZ, AFTER_HZ, Q1_HZ, Q2_HZ, A1_HZ, A2_HZ, B1_HZ];
const SECONDS = 2;

/** Waits for each tone in turn, each heard after the one before it, from `sinceMs`; returns when the last began. */
async function heardInTurn(world: TestWorld, sinceMs: number, tones: number[]): Promise<number> {
  let since = sinceMs;
  for (const hz of tones) {
    since = (await waitForTone(world.voice, since, hz, { candidatesHz: CANDIDATES, dir: world.dataDir }))
      .receivedAt;
  }
  return since;
}

/** The tones heard in the audio packets from index `from` on. */
function orderFrom(world: TestWorld, from: number): Promise<number[]> {
  return toneOrder(world.voice.audioPackets().slice(from), world.dataDir, CANDIDATES);
}

/** Whether `order` is `round` repeated (the last round possibly cut short), at least `rounds` times. */
function repeats(order: number[], round: number[], rounds: number): boolean {
  return order.length >= round.length * rounds && order.every((hz, i) => hz === round[i % round.length]);
}

worldTest(
  "loop track and queue, fifo and fair mode, and the cache, as the room hears them",
  async (world, t) => {
    const { alice, bob, carol } = threeListeners(world);
    const halves: [number, number][] = [[LOOP_FIRST_HZ, SECONDS], [LOOP_SECOND_HZ, SECONDS]];
    const looped = await addToneSteps(world, "looped.mp3", halves);
    const after = await addTone(world, "after.mp3", AFTER_HZ, SECONDS);
    const q1 = await addTone(world, "q1.mp3", Q1_HZ, SECONDS);
    const q2 = await addTone(world, "q2.mp3", Q2_HZ, SECONDS);
    const long = await addTone(world, "long.mp3", LONG_HZ, LONG_SECONDS);
    const a1 = await addTone(world, "a1.mp3", A1_HZ, SECONDS);
    const a2 = await addTone(world, "a2.mp3", A2_HZ, SECONDS);
    const b1 = await addTone(world, "b1.mp3", B1_HZ, SECONDS);
    await world.startBot({ TRAZOM_PLAY_RATE: "off" });

    /** Carol (a DJ) starts her long track; each of `requests` is then queued behind it, in this order. */
    async function queueBehindLong(requests: [string, string][]) {
      assert.match(
        await answerText(command(world, "play", carol, { query: long }, { dj: true })),
        /^Playing/,
      );
      for (const [userId, url] of requests) {
        assert.match(await answerText(command(world, "play", userId, { query: url })), /^Queued/);
      }
    }

    /** Carol skips her long track; returns when she asked and the audio packet count then. */
    async function skipLong(): Promise<{ at: number; from: number }> {
      const from = world.voice.audioPackets().length;
      const at = Date.now();
      assert.match(await answerText(command(world, "skip", carol, {}, { dj: true })), /Skipped/);
      return { at, from };
    }

    /** The tones heard from packet `from` until nothing plays, less the skipped long track's tail. */
    async function heardUntilSilent(from: number): Promise<number[]> {
      await nothingPlaying(world);
      const order = await orderFrom(world, from);
      return order[0] === LONG_HZ ? order.slice(1) : order;
    }

    // Each /loop is set right after Carol's skip, while the first round of what follows is still playing:
    // with the tracks queued behind her long one, how long a busy machine takes to resolve them does not
    // matter.
    await t.step("/loop track plays the track again until /loop off; then the queue goes on", async () => {
      await queueBehindLong([[alice, looped], [bob, after]]);
      const skipped = await skipLong();
      assert.equal(
        await answerText(command(world, "loop", bob, { mode: "track" })),
        "Looping the current track.",
      );
      // Both halves twice: the track was heard again from its start.
      const again = await heardInTurn(world, skipped.at, [LOOP_FIRST_HZ, LOOP_SECOND_HZ, LOOP_FIRST_HZ]);
      await heardInTurn(world, again, [LOOP_SECOND_HZ]);
      assert.equal(await answerText(command(world, "loop", alice, { mode: "off" })), "Looping is off.");
      await heardInTurn(world, again, [AFTER_HZ]);
      const order = await heardUntilSilent(skipped.from);
      assert.equal(order.at(-1), AFTER_HZ, `the next track came once looping was off: ${order}`);
      assert.ok(repeats(order.slice(0, -1), [LOOP_FIRST_HZ, LOOP_SECOND_HZ], 2), `heard ${order}`);
    });

    await t.step("/loop queue plays the finished tracks again, in the same turns", async () => {
      await queueBehindLong([[alice, q1], [bob, q2]]);
      const skipped = await skipLong();
      assert.equal(
        await answerText(command(world, "loop", alice, { mode: "queue" })),
        "Looping the queue: finished tracks go to the back.",
      );
      await heardInTurn(world, skipped.at, [Q1_HZ, Q2_HZ, Q1_HZ, Q2_HZ]);
      assert.equal(await answerText(command(world, "loop", bob, { mode: "off" })), "Looping is off.");
      const order = await heardUntilSilent(skipped.from);
      assert.ok(repeats(order, [Q1_HZ, Q2_HZ], 2), `heard ${order}`);
      assert.deepEqual(await queuedTitles(world), [], "with looping off the queue ran dry");
    });

    /** Carol skips her long track; the tones heard until the queue ran dry, once `last` was heard. */
    async function heardAfterSkip(last: number): Promise<number[]> {
      const skipped = await skipLong();
      await heardInTurn(world, skipped.at, [last]);
      return await heardUntilSilent(skipped.from);
    }

    await t.step("/mode fifo is a DJ's call; then tracks play in the order asked for", async () => {
      const refused = await privateAnswer(command(world, "mode", alice, { order: "fifo" }));
      assert.match(refused, /^Only a DJ can change the queue mode/);
      assert.equal((await queueListing(world)).mode, "fair", "the refused /mode changed nothing");
      assert.equal(
        await answerText(command(world, "mode", carol, { order: "fifo" }, { dj: true })),
        "The queue now plays in the order tracks were asked for.",
      );
      await queueBehindLong([[alice, a1], [alice, a2], [bob, b1]]);
      const listing = await queueListing(world);
      assert.equal(listing.mode, "fifo", listing.text);
      assert.deepEqual(listing.lines.map((line) => line.title), ["a1", "a2", "b1"], listing.text);
      assert.deepEqual(await heardAfterSkip(B1_HZ), [A1_HZ, A2_HZ, B1_HZ]);
    });

    await t.step("/mode fair re-sorts the waiting tracks into turns, and they play so", async () => {
      await queueBehindLong([[alice, a1], [alice, a2], [bob, b1]]);
      assert.deepEqual(await queuedTitles(world), ["a1", "a2", "b1"]);
      assert.equal(
        await answerText(command(world, "mode", carol, { order: "fair" }, { dj: true })),
        "The queue now takes turns fairly between people.",
      );
      const listing = await queueListing(world);
      assert.equal(listing.mode, "fair", listing.text);
      assert.deepEqual(listing.lines.map((line) => line.title), ["a1", "b1", "a2"], listing.text);
      assert.deepEqual(await heardAfterSkip(A2_HZ), [A1_HZ, B1_HZ, A2_HZ]);
    });

    await t.step("/cache is a DJ's: it shows the cached tracks and the replays it served", async () => {
      const refused = await privateAnswer(command(world, "cache", alice));
      assert.equal(refused, "Only a DJ can look at the cache.");
      const shown = await privateAnswer(command(world, "cache", carol, {}, { dj: true }));
      assert.match(shown, /^\*\*Audio cache\*\*\nSize: \d+\.\d MB of \d+\.\d MB\nFiles: \d+\n/);
      const files = Number(/Files: (\d+)/.exec(shown)?.[1]);
      // Replayed in the last step: the long track, a1, a2 and b1 were served from the cache.
      assert.ok(files >= 4, `at least the four replayed tracks are cached: ${shown}`);
      const [, percent, lookups] = /Hit rate since start: (\d+)% of (\d+)$/.exec(shown) ?? [];
      const hits = Math.round((Number(percent) * Number(lookups)) / 100);
      assert.ok(hits >= 4, `the four replays were cache hits: ${shown}`);
    });
    assert.deepEqual(world.discord.rejections, [], "Discord accepted every message the bot sent");
  },
);
