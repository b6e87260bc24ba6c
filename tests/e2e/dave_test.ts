/**
 * DAVE end to end: the fake voice server runs the MLS group as Discord does, and the listeners in the call
 * are group members with their own davey sessions. What they decrypt is what people would hear, and no frame
 * of the bot's may reach them in the clear.
 */
import assert from "node:assert/strict";
import type { DaveListener } from "../fakes/dave_listener.ts";
import type { FakeVoiceServer } from "../fakes/fake_voice_server.ts";
import { answerText, firstResponse, privateAnswer } from "./bot_answers.ts";
import { addTone } from "./media_library.ts";
import { loudnessOf, noAudioFor, packetsFor, toneOrder } from "./received_audio.ts";
import type { TestWorld } from "./test_world.ts";
import { dropAndWaitForReconnect, VOICE_DROPS } from "./voice_drops.ts";
import { worldTest } from "./with_world.ts";
import { askUntil } from "../fakes/wait_until.ts";

const TONES = [300, 500, 700];
/** How long a paused bot, let into the call, is watched for audio it must not send. */
const PAUSED_WINDOW_MS = 2_000;

/** How each of the bot's audio frames arrived (silence frames are never encrypted and carry nothing). */
function arrivals(voice: FakeVoiceServer, since = 0): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const packet of voice.packets.slice(since)) {
    if (packet.opus.length <= 3) continue;
    counts[packet.e2ee] = (counts[packet.e2ee] ?? 0) + 1;
  }
  return counts;
}

/** How the frames a listener received while in an established group arrived. */
function heardInGroup(listener: DaveListener, since = 0): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const frame of listener.frames.slice(since)) {
    if (frame.inGroup) counts[frame.outcome] = (counts[frame.outcome] ?? 0) + 1;
  }
  return counts;
}

function onlyEncrypted(counts: Record<string, number>, what: string): void {
  assert.deepEqual(Object.keys(counts), ["encrypted"], `${what}: ${JSON.stringify(counts)}`);
}

/** Waits until `listener` decrypted `count` more frames than it had at `since`. */
function decrypted(world: TestWorld, listener: DaveListener, since: number, count: number, what: string) {
  return world.voice.waitUntil(
    () => listener.frames.slice(since).filter((frame) => frame.outcome === "encrypted").length >= count,
    30_000,
    what,
  );
}

function botId(world: TestWorld): string {
  return world.discord.guild.botUser.id;
}

worldTest(
  "a listener decrypts the track the bot plays, the bot joins the listener's group, /privacy shows its code",
  async (world) => {
    const url = await addTone(world, "tone.mp3", 500, 4);
    const bot = await world.startBot();
    const before = await privateAnswer(world.discord.sendCommand({ name: "privacy", userId: world.alice }));
    assert.match(before, /not in a voice call/);

    await answerText(world.play(url));
    await world.voice.waitUntil(() => world.voice.audioPackets().length >= packetsFor(3.5), 60_000, "3.5 s");

    const [alice] = world.voice.listeners();
    const call = world.voice.call()!;
    assert.deepEqual(call.groupUserIds.toSorted(), [world.alice, botId(world)].toSorted());
    const [joined] = call.commits;
    assert.deepEqual([joined.committer, joined.added], [world.alice, [botId(world)]], "joined by welcome");
    onlyEncrypted(arrivals(world.voice), "every frame the bot sent");
    onlyEncrypted(heardInGroup(alice), "what Alice heard");
    const packets = world.voice.audioPackets();
    assert.deepEqual(await toneOrder(packets, world.dataDir, TONES), [500]);
    const loudness = await loudnessOf(packets.slice(0, packetsFor(3.5)), world.dataDir, "heard");
    assert.ok(Math.abs(loudness - -16) < 1.5, `heard at ${loudness.toFixed(1)} LUFS, the target is -16`);

    const privacy = await privateAnswer(world.discord.sendCommand({ name: "privacy", userId: world.alice }));
    assert.ok(alice.voicePrivacyCode.length >= 30, `Alice's code ${alice.voicePrivacyCode}`);
    assert.equal(/`([\d ]+)`/.exec(privacy)?.[1].replaceAll(" ", ""), alice.voicePrivacyCode, privacy);
    assert.ok(!/davey|napi|NotCapable/i.test(bot.log), `the voice stack loaded cleanly:\n${bot.log}`);
  },
);

