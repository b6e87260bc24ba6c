/**
 * Everyday edges as a listener meets them: a /play whose link fails slowly, right before a good one, while
 * the bot idles in its channel; and a setting chosen as the very first command after a start.
 */
import assert from "node:assert/strict";
import { worldTest } from "./with_world.ts";
import { addTone } from "./media_library.ts";
import { answerText, firstResponse } from "./bot_answers.ts";
import { waitForTone } from "./received_audio.ts";
import { askUntil } from "../fakes/wait_until.ts";

const [WARM, GOOD] = [300, 700];

worldTest(
  "a slow 404 followed at once by a good link while the bot idles in its channel: the good song is heard",
  async (world) => {
    const warm = await addTone(world, "warm.mp3", WARM, 1);
    const good = await addTone(world, "good.mp3", GOOD, 3);
    world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
    await world.startBot();
    const botId = world.discord.guild.botUser.id;

    assert.match(await answerText(world.play(warm)), /warm/i);
    await waitForTone(world.voice, 0, WARM, { candidatesHz: [WARM, GOOD], dir: world.dataDir });
    await askUntil(async () => {
      const text = await answerText(world.discord.sendCommand({ name: "nowplaying", userId: world.alice }));
      return /Nothing is playing/.test(text) || undefined;
    }, "the first song ended and the bot idles in its channel");
    const channel = world.discord.voiceChannelOf(botId);
    assert.equal(channel, world.discord.guild.voiceChannelId, "idling in the channel");

    // The broken link's server answers 404, but only once the good /play has been sent behind it.
    let answer404!: () => void;
    world.media.hold("missing.mp3", new Promise((resolve) => (answer404 = resolve)));
    const typo = world.play(`${world.media.url}/missing.mp3`, world.alice);
    await askUntil(
      () => Promise.resolve(world.media.count("missing.mp3") > 0 || undefined),
      "the link is asked for",
    );
    const since = Date.now();
    const goodPlay = world.play(good, world.bob);
    answer404();
    assert.doesNotMatch(await answerText(typo), /Queued|Playing/, "the broken link is refused");
    assert.match(await answerText(goodPlay), /good/i);

    await waitForTone(world.voice, since, GOOD, { candidatesHz: [WARM, GOOD], dir: world.dataDir });
    assert.equal(world.discord.voiceChannelOf(botId), channel, "the bot stayed in its channel");
    const left = world.discord.channelMessages.filter((message) =>
      /I left|left <#/.test(String(message.body.content))
    );
    assert.deepEqual(left, [], "no leave was announced");
  },
);

worldTest(
  "/mode fifo as the first command after a start is not undone: tracks play in the order asked",
  async (world) => {
    const [A1, A2, B1] = [400, 600, 800];
    // A1 is long, so A2 and B1 are both waiting behind it however slowly they are looked up.
    const urls = await Promise.all(
      [[A1, 120], [A2, 2], [B1, 2]].map(([hz, s]) => addTone(world, `${hz}.mp3`, hz, s)),
    );
    world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
    await world.startBot();

    const dj = { userId: world.alice, roles: [world.discord.guild.djRoleId] };
    const mode = world.discord.sendCommand({
      ...dj,
      name: "mode",
      options: [{ name: "order", type: 3, value: "fifo" }],
    });
    assert.match(await answerText(mode), /order tracks were asked for/);

    assert.match(await answerText(world.play(urls[0], world.alice)), /Playing/);
    assert.match(await answerText(world.play(urls[1], world.alice)), /Queued/);
    assert.match(await answerText(world.play(urls[2], world.bob)), /Queued/);
    const listing = await firstResponse(world.discord.sendCommand({ name: "queue", userId: world.alice }));
    const description = String(
      (listing.data as { embeds?: { description?: string }[] }).embeds?.[0]?.description,
    );
    const entries = description.split("\n").filter((line) => /^\*\*\d+\.\*\*/.test(line));
    assert.deepEqual(
      entries.map((line) => line.includes(`<@${world.alice}>`) ? "alice" : "bob"),
      ["alice", "bob"],
      `A2 before B1, first come first served (fair turns would put B1 first):\n${description}`,
    );

    assert.match(
      await answerText(world.discord.sendCommand({ name: "skip", userId: world.alice })),
      /Skipped/,
    );
    const since = Date.now();
    const a2 = await waitForTone(world.voice, since, A2, { candidatesHz: [A1, A2, B1], dir: world.dataDir });
    const b1 = await waitForTone(world.voice, since, B1, { candidatesHz: [A1, A2, B1], dir: world.dataDir });
    assert.ok(a2.index < b1.index, "A2 is heard before B1");
  },
);
