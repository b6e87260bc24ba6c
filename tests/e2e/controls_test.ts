/**
 * What a listener controls, end to end: skip, pause and resume, seek, a refusal for someone outside the
 * channel, a vote to skip someone else's track, and the bot leaving when everyone has gone.
 *
 * Every step waits for what it checks: a tone heard, a reply, the bot saying it stopped speaking; a check that
 * nothing plays watches the channel for a stated window.
 */
import { worldTest } from "./with_world.ts";
import { answerText, firstResponse } from "./bot_answers.ts";
import assert from "node:assert/strict";
import { TestWorld } from "./test_world.ts";
import { addTone, addToneSteps } from "./media_library.ts";
import {
  audioBetween,
  noAudioFor,
  packetsFor,
  speakingCount,
  waitForSpeakingEnd,
  waitForTone,
} from "./received_audio.ts";

const TONES = [300, 500, 700, 900];
/** How long the checks that nothing plays watch the channel. */
const SILENT_WINDOW_MS = 2_000;

function command(
  world: TestWorld,
  name: string,
  userId: string,
  options: { name: string; type: number; value: string | number | boolean }[] = [],
) {
  return world.discord.sendCommand({ name, userId, options });
}

function heard(world: TestWorld, sinceMs: number, hz: number) {
  return waitForTone(world.voice, sinceMs, hz, { candidatesHz: TONES, dir: world.dataDir });
}

/** What /nowplaying shows: the card's state line, or the bot's reply when nothing plays. */
async function nowPlayingState(world: TestWorld): Promise<string> {
  const response = await firstResponse(command(world, "nowplaying", world.alice));
  const data = (response.data ?? {}) as { content?: string; embeds?: { description?: string }[] };
  return data.embeds?.[0]?.description?.split("\n")[0] ?? data.content ?? "";
}

/**
 * Pauses with `pause`, checks that the audio stopped, stays stopped for SILENT_WINDOW_MS, and that the bot
 * shows the track paused, resumes with `resume`, and checks the audio came back and none came in between.
 * `pause` and `resume` resolve once the bot has answered.
 */
async function pauseAndResume(world: TestWorld, pause: () => Promise<void>, resume: () => Promise<void>) {
  const speakingBefore = speakingCount(world.voice);
  await pause();
  const stoppedAt = await waitForSpeakingEnd(world.voice, speakingBefore);
  await noAudioFor(world.voice, SILENT_WINDOW_MS, "while paused");
  assert.equal(await nowPlayingState(world), "⏸️ Paused");
  const resumingAt = Date.now();
  await resume();
  const back = await heard(world, resumingAt, 500);
  console.log(`audio back ${back.receivedAt - resumingAt} ms after the resume was sent`);
  assert.deepEqual(audioBetween(world.voice, stoppedAt, resumingAt), [], "no audio while paused");
}

