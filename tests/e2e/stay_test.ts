/**
 * 24/7: with /stay on, the bot stays in its channel alone and idle past both timeouts, and a bot killed with
 * SIGKILL comes back to that channel on its own with nothing playing and nobody there.
 */
import assert from "node:assert/strict";
import { answerText, firstResponse } from "./bot_answers.ts";
import { addTone } from "./media_library.ts";
import { speakingCount, waitForSpeakingEnd } from "./received_audio.ts";
import type { TestWorld } from "./test_world.ts";
import { worldTest } from "./with_world.ts";

const ALONE_TIMEOUT_S = 2;
/** How long past the alone and idle timeouts the bot is watched for leaving. */
const WATCH_MS = ALONE_TIMEOUT_S * 1000 + 4_000;

function stay(world: TestWorld, mode: "on" | "off", dj: boolean) {
  return world.discord.sendCommand({
    name: "stay",
    options: [{ name: "mode", type: 3, value: mode }],
    userId: world.alice,
    roles: dj ? [world.discord.guild.djRoleId] : [],
  });
}

/** Whether the bot asks to leave voice (in an update after the first `from`) within `ms`. */
async function leftWithin(world: TestWorld, from: number, ms: number): Promise<boolean> {
  const updates = world.discord.voiceStateUpdates;
  try {
    await updates.waitFor(
      (update) => update.channel_id === null && updates.items.indexOf(update) >= from,
      ms,
    );
    return true;
  } catch {
    return false;
  }
}

worldTest(
  "with /stay on the bot stays alone and idle past the timeouts, and rejoins its channel after kill -9",
  async (world, t) => {
    const channel = world.discord.guild.voiceChannelId;
    const settings = { TRAZOM_ALONE_TIMEOUT: String(ALONE_TIMEOUT_S), TRAZOM_IDLE_TIMEOUT: "2" };
    const short = await addTone(world, "short.mp3", 440, 2);
    const first = await world.startBot(settings);

    await t.step("only a DJ may turn 24/7 on", async () => {
      const response = await firstResponse(stay(world, "on", false));
      const data = response.data as { content?: string; flags?: number };
      assert.equal(data.flags, 64, "the refusal is shown to the caller only");
      assert.match(data.content ?? "", /Only a DJ can keep me in the channel/);
    });

    await t.step("staying alone and idle past both timeouts", async () => {
      const speaking = speakingCount(world.voice);
      await answerText(world.play(short));
      assert.match(
        await answerText(stay(world, "on", true)),
        new RegExp(`24/7 is on: I'll stay in <#${channel}>`),
      );
      await waitForSpeakingEnd(world.voice, speaking, 30_000);
      const from = world.discord.voiceStateUpdates.items.length;
      world.discord.setVoiceState(world.alice, null);
      assert.equal(
        await leftWithin(world, from, WATCH_MS),
        false,
        `the bot did not leave in the ${WATCH_MS} ms after being left alone with an empty queue`,
      );
      assert.ok(
        !world.discord.channelMessages.some((m) =>
          /nobody was listening|queue was empty/.test(String(m.body.content))
        ),
        "no leaving notice",
      );
    });

    await t.step("after kill -9 the bot comes back to its channel with nothing playing", async () => {
      await first.kill();
      const joinsBefore = world.discord.voiceStateUpdates.items.length;
      const connectionsBefore = world.voice.sockets.length;
      await world.startBot(settings);
      await world.discord.voiceStateUpdates.waitFor(
        (update) =>
          update.channel_id === channel &&
          world.discord.voiceStateUpdates.items.indexOf(update) >= joinsBefore,
        30_000,
        "the restarted bot to ask for its channel",
      );
      await world.voice.waitUntil(
        () => world.voice.sockets.slice(connectionsBefore).some((socket) => socket.identify !== undefined),
        30_000,
        "a new voice connection",
      );
      const from = world.discord.voiceStateUpdates.items.length;
      assert.equal(
        await leftWithin(world, from, WATCH_MS),
        false,
        `the restarted bot did not leave in the ${WATCH_MS} ms after rejoining an empty channel`,
      );
    });

    await t.step("with 24/7 off again, the bot leaves its empty channel", async () => {
      const from = world.discord.voiceStateUpdates.items.length;
      assert.match(await answerText(stay(world, "off", true)), /24\/7 is off/);
      assert.ok(await leftWithin(world, from, 30_000), "the bot left once 24/7 was off");
    });
    assert.deepEqual(world.discord.rejections, [], "Discord accepted every message the bot sent");
  },
);
