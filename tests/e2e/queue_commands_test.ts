/**
 * The commands that rearrange the queue, end to end, as the room hears and reads them: /shuffle and /sort
 * keep turns fair between Alice and Bob, /remove and /move work on one's own tracks and a DJ's on anyone's,
 * /clear takes one's own tracks or (for a DJ) everyone's, /play next:true puts a DJ's track first, and /stop
 * silences the channel. Members without the DJ role are refused what needs it, and nothing changes.
 *
 * Carol, the DJ, plays a long tone while the others queue two-second tones, each at its own frequency, so
 * the queue holds still while it is rearranged and the order heard after her /skip is read from the audio.
 */
import assert from "node:assert/strict";
import { answerText, privateAnswer } from "./bot_answers.ts";
import { addTone } from "./media_library.ts";
import {
  command,
  nothingPlaying,
  queuedTitles,
  type QueueLine,
  queueListing,
  threeListeners,
} from "./member_commands.ts";
import { noAudioFor, speakingCount, toneOrder, waitForSpeakingEnd, waitForTone } from "./received_audio.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";

const LONG_HZ = 300;
// Long enough to outlast a step's requests and rearrangements on a busy machine: it is skipped, not waited for.
const LONG_SECONDS = 180;
const TRACKS = {
  "alice-a": 400,
  "alice-b": 500,
  "alice-c": 600,
  "bob-a": 700,
  "bob-b": 800,
  "bob-c": 900,
  "dj-next": 1000,
} as const;
type Title = keyof typeof TRACKS;
const CANDIDATES = [LONG_HZ, ...Object.values(TRACKS)];
const SECONDS = 2;
const SILENT_WINDOW_MS = 2_000;

/** The served tracks: Carol's long one, and the short ones by title. */
interface Library {
  long: string;
  url: Record<Title, string>;
}

async function library(world: TestWorld): Promise<Library> {
  const url = {} as Record<Title, string>;
  for (const [title, hz] of Object.entries(TRACKS)) {
    url[title as Title] = await addTone(world, `${title}.mp3`, hz, SECONDS);
  }
  return { long: await addTone(world, "long.mp3", LONG_HZ, LONG_SECONDS), url };
}

/** Carol (a DJ) starts her long track; each of `requests` is then queued, in this order. */
async function queueBehindLong(
  world: TestWorld,
  tracks: Library,
  requests: [string, Title][],
): Promise<void> {
  const carol = world.discord.guild.humanIds[2];
  const started = await answerText(command(world, "play", carol, { query: tracks.long }, { dj: true }));
  assert.match(started, /^Playing/);
  // One at a time: the bot resolves a guild's requests one after another, and on a busy machine the last of
  // six sent at once can wait longer for its answer than the bound that only catches a bot that never answers.
  for (const [userId, title] of requests) {
    const answer = await answerText(command(world, "play", userId, { query: tracks.url[title] }));
    assert.match(answer, /^Queued/, `${title} was queued`);
  }
}

/** Carol skips her long track; returns the tones heard from then until the queue ran dry after `last`. */
async function heardAfterSkip(world: TestWorld, last: Title): Promise<number[]> {
  const carol = world.discord.guild.humanIds[2];
  const from = world.voice.audioPackets().length;
  const skippedAt = Date.now();
  assert.match(await answerText(command(world, "skip", carol, {}, { dj: true })), /Skipped/);
  await waitForTone(world.voice, skippedAt, TRACKS[last], {
    candidatesHz: CANDIDATES,
    dir: world.dataDir,
  });
  await nothingPlaying(world);
  const order = await toneOrder(world.voice.audioPackets().slice(from), world.dataDir, CANDIDATES);
  // The long track may still be heard for a moment after the skip was sent.
  return order[0] === LONG_HZ ? order.slice(1) : order;
}

function tones(titles: Title[]): number[] {
  return titles.map((title) => TRACKS[title]);
}

