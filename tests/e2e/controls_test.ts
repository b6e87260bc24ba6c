/**
 * What a listener controls, end to end: skip, pause and resume, seek, a refusal for someone outside the
 * channel, a vote to skip someone else's track, and the bot leaving when everyone has gone.
 */
import { worldTest } from "./with_world.ts";
import { answerText, sleep } from "./bot_answers.ts";
import assert from "node:assert/strict";
import { TestWorld } from "./test_world.ts";
import { addTone, addToneSteps } from "./media_library.ts";
import { firstArrivalOfTone, toneBetween } from "./received_audio.ts";

const TONES = [300, 500, 700, 900];

function command(
  world: TestWorld,
  name: string,
  userId: string,
  options: { name: string; type: number; value: string | number | boolean }[] = [],
) {
  return world.discord.sendCommand({ name, userId, options });
}

worldTest(
  "listeners skip, pause, resume and seek; outsiders are refused; votes skip; the bot leaves when alone",
  async (world, t) => {
    const { alice, bob } = world;
    const carol = world.discord.guild.humanIds[2];
    const channel = world.discord.guild.voiceChannelId;
    const long300 = await addTone(world, "long300.mp3", 300, 30);
    const long500 = await addTone(world, "long500.mp3", 500, 30);
    const steps = await addToneSteps(world, "steps.mp3", [[700, 10], [900, 10]]);
    const bobs = await addTone(world, "bobs.mp3", 300, 30);
    await world.startBot({ TRAZOM_ALONE_TIMEOUT: "2" });

    await t.step("skip: the next track is heard within a second", async () => {
      await answerText(world.play(long300, alice));
      await answerText(world.play(long500, alice));
      await world.voice.waitForPackets(50, 30_000);
      await sleep(1_500);
      const skippedAt = Date.now();
      const skipText = await answerText(command(world, "skip", alice));
      assert.ok(/Skipped/.test(skipText), skipText);
      await sleep(2_000);
      assert.equal(
        await toneBetween(world.voice, skippedAt + 1_000, skippedAt + 2_000, world.dataDir, TONES),
        500,
      );
      const heardAt = await firstArrivalOfTone(world.voice, skippedAt, 500, world.dataDir, TONES);
      console.log(`next track heard ${heardAt - skippedAt} ms after /skip`);
      assert.ok(heardAt - skippedAt < 1_000, "the next track starts within a second");
    });

    await t.step("pause stops the audio until resume", async () => {
      assert.ok(/Paused/.test(await answerText(command(world, "pause", alice))));
      const pausedAt = Date.now();
      await sleep(1_500);
      const during = world.voice.audioPackets().filter((p) => p.receivedAt > pausedAt + 200).length;
      assert.equal(during, 0, "no audio while paused");
      assert.ok(/Resumed/.test(await answerText(command(world, "resume", alice))));
      const resumedAt = Date.now();
      await world.voice.waitUntil(
        () => world.voice.audioPackets().some((p) => p.receivedAt > resumedAt),
        5_000,
        "audio after resume",
      );
    });

    await t.step("the now-playing card's buttons pause and resume like the commands", async () => {
      const card = world.discord.channelMessages.findLast((m) =>
        (m.body.components as unknown[] | undefined)?.length
      );
      assert.ok(card, "a now-playing card with buttons was posted when the track changed");
      const press = (customId: string) =>
        world.discord.sendComponent({ customId, messageId: card.messageId, userId: alice })
          .waitForResponse();
      const paused = await press("np:pause");
      assert.equal(paused.type, 7, "the card is updated in place");
      assert.ok(/Paused/.test(String((paused.data as { content?: string }).content)));
      const pausedAt = Date.now();
      await sleep(1_000);
      assert.equal(world.voice.audioPackets().filter((p) => p.receivedAt > pausedAt + 200).length, 0);
      assert.equal((await press("np:resume")).type, 7);
      const resumedAt = Date.now();
      await world.voice.waitUntil(
        () => world.voice.audioPackets().some((p) => p.receivedAt > resumedAt),
        5_000,
        "audio after the resume button",
      );
    });

    await t.step("someone outside the voice channel cannot control it", async () => {
      const interaction = command(world, "pause", carol);
      const response = await interaction.waitForResponse();
      const data = response.data as { content?: string; flags?: number };
      assert.equal(data.flags, 64);
      assert.ok(/need to be in/.test(data.content ?? ""), data.content);
      assert.ok(world.voice.audioPackets().at(-1)!.receivedAt > Date.now() - 500, "the music plays on");
    });

    await t.step("seek jumps within the cached track", async () => {
      await answerText(world.play(steps, alice));
      await answerText(command(world, "skip", alice));
      await sleep(2_500);
      const before = Date.now();
      assert.equal(await toneBetween(world.voice, before - 1_000, before, world.dataDir, TONES), 700);
      assert.ok(
        /Jumped to 0:12/.test(
          await answerText(command(world, "seek", alice, [{ name: "time", type: 3, value: "0:12" }])),
        ),
      );
      const seekedAt = Date.now();
      await sleep(1_500);
      assert.equal(await toneBetween(world.voice, seekedAt + 300, Date.now(), world.dataDir, TONES), 900);
    });

    await t.step("two of three listeners vote to skip Bob's track", async () => {
      world.discord.setVoiceState(bob, channel);
      world.discord.setVoiceState(carol, channel);
      await answerText(world.play(bobs, bob));
      await answerText(command(world, "skip", alice));
      await sleep(1_500);
      assert.ok(/voted to skip: 1\/2/.test(await answerText(command(world, "skip", alice))));
      const passed = await answerText(command(world, "skip", carol));
      assert.ok(/The listeners voted to skip .*2\/2/.test(passed), passed);
      const skippedAt = Date.now();
      await sleep(1_000);
      const after = world.voice.audioPackets().filter((p) => p.receivedAt > skippedAt + 200).length;
      assert.equal(after, 0, "Bob's track stopped and nothing else was queued");
      assert.equal(
        world.discord.voiceStateUpdates.items.at(-1)?.channel_id,
        channel,
        "still in the channel",
      );
    });

    await t.step("the bot leaves, and says so, once everyone has gone", async () => {
      for (const user of [alice, bob, carol]) world.discord.setVoiceState(user, null);
      await world.discord.waitForChannelMessage(
        (m) => /nobody was listening/.test(String(m.body.content)),
        10_000,
      );
      await world.discord.voiceStateUpdates.waitFor(
        (update) => update.channel_id === null,
        5_000,
        "leaving voice",
      );
    });
    assert.deepEqual(world.discord.rejections, [], "Discord accepted every message the bot sent");
  },
);