worldTest(
  "listeners skip, pause, resume and seek; outsiders are refused; votes skip; the bot leaves when alone",
  async (world, t) => {
    const { alice, bob } = world;
    const carol = world.discord.guild.humanIds[2];
    const channel = world.discord.guild.voiceChannelId;
    const long300 = await addTone(world, "long300.mp3", 300, 30);
    const long500 = await addTone(world, "long500.mp3", 500, 60);
    const steps = await addToneSteps(world, "steps.mp3", [[700, 20], [900, 10]]);
    const bobs = await addTone(world, "bobs.mp3", 300, 30);
    const after = await addTone(world, "after.mp3", 900, 20);
    await world.startBot({ TRAZOM_ALONE_TIMEOUT: "2" });

    await t.step("skip: the next track is heard", async () => {
      const startedAt = Date.now();
      await answerText(world.play(long300, alice));
      await answerText(world.play(long500, alice));
      await heard(world, startedAt, 300);
      const skippedAt = Date.now();
      const skipText = await answerText(command(world, "skip", alice));
      assert.ok(/Skipped/.test(skipText), skipText);
      const next = await heard(world, skippedAt, 500);
      console.log(`next track heard ${next.receivedAt - skippedAt} ms after /skip`);
    });

    await t.step("pause stops the audio (none for 2 s) until resume", async () => {
      await pauseAndResume(
        world,
        async () => assert.ok(/Paused/.test(await answerText(command(world, "pause", alice)))),
        async () => assert.ok(/Resumed/.test(await answerText(command(world, "resume", alice)))),
      );
    });

    await t.step("the now-playing card's buttons pause and resume like the commands", async () => {
      const card = world.discord.channelMessages.findLast((m) =>
        (m.body.components as unknown[] | undefined)?.length
      );
      assert.ok(card, "a now-playing card with buttons was posted when the track changed");
      const press = (customId: string) =>
        firstResponse(world.discord.sendComponent({ customId, messageId: card.messageId, userId: alice }));
      await pauseAndResume(
        world,
        async () => {
          const paused = await press("np:pause");
          assert.equal(paused.type, 7, "the card is updated in place");
          assert.ok(/Paused/.test(String((paused.data as { content?: string }).content)));
        },
        async () => assert.equal((await press("np:resume")).type, 7),
      );
    });

    await t.step("someone outside the voice channel cannot control it", async () => {
      const interaction = command(world, "pause", carol);
      const response = await firstResponse(interaction);
      const data = response.data as { content?: string; flags?: number };
      assert.equal(data.flags, 64);
      assert.ok(/need to be in/.test(data.content ?? ""), data.content);
      const refusedAt = Date.now();
      const played = await heard(world, refusedAt, 500);
      console.log(`the music played on ${played.receivedAt - refusedAt} ms after the refusal`);
    });

    await t.step("seek jumps within the cached track", async () => {
      await answerText(world.play(steps, alice));
      const skippedAt = Date.now();
      await answerText(command(world, "skip", alice));
      const start = await heard(world, skippedAt, 700);
      const seekingAt = Date.now();
      assert.ok(
        /Jumped to 0:22/.test(
          await answerText(command(world, "seek", alice, [{ name: "time", type: 3, value: "0:22" }])),
        ),
      );
      const jumped = await heard(world, seekingAt, 900);
      console.log(`the new position was heard ${jumped.receivedAt - seekingAt} ms after /seek was sent`);
      const beforeJump = jumped.index - start.index;
      assert.ok(
        beforeJump < packetsFor(15),
        `${beforeJump} packets of the 20 s first part were played: the seek skipped the rest`,
      );
    });

    await t.step(
      "two of three listeners vote to skip Bob's track; nothing plays for 2 s after, until a /play",
      async () => {
        world.discord.setVoiceState(bob, channel);
        world.discord.setVoiceState(carol, channel);
        await answerText(world.play(bobs, bob));
        const skippedAt = Date.now();
        await answerText(command(world, "skip", alice));
        await heard(world, skippedAt, 300);
        assert.ok(/voted to skip: 1\/2/.test(await answerText(command(world, "skip", alice))));
        const speakingBefore = speakingCount(world.voice);
        const passed = await answerText(command(world, "skip", carol));
        assert.ok(/The listeners voted to skip .*2\/2/.test(passed), passed);
        const stoppedAt = await waitForSpeakingEnd(world.voice, speakingBefore);
        await noAudioFor(
          world.voice,
          SILENT_WINDOW_MS,
          "after the vote skipped Bob's track with nothing queued",
        );
        assert.match(await nowPlayingState(world), /Nothing is playing/);
        const playingAt = Date.now();
        assert.ok(/Playing|Queued/.test(await answerText(world.play(after, alice))));
        await heard(world, playingAt, 900);
        assert.deepEqual(
          audioBetween(world.voice, stoppedAt, playingAt),
          [],
          "Bob's track stopped and nothing else played until the next /play",
        );
        const leftAt = world.discord.voiceStateUpdates.items.findIndex((update) =>
          update.channel_id === null
        );
        assert.equal(leftAt, -1, "the bot stayed in the channel");
      },
    );

    await t.step("the bot leaves, and says so, once everyone has gone", async () => {
      for (const user of [alice, bob, carol]) world.discord.setVoiceState(user, null);
      await world.discord.waitForChannelMessage(
        (m) => /nobody was listening/.test(String(m.body.content)),
        30_000,
      );
      await world.discord.voiceStateUpdates.waitFor(
        (update) => update.channel_id === null,
        30_000,
        "leaving voice",
      );
    });
    assert.deepEqual(world.discord.rejections, [], "Discord accepted every message the bot sent");
  },
);