worldTest(
  "shuffle, sort, remove, move, clear, play next and stop, as the room hears and reads them",
  async (world, t) => {
    const { alice, bob, carol, channel } = threeListeners(world);
    const tracks = await library(world);
    await world.startBot({ TRAZOM_PLAY_RATE: "off" });

    await t.step("/shuffle reorders only within each person's tracks: turns still alternate", async () => {
      await queueBehindLong(world, tracks, [
        [alice, "alice-c"],
        [alice, "alice-a"],
        [alice, "alice-b"],
        [bob, "bob-b"],
        [bob, "bob-c"],
        [bob, "bob-a"],
      ]);
      const before = await queueListing(world);
      assert.deepEqual(
        before.lines.map((line) => line.title),
        ["alice-c", "bob-b", "alice-a", "bob-c", "alice-b", "bob-a"],
        before.text,
      );
      // A shuffle may leave the order as it was; shuffle again until it changes (1 chance in 36 each time).
      let after = before;
      for (let tries = 0; tries < 20 && sameOrder(after, before); tries++) {
        const reply = await answerText(command(world, "shuffle", bob));
        assert.equal(reply, "Shuffled the queue within each person's own tracks, so turns stay fair.");
        after = await queueListing(world);
        assertTakesTurns(world, after.lines, after.text);
      }
      assert.ok(!sameOrder(after, before), `20 shuffles never changed the order:\n${after.text}`);
    });

    await t.step(
      "/sort by title sorts each person's tracks; the room hears turns taken in that order",
      async () => {
        const reply = await answerText(command(world, "sort", alice, { by: "title" }));
        assert.equal(reply, "Sorted the queue by title within each person's own tracks, so turns stay fair.");
        const sorted: Title[] = ["alice-a", "bob-a", "alice-b", "bob-b", "alice-c", "bob-c"];
        assert.deepEqual(await queuedTitles(world), sorted);
        assert.deepEqual(await heardAfterSkip(world, "bob-c"), tones(sorted));
      },
    );

    await t.step("/remove and /move: own tracks by anyone, others' only by a DJ", async () => {
      await queueBehindLong(world, tracks, [
        [alice, "alice-a"],
        [alice, "alice-b"],
        [bob, "bob-a"],
        [bob, "bob-b"],
      ]);
      const queued: Title[] = ["alice-a", "bob-a", "alice-b", "bob-b"];
      assert.deepEqual(await queuedTitles(world), queued);

      const removeRefused = await privateAnswer(command(world, "remove", bob, { position: 1 }));
      assert.match(removeRefused, /^Only a DJ or the person who asked for it can remove that track/);
      const moveRefused = await privateAnswer(command(world, "move", bob, { from: 3, to: 1 }));
      assert.match(moveRefused, /^Only a DJ or the person who asked for it can move that track/);
      assert.equal(
        await privateAnswer(command(world, "remove", alice, { position: 9 })),
        "There is no track at position 9 in the queue.",
      );
      assert.equal(
        await privateAnswer(command(world, "move", alice, { from: 3, to: 9 })),
        "The queue has 4 tracks; pick a place from 1 to 4.",
      );
      assert.deepEqual(await queuedTitles(world), queued, "a refused /remove or /move changes nothing");

      assert.equal(
        await answerText(command(world, "move", alice, { from: 3, to: 1 })),
        "Moved **alice-b** to position 1.",
      );
      assert.deepEqual(await queuedTitles(world), ["alice-b", "alice-a", "bob-a", "bob-b"]);
      assert.equal(
        await answerText(command(world, "remove", alice, { position: 2 })),
        "Removed **alice-a** from the queue.",
      );
      assert.deepEqual(await queuedTitles(world), ["alice-b", "bob-a", "bob-b"]);

      assert.equal(
        await answerText(command(world, "move", carol, { from: 3, to: 1 }, { dj: true })),
        "Moved **bob-b** to position 1.",
      );
      assert.equal(
        await answerText(command(world, "remove", carol, { position: 3 }, { dj: true })),
        "Removed **bob-a** from the queue.",
      );
      assert.deepEqual(await queuedTitles(world), ["bob-b", "alice-b"]);
      assert.deepEqual(await heardAfterSkip(world, "alice-b"), tones(["bob-b", "alice-b"]));
    });

    await t.step(
      "/clear mine takes one's own tracks, even from outside the channel; everyone's needs a DJ; the music plays on",
      async () => {
        await queueBehindLong(world, tracks, [
          [alice, "alice-a"],
          [alice, "alice-b"],
          [bob, "bob-a"],
          [bob, "bob-b"],
        ]);
        const refused = await privateAnswer(command(world, "clear", bob));
        assert.match(refused, /^Only a DJ can clear everyone's tracks/);
        assert.deepEqual(await queuedTitles(world), ["alice-a", "bob-a", "alice-b", "bob-b"]);

        // Taking back one's own requests is the usual thing to do on the way out, so it works from outside.
        world.discord.setVoiceState(bob, null);
        assert.equal(
          await privateAnswer(command(world, "shuffle", bob)),
          `You need to be in <#${channel}> with me to do that. Join it and try again.`,
          "the bot sees Bob outside the channel",
        );
        assert.equal(
          await answerText(command(world, "clear", bob, { mine: true })),
          "Removed your 2 queued tracks.",
        );
        world.discord.setVoiceState(bob, channel);
        assert.deepEqual(await queuedTitles(world), ["alice-a", "alice-b"]);
        assert.equal(
          await answerText(command(world, "clear", carol, {}, { dj: true })),
          "Cleared the queue (2 tracks).",
        );
        assert.deepEqual(await queuedTitles(world), []);
        const clearedAt = Date.now();
        await waitForTone(world.voice, clearedAt, LONG_HZ, { candidatesHz: CANDIDATES, dir: world.dataDir });
      },
    );

    await t.step("/play next:true is refused to a non-DJ; a DJ's track plays first", async () => {
      for (const [userId, title] of [[alice, "alice-a"], [bob, "bob-a"]] as const) {
        assert.match(
          await answerText(command(world, "play", userId, { query: tracks.url[title] })),
          /^Queued/,
        );
      }
      const refused = await privateAnswer(
        command(world, "play", alice, { query: tracks.url["alice-b"], next: true }),
      );
      assert.match(refused, /^Only a DJ can put a track first/);
      assert.deepEqual(await queuedTitles(world), ["alice-a", "bob-a"], "the refused track was not queued");

      const next = await answerText(
        command(world, "play", carol, { query: tracks.url["dj-next"], next: true }, { dj: true }),
      );
      assert.match(next, /^Queued .*dj-next.* at position 1\./);
      assert.deepEqual(await queuedTitles(world), ["dj-next", "alice-a", "bob-a"]);
      assert.deepEqual(await heardAfterSkip(world, "bob-a"), tones(["dj-next", "alice-a", "bob-a"]));
    });

    await t.step(
      "/stop is refused to a non-DJ; a DJ's empties the queue and silences the channel (2 s watched)",
      async () => {
        await queueBehindLong(world, tracks, [[alice, "alice-a"], [bob, "bob-a"]]);
        const refused = await privateAnswer(command(world, "stop", alice));
        assert.match(refused, /^Only a DJ can stop the music for everyone/);
        const refusedAt = Date.now();
        await waitForTone(world.voice, refusedAt, LONG_HZ, { candidatesHz: CANDIDATES, dir: world.dataDir });
        assert.deepEqual(await queuedTitles(world), ["alice-a", "bob-a"]);

        const speakingBefore = speakingCount(world.voice);
        assert.equal(
          await answerText(command(world, "stop", carol, {}, { dj: true })),
          `Stopped and cleared the queue, as <@${carol}> asked.`,
        );
        await waitForSpeakingEnd(world.voice, speakingBefore);
        await noAudioFor(world.voice, SILENT_WINDOW_MS, "after a DJ's /stop");
        assert.deepEqual(await queuedTitles(world), []);
        const state = await privateAnswer(command(world, "nowplaying", alice));
        assert.match(state, /Nothing is playing/);
      },
    );
    assert.deepEqual(world.discord.rejections, [], "Discord accepted every message the bot sent");
  },
);

function sameOrder(
  a: { lines: readonly { title: string }[] },
  b: { lines: readonly { title: string }[] },
): boolean {
  return a.lines.map((line) => line.title).join() === b.lines.map((line) => line.title).join();
}

/** Alice's and Bob's tracks take turns, each person's three all still there and still theirs. */
function assertTakesTurns(world: TestWorld, lines: readonly QueueLine[], text: string): void {
  const names: Record<string, string> = { [world.alice]: "alice", [world.bob]: "bob" };
  const owners = lines.map((line) => names[line.requesterId]);
  assert.deepEqual(
    owners,
    lines.map((line) => line.title.split("-")[0]),
    `each track is its requester's:\n${text}`,
  );
  assert.equal(lines.length, 6, text);
  assert.ok(owners.every((owner, i) => i === 0 || owner !== owners[i - 1]), `turns alternate:\n${text}`);
  assert.deepEqual(
    lines.map((line) => line.title).sort(),
    ["alice-a", "alice-b", "alice-c", "bob-a", "bob-b", "bob-c"],
    text,
  );
}