worldTest(
  "first in the call, the bot makes the group itself with its own commit when a listener arrives",
  async (world) => {
    const url = await addTone(world, "tone.mp3", 300, 6);
    await world.startBot();
    await answerText(world.play(url));
    await world.voice.waitForKeyPackage(30_000);

    const alice = world.voice.addListener(world.alice);
    await world.voice.waitUntil(() => alice.ready, 30_000, "Alice in a group");
    await decrypted(world, alice, 0, packetsFor(2), "2 s decrypted by Alice");

    const [created] = world.voice.call()!.commits;
    assert.deepEqual([created.committer, created.added, created.epoch], [botId(world), [world.alice], 1n]);
    onlyEncrypted(heardInGroup(alice), "what Alice heard");
    onlyEncrypted(arrivals(world.voice), "every frame the bot sent, alone and with Alice");
    const heard = alice.frames.filter((frame) => frame.outcome === "encrypted").map((frame) => frame.opus);
    const packets = heard.map((opus) => ({ opus }) as never);
    assert.deepEqual(await toneOrder(packets, world.dataDir, TONES), [300]);
  },
  { daveListener: false },
);

worldTest(
  "a listener joins mid-track and another leaves: the audio goes on and each decrypts after its transition",
  async (world, t) => {
    const url = await addTone(world, "long.mp3", 500, 40);
    await world.startBot();
    await answerText(world.play(url));
    const [alice] = world.voice.listeners();
    await decrypted(world, alice, 0, packetsFor(1), "1 s decrypted by Alice");
    const call = world.voice.call()!;
    const bob = world.bob;

    let listener!: DaveListener;
    await t.step("Bob joins", async () => {
      const joinedAt = world.voice.packets.length;
      listener = world.voice.addListener(bob);
      await world.voice.waitUntil(() => listener.ready && !call.transitioning, 30_000, "Bob in the group");
      await decrypted(world, listener, 0, packetsFor(2), "2 s decrypted by Bob");
      await decrypted(world, alice, alice.frames.length, packetsFor(1), "Alice still decrypting");
      // Frames the bot encrypted for the epoch before Bob's can still be on their way when he joins: he
      // cannot read them (he never had that epoch's keys), but they are not in the clear either. How many
      // depends on how busy the machine is (one to four here); the bound only catches a switch that hangs.
      const bobs = listener.frames.filter((frame) => frame.inGroup);
      const firstDecrypted = bobs.findIndex((frame) => frame.outcome === "encrypted");
      console.log(`${firstDecrypted} frames in flight when Bob joined`);
      assert.ok(firstDecrypted >= 0 && firstDecrypted <= 30, `${firstDecrypted} frames lost when Bob joined`);
      onlyEncrypted(heardInGroup(listener, listener.frames.indexOf(bobs[firstDecrypted])), "what Bob heard");
      assert.ok(!bobs.some((frame) => frame.outcome === "passthrough"), "nothing in the clear");
      onlyEncrypted(arrivals(world.voice, joinedAt), "the bot's frames around Bob's arrival");
      const added = call.commits.at(-1)!;
      assert.deepEqual([added.added, added.epoch], [[bob], 2n]);
      console.log(`Bob was added by ${added.committer === botId(world) ? "the bot's" : "Alice's"} commit`);
    });

    await t.step("Alice leaves", async () => {
      const leftAt = world.voice.packets.length;
      const bobFrom = listener.frames.length;
      world.voice.removeListener(world.alice);
      await world.voice.waitUntil(() => call.epoch === 3n && !call.transitioning, 30_000, "Alice removed");
      await decrypted(world, listener, bobFrom, packetsFor(2), "Bob decrypting after Alice left");
      assert.deepEqual(call.commits.at(-1)!.removed, [world.alice]);
      assert.deepEqual(call.groupUserIds.toSorted(), [bob, botId(world)].toSorted());
      onlyEncrypted(heardInGroup(listener, bobFrom), "what Bob heard after Alice left");
      onlyEncrypted(arrivals(world.voice, leftAt), "the bot's frames around Alice's departure");
    });

    // Each listener answers proposals at once and wins the race for its epoch against the bot's commit: the
    // bot followed a commit made by another member here; its own commits are proven where it is first.
    assert.ok(
      call.commits.some((commit) => commit.committer !== botId(world) && commit.epoch > 1n),
      JSON.stringify(call.commits, (_, v) => typeof v === "bigint" ? Number(v) : v),
    );
    assert.deepEqual(await toneOrder(world.voice.audioPackets(), world.dataDir, TONES), [500]);
  },
);

worldTest(
  "a voice reconnect, closed with 4015 or cut, keeps the audio encrypted and decryptable",
  async (world, t) => {
    const url = await addTone(world, "long.mp3", 700, 40);
    await world.startBot();
    await answerText(world.play(url));
    const [alice] = world.voice.listeners();
    await decrypted(world, alice, 0, packetsFor(1), "1 s decrypted by Alice");

    for (const drop of VOICE_DROPS) {
      await t.step(drop.name, async () => {
        const from = alice.frames.length;
        await dropAndWaitForReconnect(world.voice, drop);
        await decrypted(world, alice, from, packetsFor(2), "2 s decrypted after the reconnect");
        onlyEncrypted(heardInGroup(alice, from), "what Alice heard after the reconnect");
      });
    }
    onlyEncrypted(arrivals(world.voice), "every frame the bot sent");
    assert.deepEqual(await toneOrder(world.voice.audioPackets(), world.dataDir, TONES), [700]);
  },
);

worldTest("after kill -9 the restarted bot's audio is encrypted and decryptable again", async (world) => {
  const url = await addTone(world, "long.mp3", 300, 30);
  const first = await world.startBot();
  await answerText(world.play(url));
  const [alice] = world.voice.listeners();
  await decrypted(world, alice, 0, packetsFor(2), "2 s decrypted by Alice");
  await first.kill();

  const from = alice.frames.length;
  const commitsBefore = world.voice.call()!.commits.length;
  await world.startBot();
  await decrypted(world, alice, from, packetsFor(2), "2 s decrypted after the restart");
  onlyEncrypted(heardInGroup(alice, from), "what Alice heard after the restart");
  onlyEncrypted(arrivals(world.voice), "every frame either bot sent");
  const rejoined = world.voice.call()!.commits.slice(commitsBefore);
  assert.ok(
    rejoined.some((commit) => commit.added.includes(botId(world))),
    "the new bot joined the group anew",
  );
});

worldTest("a cached track started right after joining sends no frame in the clear", async (world) => {
  const url = await addTone(world, "short.mp3", 500, 3);
  await world.startBot();
  await answerText(world.play(url));
  const [alice] = world.voice.listeners();
  await decrypted(world, alice, 0, packetsFor(2.5), "the first play");
  await answerText(world.discord.sendCommand({ name: "leave", userId: world.alice }));
  await world.voice.waitUntil(() => !world.voice.call()!.groupUserIds.includes(botId(world)), 30_000, "left");

  const from = alice.frames.length;
  const packetsFrom = world.voice.packets.length;
  await answerText(world.play(url));
  await decrypted(world, alice, from, packetsFor(2.5), "the cached track again");
  onlyEncrypted(arrivals(world.voice, packetsFrom), "every frame after the rejoin");
  onlyEncrypted(heardInGroup(alice, from), "what Alice heard after the rejoin");
});

worldTest(
  "a /pause while the call's encryption is still being set up holds once it is: nothing plays (2 s watched) until /resume",
  async (world) => {
    const url = await addTone(world, "short.mp3", 500, 3);
    await world.startBot();
    await answerText(world.play(url));
    const [alice] = world.voice.listeners();
    await decrypted(world, alice, 0, packetsFor(2.5), "the first play, which caches the track");
    await answerText(world.discord.sendCommand({ name: "leave", userId: world.alice }));
    await world.voice.waitUntil(
      () => !world.voice.call()!.groupUserIds.includes(botId(world)),
      30_000,
      "left",
    );

    // Back in the call, but kept out of its group: the bot's audio must wait, and the cached track is
    // already playing as far as the bot is concerned (/nowplaying shows it).
    const call = world.voice.call()!;
    call.keepOut(botId(world));
    await answerText(world.play(url));
    await nowPlayingShown(world);
    const paused = await answerText(world.discord.sendCommand({ name: "pause", userId: world.alice }));
    assert.match(paused, /^Paused by/);

    const packetsFrom = world.voice.packets.length;
    call.letIn(botId(world));
    // /privacy shows the code once the bot's audio would be end-to-end encrypted, which is when its player
    // is let through to the call. Paused, it sends nothing but a few frames of silence.
    await privacyCodeShown(world);
    await noAudioFor(world.voice, PAUSED_WINDOW_MS, "while paused, once let into the call");
    assert.deepEqual(arrivals(world.voice, packetsFrom), {}, "no audio frame while paused");

    const from = alice.frames.length;
    const resumed = await answerText(world.discord.sendCommand({ name: "resume", userId: world.alice }));
    assert.match(resumed, /^Resumed/);
    await decrypted(world, alice, from, packetsFor(2.9), "the whole track, from its start, after /resume");
    onlyEncrypted(arrivals(world.voice, packetsFrom), "every frame after the bot was let in");
  },
);

/** Waits until /privacy shows the call's voice privacy code (the bot's audio is end-to-end encrypted). */
function privacyCodeShown(world: TestWorld): Promise<string> {
  return askUntil(async () => {
    const answer = await privateAnswer(world.discord.sendCommand({ name: "privacy", userId: world.alice }));
    return /voice privacy code is:/.test(answer) ? answer : undefined;
  }, "/privacy to show the code");
}

/** Waits until /nowplaying shows a track (a track being prepared is not shown). */
function nowPlayingShown(world: TestWorld): Promise<unknown[]> {
  return askUntil(async () => {
    const response = await firstResponse(
      world.discord.sendCommand({ name: "nowplaying", userId: world.alice }),
    );
    const embeds = ((response.data ?? {}) as { embeds?: unknown[] }).embeds;
    return embeds?.length ? embeds : undefined;
  }, "/nowplaying to show the track");
}
